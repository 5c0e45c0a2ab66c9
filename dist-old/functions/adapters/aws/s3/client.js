"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.s3ClientFromEnv = s3ClientFromEnv;
const client_s3_1 = require("@aws-sdk/client-s3");
/**
 * An S3 client from the standard AWS chains: credentials and region from the environment,
 * profile or role; the endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (S3-compatible
 * stores), path-style addressing with LIFEBOAT_S3_PATH_STYLE=true. Throttling, 5xx and dropped
 * connections are retried by the SDK (6 attempts by default, AWS_MAX_ATTEMPTS to change).
 */
function s3ClientFromEnv(env = process.env) {
    const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
    const attempts = Number(env.AWS_MAX_ATTEMPTS);
    return new client_s3_1.S3Client({
        ...(endpoint ? { endpoint } : {}),
        // An S3-compatible store rarely cares about the region, but the signature needs one.
        region: env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : undefined),
        forcePathStyle: env.LIFEBOAT_S3_PATH_STYLE === 'true',
        followRegionRedirects: true,
        maxAttempts: Number.isSafeInteger(attempts) && attempts > 0 ? attempts : 6,
    });
}
//# sourceMappingURL=client.js.map