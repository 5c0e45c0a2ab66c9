"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.Workflows = void 0;
exports.stepTimeouts = stepTimeouts;
exports.assertDeployable = assertDeployable;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const sfn = __importStar(require("aws-cdk-lib/aws-stepfunctions"));
const constructs_1 = require("constructs");
const project_1 = require("./project");
/** Each step placeholder's longest Task timeout in a definition (the Lambda's timeout). */
function stepTimeouts(definition) {
    const out = new Map();
    const visit = (states) => {
        for (const state of Object.values(states ?? {})) {
            const name = state.Parameters?.FunctionName;
            const match = typeof name === 'string' ? /^\$\{([A-Za-z0-9]+)\}$/.exec(name) : null;
            if (state.Type === 'Task' && match)
                out.set(match[1], Math.max(out.get(match[1]) ?? 0, state.TimeoutSeconds ?? 60));
            visit(state.ItemProcessor?.States);
            visit(state.Iterator?.States);
            for (const branch of state.Branches ?? [])
                visit(branch.States);
        }
    };
    visit(JSON.parse(definition).States);
    return out;
}
/**
 * Refuses what this app cannot yet give the rights for: a Distributed Map's child executions and
 * its S3 reader and writer need grants (states:StartExecution on the machine itself, the
 * buckets), which Workflows does not make. The local engine runs them (functions/local/distributed-map.ts).
 */
function assertDeployable(name, definition) {
    const distributed = [];
    const visit = (states) => {
        for (const [stateName, state] of Object.entries(states ?? {})) {
            const mode = state.ItemProcessor
                ?.ProcessorConfig?.Mode;
            if (state.Type === 'Map' &&
                (mode === 'DISTRIBUTED' || 'ItemReader' in state || 'ResultWriter' in state))
                distributed.push(stateName);
            visit(state.ItemProcessor?.States);
            visit(state.Iterator?.States);
            for (const branch of state.Branches ?? [])
                visit(branch.States);
        }
    };
    visit(JSON.parse(definition).States);
    if (distributed.length > 0)
        throw new Error(`state-machines/${name}.asl.json has a Distributed Map (${distributed.join(', ')}): give its role the rights for child executions and its S3 reader and writer in lib/workflows.ts first.`);
}
/**
 * The four state machines, deployed from `state-machines/*.asl.json` as they are (the text the
 * local engine runs) with `definitionSubstitutions` for every `${Placeholder}`: Standard type,
 * every event logged, X-Ray tracing, and a role that may invoke exactly the functions its
 * definition names and run exactly the task definitions it names.
 */
class Workflows extends constructs_1.Construct {
    stateMachines = {};
    logGroup;
    constructor(scope, id, props) {
        super(scope, id);
        this.logGroup = new logs.LogGroup(this, 'Logs', {
            logGroupName: `/aws/vendedlogs/states/${aws_cdk_lib_1.Stack.of(this).stackName}-workflows`,
            retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        });
        for (const name of project_1.WORKFLOWS)
            this.stateMachines[name] = this.workflow(name, props.workers);
    }
    workflow(name, workers) {
        const definition = (0, project_1.workflowDefinition)(name);
        assertDeployable(name, definition);
        const timeouts = stepTimeouts(definition);
        const substitutions = {};
        const invoked = [];
        const tasks = [];
        const infrastructure = {
            ClusterArn: () => workers.cluster.clusterArn,
            BackupTaskDefinitionArn: () => {
                tasks.push(roles(workers.backupTask));
                return workers.backupTask.taskDefinitionArn;
            },
            RestoreTaskDefinitionArn: () => {
                tasks.push(roles(workers.restoreTask));
                return workers.restoreTask.taskDefinitionArn;
            },
            WorkerSubnetIds: () => workers.subnetIds.join(','),
            WorkerSecurityGroupIds: () => workers.securityGroups.map((g) => g.securityGroupId).join(','),
            WorkerAssignPublicIp: () => workers.assignPublicIp,
        };
        for (const placeholder of (0, project_1.placeholdersOf)(definition)) {
            if ((0, project_1.isStepPlaceholder)(placeholder)) {
                const fn = workers.functionFor({
                    step: (0, project_1.stepName)(placeholder),
                    timeoutSeconds: timeouts.get(placeholder) ?? 60,
                });
                substitutions[placeholder] = fn.functionArn;
                invoked.push(fn.functionArn);
                continue;
            }
            const value = infrastructure[placeholder];
            if (!value)
                throw new Error(`state-machines/${name}.asl.json names \${${placeholder}}, which the CDK app does not know.`);
            substitutions[placeholder] = value();
        }
        const machine = new sfn.StateMachine(this, title(name), {
            stateMachineType: sfn.StateMachineType.STANDARD,
            definitionBody: sfn.DefinitionBody.fromString(definition),
            definitionSubstitutions: substitutions,
            logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
            tracingEnabled: true,
            comment: `Lifeboat ${name} workflow (state-machines/${name}.asl.json)`,
        });
        if (invoked.length > 0)
            machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: invoked }));
        if (tasks.length > 0)
            this.allowFargateTasks(machine, workers, tasks);
        return machine;
    }
    /** ecs:runTask.sync: run the task definitions, pass their roles, watch the task through EventBridge. */
    allowFargateTasks(machine, workers, tasks) {
        const stack = aws_cdk_lib_1.Stack.of(this);
        machine.addToRolePolicy(new iam.PolicyStatement({
            actions: ['ecs:RunTask'],
            resources: tasks.map((t) => t.taskDefinitionArn),
            conditions: { ArnEquals: { 'ecs:cluster': workers.cluster.clusterArn } },
        }));
        machine.addToRolePolicy(new iam.PolicyStatement({
            actions: ['ecs:StopTask', 'ecs:DescribeTasks'],
            resources: [
                stack.formatArn({
                    service: 'ecs',
                    resource: 'task',
                    resourceName: `${workers.cluster.clusterName}/*`,
                }),
            ],
        }));
        machine.addToRolePolicy(new iam.PolicyStatement({
            actions: ['iam:PassRole'],
            resources: tasks.flatMap((t) => t.roles.map((r) => r.roleArn)),
        }));
        machine.addToRolePolicy(new iam.PolicyStatement({
            actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
            resources: [
                stack.formatArn({
                    service: 'events',
                    resource: 'rule',
                    resourceName: 'StepFunctionsGetEventsForECSTaskRule',
                }),
            ],
        }));
    }
}
exports.Workflows = Workflows;
function roles(task) {
    return {
        taskDefinitionArn: task.taskDefinitionArn,
        roles: [task.taskRole, ...(task.executionRole ? [task.executionRole] : [])],
    };
}
function title(name) {
    return name.charAt(0).toUpperCase() + name.slice(1);
}
//# sourceMappingURL=workflows.js.map