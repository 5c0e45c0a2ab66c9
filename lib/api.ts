import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** What the admin UI's calls carry: the methods it uses, and the headers a browser asks leave for. */
export const BROWSER_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'] as const;
export const BROWSER_HEADERS = [
  ...apigateway.Cors.DEFAULT_HEADERS,
  'Idempotency-Key',
  // SigV4 signs the body's hash into this header (functions/adapters/aws/api-client/sigv4.ts).
  'X-Amz-Content-Sha256',
] as const;

export interface ApiProps {
  /** The API handler (functions/handlers/api.ts). */
  readonly handler: lambda.IFunction;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The REST API in front of the API handler: every method IAM-authorized (SigV4, the standard
 * credential chain; `lifeboat --api URL` signs), access logs and execution logs, X-Ray, request
 * validation; every path to the API's router, which validates each request against its schemas.
 */
export class Api extends Construct {
  readonly restApi: apigateway.RestApi;
  private readonly proxy: apigateway.Resource;

  constructor(scope: Construct, id: string, props: ApiProps) {
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
  allowBrowserOrigin(origin: string): void {
    const cors: apigateway.CorsOptions = {
      allowOrigins: [origin],
      allowMethods: [...BROWSER_METHODS],
      allowHeaders: [...BROWSER_HEADERS],
      maxAge: Duration.hours(1),
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
