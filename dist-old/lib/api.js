"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.Api = exports.BROWSER_HEADERS = exports.BROWSER_METHODS = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const apigateway = __importStar(require("aws-cdk-lib/aws-apigateway"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const constructs_1 = require("constructs");
/** What the admin UI's calls carry: the methods it uses, and the headers a browser asks leave for. */
exports.BROWSER_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];
exports.BROWSER_HEADERS = [
    ...apigateway.Cors.DEFAULT_HEADERS,
    'Idempotency-Key',
    // SigV4 signs the body's hash into this header (functions/adapters/aws/api-client/sigv4.ts).
    'X-Amz-Content-Sha256',
];
/**
 * The REST API in front of the API handler: every method IAM-authorized (SigV4, the standard
 * credential chain; `lifeboat --api URL` signs), access logs and execution logs, X-Ray, request
 * validation; every path to the API's router, which validates each request against its schemas.
 */
class Api extends constructs_1.Construct {
    restApi;
    proxy;
    constructor(scope, id, props) {
        super(scope, id);
        const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
            retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        });
        this.restApi = new apigateway.RestApi(this, 'Api', {
            description: 'Lifeboat backup and recovery API',
            endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
            cloudWatchRole: true,
            deployOptions: {
                stageName: 'v1',
                tracingEnabled: true,
                loggingLevel: apigateway.MethodLoggingLevel.INFO,
                dataTraceEnabled: false,
                accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
                accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
            },
            defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
        });
        const validator = this.restApi.addRequestValidator('Validate', {
            validateRequestBody: true,
            validateRequestParameters: true,
        });
        // Every path goes to the API's router (functions/handlers/api/router.ts), which validates it.
        const integration = new apigateway.LambdaIntegration(props.handler);
        this.restApi.root.addMethod('ANY', integration, { requestValidator: validator });
        this.proxy = this.restApi.root.addResource('{proxy+}');
        this.proxy.addMethod('ANY', integration, { requestValidator: validator });
    }
    /**
     * Lets a browser page of `origin` (the admin UI) call the API: unauthenticated CORS preflights
     * (they carry no credentials by design), and CORS headers on API Gateway's own errors (a
     * refused signature), so that the page can read why. The function answers CORS itself for
     * what it handles (LIFEBOAT_UI_ORIGIN).
     */
    allowBrowserOrigin(origin) {
        const cors = {
            allowOrigins: [origin],
            allowMethods: [...exports.BROWSER_METHODS],
            allowHeaders: [...exports.BROWSER_HEADERS],
            maxAge: aws_cdk_lib_1.Duration.hours(1),
        };
        this.restApi.root.addCorsPreflight(cors);
        this.proxy.addCorsPreflight(cors);
        for (const type of [apigateway.ResponseType.DEFAULT_4XX, apigateway.ResponseType.DEFAULT_5XX])
            this.restApi.addGatewayResponse(`Cors${type.responseType}`, {
                type,
                responseHeaders: { 'Access-Control-Allow-Origin': `'${origin}'`, Vary: "'Origin'" },
            });
    }
}
exports.Api = Api;
//# sourceMappingURL=api.js.map