import { InputError } from '../../errors';

/** Pagination cursors are opaque to callers: base64url of a small JSON object of strings. */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, string> {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.values(value).every((v) => typeof v === 'string')
    )
      return value as Record<string, string>;
  } catch {
    // reported below
  }
  throw new InputError(
    'The page cursor is not one this catalog returned.',
    'Pass the `next` value of the previous page unchanged, or start again without a cursor.',
  );
}
