"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.apiGatewayRegion = apiGatewayRegion;
exports.signRequest = signRequest;
const credential_provider_node_1 = require("@aws-sdk/credential-provider-node");
const sigv4_1 = require("./sigv4");
/** The region of an API Gateway endpoint (`ID.execute-api.REGION.amazonaws.com`), if it is one. */
function apiGatewayRegion(url) {
    return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
}
/**
 * Signs a request to a deployed Lifeboat API with SigV4, with the credentials of the standard
 * chain (environment, profile, SSO, instance or task role).
 */
function signRequest(request, region) {
    return (0, sigv4_1.signExecuteApi)(request, region, (0, credential_provider_node_1.defaultProvider)());
}
//# sourceMappingURL=signed-request.js.map