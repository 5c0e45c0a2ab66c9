import { newUlid } from '../../repository/ids';
import type { ServiceContext } from './context';

/** Records one action in the audit log, with the context's actor. */
export async function audit(
  ctx: ServiceContext,
  entry: {
    operation_type: string;
    entity_type: string;
    entity_id: string | null;
    action: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  const now = ctx.now();
  await ctx.catalog.appendAudit({
    id: newUlid(now.getTime()),
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
