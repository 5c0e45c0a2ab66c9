import type { Page } from '../../ports/catalog';

/** Every item of a paged listing, following the cursors (for listings known to stay small). */
export async function allItems<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  return (await itemsUpTo(Number.POSITIVE_INFINITY, fetch)).items;
}

/** The items of a paged listing up to `limit`; `more` when the listing holds others. */
export async function itemsUpTo<T>(
  limit: number,
  fetch: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && items.length < limit);
  return { items: items.slice(0, limit), more: Boolean(cursor) || items.length > limit };
}
