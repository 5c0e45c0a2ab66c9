"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.replicateStep = replicateStep;
const replication_1 = require("../replication");
/** The backup workflow's Replicate step: one copy (one iteration of the Map over replicas). */
async function replicateStep(ctx, input) {
    const request = replication_1.ReplicateRequestSchema.parse(input);
    const { replica } = await (0, replication_1.replicateBackup)(ctx, request);
    return { destination: request.destination, location: replica.location, verified: replica.verified };
}
//# sourceMappingURL=replicate-step.js.map