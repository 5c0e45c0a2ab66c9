"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.allItems = allItems;
exports.itemsUpTo = itemsUpTo;
/** Every item of a paged listing, following the cursors (for listings known to stay small). */
async function allItems(fetch) {
    return (await itemsUpTo(Number.POSITIVE_INFINITY, fetch)).items;
}
/** The items of a paged listing up to `limit`; `more` when the listing holds others. */
async function itemsUpTo(limit, fetch) {
    const items = [];
    let cursor;
    do {
        const page = await fetch(cursor);
        items.push(...page.items);
        cursor = page.next;
    } while (cursor && items.length < limit);
    return { items: items.slice(0, limit), more: Boolean(cursor) || items.length > limit };
}
//# sourceMappingURL=pages.js.map