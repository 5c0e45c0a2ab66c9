"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.translateS3Error = translateS3Error;
const errors_1 = require("../../../core/errors");
const PERMISSION = new Set([
    'AccessDenied',
    'InvalidAccessKeyId',
    'SignatureDoesNotMatch',
    'ExpiredToken',
    'InvalidToken',
    'AllAccessDisabled',
    'AccountProblem',
]);
const THROTTLING = new Set([
    'SlowDown',
    'Throttling',
    'ThrottlingException',
    'RequestTimeout',
    'TooManyRequests',
]);
const PERMISSION_HINT = 'Check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, a role) and that the policy allows s3:GetObject, s3:PutObject, s3:ListBucket and s3:DeleteObject on the bucket (docs/OPERATIONS.md).';
/**
 * Turns an AWS SDK error into a typed Lifeboat error with a next step. `where` names the
 * bucket/object for the message (never credentials); `key` is the repository key when the
 * request was about one object, so that a missing one becomes ObjectNotFoundError.
 */
function translateS3Error(error, where, key, context = {}) {
    if (error instanceof errors_1.LifeboatError)
        return error;
    const e = (error ?? {});
    const name = e.name ?? '';
    const status = e.$metadata?.httpStatusCode;
    if (name === 'NoSuchBucket')
        return new errors_1.StorageNotFoundError(where, 'The S3 bucket', 'Create the bucket (or deploy the stack that creates it), or fix the bucket name in --repo / LIFEBOAT_REPO.', error);
    if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && key !== undefined))
        return new errors_1.ObjectNotFoundError(key ?? where);
    if (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 412) {
        // On a create-only put the condition is If-None-Match; on a resumed read it is If-Match,
        // and failing it means the object was replaced while it was being read.
        if (context.createOnly && key !== undefined)
            return new errors_1.ObjectExistsError(key);
        return new errors_1.StorageError(where, 'the object changed while it was being read', 'Another writer replaced it; run the command again (and make sure only one Lifeboat writes to the repository).', error);
    }
    // S3 answers 403 for an archived object: test the name before the status.
    if (name === 'InvalidObjectState')
        return new errors_1.StorageError(where, 'the object is archived (Glacier / Deep Archive) and must be restored before it can be read', 'Start an S3 restore of the archived objects (or copy them to an instant-access class) and run the command again.', error);
    if (PERMISSION.has(name) || status === 403 || status === 401)
        return new errors_1.StoragePermissionError(where, error, PERMISSION_HINT, `${name || 'HTTP ' + status}`);
    if (name === 'CredentialsProviderError')
        return new errors_1.StoragePermissionError(where, error, 'Provide AWS credentials the usual way: AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an instance/task role.', 'no AWS credentials found');
    if (/Region is missing/i.test(e.message ?? ''))
        return new errors_1.InputError(`No AWS region is set for ${where}.`, 'Set AWS_REGION (or AWS_DEFAULT_REGION, or a region in the AWS profile).');
    if (THROTTLING.has(name) || (status !== undefined && status >= 500) || (0, errors_1.isTransient)(error))
        return new errors_1.TransientError(`S3 kept failing at ${where} after retries (${name || e.code || 'network error'}${status ? `, HTTP ${status}` : ''}).`, { cause: error });
    if (status !== undefined && status >= 400)
        return new errors_1.StorageError(where, `${name || 'HTTP ' + status}: ${e.message ?? ''}`.trim(), 'Check the bucket settings the error names (Object Lock, KMS key, storage class).', error);
    return error;
}
//# sourceMappingURL=errors.js.map