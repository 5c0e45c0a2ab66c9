import type { Page } from '../../ports/catalog';

/** Every item of a paged listing, following the cursors (for listings known to stay small). */
export async function allItems<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}
