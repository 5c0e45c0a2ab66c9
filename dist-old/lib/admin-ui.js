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
exports.AdminUi = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudfront = __importStar(require("aws-cdk-lib/aws-cloudfront"));
const origins = __importStar(require("aws-cdk-lib/aws-cloudfront-origins"));
const cognito = __importStar(require("aws-cdk-lib/aws-cognito"));
const aws_cognito_identitypool_1 = require("aws-cdk-lib/aws-cognito-identitypool");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const s3 = __importStar(require("aws-cdk-lib/aws-s3"));
const s3deploy = __importStar(require("aws-cdk-lib/aws-s3-deployment"));
const constructs_1 = require("constructs");
/**
 * The admin UI in AWS: static files in a private bucket behind CloudFront (origin access
 * control, HTTPS only, strict security headers), and sign-in with Cognito. A user of the user
 * pool (created by an administrator: no self sign-up; TOTP MFA required) signs in on Cognito's
 * page; the identity pool turns the ID token into temporary credentials of a role whose only
 * right is to call this API; the UI signs each call with them (SigV4), so API Gateway's IAM
 * authorization checks the UI exactly as it checks the CLI, and the audit log names the
 * signed-in user's session. docs/OPERATIONS.md §12.
 */
class AdminUi extends constructs_1.Construct {
    bucket;
    distribution;
    userPool;
    userPoolClient;
    identityPool;
    /** `https://…cloudfront.net`: the origin the API lets call it from a browser. */
    origin;
    url;
    constructor(scope, id, props) {
        super(scope, id);
        const stack = aws_cdk_lib_1.Stack.of(this);
        this.bucket = new s3.Bucket(this, 'Assets', {
            blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
            encryption: s3.BucketEncryption.S3_MANAGED,
            enforceSSL: true,
            serverAccessLogsBucket: props.accessLogsBucket,
            serverAccessLogsPrefix: 'admin-ui-bucket/',
            // Built files only: a teardown may take them.
            removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY,
            autoDeleteObjects: true,
        });
        const region = stack.region;
        const domainPrefix = props.domainPrefix ?? `${stack.stackName.toLowerCase()}-${stack.account}`;
        const signInOrigin = `https://${domainPrefix}.auth.${region}.amazoncognito.com`;
        const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
            comment: 'Lifeboat admin UI: only its own scripts; API, Cognito and the identity pool as the only peers',
            securityHeadersBehavior: {
                contentSecurityPolicy: {
                    contentSecurityPolicy: [
                        "default-src 'self'",
                        "img-src 'self' data:",
                        "style-src 'self'",
                        "script-src 'self'",
                        // The API's exact URL would make the distribution depend on the API, which depends on
                        // the distribution for CORS; API Gateway endpoints of this region instead.
                        `connect-src 'self' https://*.execute-api.${region}.amazonaws.com ${signInOrigin} https://cognito-identity.${region}.amazonaws.com`,
                        "frame-ancestors 'none'",
                        "base-uri 'none'",
                        "form-action 'self'",
                    ].join('; '),
                    override: true,
                },
                strictTransportSecurity: {
                    accessControlMaxAge: aws_cdk_lib_1.Duration.days(365),
                    includeSubdomains: true,
                    override: true,
                },
                contentTypeOptions: { override: true },
                frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
                referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
            },
        });
        this.distribution = new cloudfront.Distribution(this, 'Distribution', {
            comment: 'Lifeboat admin UI',
            defaultRootObject: 'index.html',
            defaultBehavior: {
                origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
                viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                responseHeadersPolicy: headers,
                cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
            },
            httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
            priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
        });
        this.origin = `https://${this.distribution.distributionDomainName}`;
        this.url = `${this.origin}/`;
        this.userPool = new cognito.UserPool(this, 'Users', {
            selfSignUpEnabled: false,
            signInAliases: { email: true },
            mfa: cognito.Mfa.REQUIRED,
            mfaSecondFactor: { otp: true, sms: false },
            passwordPolicy: {
                minLength: 14,
                requireDigits: true,
                requireLowercase: true,
                requireUppercase: true,
                requireSymbols: true,
            },
            accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
            removalPolicy: aws_cdk_lib_1.RemovalPolicy.RETAIN,
        });
        this.userPool.addDomain('SignIn', { cognitoDomain: { domainPrefix } });
        this.userPoolClient = this.userPool.addClient('AdminUi', {
            generateSecret: false,
            preventUserExistenceErrors: true,
            authFlows: {},
            oAuth: {
                flows: { authorizationCodeGrant: true },
                scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
                callbackUrls: [this.url],
                logoutUrls: [this.url],
            },
            supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
            idTokenValidity: aws_cdk_lib_1.Duration.hours(1),
            accessTokenValidity: aws_cdk_lib_1.Duration.hours(1),
            refreshTokenValidity: aws_cdk_lib_1.Duration.hours(12),
        });
        this.identityPool = new aws_cognito_identitypool_1.IdentityPool(this, 'Identities', {
            allowUnauthenticatedIdentities: false,
            authenticationProviders: {
                userPools: [
                    new aws_cognito_identitypool_1.UserPoolAuthenticationProvider({
                        userPool: this.userPool,
                        userPoolClient: this.userPoolClient,
                    }),
                ],
            },
        });
        // The signed-in user's only right: calling this API (what each call may do is the API's).
        this.identityPool.authenticatedRole.addToPrincipalPolicy(new iam.PolicyStatement({
            actions: ['execute-api:Invoke'],
            resources: [props.api.arnForExecuteApi('*', '/*', props.api.deploymentStage.stageName)],
        }));
        new s3deploy.BucketDeployment(this, 'Deploy', {
            destinationBucket: this.bucket,
            sources: [
                s3deploy.Source.asset(props.assetsDir),
                // What the app reads first (ui/src/config.ts): the API and how to sign in.
                s3deploy.Source.jsonData('config.json', {
                    auth: 'cognito',
                    api: props.api.url,
                    region,
                    userPoolId: this.userPool.userPoolId,
                    userPoolClientId: this.userPoolClient.userPoolClientId,
                    domain: signInOrigin,
                    identityPoolId: this.identityPool.identityPoolId,
                }),
            ],
            distribution: this.distribution,
            distributionPaths: ['/*'],
            memoryLimit: 256,
        });
        new aws_cdk_lib_1.CfnOutput(stack, 'AdminUiUrl', { value: this.url, description: 'The admin UI' });
        new aws_cdk_lib_1.CfnOutput(stack, 'AdminUiUserPoolId', {
            value: this.userPool.userPoolId,
            description: 'Add UI users here (aws cognito-idp admin-create-user)',
        });
    }
}
exports.AdminUi = AdminUi;
//# sourceMappingURL=admin-ui.js.map