// The Azure Blob adapter's write options, with a mocked container client: Azurite (3.35) answers
// 501 to Set Immutability Policy and Set Legal Hold, and ignores those headers on an upload (the
// blob stays deletable), so only the requests themselves can be checked here. The BlockBlobClient is the SDK's own with its network
// calls replaced, so that its real uploadStream shows what reaches the block list commit.
import { BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
import {
  AzureBlobObjectStore,
  type AzureBlobStoreSettings,
} from '../../functions/adapters/azure/blob/object-store';
import { translateAzureError } from '../../functions/adapters/azure/blob/errors';
import { RequestCounter } from '../../functions/adapters/shared/request-counter';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  StorageError,
  StorageNotFoundError,
  StoragePermissionError,
  TransientError,
} from '../../functions/core/errors';

type UploadResponse = Awaited<ReturnType<BlockBlobClient['upload']>>;
type StageResponse = Awaited<ReturnType<BlockBlobClient['stageBlock']>>;
type CommitResponse = Awaited<ReturnType<BlockBlobClient['commitBlockList']>>;

const DAY_MS = 86_400_000;
const BLOCK = 1024;

function mockedStore(settings: Partial<AzureBlobStoreSettings> = {}) {
  // Port 9 (discard): nothing may reach the network; every request method used is mocked.
  const blob = new BlockBlobClient('http://127.0.0.1:9/devstoreaccount1/backups/blob');
  // The SDK checks that a commit returns a response object (`_response`) before resolving.
  const upload = jest.spyOn(blob, 'upload').mockResolvedValue({ _response: {} } as unknown as UploadResponse);
  const stageBlock = jest.spyOn(blob, 'stageBlock').mockResolvedValue({} as StageResponse);
  const commitBlockList = jest
    .spyOn(blob, 'commitBlockList')
    .mockResolvedValue({ _response: {} } as unknown as CommitResponse);
  const getBlockBlobClient = jest.fn((_name: string) => blob);
  const container = { accountName: 'devstoreaccount1', getBlockBlobClient } as unknown as ContainerClient;
  const requests = new RequestCounter();
  const store = new AzureBlobObjectStore(container, {
    container: 'backups',
    prefix: 'repo/one/',
    blockSize: BLOCK,
    requests,
    ...settings,
  });
  return { store, upload, stageBlock, commitBlockList, getBlockBlobClient, requests };
}

async function* pieces(total: number): AsyncIterable<Buffer> {
  for (let at = 0; at < total; at += 700) yield Buffer.alloc(Math.min(700, total - at), 1);
}

/** The options object of the first call of a mocked method (the last argument). */
function lastArg(mock: jest.SpyInstance): Record<string, unknown> {
  const args = mock.mock.calls[0] as unknown[];
  return args[args.length - 1] as Record<string, unknown>;
}

const PROTECTED: Partial<AzureBlobStoreSettings> = {
  accessTier: 'Cool',
  immutability: { mode: 'Locked', days: 30 },
  legalHold: true,
};

function expectProtection(options: Record<string, unknown>, before: number): void {
  expect(options).toMatchObject({
    tier: 'Cool',
    legalHold: true,
    immutabilityPolicy: { policyMode: 'Locked', expiriesOn: expect.any(Date) },
  });
  const expiry = (options.immutabilityPolicy as { expiriesOn: Date }).expiriesOn.getTime();
  expect(expiry).toBeGreaterThanOrEqual(before + 30 * DAY_MS);
  expect(expiry).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS);
}

