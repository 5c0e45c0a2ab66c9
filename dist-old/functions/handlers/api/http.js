"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.HttpError = exports.MAX_BODY_BYTES = void 0;
exports.json = json;
exports.problem = problem;
/** Bodies larger than this are refused (413) before they are parsed. */
exports.MAX_BODY_BYTES = 256 * 1024;
function json(status, body, headers = {}) {
    return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
const TITLES = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    413: 'Content Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Content',
    500: 'Internal Server Error',
};
/** An RFC 9457 problem: what went wrong in words a person reads, and what to do next. */
function problem(status, detail, extra = {}) {
    return {
        status,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({
            type: 'about:blank',
            title: TITLES[status] ?? 'Error',
            status,
            detail,
            ...(extra.code ? { code: extra.code } : {}),
            ...(extra.hint ? { hint: extra.hint } : {}),
            ...(extra.errors ? { errors: extra.errors } : {}),
        }),
    };
}
/** Thrown by a route for a 4xx it decides itself. */
class HttpError extends Error {
    status;
    hint;
    constructor(status, message, hint) {
        super(message);
        this.status = status;
        this.hint = hint;
    }
}
exports.HttpError = HttpError;
//# sourceMappingURL=http.js.map