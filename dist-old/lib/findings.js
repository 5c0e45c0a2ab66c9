"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.acknowledgeFindings = acknowledgeFindings;
const aws_cdk_lib_1 = require("aws-cdk-lib");
function acknowledge(scope, id, reason) {
    aws_cdk_lib_1.Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
}
/**
 * The cdk-nag AwsSolutions findings Lifeboat accepts, each where it arises and with its reason.
 * Anything else fails the synth (and test/cdk/nag.test.ts).
 */
/** How cdk-nag names things in a finding: logical ids, and the stack's region and account. */
function namesIn(stack) {
    return {
        logicalId: (construct) => stack.getLogicalId(construct.node.defaultChild),
        // An unresolved region or account reads the way CloudFormation's pseudo parameters do.
        region: aws_cdk_lib_1.Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region,
        account: aws_cdk_lib_1.Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
    };
}
function acknowledgeFindings(stack) {
    const { vault, workers, workflows, scheduling, api } = stack;
    const { logicalId, region, account } = namesIn(stack);
    acknowledge(stack, `IAM5[Resource::<${logicalId(vault.bucket)}.Arn>/${vault.prefix}/*]`, 'The repository is every object under its prefix (packs, index, snapshots, keys are named by content hash or ULID, unknown in advance); each role gets only the actions of its duty on it.');
    acknowledge(stack, 'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', "AWS's minimal Lambda logging policy (CreateLogStream/PutLogEvents); each function logs to its own log group.");
    acknowledge(stack, 'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]', 'Only with a worker VPC: the ENI permissions Lambda needs to run inside it.');
    acknowledge(stack, 'L1', 'Lifeboat targets Node.js 22 (nodejs22.x, the runtime its tests and benchmarks run on); a newer runtime is adopted after it passes them.');
    acknowledge(workers, 'IAM5[Resource::*]', 'X-Ray (PutTraceSegments, PutTelemetryRecords), ECR GetAuthorizationToken and, in a VPC, Lambda ENI management accept no resource; test/cdk/lifeboat-stack.test.ts checks that no other action is granted on *.');
    acknowledge(workers, 'ECS2', 'The environment holds names only (table, repository URL, bus, threshold); secrets are read from Secrets Manager at run time by ARN.');
    acknowledge(workflows, 'IAM5[Resource::*]', 'X-Ray and CloudWatch Logs delivery (vended logs) accept no resource; test/cdk/lifeboat-stack.test.ts checks that no other action is granted on *.');
    acknowledge(workflows, `IAM5[Resource::arn:<AWS::Partition>:ecs:${region}:${account}:task/<${logicalId(workers.cluster)}>/*]`, 'ecs:runTask.sync stops and describes the task it started, whose ARN exists only at run time; limited to the workers cluster.');
    acknowledge(scheduling.deadLetterQueue, 'SQS3', 'This queue is the dead-letter queue of the schedules and event rules; an alarm fires on its first message.');
    acknowledge(stack.repositoryProvider, `IAM5[Resource::<${logicalId(stack.repositoryInitializer)}.Arn>:*]`, "The custom resource framework invokes the repository initializer's versions; CDK's Provider grants that.");
    acknowledge(stack.apiHandler, `IAM5[Resource::arn:<AWS::Partition>:scheduler:${region}:${account}:schedule/${scheduling.group.scheduleGroupName}/*]`, "The API creates, changes and deletes the schedules of Lifeboat's schedule group, named after backup schedules made at run time; no other group.");
    acknowledge(scheduling.role, `IAM5[Resource::<${logicalId(scheduling.starter)}.Arn>:*]`, 'EventBridge Scheduler invokes the schedule starter (CDK grants its versions too); the role can invoke nothing else.');
    acknowledge(api, 'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]', "API Gateway's account-level role for execution logs; AWS's managed policy is the documented one.");
    acknowledge(api, 'COG4', 'The API is IAM-authorized (SigV4): operators and the CLI use their AWS credentials; the admin UI signs requests the same way (docs/OPERATIONS.md).');
    acknowledge(api, 'APIG3', 'Every method requires SigV4-signed IAM authorization, so unauthenticated traffic is refused by API Gateway; add a WAFv2 web ACL to the stage if your policy requires one.');
    if (stack.adminUi)
        acknowledgeAdminUiFindings(stack, stack.adminUi);
}
function acknowledgeAdminUiFindings(stack, ui) {
    const distribution = ui.distribution;
    const { logicalId, region, account } = namesIn(stack);
    acknowledge(distribution, 'CFR1', 'The distribution serves the static admin UI only; operators sign in from wherever they are, and every data call is SigV4-authorized by API Gateway.');
    acknowledge(distribution, 'CFR2', 'Static files only (no data, no origin logic); the API they call refuses unsigned requests. Add a WAFv2 web ACL (webAclId) if your policy requires one.');
    acknowledge(distribution, 'CFR3', "Static files only; every action the UI takes is in the API's access log and Lifeboat's audit log. Standard logging would need an ACL-enabled bucket.");
    acknowledge(distribution, 'CFR4', 'The default *.cloudfront.net certificate, whose TLS policy CloudFront sets; a custom domain with an ACM certificate raises the minimum to TLSv1.2_2021 (docs/OPERATIONS.md §12).');
    acknowledge(ui.userPool, 'COG8', 'TOTP MFA is required for every user and there is no self sign-up; the Plus plan (threat protection) is an account-level cost choice.');
    acknowledge(ui.identityPool.authenticatedRole, `IAM5[Resource::arn:<AWS::Partition>:execute-api:${region}:${account}:<${logicalId(stack.api.restApi)}>/<${logicalId(stack.api.restApi.deploymentStage)}>/*/*]`, "The signed-in user may call every method and path of this API's stage and nothing else; what each call may do is the API's.");
    const deployment = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!deployment)
        return;
    const why = "CDK's BucketDeployment copies the built UI from the CDK asset bucket into the UI bucket and invalidates the distribution; CDK scopes its role to those buckets.";
    for (const finding of [
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
        `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${region}/*`,
        `Resource::<${logicalId(ui.bucket)}.Arn>/*`,
        'Resource::*',
    ])
        acknowledge(deployment, `IAM5[${finding}]`, why);
}
//# sourceMappingURL=findings.js.map