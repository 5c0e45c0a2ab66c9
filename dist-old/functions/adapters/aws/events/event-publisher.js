"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.EventBridgePublisher = void 0;
const client_eventbridge_1 = require("@aws-sdk/client-eventbridge");
const errors_1 = require("../../../core/errors");
/** Lifeboat's events on an EventBridge bus: source "lifeboat", detail-type the event's type. */
class EventBridgePublisher {
    client;
    busName;
    constructor(client, busName) {
        this.client = client;
        this.busName = busName;
    }
    async publish(event) {
        const result = await this.client.send(new client_eventbridge_1.PutEventsCommand({
            Entries: [
                {
                    EventBusName: this.busName,
                    Source: 'lifeboat',
                    DetailType: event.type,
                    Detail: JSON.stringify(event.detail),
                },
            ],
        }));
        if (result.FailedEntryCount) {
            const entry = result.Entries?.[0];
            throw new errors_1.TransientError(`EventBridge did not take the event "${event.type}": ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim());
        }
    }
}
exports.EventBridgePublisher = EventBridgePublisher;
//# sourceMappingURL=event-publisher.js.map