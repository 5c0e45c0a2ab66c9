"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.LocalEngine = exports.PAYLOAD_LIMIT_BYTES = void 0;
const node_module_1 = __importDefault(require("node:module"));
const errors_1 = require("../core/errors");
const step_errors_1 = require("../core/services/workflows/step-errors");
const steps_1 = require("../core/services/workflows/steps");
const heartbeat_1 = require("../core/services/workflows/heartbeat");
const ids_1 = require("../repository/ids");
const distributed_map_1 = require("./distributed-map");
const state_machines_1 = require("./state-machines");
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
function loadRunner() {
    const runnerPath = require.resolve('aws-local-stepfunctions');
    const stand = (name, exports) => {
        let resolved;
        try {
            resolved = require.resolve(name, { paths: [runnerPath] });
        }
        catch {
            return undefined;
        }
        if (require.cache[resolved])
            return undefined;
        const stub = new node_module_1.default(resolved);
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
        return require('aws-local-stepfunctions');
    }
    finally {
        for (const resolved of stood)
            if (resolved)
                delete require.cache[resolved];
    }
}
/** Step Functions' limit on a state's input and output. */
exports.PAYLOAD_LIMIT_BYTES = 256 * 1024;
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const ECS_RUN_TASK_SYNC = 'arn:aws:states:::ecs:runTask.sync';
const ACCOUNT = '000000000000';
const REGION = 'local';
function payloadGuard(what, value) {
    const size = Buffer.byteLength(JSON.stringify(value ?? null));
    if (size > exports.PAYLOAD_LIMIT_BYTES) {
        throw Object.assign(new Error(`${what} is ${size} bytes; Step Functions allows ${exports.PAYLOAD_LIMIT_BYTES}.`), {
            name: 'States.DataLimitExceeded',
        });
    }
}
/**
 * Runs the state machines of state-machines/ in-process with aws-local-stepfunctions: each
 * Lambda task calls its step function through a Lambda-shaped adapter (payload limit, the
 * runtime's error shape), and an ECS task runs the same worker command in-process. Execution
 * names are claimed in the catalog, so a name runs once, as in Step Functions.
 */
