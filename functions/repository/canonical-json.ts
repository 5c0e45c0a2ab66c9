import { IntegrityError } from '../core/errors';

/**
 * JSON with object keys sorted at every depth and undefined members dropped: the same value
 * always gives the same bytes, whatever order the code that built it used. Authenticated JSON
 * (the config's MAC, a key slot's wrap) is computed over this form, and such files are stored in
 * it, so any other byte sequence can be recognised as damage.
 */
function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortDeep(member);
    }
    return out;
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortDeep(value));
}

/** The stored (readable) form: canonical order, two-space indentation, final newline. */
export function canonicalJsonFile(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(sortDeep(value), null, 2)}\n`);
}

/** JSON that Lifeboat stored; anything unparsable is damage to the object. */
export function parseStoredJson(bytes: Buffer, key: string, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new IntegrityError(key, `${what} is not valid JSON`);
  }
}
