"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.safeDetail = safeDetail;
exports.translateAzureError = translateAzureError;
const errors_1 = require("../../../core/errors");
const PERMISSION = new Set([
    'AuthenticationFailed',
    'AuthorizationFailure',
    'AuthorizationPermissionMismatch',
    'AuthorizationSourceIPMismatch',
    'AuthorizationProtocolMismatch',
    'AuthorizationResourceTypeMismatch',
    'AuthorizationServiceMismatch',
    'InsufficientAccountPermissions',
    'InvalidAuthenticationInfo',
    'NoAuthenticationInformation',
    'KeyBasedAuthenticationNotPermitted',
    'AccountIsDisabled',
]);
/** @azure/identity's errors when no token could be had: a setup problem, not a storage one. */
const CREDENTIAL = new Set([
    'CredentialUnavailableError',
    'AuthenticationError',
    'AggregateAuthenticationError',
]);
const THROTTLING = new Set(['ServerBusy', 'OperationTimedOut', 'InternalError', 'TooManyRequests']);
const IMMUTABLE = new Set(['BlobImmutableDueToPolicy', 'BlobImmutableDueToLegalHold']);
/** The SDK's code when a request never got an answer (connection refused, reset, DNS). */
const REQUEST_SEND_ERROR = 'REQUEST_SEND_ERROR';
const PERMISSION_HINT = 'Check the Azure credentials (AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY, or a token credential: ' +
    'environment, managed identity, Azure CLI) and that the identity has the role "Storage Blob Data Contributor" ' +
    'on the container or account (docs/OPERATIONS.md).';
/**
 * The service's own words, for a message: its first line only (the rest is request id and time),
 * with anything that could be a credential cut out, because a SAS signature or an account key can
 * be echoed back in an authentication error or a URL.
 */
function safeDetail(message) {
    return (message ?? '')
        .split('\n')[0]
        .replace(/(AccountKey|SharedAccessSignature|sig)=[^;&\s]*/gi, '$1=[redacted]')
        .replace(/\?[^\s]*/g, '?[redacted]')
        .trim();
}
function errorCode(e) {
    // HEAD responses have no body, so the service's code arrives only in x-ms-error-code (details).
    return e.details?.errorCode ?? e.code ?? '';
}
function describeCode(code, status) {
    return [code, status ? `HTTP ${status}` : ''].filter(Boolean).join(', ') || 'network error';
}
function conflict(error, code, status, where, key) {
    if (IMMUTABLE.has(code))
        return new errors_1.StorageError(where, `the blob is protected (${code}) and cannot be changed or deleted yet`, 'The immutability policy or legal hold on it has to expire or be cleared first; this is what protects the backups.', error);
    if (code === 'BlobArchived' || code === 'BlobBeingRehydrated')
        return new errors_1.StorageError(where, 'the blob is in the Archive tier and must be rehydrated before it can be read', 'Rehydrate the archived blobs (set their tier to Hot or Cool, or copy them) and run the command again.', error);
    if (status === 412)
        return new errors_1.StorageError(where, `the blob${key ? ` ${key}` : ''} changed while it was being used (${code || 'ConditionNotMet'})`, 'Another writer replaced it; run the command again, and make sure only one Lifeboat writes to this repository.', error);
    return undefined;
}
function otherFailure(error, code, status, where, message) {
    if (THROTTLING.has(code) ||
        code === REQUEST_SEND_ERROR ||
        status === 408 ||
        status === 429 ||
        (status !== undefined && status >= 500) ||
        (0, errors_1.isTransient)(error))
        return new errors_1.TransientError(`Azure Blob Storage kept failing at ${where} after retries (${describeCode(code, status)}).`, {
            cause: error,
        });
    if (status !== undefined && status >= 400)
        return new errors_1.StorageError(where, `${describeCode(code, status)}: ${safeDetail(message)}`.replace(/: $/, ''), 'Check the container settings the error names (immutability policy, access tier, network rules).', error);
    return error;
}
/**
 * Turns an Azure SDK error into a typed Lifeboat error with a next step. `where` names the
 * container/blob for the message (never a key, SAS token or connection string); `key` is the
 * repository key when the request was about one blob, so that a missing one becomes
 * ObjectNotFoundError; `context` says whether a conflict means "already exists".
 */
function translateAzureError(error, where, key, context = {}) {
    if (error instanceof errors_1.LifeboatError)
        return error;
    const e = (error ?? {});
    const code = errorCode(e);
    const status = e.statusCode;
    if (code === 'ContainerNotFound')
        return new errors_1.StorageNotFoundError(where, 'The Azure container', 'Create the container (or deploy what creates it), or fix the account and container in --repo / LIFEBOAT_REPO.', error);
    if (code === 'ENOTFOUND')
        return new errors_1.StorageNotFoundError(where, 'The Azure storage account', 'Check the account name in --repo / LIFEBOAT_REPO (or the endpoint in AZURE_STORAGE_CONNECTION_STRING).', error);
    if (key !== undefined && (code === 'BlobNotFound' || (status === 404 && code !== 'ResourceNotFound')))
        return new errors_1.ObjectNotFoundError(key);
    if (key !== undefined &&
        (code === 'BlobAlreadyExists' || (context.createOnly && isCreateConflict(code, status))))
        return new errors_1.ObjectExistsError(key);
    if (PERMISSION.has(code) || status === 403 || status === 401)
        return new errors_1.StoragePermissionError(where, error, PERMISSION_HINT, describeCode(code, status));
    if (CREDENTIAL.has(e.name ?? ''))
        return new errors_1.StoragePermissionError(where, error, PERMISSION_HINT, 'no Azure credential could be obtained');
    return conflict(error, code, status, where, key) ?? otherFailure(error, code, status, where, e.message);
}
function isCreateConflict(code, status) {
    return status === 412 || code === 'ConditionNotMet' || (status === 409 && code === '');
}
//# sourceMappingURL=errors.js.map