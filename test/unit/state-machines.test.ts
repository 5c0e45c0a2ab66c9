// The ASL files are what CDK deploys and what the local engine runs: each must be valid ASL,
// JSONPath only (the local runner does not evaluate JSONata), with TimeoutSeconds, Retry and
// Catch on every Task, and name only placeholders the CDK app and the engine know.
import aslValidator from 'asl-validator';
import {
  INFRASTRUCTURE_PLACEHOLDERS,
  STEP_PLACEHOLDERS,
  STEPS,
} from '../../functions/core/services/workflows/steps';
import {
  allStates,
  loadDefinition,
  MACHINES,
  placeholdersOf,
  substitute,
} from '../../functions/local/state-machines';

const KNOWN = new Set<string>([...STEP_PLACEHOLDERS, ...INFRASTRUCTURE_PLACEHOLDERS]);

describe.each(MACHINES)('state-machines/%s.asl.json', (machine) => {
  const { text, definition } = loadDefinition(machine);

  it('is valid ASL', () => {
    const fake = substitute(text, (name) =>
      name.endsWith('Ids') ? 'local' : `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    );
    const { isValid, errors } = aslValidator(JSON.parse(fake) as object);
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('uses JSONPath only', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const [name, state] of allStates(definition)) {
      for (const field of ['QueryLanguage', 'Arguments', 'Output', 'Assign'])
        expect({ state: name, field, present: field in state }).toEqual({
          state: name,
          field,
          present: false,
        });
    }
  });

  it('gives every Task a timeout, a Retry with backoff and jitter, and a Catch', () => {
    const tasks = [...allStates(definition)].filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      expect({ name, timeout: typeof state.TimeoutSeconds === 'number' && state.TimeoutSeconds > 0 }).toEqual(
        {
          name,
          timeout: true,
        },
      );
      const retries = (state.Retry ?? []) as { BackoffRate?: number; JitterStrategy?: string }[];
      expect({ name, retries: retries.length > 0 }).toEqual({ name, retries: true });
      for (const r of retries)
        expect({ name, backoff: r.BackoffRate, jitter: r.JitterStrategy }).toEqual({
          name,
          backoff: 2,
          jitter: 'FULL',
        });
      const catches = (state.Catch ?? []) as { ErrorEquals: string[] }[];
      expect({ name, catchesAll: catches.some((c) => c.ErrorEquals.includes('States.ALL')) }).toEqual({
        name,
        catchesAll: true,
      });
    }
  });

  // aws-local-stepfunctions silently ignores these (research note §1). The engine emulates a
  // Distributed Map's reader, batcher, writer and failure tolerance and HeartbeatSeconds
  // (functions/local/distributed-map.ts, test/e2e/distributed-map.test.ts); what it does not
  // emulate must not be used, or the local run would not be the deployed one.
  it('uses nothing the local engine would silently ignore (Task credentials, paths of Map settings)', () => {
    for (const [name, state] of allStates(definition)) {
      const ignored = [
        'Credentials',
        'HeartbeatSecondsPath',
        'MaxConcurrencyPath',
        'ToleratedFailurePercentagePath',
        'ToleratedFailureCountPath',
        'ItemsPointer',
      ].filter((field) => field in state);
      expect({ state: name, ignored }).toEqual({ state: name, ignored: [] });
    }
  });

  it('names only known placeholders', () => {
    const unknown = [...placeholdersOf(text)].filter((p) => !KNOWN.has(p));
    expect(unknown).toEqual([]);
  });
});

it('the local engine has a step for every placeholder of the backup workflow', () => {
  const { text } = loadDefinition('backup');
  const steps = [...placeholdersOf(text)].filter((p) => p.endsWith('FunctionArn'));
  expect(steps.filter((p) => !(p in STEPS))).toEqual([]);
  expect(Object.keys(STEPS).every((p) => (STEP_PLACEHOLDERS as readonly string[]).includes(p))).toBe(true);
});
