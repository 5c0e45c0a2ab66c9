// S3 write options that s3rver cannot honour: Object Lock (405/501 there, headers ignored),
// SSE-KMS and storage classes (ignored). The S3 client is mocked (aws-sdk-client-mock) to check
// that every upload path asks S3 for them; the contract suite covers the behaviour s3rver has.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { translateS3Error } from '../../functions/adapters/aws/s3/errors';
import { S3ObjectStore } from '../../functions/adapters/aws/s3/object-store';
import { parseRepositoryUrl } from '../../functions/adapters/repository-url';
import {
  InputError,
  ObjectExistsError,
  StorageError,
  StoragePermissionError,
  TransientError,
} from '../../functions/core/errors';

const s3 = mockClient(S3Client);
const DAY = 86_400_000;

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
  s3.on(UploadPartCommand).resolves({ ETag: '"e"' });
  s3.on(CompleteMultipartUploadCommand).resolves({});
});

function store(): S3ObjectStore {
  const location = parseRepositoryUrl(
    's3://vault/prod?storage-class=glacier_ir&sse-kms=arn:aws:kms:eu-west-1:1:key/k&object-lock=COMPLIANCE:30',
  );
  if (location.backend !== 's3') throw new Error('not s3');
  return new S3ObjectStore(
    new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    {
      ...location,
      partSize: 5 * 1024 * 1024,
    },
  );
}

const expected = {
  Bucket: 'vault',
  StorageClass: 'GLACIER_IR',
  ServerSideEncryption: 'aws:kms',
  SSEKMSKeyId: 'arn:aws:kms:eu-west-1:1:key/k',
  ObjectLockMode: 'COMPLIANCE',
  ChecksumAlgorithm: 'SHA256',
};

function expectRetainedFor(date: unknown, days: number): void {
  expect(date).toBeInstanceOf(Date);
  expect(Math.abs((date as Date).getTime() - (Date.now() + days * DAY))).toBeLessThan(60_000);
}

test('a single PUT carries storage class, SSE-KMS, Object Lock retention, SHA-256 and If-None-Match', async () => {
  await store().put('snapshots/S1', Buffer.from('manifest'), { createOnly: true });
  const [call] = s3.commandCalls(PutObjectCommand);
  expect(call!.args[0].input).toMatchObject({ ...expected, Key: 'prod/snapshots/S1', IfNoneMatch: '*' });
  expectRetainedFor(call!.args[0].input.ObjectLockRetainUntilDate, 30);
});

test('a multipart upload carries them on create, and the condition on complete', async () => {
  async function* body(): AsyncIterable<Buffer> {
    for (let i = 0; i < 3; i++) yield Buffer.alloc(4 * 1024 * 1024, i);
  }
  expect(await store().put('data/ab/pack', body(), { createOnly: true })).toEqual({
    key: 'data/ab/pack',
    size: 12 * 1024 * 1024,
  });
  const [create] = s3.commandCalls(CreateMultipartUploadCommand);
  expect(create!.args[0].input).toMatchObject({ ...expected, Key: 'prod/data/ab/pack' });
  expectRetainedFor(create!.args[0].input.ObjectLockRetainUntilDate, 30);
  expect(s3.commandCalls(UploadPartCommand)).toHaveLength(3);
  expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
    IfNoneMatch: '*',
  });
});