describe('AzureBlobObjectStore write options (mocked client)', () => {
  it('names the location azure://account/container/prefix and writes under the prefix', async () => {
    const { store, getBlockBlobClient } = mockedStore();
    expect(store.location).toBe('azure://devstoreaccount1/backups/repo/one');
    await store.put('data/ab/abcd', Buffer.from('x'));
    expect(getBlockBlobClient).toHaveBeenCalledWith('repo/one/data/ab/abcd');
  });

  it('a single upload carries the access tier, the immutability policy and the legal hold', async () => {
    const { store, upload, stageBlock } = mockedStore(PROTECTED);
    const before = Date.now();
    expect(await store.put('config', Buffer.from('hello'))).toEqual({ key: 'config', size: 5 });
    expect(upload).toHaveBeenCalledTimes(1);
    expect(upload.mock.calls[0]![1]).toBe(5);
    expectProtection(lastArg(upload), before);
    expect(lastArg(upload)).not.toHaveProperty('conditions');
    expect(stageBlock).not.toHaveBeenCalled();
  });

  it('a streamed upload stages blocks and commits them with the same protection', async () => {
    const { store, upload, stageBlock, commitBlockList } = mockedStore(PROTECTED);
    const before = Date.now();
    expect(await store.put('data/ab/pack', pieces(2 * BLOCK + 10))).toEqual({
      key: 'data/ab/pack',
      size: 2 * BLOCK + 10,
    });
    expect(upload).not.toHaveBeenCalled();
    expect(stageBlock).toHaveBeenCalledTimes(3);
    expect(commitBlockList).toHaveBeenCalledTimes(1);
    expect(commitBlockList.mock.calls[0]![0]).toHaveLength(3);
    expectProtection(lastArg(commitBlockList), before);
  });

  it('createOnly sends If-None-Match: * on the single upload and on the block list commit', async () => {
    const { store, upload, commitBlockList } = mockedStore();
    await store.put('snapshots/S1', Buffer.from('s'), { createOnly: true });
    await store.put('snapshots/S2', pieces(BLOCK + 1), { createOnly: true });
    expect(lastArg(upload)).toMatchObject({ conditions: { ifNoneMatch: '*' } });
    expect(lastArg(commitBlockList)).toMatchObject({ conditions: { ifNoneMatch: '*' } });
  });

  it('sends no tier, policy or hold unless configured (a container without immutability support accepts it)', async () => {
    const { store, upload, commitBlockList } = mockedStore();
    await store.put('a', Buffer.from('a'));
    await store.put('b', pieces(BLOCK + 10));
    for (const options of [lastArg(upload), lastArg(commitBlockList)]) {
      expect(options).not.toHaveProperty('tier');
      expect(options).not.toHaveProperty('immutabilityPolicy');
      expect(options).not.toHaveProperty('legalHold');
    }
  });

  it('counts one put for a single upload and blocks + 1 for a staged one', async () => {
    const { store, requests, upload } = mockedStore();
    await store.put('a', Buffer.from('a'));
    expect(requests.snapshot().put).toBe(1);
    await store.put('b', pieces(3 * BLOCK));
    expect(requests.snapshot().put).toBe(1 + 3 + 1);
    // A stream that fits in one block (or is empty) is a single Put Blob.
    await store.put('c', pieces(0));
    await store.put('d', pieces(BLOCK));
    expect(requests.snapshot().put).toBe(5 + 2);
    expect(upload.mock.calls.map((call) => [(call[0] as Buffer).length, call[1]])).toEqual([
      [1, 1],
      [0, 0],
      [BLOCK, BLOCK],
    ]);
  });

  it('holds at most `concurrency` blocks in memory over all uploads at once, and refuses fewer than 3', async () => {
    const { store, stageBlock } = mockedStore({ concurrency: 3 });
    let inFlight = 0;
    let most = 0;
    stageBlock.mockImplementation(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return {} as StageResponse;
    });
    const sizes = [5 * BLOCK + 1, 4 * BLOCK, 3 * BLOCK + 7, 6 * BLOCK];
    const results = await Promise.all(sizes.map((n, i) => store.put(`p${i}`, pieces(n))));
    expect(results.map((r) => r.size)).toEqual(sizes);
    expect(stageBlock).toHaveBeenCalledTimes(6 + 4 + 4 + 6);
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
    expect(() => mockedStore({ concurrency: 2 })).toThrow(/at least 3 part buffers/);
  });
});

/** The shape of an SDK RestError: no emulator answers 401/503 or a policy conflict on demand. */
function restError(statusCode: number | undefined, errorCode: string, message = errorCode): Error {
  return Object.assign(new Error(message), {
    name: 'RestError',
    statusCode,
    ...(errorCode ? { code: errorCode, details: { errorCode } } : {}),
  });
}

describe('translateAzureError', () => {
  const where = 'azure://acct/backups/repo/config';

  it('maps missing blobs, missing containers and create-only conflicts', () => {
    expect(translateAzureError(restError(404, 'BlobNotFound'), where, 'config')).toBeInstanceOf(
      ObjectNotFoundError,
    );
    expect(translateAzureError(restError(404, 'ContainerNotFound'), where, 'config')).toBeInstanceOf(
      StorageNotFoundError,
    );
    expect(translateAzureError(restError(409, 'BlobAlreadyExists'), where, 'config')).toBeInstanceOf(
      ObjectExistsError,
    );
    expect(
      translateAzureError(restError(412, 'ConditionNotMet'), where, 'config', { createOnly: true }),
    ).toBeInstanceOf(ObjectExistsError);
    // A 412 on a read pinned to an ETag means the blob changed, not that a create collided.
    expect(translateAzureError(restError(412, 'ConditionNotMet'), where, 'config')).toBeInstanceOf(
      StorageError,
    );
  });

  it('reports refused credentials with the variables and role to check, and no secret', () => {
    const error = translateAzureError(
      restError(
        403,
        'AuthenticationFailed',
        'Server failed to authenticate the request. sig=c2VjcmV0 AccountKey=c2VjcmV0\nRequestId:1',
      ),
      where,
      'config',
    );
    expect(error).toBeInstanceOf(StoragePermissionError);
    const { message, hint } = error as StoragePermissionError;
    expect(message).toContain('AuthenticationFailed');
    expect(hint).toMatch(/AZURE_STORAGE_CONNECTION_STRING.*AZURE_STORAGE_KEY.*Storage Blob Data Contributor/);
    expect(message + hint).not.toContain('c2VjcmV0');
  });

  it('treats throttling, server errors and lost connections as transient', () => {
    expect(translateAzureError(restError(503, 'ServerBusy'), where)).toBeInstanceOf(TransientError);
    expect(translateAzureError(restError(500, 'OperationTimedOut'), where)).toBeInstanceOf(TransientError);
    expect(translateAzureError(restError(undefined, 'REQUEST_SEND_ERROR'), where)).toBeInstanceOf(
      TransientError,
    );
  });

  it('keeps the service’s words for other refusals, without SAS signatures', () => {
    const error = translateAzureError(
      restError(400, 'InvalidHeaderValue', 'A header is wrong at https://a/b?sv=1&sig=c2VjcmV0.\nTime:x'),
      where,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).message).toContain('InvalidHeaderValue');
    expect((error as StorageError).message).not.toContain('c2VjcmV0');
    const source = new Error('source broke');
    expect(translateAzureError(source, where)).toBe(source);
  });
});
