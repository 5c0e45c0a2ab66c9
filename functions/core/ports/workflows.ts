/** The four workflows (state-machines/*.asl.json). */
export type WorkflowName = 'backup' | 'restore' | 'verify' | 'retention';

/**
 * Starts a workflow under a name. Names are unique per workflow: starting a name again starts
 * nothing ('already_started'), which is how a retried schedule delivery cannot run twice.
 * Step Functions in AWS; the local engine on one machine.
 */
export interface WorkflowStarter {
  start(
    workflow: WorkflowName,
    input: Record<string, unknown>,
    name: string,
  ): Promise<'started' | 'already_started'>;
}
