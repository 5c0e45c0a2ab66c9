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
exports.LambdaMount = exports.DEFAULT_MOUNT_PATH = exports.MOUNT_PATH_PATTERN = void 0;
exports.onMount = onMount;
exports.fileSystemStatements = fileSystemStatements;
exports.mountInTask = mountInTask;
const node_path_1 = require("node:path");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const lambda = __importStar(require("aws-cdk-lib/aws-lambda"));
/** Lambda's rule for a file system's mount path. */
exports.MOUNT_PATH_PATTERN = /^\/mnt\/[A-Za-z0-9._-]+$/;
exports.DEFAULT_MOUNT_PATH = '/mnt/efs';
/**
 * Whether the workers can see `path`: an absolute path on the mount. (The workers check the same
 * at run time, functions/core/services/worker-files.ts; lib/ checks declared targets at synth.)
 */
function onMount(path, mountPath) {
    const normal = node_path_1.posix.normalize(path);
    return path.startsWith('/') && (normal === mountPath || normal.startsWith(`${mountPath}/`));
}
/**
 * The EFS client rights of a step, on the file system and only through the access point. Root
 * access because the access point's POSIX user decides who the workers are there (neither Lambda
 * nor the task runs as root), and to read every file and restore owners that user is root, whom
 * EFS squashes without ClientRootAccess.
 */
function fileSystemStatements(files, access) {
    const actions = ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess'];
    if (access === 'write')
        actions.push('elasticfilesystem:ClientWrite');
    return [
        new iam.PolicyStatement({
            actions,
            resources: [files.accessPoint.fileSystem.fileSystemArn],
            conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': files.accessPoint.accessPointArn } },
        }),
    ];
}
/**
 * A Lambda function's mount of the file system. lambda.FileSystem.fromEfsAccessPoint grants
 * ClientMount on "*" and always ClientWrite; this one grants the step's access on the file system
 * alone. The security group rule is the Workers' (one for every worker), so the function adds none.
 */
class LambdaMount extends lambda.FileSystem {
    constructor(files, access) {
        super({
            localMountPath: files.mountPath,
            arn: files.accessPoint.accessPointArn,
            dependency: [files.accessPoint.fileSystem.mountTargetsAvailable],
            policies: fileSystemStatements(files, access),
        });
    }
}
exports.LambdaMount = LambdaMount;
/** Mounts the file system into a task's container (read-only for `read`), with IAM and TLS. */
function mountInTask(task, container, files, access) {
    task.addVolume({
        name: 'files',
        efsVolumeConfiguration: {
            fileSystemId: files.accessPoint.fileSystem.fileSystemId,
            transitEncryption: 'ENABLED',
            authorizationConfig: { accessPointId: files.accessPoint.accessPointId, iam: 'ENABLED' },
        },
    });
    container.addMountPoints({
        sourceVolume: 'files',
        containerPath: files.mountPath,
        readOnly: access === 'read',
    });
    for (const statement of fileSystemStatements(files, access))
        task.addToTaskRolePolicy(statement);
}
//# sourceMappingURL=file-system.js.map