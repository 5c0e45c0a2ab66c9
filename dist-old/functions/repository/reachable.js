"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.markSnapshot = markSnapshot;
const content_list_1 = require("./content-list");
const tree_io_1 = require("./tree-io");
/** Every chunk a snapshot needs: its trees, content lists and data. */
async function markSnapshot(reader, manifest, live) {
    const add = (id) => live.add(id.toString('hex'));
    if (manifest.content.kind === 'stream') {
        for (const hex of manifest.content.lists) {
            const listId = Buffer.from(hex, 'hex');
            add(listId);
            for (const ref of (0, content_list_1.decodeContentList)(await reader.read(listId), `content list ${hex}`))
                add(ref.id);
        }
        return;
    }
    const walk = async (parts) => {
        parts.forEach(add);
        for (const node of await (0, tree_io_1.readTree)(reader, parts)) {
            if (node.type === 'dir')
                await walk(node.subtree);
            else if (node.type === 'file') {
                if ('lists' in node.content)
                    node.content.lists.forEach(add);
                for await (const ref of (0, tree_io_1.fileRefs)(reader, node.content))
                    add(ref.id);
            }
        }
    };
    await walk(manifest.content.tree.map((hex) => Buffer.from(hex, 'hex')));
}
//# sourceMappingURL=reachable.js.map