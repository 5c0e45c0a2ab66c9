import {
  InputError,
  isTransient,
  LifeboatError,
  ObjectExistsError,
  ObjectNotFoundError,
  StorageError,
  StorageNotFoundError,
  StoragePermissionError,
  TransientError,
} from '../../../core/errors';

interface SdkError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

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

const PERMISSION_HINT =
  'Check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, a role) and that the policy allows s3:GetObject, s3:PutObject, s3:ListBucket and s3:DeleteObject on the bucket (docs/OPERATIONS.md).';

/**
 * Turns an AWS SDK error into a typed Lifeboat error with a next step. `where` names the
 * bucket/object for the message (never credentials); `key` is the repository key when the
 * request was about one object, so that a missing one becomes ObjectNotFoundError.
 */
export function translateS3Error(
  error: unknown,
  where: string,
  key?: string,
  context: { createOnly?: boolean } = {},
): unknown {
  if (error instanceof LifeboatError) return error;
  const e = (error ?? {}) as SdkError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket')
    return new StorageNotFoundError(
      where,
      'The S3 bucket',
      'Create the bucket (or deploy the stack that creates it), or fix the bucket name in --repo / LIFEBOAT_REPO.',
      error,
    );
  if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && key !== undefined))
    return new ObjectNotFoundError(key ?? where);
  if (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || status === 412) {
    // On a create-only put the condition is If-None-Match; on a resumed read it is If-Match,
    // and failing it means the object was replaced while it was being read.
    if (context.createOnly && key !== undefined) return new ObjectExistsError(key);
    return new StorageError(
      where,
      'the object changed while it was being read',
      'Another writer replaced it; run the command again (and make sure only one Lifeboat writes to the repository).',
      error,
    );
  }
  // S3 answers 403 for an archived object: test the name before the status.
  if (name === 'InvalidObjectState')
    return new StorageError(
      where,
      'the object is archived (Glacier / Deep Archive) and must be restored before it can be read',
      'Start an S3 restore of the archived objects (or copy them to an instant-access class) and run the command again.',
      error,
    );
  if (PERMISSION.has(name) || status === 403 || status === 401)
    return new StoragePermissionError(where, error, PERMISSION_HINT, `${name || 'HTTP ' + status}`);
  if (name === 'CredentialsProviderError')
    return new StoragePermissionError(
      where,
      error,
      'Provide AWS credentials the usual way: AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an instance/task role.',
      'no AWS credentials found',
    );
  if (/Region is missing/i.test(e.message ?? ''))
    return new InputError(
      `No AWS region is set for ${where}.`,
      'Set AWS_REGION (or AWS_DEFAULT_REGION, or a region in the AWS profile).',
    );
  if (THROTTLING.has(name) || (status !== undefined && status >= 500) || isTransient(error))
    return new TransientError(
      `S3 kept failing at ${where} after retries (${name || e.code || 'network error'}${status ? `, HTTP ${status}` : ''}).`,
      { cause: error },
    );
  if (status !== undefined && status >= 400)
    return new StorageError(
      where,
      `${name || 'HTTP ' + status}: ${e.message ?? ''}`.trim(),
      'Check the bucket settings the error names (Object Lock, KMS key, storage class).',
      error,
    );
  return error;
}