test('parts carry their SHA-256, which the completion lists; a failed part aborts the upload', async () => {
  async function* body(): AsyncIterable<Buffer> {
    for (let i = 0; i < 3; i++) yield Buffer.alloc(4 * 1024 * 1024, i);
  }
  s3.on(UploadPartCommand).callsFake(async (input: { PartNumber: number }) => ({
    ETag: `"e${input.PartNumber}"`,
    ChecksumSHA256: `c${input.PartNumber}`,
  }));
  await store().put('data/ab/pack', body());
  const parts = s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
  expect(parts.map((p) => [p.PartNumber, p.ContentLength, p.ChecksumAlgorithm])).toEqual([
    [1, 5 * 1024 * 1024, 'SHA256'],
    [2, 5 * 1024 * 1024, 'SHA256'],
    [3, 2 * 1024 * 1024, 'SHA256'],
  ]);
  expect(s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input.MultipartUpload).toEqual({
    Parts: [1, 2, 3].map((n) => ({ PartNumber: n, ETag: `"e${n}"`, ChecksumSHA256: `c${n}` })),
  });

  s3.reset();
  s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u2' });
  s3.on(UploadPartCommand).rejects(
    Object.assign(new Error('AccessDenied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
  );
  s3.on(AbortMultipartUploadCommand).resolves({});
  await expect(store().put('data/ab/pack2', body())).rejects.toBeInstanceOf(StoragePermissionError);
  expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toMatchObject({ UploadId: 'u2' });
});

test('without options, nothing extra is asked for', async () => {
  const plain = new S3ObjectStore(
    new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    {
      bucket: 'vault',
      prefix: '',
    },
  );
  await plain.put('config', Buffer.from('x'));
  const input = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
  expect(input).toMatchObject({ Bucket: 'vault', Key: 'config', ChecksumAlgorithm: 'SHA256' });
  for (const absent of ['StorageClass', 'ServerSideEncryption', 'ObjectLockMode', 'IfNoneMatch'])
    expect(input).not.toHaveProperty(absent);
});

test('errors: 412 is "exists" only for a create-only put; others are typed with a next step', () => {
  const failed = (name: string, status: number) =>
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  expect(
    translateS3Error(failed('PreconditionFailed', 412), 's3://b/k', 'k', { createOnly: true }),
  ).toBeInstanceOf(ObjectExistsError);
  // A resumed read pinned with If-Match: the object was replaced meanwhile.
  const changed = translateS3Error(failed('PreconditionFailed', 412), 's3://b/k', 'k');
  expect(changed).toBeInstanceOf(StorageError);
  expect((changed as Error).message).toMatch(/changed while it was being read/);
  expect(translateS3Error(failed('AccessDenied', 403), 's3://b/k', 'k')).toBeInstanceOf(
    StoragePermissionError,
  );
  expect(translateS3Error(failed('SlowDown', 503), 's3://b/k', 'k')).toBeInstanceOf(TransientError);
  expect(translateS3Error(failed('InvalidObjectState', 403), 's3://b/k', 'k')).toBeInstanceOf(StorageError);
  expect(translateS3Error(new Error('Region is missing'), 's3://b', undefined)).toBeInstanceOf(InputError);
});

test.each([
  ['s3://vault/a/b/', { backend: 's3', bucket: 'vault', prefix: 'a/b' }],
  ['s3://vault', { backend: 's3', bucket: 'vault', prefix: '' }],
  ['azure://acct/box/x/y', { backend: 'azure', account: 'acct', container: 'box', prefix: 'x/y' }],
  [
    'azure://acct/box?tier=cool&immutability=unlocked:7&legal-hold=true',
    {
      backend: 'azure',
      account: 'acct',
      container: 'box',
      prefix: '',
      accessTier: 'Cool',
      immutability: { mode: 'Unlocked', days: 7 },
      legalHold: true,
    },
  ],
])('repository URL %s', (url, location) => {
  expect(parseRepositoryUrl(url, {})).toEqual(location);
});

test('with AZURE_STORAGE_CONNECTION_STRING, azure://CONTAINER/PREFIX suffices; naming its account still works', () => {
  const env = {
    AZURE_STORAGE_CONNECTION_STRING:
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=k',
  };
  expect(parseRepositoryUrl('azure://box/p', env)).toEqual({
    backend: 'azure',
    container: 'box',
    prefix: 'p',
  });
  expect(parseRepositoryUrl('azure://devstoreaccount1/box/p', env)).toEqual({
    backend: 'azure',
    account: 'devstoreaccount1',
    container: 'box',
    prefix: 'p',
  });
});

test.each([
  ['s3://vault/p?object-lock=FOREVER', /object-lock=FOREVER is not a retention/],
  ['s3://vault/p?colour=blue', /Unknown repository option "colour"/],
  ['s3://user:secret@vault/p', /may not contain credentials/],
  ['azure://acct/Bad_Name', /not a valid Azure container name/],
  ['azure://acct', /names no container/],
  ['ftp://host/x', /ftp:\/\/ are not supported/],
])('bad repository URL %s is refused', (url, message) => {
  expect(() => parseRepositoryUrl(url, {})).toThrow(message);
  expect(() => parseRepositoryUrl(url, {})).toThrow(InputError);
});
