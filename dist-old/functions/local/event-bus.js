"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.LocalEventBus = void 0;
/**
 * EventBridge's part locally: events go to in-process listeners (the rules that start the
 * verify and retention workflows, the alert log). A listener's failure is reported to the
 * others' `onError`, never to the publisher: as in AWS, emitting an event cannot fail a backup.
 */
class LocalEventBus {
    onError;
    listeners = [];
    published = [];
    constructor(onError = () => undefined) {
        this.onError = onError;
    }
    subscribe(listener) {
        this.listeners.push(listener);
    }
    async publish(event) {
        this.published.push(event);
        for (const listener of this.listeners) {
            try {
                await listener(event);
            }
            catch (error) {
                this.onError(error, event);
            }
        }
    }
}
exports.LocalEventBus = LocalEventBus;
//# sourceMappingURL=event-bus.js.map