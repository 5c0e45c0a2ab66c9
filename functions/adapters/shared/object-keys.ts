import { InputError } from '../../core/errors';

/**
 * Repository keys are relative, slash-separated and free of `.`/`..`/empty segments on every
 * backend, so that a key means the same object in a directory, a bucket and a container.
 */
export function assertValidKey(key: string): void {
  if (key === '' || key.startsWith('/') || key.split('/').some((p) => p === '..' || p === '.' || p === ''))
    throw new InputError(`Invalid object key "${key}".`);
}
