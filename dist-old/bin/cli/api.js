"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runApi = runApi;
const node_fs_1 = require("node:fs");
const api_client_1 = require("./api-client");
const output_1 = require("./output");
/**
 * `lifeboat api METHOD PATH`: one call to Lifeboat's API, locally (`lifeboat serve`, the token from
 * LIFEBOAT_HOME for changes) or deployed (`--api https://ID.execute-api.REGION.amazonaws.com/v1`,
 * SigV4-signed with the standard AWS credential chain). Prints the JSON answer.
 */
async function runApi(method, route, options) {
    const body = options.data === undefined
        ? undefined
        : options.data.startsWith('@')
            ? (0, node_fs_1.readFileSync)(options.data.slice(1), 'utf8')
            : options.data;
    const answer = await api_client_1.ApiClient.of(options).call(method, route, {
        ...(body !== undefined ? { body } : {}),
        ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    });
    if (options.json || !answer.empty)
        (0, output_1.printJson)(answer.body);
    else
        (0, output_1.say)(`${answer.status} ${answer.statusText}`);
}
//# sourceMappingURL=api.js.map