import type { z } from 'zod';
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

/**
 * A stored canonical JSON object (a key slot, a generation link, a data key): valid against its
 * schema, under the name its content gives it, and byte for byte the canonical file of what it
 * holds. Anything else is damage to the object, reported as such.
 */
export function parseCanonicalObject<T>(
  key: string,
  bytes: Buffer,
  kind: { what: string; schema: z.ZodType<T>; nameOf: (value: T) => string; nameField: string },
  encode: (value: T) => Buffer,
): T {
  const parsed = kind.schema.safeParse(parseStoredJson(bytes, key, kind.what));
  if (!parsed.success) throw new IntegrityError(key, `${kind.what} has unexpected content`);
  if (kind.nameOf(parsed.data) !== key)
    throw new IntegrityError(key, `${kind.what} ${kind.nameField} does not match its name`);
  if (!encode(parsed.data).equals(bytes))
    throw new IntegrityError(key, `${kind.what} is not in canonical form (damaged)`);
  return parsed.data;
}
