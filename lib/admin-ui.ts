import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { IdentityPool, UserPoolAuthenticationProvider } from 'aws-cdk-lib/aws-cognito-identitypool';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface AdminUiProps {
  /** The API the UI calls (IAM-authorized; the UI signs with SigV4). */
  readonly api: apigateway.RestApi;
  /** The built UI (dist/ui: index.html, app.js, app.css). */
  readonly assetsDir: string;
  /** Where CloudFront's and the bucket's access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /**
   * The Cognito sign-in domain's prefix: https://PREFIX.auth.REGION.amazoncognito.com. Unique in
   * the region across all AWS accounts.
   * @default "<stack name in lower case>-<account>"
   */
  readonly domainPrefix?: string;
}

/**
 * The admin UI in AWS: static files in a private bucket behind CloudFront (origin access
 * control, HTTPS only, strict security headers), and sign-in with Cognito. A user of the user
 * pool (created by an administrator: no self sign-up; TOTP MFA required) signs in on Cognito's
 * page; the identity pool turns the ID token into temporary credentials of a role whose only
 * right is to call this API; the UI signs each call with them (SigV4), so API Gateway's IAM
 * authorization checks the UI exactly as it checks the CLI, and the audit log names the
 * signed-in user's session. docs/OPERATIONS.md §12.
 */
export class AdminUi extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly identityPool: IdentityPool;
  /** `https://…cloudfront.net`: the origin the API lets call it from a browser. */
  readonly origin: string;
  readonly url: string;

  constructor(scope: Construct, id: string, props: AdminUiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'admin-ui-bucket/',
      // Built files only: a teardown may take them.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const region = stack.region;
    const domainPrefix = props.domainPrefix ?? `${stack.stackName.toLowerCase()}-${stack.account}`;
    const signInOrigin = `https://${domainPrefix}.auth.${region}.amazoncognito.com`;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment:
        'Lifeboat admin UI: only its own scripts; API, Cognito and the identity pool as the only peers',
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
          accessControlMaxAge: Duration.days(365),
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
      removalPolicy: RemovalPolicy.RETAIN,
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
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    this.identityPool = new IdentityPool(this, 'Identities', {
      allowUnauthenticatedIdentities: false,
      authenticationProviders: {
        userPools: [
          new UserPoolAuthenticationProvider({
            userPool: this.userPool,
            userPoolClient: this.userPoolClient,
          }),
        ],
      },
    });
    // The signed-in user's only right: calling this API (what each call may do is the API's).
    this.identityPool.authenticatedRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['execute-api:Invoke'],
        resources: [props.api.arnForExecuteApi('*', '/*', props.api.deploymentStage.stageName)],
      }),
    );

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

    new CfnOutput(stack, 'AdminUiUrl', { value: this.url, description: 'The admin UI' });
    new CfnOutput(stack, 'AdminUiUserPoolId', {
      value: this.userPool.userPoolId,
      description: 'Add UI users here (aws cognito-idp admin-create-user)',
    });
  }
}
