import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<() => void>();

/**
 * Runs a workflow step with a heartbeat listener: a Task with `HeartbeatSeconds` fails with
 * States.HeartbeatTimeout when its step goes quiet that long (the local engine enforces it).
 */
export function withHeartbeat<T>(listener: () => void, run: () => Promise<T>): Promise<T> {
  return current.run(listener, run);
}

/** Says the running step is alive; steps call it as they make progress (JobProgress does). */
export function heartbeat(): void {
  current.getStore()?.();
}
