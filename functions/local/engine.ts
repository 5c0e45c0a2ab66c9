import Module from 'node:module';
import type * as Sfn from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { ConflictError } from '../core/errors';
import { lambdaCause } from '../core/services/workflows/step-errors';
import type { ServiceContext } from '../core/services/context';
import { STEPS, WORKER_COMMANDS, type Step } from '../core/services/workflows/steps';
import { withHeartbeat } from '../core/services/workflows/heartbeat';
import { newUlid } from '../repository/ids';
import { mapRunArn, rewriteDistributedMaps, runDistributedMap } from './distributed-map';
import {
  allStates,
  loadDefinition,
  substitute,
  type AslDefinition,
  type MachineName,
} from './state-machines';

const { StateMachine } = loadRunner();

/**
 * aws-local-stepfunctions, without the modules it loads for what the engine never does: the AWS
 * Lambda client and the credential providers it would sign with (for Tasks it would invoke in
 * AWS: every Task here has a local handler) and asl-validator (run-time validation is off: the
 * tests validate the files). Loading them cost 170 ms and 25 MiB on every CLI backup and restore
 * (the credential providers 2 MiB more: a tiny backup's peak RSS 109.4 → 107.6 MiB). They are
 * stood in for inert modules during this one load only, then the real ones are back in the
 * module cache for anyone who asks.
 */
function loadRunner(): typeof Sfn {
  const runnerPath = require.resolve('aws-local-stepfunctions');
  const stand = (name: string, exports: unknown): string | undefined => {
    let resolved: string;
    try {
      resolved = require.resolve(name, { paths: [runnerPath] });
    } catch {
      return undefined;
    }
    if (require.cache[resolved]) return undefined;
    const stub = new Module(resolved);
    stub.filename = resolved;
    stub.loaded = true;
    stub.exports = exports;
    require.cache[resolved] = stub;
    return resolved;
  };
  class Refused {
    constructor() {
      throw new Error('the local engine runs every Task in-process; it never calls AWS Lambda');
    }
  }
  const stood = [
    stand('@aws-sdk/client-lambda', { LambdaClient: Refused, InvokeCommand: Refused }),
    stand('@aws-sdk/credential-providers', { fromCognitoIdentityPool: () => new Refused() }),
    stand('asl-validator', { __esModule: true, default: () => ({ isValid: true, errorsText: () => '' }) }),
  ];
  try {
    // The package is ESM-typed but ships a CommonJS build, which `require` picks.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('aws-local-stepfunctions') as typeof Sfn;
  } finally {
    for (const resolved of stood) if (resolved) delete require.cache[resolved];
  }
}

type Execution = ReturnType<Sfn.StateMachine['run']>;
type RunInput = Parameters<Sfn.StateMachine['run']>[0];
type LocalHandlers = NonNullable<
  NonNullable<NonNullable<Parameters<Sfn.StateMachine['run']>[1]>['overrides']>['taskResourceLocalHandlers']
>;
/** One entry of an execution's history (StateEntered, StateRetried, StateCaught, ...). */
export type EventLog = Execution['eventLogs'] extends AsyncIterable<infer E> ? E : never;

/** Step Functions' limit on a state's input and output. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const ECS_RUN_TASK_SYNC = 'arn:aws:states:::ecs:runTask.sync';
const ACCOUNT = '000000000000';
const REGION = 'local';

export interface EngineOptions {
  /** The steps by placeholder; tests swap one for a failing one. */
  steps?: Readonly<Record<string, Step>>;
  /** Wait as the ASL's Retry says (default), or retry at once (tests). */
  retryDelays?: 'as-defined' | 'none';
}

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  status: 'SUCCEEDED' | 'FAILED' | 'ALREADY_STARTED';
  output?: unknown;
  error?: { Error: string; Cause?: string };
  /** What happened, in order: state entered, retried, caught, ... (the console's event history). */
  events: EventLog[];
}

function payloadGuard(what: string, value: unknown): void {
  const size = Buffer.byteLength(JSON.stringify(value ?? null));
  if (size > PAYLOAD_LIMIT_BYTES) {
    throw Object.assign(
      new Error(`${what} is ${size} bytes; Step Functions allows ${PAYLOAD_LIMIT_BYTES}.`),
      {
        name: 'States.DataLimitExceeded',
      },
    );
  }
}

/**
 * Runs the state machines of state-machines/ in-process with aws-local-stepfunctions: each
 * Lambda task calls its step function through a Lambda-shaped adapter (payload limit, the
 * runtime's error shape), and an ECS task runs the same worker command in-process. Execution
 * names are claimed in the catalog, so a name runs once, as in Step Functions.
 */
