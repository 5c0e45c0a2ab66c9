"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.LifeboatEvents = exports.RETENTION_AFTER_BACKUP = exports.VERIFY_AFTER_BACKUP = exports.ALERT_EVENTS = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const events = __importStar(require("aws-cdk-lib/aws-events"));
const targets = __importStar(require("aws-cdk-lib/aws-events-targets"));
const constructs_1 = require("constructs");
/** The detail-types Lifeboat's steps publish (functions/core/ports/events.ts) that need a person. */
exports.ALERT_EVENTS = [
    'Backup Failed',
    'Recovery Failed',
    'Verification Failed',
    'Retention Failed',
    'Replication Failed',
];
/** The rule patterns (EventBridge's event pattern syntax) that start verification and retention. */
exports.VERIFY_AFTER_BACKUP = {
    source: ['lifeboat'],
    detailType: ['Backup Completed'],
    detail: { verification_enabled: [true] },
};
exports.RETENTION_AFTER_BACKUP = {
    source: ['lifeboat'],
    detailType: ['Backup Completed'],
    detail: { retention_enabled: [true] },
};
/**
 * Lifeboat's event bus (source `lifeboat`, detail-type the event's type) and the rules that
 * make the system event-driven: a completed backup starts its verification (when its schedule
 * asks) and its schedule's retention (when it has a policy); failures go to the alerts topic.
 * The local engine's twin is functions/local/reactions.ts.
 */
class LifeboatEvents extends constructs_1.Construct {
    bus;
    constructor(scope, id) {
        super(scope, id);
        this.bus = new events.EventBus(this, 'Bus', { eventBusName: `${aws_cdk_lib_1.Stack.of(this).stackName}-events` });
    }
    grantPutEvents(grantee) {
        this.bus.grantPutEventsTo(grantee);
    }
    addReactions(props) {
        const delivery = {
            deadLetterQueue: props.deadLetterQueue,
            retryAttempts: 8,
            maxEventAge: aws_cdk_lib_1.Duration.hours(6),
        };
        new events.Rule(this, 'VerifyCompletedBackups', {
            eventBus: this.bus,
            description: 'A completed backup whose schedule asks for verification starts the verify workflow',
            eventPattern: exports.VERIFY_AFTER_BACKUP,
            targets: [
                new targets.SfnStateMachine(props.verifyWorkflow, {
                    ...delivery,
                    input: events.RuleTargetInput.fromObject({
                        backup: events.EventField.fromPath('$.detail.backup_id'),
                        verification_type: 'checksum',
                    }),
                }),
            ],
        });
        new events.Rule(this, 'ApplyRetentionAfterBackups', {
            eventBus: this.bus,
            description: 'A completed backup whose schedule has a retention policy starts the retention workflow for it',
            eventPattern: exports.RETENTION_AFTER_BACKUP,
            targets: [
                new targets.SfnStateMachine(props.retentionWorkflow, {
                    ...delivery,
                    input: events.RuleTargetInput.fromObject({
                        schedule: events.EventField.fromPath('$.detail.schedule_name'),
                    }),
                }),
            ],
        });
        new events.Rule(this, 'AlertOnFailures', {
            eventBus: this.bus,
            description: 'Failed backups, restores, verifications, retention runs and copies go to the alerts topic',
            eventPattern: { source: ['lifeboat'], detailType: [...exports.ALERT_EVENTS] },
            targets: [
                new targets.SnsTopic(props.alerts, {
                    ...delivery,
                    message: events.RuleTargetInput.fromText(`Lifeboat: ${events.EventField.fromPath('$.detail-type')} at ${events.EventField.time}. ` +
                        `Details: ${events.EventField.fromPath('$.detail')}`),
                }),
            ],
        });
    }
}
exports.LifeboatEvents = LifeboatEvents;
//# sourceMappingURL=events.js.map