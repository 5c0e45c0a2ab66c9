#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildApp = buildApp;
// The CDK app (cdk.json: `node dist/bin/cdk-app.js`): `npx cdk deploy` deploys Lifeboat with the
// `lifeboat:*` context options (docs/OPERATIONS.md §8), checked by cdk-nag's AwsSolutions pack.
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cdk_nag_1 = require("cdk-nag");
const context_1 = require("../lib/context");
const lifeboat_stack_1 = require("../lib/lifeboat-stack");
function buildApp(app = new aws_cdk_lib_1.App()) {
    const context = (0, context_1.readContext)((key) => app.node.tryGetContext(key));
    const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    const stack = new lifeboat_stack_1.LifeboatStack(app, context.stackName, {
        ...context.props,
        env,
        description: 'Lifeboat: backup and recovery (vault, catalog, workers, workflows, schedules, monitoring, API)',
    });
    aws_cdk_lib_1.Validations.of(app).addPlugins(new cdk_nag_1.AwsSolutionsChecks(app));
    return { app, stack };
}
if (require.main === module)
    buildApp().app.synth();
//# sourceMappingURL=cdk-app.js.map