import type { EventPublisher, LifeboatEvent } from '../core/ports/events';

type Listener = (event: LifeboatEvent) => void | Promise<void>;

/**
 * EventBridge's part locally: events go to in-process listeners (the rules that start the
 * verify and retention workflows, the alert log). A listener's failure is reported to the
 * others' `onError`, never to the publisher: as in AWS, emitting an event cannot fail a backup.
 */
export class LocalEventBus implements EventPublisher {
  private readonly listeners: Listener[] = [];
  readonly published: LifeboatEvent[] = [];

  constructor(private readonly onError: (error: unknown, event: LifeboatEvent) => void = () => undefined) {}

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  async publish(event: LifeboatEvent): Promise<void> {
    this.published.push(event);
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.onError(error, event);
      }
    }
  }
}
