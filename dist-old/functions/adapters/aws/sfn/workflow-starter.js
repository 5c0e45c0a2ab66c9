"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StepFunctionsStarter = void 0;
const client_sfn_1 = require("@aws-sdk/client-sfn");
const errors_1 = require("../../../core/errors");
/**
 * Step Functions: a workflow's state machine ARN comes from LIFEBOAT_<WORKFLOW>_STATE_MACHINE_ARN
 * (set by the CDK app on the functions that start it). An existing execution of the same name is
 * "already started", whatever its status: Step Functions keeps names for 90 days.
 */
class StepFunctionsStarter {
    client;
    env;
    constructor(client, env) {
        this.client = client;
        this.env = env;
    }
    async start(workflow, input, name) {
        const variable = `LIFEBOAT_${workflow.toUpperCase()}_STATE_MACHINE_ARN`;
        const stateMachineArn = this.env[variable];
        if (!stateMachineArn)
            throw new errors_1.InputError(`${variable} is not set.`, `The deployment sets it on functions that start the ${workflow} workflow.`);
        try {
            await this.client.send(new client_sfn_1.StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
            return 'started';
        }
        catch (error) {
            if (error instanceof client_sfn_1.ExecutionAlreadyExists)
                return 'already_started';
            throw error;
        }
    }
}
exports.StepFunctionsStarter = StepFunctionsStarter;
//# sourceMappingURL=workflow-starter.js.map