export class LocalEngine {
  private readonly steps: Readonly<Record<string, Step>>;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: EngineOptions = {},
  ) {
    this.steps = options.steps ?? STEPS;
  }

  async run(
    machine: MachineName,
    input: Record<string, unknown>,
    name = newUlid(),
  ): Promise<ExecutionRecord> {
    return (await this.start(machine, input, name)).done;
  }

  /**
   * Starts an execution and returns once its name is claimed (as StartExecution does): `done`
   * settles when it finishes. A name already used starts nothing (`started: false`).
   */
  async start(
    machine: MachineName,
    input: Record<string, unknown>,
    name = newUlid(),
  ): Promise<{ started: boolean; executionArn: string; done: Promise<ExecutionRecord> }> {
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:lifeboat-${machine}:${name}`;
    payloadGuard('The execution input', input);
    const startedAt = this.ctx.now().toISOString();
    if (!(await this.ctx.catalog.claimExecution(machine, name, startedAt)))
      return {
        started: false,
        executionArn,
        done: Promise.resolve({ executionArn, name, status: 'ALREADY_STARTED', events: [] }),
      };
    const { text } = loadDefinition(machine);
    return {
      started: true,
      executionArn,
      done: this.runDefinition(text, input, { executionArn, name, startedAt, machine }),
    };
  }

  /**
   * Runs a definition's text (with its placeholders): the ASL files through `run`, and tests'
   * own definitions. Distributed Maps are rewritten into Tasks the engine carries out
   * (./distributed-map.ts); Tasks with HeartbeatSeconds fail when their step goes quiet that long.
   */
  async runDefinition(
    text: string,
    input: Record<string, unknown>,
    identity: { executionArn: string; name: string; startedAt: string; machine: string },
  ): Promise<ExecutionRecord> {
    const { executionArn, name, startedAt, machine } = identity;
    const definition = JSON.parse(text) as AslDefinition;
    const fake = (placeholder: string) =>
      placeholder.endsWith('FunctionArn')
        ? `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${placeholder.replace(/Arn$/, '')}`
        : placeholder.endsWith('Ids')
          ? `local-${placeholder}`
          : placeholder === 'WorkerAssignPublicIp'
            ? 'DISABLED'
            : `arn:aws:ecs:${REGION}:${ACCOUNT}:${placeholder}/local`;
    const rewritten = rewriteDistributedMaps(JSON.parse(substitute(text, fake)) as AslDefinition);
    const local = rewritten.definition;
    const stateMachine = new StateMachine(local as unknown as Sfn.StateMachineDefinition, {
      // The ASL files are validated by the tests (asl-validator) and at deploy; compiling the
      // validator's schemas costs half a second per run.
      validationOptions: { noValidate: true },
    });
    const handlers = this.taskHandlers(definition);
    const context = {
      Execution: { Id: executionArn, Name: name, StartTime: startedAt, Input: input as RunInput },
      StateMachine: {
        Id: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:lifeboat-${machine}`,
        Name: `lifeboat-${machine}`,
      },
    };
    for (const [stateName, spec] of rewritten.specs)
      handlers[stateName] = (parameters) =>
        runDistributedMap(spec, parameters as Parameters<typeof runDistributedMap>[1], {
          openBucket: async (bucket) => (await this.ctx.openStore(`s3://${bucket}`)).store,
          runChild: (processor, childInput, item) =>
            new StateMachine(processor as unknown as Sfn.StateMachineDefinition, {
              validationOptions: { noValidate: true },
            }).run(childInput as RunInput, {
              overrides: {
                taskResourceLocalHandlers: handlers as LocalHandlers,
                ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
              },
              context: { ...context, Map: { Item: { Index: item.index, Value: item.value as RunInput } } },
            }).result,
          context: context as unknown as Record<string, unknown>,
          mapRunArn: mapRunArn(executionArn, stateName),
        });
    const retryIntervalOverrides =
      this.options.retryDelays === 'none'
        ? Object.fromEntries(Object.keys(handlers).map((s) => [s, 0]))
        : undefined;

    const execution = stateMachine.run(input as RunInput, {
      overrides: {
        taskResourceLocalHandlers: handlers as LocalHandlers,
        ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
      },
      context,
    });
    const events: EventLog[] = [];
    const collecting = (async () => {
      for await (const event of execution.eventLogs) events.push(event);
    })();
    try {
      const output: unknown = await execution.result;
      await collecting;
      return { executionArn, name, status: 'SUCCEEDED', output, events };
    } catch (error) {
      await collecting.catch(() => undefined);
      // The runner wraps what failed the execution (a Fail state's Error and Cause, or a
      // runtime error) in an ExecutionError, as its cause.
      const wrapped = error as { cause?: unknown };
      const failed = (wrapped.cause ?? error) as { name?: string; message?: string };
      return {
        executionArn,
        name,
        status: 'FAILED',
        error: { Error: failed.name ?? 'Error', Cause: failed.message },
        events,
      };
    }
  }

  /** One handler per Task state, by state name (the runner's key), from the raw definition's placeholders. */
  private taskHandlers(definition: AslDefinition): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [stateName, state] of allStates(definition)) {
      if (state.Type !== 'Task') continue;
      if (state.Resource === LAMBDA_INVOKE) {
        const placeholder = /^\$\{([A-Za-z0-9]+)\}$/.exec(String(state.Parameters?.FunctionName ?? ''))?.[1];
        const step = placeholder ? this.steps[placeholder] : undefined;
        if (!step)
          throw new ConflictError(
            `The state "${stateName}" calls ${placeholder ?? 'an unnamed function'}, which this version does not provide.`,
            'This workflow is not available locally yet.',
          );
        handlers[stateName] = (parameters) => this.invokeLambda(stateName, step, parameters);
      } else if (state.Resource === ECS_RUN_TASK_SYNC) {
        handlers[stateName] = (parameters) => this.runWorkerTask(stateName, parameters);
      }
      if ('HeartbeatSecondsPath' in state)
        throw new ConflictError(
          `The state "${stateName}" sets HeartbeatSecondsPath, which the local engine does not emulate.`,
          'Give HeartbeatSeconds itself.',
        );
      const seconds = state.HeartbeatSeconds;
      const handler = handlers[stateName];
      if (handler && typeof seconds === 'number')
        handlers[stateName] = (parameters) =>
          withHeartbeatTimeout(stateName, seconds, () => handler(parameters));
    }
    return handlers;
  }

  /** The lambda:invoke integration: {FunctionName, Payload} in, {Payload} out. */
  private async invokeLambda(stateName: string, step: Step, parameters: unknown): Promise<unknown> {
    const payload = (parameters as { Payload?: unknown } | null)?.Payload;
    payloadGuard(`The input of "${stateName}"`, payload);
    let result: unknown;
    try {
      result = await step(this.ctx, payload);
    } catch (error) {
      const { name, cause } = lambdaCause(error);
      throw Object.assign(new Error(cause), { name });
    }
    payloadGuard(`The result of "${stateName}"`, result);
    return { Payload: result ?? null, StatusCode: 200 };
  }

  /**
   * The ecs:runTask.sync integration: the container's command and environment name a worker
   * command; it runs here, in-process, and the state gets an ECS-shaped answer.
   */
  private async runWorkerTask(stateName: string, parameters: unknown): Promise<unknown> {
    const container = (
      parameters as {
        Overrides?: {
          ContainerOverrides?: { Command?: string[]; Environment?: { Name: string; Value: string }[] }[];
        };
      }
    ).Overrides?.ContainerOverrides?.[0];
    const command = WORKER_COMMANDS[container?.Command?.[0] ?? ''];
    const step = command ? this.steps[command.step] : undefined;
    if (!command || !step)
      throw Object.assign(new Error(`"${stateName}" names no worker command this version runs.`), {
        name: 'States.TaskFailed',
      });
    const value = container?.Environment?.find((e) => e.Name === command.env)?.Value;
    try {
      await step(this.ctx, { [command.field]: value });
    } catch (error) {
      // ECS reports a container's failure as the task failing; the container's log has the cause.
      const { cause } = lambdaCause(error);
      throw Object.assign(new Error(cause), { name: 'States.TaskFailed' });
    }
    return { TaskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/lifeboat/${newUlid()}`, LastStatus: 'STOPPED' };
  }
}

/**
 * HeartbeatSeconds, which the runner ignores: the step must call heartbeat() (JobProgress does on
 * every report) at least that often, or the Task fails with States.HeartbeatTimeout, as in AWS.
 * The step itself is not stopped (nothing can stop a promise); its result is then ignored.
 */
function withHeartbeatTimeout<T>(stateName: string, seconds: number, run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(
        () =>
          reject(
            Object.assign(new Error(`"${stateName}" sent no heartbeat for ${seconds} s.`), {
              name: 'States.HeartbeatTimeout',
            }),
          ),
        seconds * 1000,
      );
    };
    arm();
    withHeartbeat(arm, run).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
