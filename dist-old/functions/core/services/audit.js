"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.audit = audit;
const ids_1 = require("../../repository/ids");
/** Records one action in the audit log, with the context's actor. */
async function audit(ctx, entry) {
    const now = ctx.now();
    await ctx.catalog.appendAudit({
        id: (0, ids_1.newUlid)(now.getTime()),
        operation_type: entry.operation_type,
        entity_type: entry.entity_type,
        entity_id: entry.entity_id,
        user_id: ctx.actor.user_id,
        action: entry.action,
        details: entry.details ?? null,
        ip_address: ctx.actor.ip_address,
        user_agent: ctx.actor.user_agent,
        timestamp: now.toISOString(),
    });
}
//# sourceMappingURL=audit.js.map