import { replicateBackup, ReplicateRequestSchema } from '../replication';
import type { ServiceContext } from '../context';

/** The backup workflow's Replicate step: one copy (one iteration of the Map over replicas). */
export async function replicateStep(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ destination: string; location: string; verified: boolean }> {
  const request = ReplicateRequestSchema.parse(input);
  const { replica } = await replicateBackup(ctx, request);
  return { destination: request.destination, location: replica.location, verified: replica.verified };
}
