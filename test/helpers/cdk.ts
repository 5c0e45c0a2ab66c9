import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/cdk-app';
import type { LifeboatStack } from '../../lib/lifeboat-stack';

export interface Synthesized {
  stack: LifeboatStack;
  template: Template;
  /** cdk-nag's unacknowledged findings: "rule at construct path". */
  findings: string[];
}

/**
 * The CDK app as `cdk synth` builds it (bin/cdk-app.ts, cdk-nag included), with the given
 * context. Bundling is skipped (`aws:cdk:bundling-stacks: []`): the construct tests look at the
 * template; test/e2e/lambda-bundle.test.ts bundles and runs the functions.
 */
export function synth(context: Record<string, unknown> = {}, env: Record<string, string> = {}): Synthesized {
  const saved = { region: process.env.CDK_DEFAULT_REGION, account: process.env.CDK_DEFAULT_ACCOUNT };
  // An empty value stands for "not known at synth" (no credentials): an environment-agnostic stack.
  const region = env.region ?? 'eu-west-1';
  const account = env.account ?? '111122223333';
  if (region) process.env.CDK_DEFAULT_REGION = region;
  else delete process.env.CDK_DEFAULT_REGION;
  if (account) process.env.CDK_DEFAULT_ACCOUNT = account;
  else delete process.env.CDK_DEFAULT_ACCOUNT;
  try {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-cdk-'));
    const app = new App({
      outdir,
      context: {
        'aws:cdk:bundling-stacks': [],
        // Findings are read from the report below, so that a test failure lists them.
        '@aws-cdk/core:failSynthOnValidationErrors': false,
        ...context,
      },
    });
    const { stack } = buildApp(app);
    const assembly = app.synth();
    const report = JSON.parse(
      fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: {
        pluginName: string;
        violations: { ruleName: string; violatingConstructs?: { constructPath: string }[] }[];
      }[];
    };
    const findings = report.pluginReports
      .filter((p) => p.pluginName !== 'CloudFormation Validate')
      .flatMap((p) =>
        p.violations.flatMap((v) =>
          (v.violatingConstructs ?? []).map((c) => `${v.ruleName} at ${c.constructPath}`),
        ),
      );
    const template = Template.fromJSON(
      JSON.parse(
        fs.readFileSync(path.join(assembly.directory, `${stack.stackName}.template.json`), 'utf8'),
      ) as Record<string, unknown>,
    );
    fs.rmSync(outdir, { recursive: true, force: true });
    return { stack, template, findings };
  } finally {
    if (saved.region === undefined) delete process.env.CDK_DEFAULT_REGION;
    else process.env.CDK_DEFAULT_REGION = saved.region;
    if (saved.account === undefined) delete process.env.CDK_DEFAULT_ACCOUNT;
    else process.env.CDK_DEFAULT_ACCOUNT = saved.account;
  }
}

/** Resources of a type, by logical id. */
export function resources(
  template: Template,
  type: string,
): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}

/** An IAM statement as it appears in a template (Action and Resource are one value or a list). */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The statements of the inline policies attached to a role (by the role's logical id). */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  return Object.values(resources(template, 'AWS::IAM::Policy')).flatMap((policy) => {
    const roles = asList(policy.Properties.Roles as unknown[]).map((r) => (r as { Ref?: string }).Ref);
    if (!roles.includes(roleLogicalId)) return [];
    return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  });
}
