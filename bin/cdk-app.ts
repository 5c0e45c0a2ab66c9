#!/usr/bin/env node
// The CDK app (cdk.json: `node dist/bin/cdk-app.js`): `npx cdk deploy` deploys Lifeboat with the
// `lifeboat:*` context options (docs/OPERATIONS.md §8), checked by cdk-nag's AwsSolutions pack.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readContext } from '../lib/context';
import { LifeboatStack } from '../lib/lifeboat-stack';

export function buildApp(app = new App()): { app: App; stack: LifeboatStack } {
  const context = readContext((key) => app.node.tryGetContext(key));
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stack = new LifeboatStack(app, context.stackName, {
    ...context.props,
    env,
    description:
      'Lifeboat: backup and recovery (vault, catalog, workers, workflows, schedules, monitoring, API)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (require.main === module) buildApp().app.synth();