class LocalEngine {
    ctx;
    options;
    steps;
    constructor(ctx, options = {}) {
        this.ctx = ctx;
        this.options = options;
        this.steps = options.steps ?? steps_1.STEPS;
    }
    async run(machine, input, name = (0, ids_1.newUlid)()) {
        return (await this.start(machine, input, name)).done;
    }
    /**
     * Starts an execution and returns once its name is claimed (as StartExecution does): `done`
     * settles when it finishes. A name already used starts nothing (`started: false`).
     */
    async start(machine, input, name = (0, ids_1.newUlid)()) {
        const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:lifeboat-${machine}:${name}`;
        payloadGuard('The execution input', input);
        const startedAt = this.ctx.now().toISOString();
        if (!(await this.ctx.catalog.claimExecution(machine, name, startedAt)))
            return {
                started: false,
                executionArn,
                done: Promise.resolve({ executionArn, name, status: 'ALREADY_STARTED', events: [] }),
            };
        const { text } = (0, state_machines_1.loadDefinition)(machine);
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
    async runDefinition(text, input, identity) {
        const { executionArn, name, startedAt, machine } = identity;
        const definition = JSON.parse(text);
        const fake = (placeholder) => placeholder.endsWith('FunctionArn')
            ? `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${placeholder.replace(/Arn$/, '')}`
            : placeholder.endsWith('Ids')
                ? `local-${placeholder}`
                : placeholder === 'WorkerAssignPublicIp'
                    ? 'DISABLED'
                    : `arn:aws:ecs:${REGION}:${ACCOUNT}:${placeholder}/local`;
        const rewritten = (0, distributed_map_1.rewriteDistributedMaps)(JSON.parse((0, state_machines_1.substitute)(text, fake)));
        const local = rewritten.definition;
        const stateMachine = new StateMachine(local, {
            // The ASL files are validated by the tests (asl-validator) and at deploy; compiling the
            // validator's schemas costs half a second per run.
            validationOptions: { noValidate: true },
        });
        const handlers = this.taskHandlers(definition);
        const context = {
            Execution: { Id: executionArn, Name: name, StartTime: startedAt, Input: input },
            StateMachine: {
                Id: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:lifeboat-${machine}`,
                Name: `lifeboat-${machine}`,
            },
        };
        for (const [stateName, spec] of rewritten.specs)
            handlers[stateName] = (parameters) => (0, distributed_map_1.runDistributedMap)(spec, parameters, {
                openBucket: async (bucket) => (await this.ctx.openStore(`s3://${bucket}`)).store,
                runChild: (processor, childInput, item) => new StateMachine(processor, {
                    validationOptions: { noValidate: true },
                }).run(childInput, {
                    overrides: {
                        taskResourceLocalHandlers: handlers,
                        ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
                    },
                    context: { ...context, Map: { Item: { Index: item.index, Value: item.value } } },
                }).result,
                context: context,
                mapRunArn: (0, distributed_map_1.mapRunArn)(executionArn, stateName),
            });
        const retryIntervalOverrides = this.options.retryDelays === 'none'
            ? Object.fromEntries(Object.keys(handlers).map((s) => [s, 0]))
            : undefined;
        const execution = stateMachine.run(input, {
            overrides: {
                taskResourceLocalHandlers: handlers,
                ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
            },
            context,
        });
        const events = [];
        const collecting = (async () => {
            for await (const event of execution.eventLogs)
                events.push(event);
        })();
        try {
            const output = await execution.result;
            await collecting;
            return { executionArn, name, status: 'SUCCEEDED', output, events };
        }
        catch (error) {
            await collecting.catch(() => undefined);
            // The runner wraps what failed the execution (a Fail state's Error and Cause, or a
            // runtime error) in an ExecutionError, as its cause.
            const wrapped = error;
            const failed = (wrapped.cause ?? error);
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
    taskHandlers(definition) {
        const handlers = {};
        for (const [stateName, state] of (0, state_machines_1.allStates)(definition)) {
            if (state.Type !== 'Task')
                continue;
            if (state.Resource === LAMBDA_INVOKE) {
                const placeholder = /^\$\{([A-Za-z0-9]+)\}$/.exec(String(state.Parameters?.FunctionName ?? ''))?.[1];
                const step = placeholder ? this.steps[placeholder] : undefined;
                if (!step)
                    throw new errors_1.ConflictError(`The state "${stateName}" calls ${placeholder ?? 'an unnamed function'}, which this version does not provide.`, 'This workflow is not available locally yet.');
                handlers[stateName] = (parameters) => this.invokeLambda(stateName, step, parameters);
            }
            else if (state.Resource === ECS_RUN_TASK_SYNC) {
                handlers[stateName] = (parameters) => this.runWorkerTask(stateName, parameters);
            }
            if ('HeartbeatSecondsPath' in state)
                throw new errors_1.ConflictError(`The state "${stateName}" sets HeartbeatSecondsPath, which the local engine does not emulate.`, 'Give HeartbeatSeconds itself.');
            const seconds = state.HeartbeatSeconds;
            const handler = handlers[stateName];
            if (handler && typeof seconds === 'number')
                handlers[stateName] = (parameters) => withHeartbeatTimeout(stateName, seconds, () => handler(parameters));
        }
        return handlers;
    }
    /** The lambda:invoke integration: {FunctionName, Payload} in, {Payload} out. */
    async invokeLambda(stateName, step, parameters) {
        const payload = parameters?.Payload;
        payloadGuard(`The input of "${stateName}"`, payload);
        let result;
        try {
            result = await step(this.ctx, payload);
        }
        catch (error) {
            const { name, cause } = (0, step_errors_1.lambdaCause)(error);
            throw Object.assign(new Error(cause), { name });
        }
        payloadGuard(`The result of "${stateName}"`, result);
        return { Payload: result ?? null, StatusCode: 200 };
    }
    /**
     * The ecs:runTask.sync integration: the container's command and environment name a worker
     * command; it runs here, in-process, and the state gets an ECS-shaped answer.
     */
    async runWorkerTask(stateName, parameters) {
        const container = parameters.Overrides?.ContainerOverrides?.[0];
        const command = steps_1.WORKER_COMMANDS[container?.Command?.[0] ?? ''];
        const step = command ? this.steps[command.step] : undefined;
        if (!command || !step)
            throw Object.assign(new Error(`"${stateName}" names no worker command this version runs.`), {
                name: 'States.TaskFailed',
            });
        const value = container?.Environment?.find((e) => e.Name === command.env)?.Value;
        try {
            await step(this.ctx, { [command.field]: value });
        }
        catch (error) {
            // ECS reports a container's failure as the task failing; the container's log has the cause.
            const { cause } = (0, step_errors_1.lambdaCause)(error);
            throw Object.assign(new Error(cause), { name: 'States.TaskFailed' });
        }
        return { TaskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/lifeboat/${(0, ids_1.newUlid)()}`, LastStatus: 'STOPPED' };
    }
}
exports.LocalEngine = LocalEngine;
/**
 * HeartbeatSeconds, which the runner ignores: the step must call heartbeat() (JobProgress does on
 * every report) at least that often, or the Task fails with States.HeartbeatTimeout, as in AWS.
 * The step itself is not stopped (nothing can stop a promise); its result is then ignored.
 */
function withHeartbeatTimeout(stateName, seconds, run) {
    return new Promise((resolve, reject) => {
        let timer;
        const arm = () => {
            if (timer)
                clearTimeout(timer);
            timer = setTimeout(() => reject(Object.assign(new Error(`"${stateName}" sent no heartbeat for ${seconds} s.`), {
                name: 'States.HeartbeatTimeout',
            })), seconds * 1000);
        };
        arm();
        (0, heartbeat_1.withHeartbeat)(arm, run).then((value) => {
            clearTimeout(timer);
            resolve(value);
        }, (error) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
}
//# sourceMappingURL=engine.js.map