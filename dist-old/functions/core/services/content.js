"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.readContentLists = readContentLists;
const content_list_1 = require("../../repository/content-list");
/** The chunk references of a stream snapshot, in order, reading one content list at a time. */
async function* readContentLists(reader, content, onList) {
    for (const hex of content.lists) {
        const listId = Buffer.from(hex, 'hex');
        onList?.(listId);
        yield* (0, content_list_1.decodeContentList)(await reader.read(listId), `content list ${hex}`);
    }
}
//# sourceMappingURL=content.js.map