"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.signableQuery = signableQuery;
exports.signExecuteApi = signExecuteApi;
const sha256_js_1 = require("@aws-crypto/sha256-js");
const signature_v4_1 = require("@smithy/signature-v4");
/**
 * A query string for a signed request: every name and value percent-encoded, a space as %20.
 * URLSearchParams writes a space as '+', which a SigV4 verifier reads as a plus sign, not a
 * space: the signature (made over the space) would not match.
 */
function signableQuery(params) {
    return Object.entries(params)
        .filter((entry) => entry[1] !== undefined && entry[1] !== '')
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
        .join('&');
}
/**
 * A request's headers with a SigV4 signature for API Gateway (service execute-api): what its
 * IAM authorization checks. Pure JavaScript, so that the CLI and the admin UI in a browser sign
 * the same way.
 */
async function signExecuteApi(request, region, credentials) {
    const signer = new signature_v4_1.SignatureV4({ service: 'execute-api', region, credentials, sha256: sha256_js_1.Sha256 });
    const signed = await signer.sign({
        method: request.method,
        protocol: request.url.protocol,
        hostname: request.url.hostname,
        ...(request.url.port ? { port: Number(request.url.port) } : {}),
        path: request.url.pathname,
        query: Object.fromEntries(request.url.searchParams),
        headers: { ...request.headers, host: request.url.host },
        ...(request.body !== undefined ? { body: request.body } : {}),
    });
    return signed.headers;
}
//# sourceMappingURL=sigv4.js.map