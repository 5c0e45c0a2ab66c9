// Lambda entry behind API Gateway: the API's router (functions/handlers/api/router.ts), the same
// one `lifeboat serve` answers with. The caller is the IAM principal API Gateway authorized.
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { StepFunctionsStarter } from '../adapters/aws/sfn/workflow-starter';
import type { WorkflowStarter } from '../core/ports/workflows';
import type { ServiceContext } from '../core/services/context';
import type { ApiRequest } from './api/http';
import { dispatch } from './api/router';
import { instrumentedHandler, sharedContext } from './step-handler';

/** An API Gateway (REST, proxy integration) event as the router's request. */
export function requestOf(event: APIGatewayProxyEvent): ApiRequest {
  const identity = event.requestContext?.identity;
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k.toLowerCase(), v]])),
  );
  return {
    method: event.httpMethod,
    path: event.path,
    query: Object.fromEntries(
      Object.entries(event.queryStringParameters ?? {}).flatMap(([k, v]) =>
        v === undefined ? [] : [[k, v]],
      ),
    ),
    headers,
    ...(event.body
      ? { body: event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body }
      : {}),
    actor: {
      user_id: callerOf(identity),
      ip_address: identity?.sourceIp ?? null,
      user_agent: identity?.userAgent ?? headers['user-agent'] ?? null,
    },
  };
}

/**
 * Who called, for the audit log. A person signed in to the admin UI calls with the identity
 * pool's role, whose ARN every such person shares; Cognito's user (the user pool's `sub`, which
 * `aws cognito-idp list-users --filter 'sub = "…"'` names) tells them apart.
 */
function callerOf(identity: APIGatewayProxyEvent['requestContext']['identity'] | undefined): string {
  const signedIn = /:CognitoSignIn:([0-9a-f-]+)$/.exec(identity?.cognitoAuthenticationProvider ?? '')?.[1];
  if (signedIn) return `cognito:${signedIn}`;
  return identity?.userArn ?? identity?.caller ?? 'unknown';
}

let shared: WorkflowStarter | undefined;

/** One Step Functions client per container, like the rest of the composition root. */
function sharedStarter(): WorkflowStarter {
  return (shared ??= new StepFunctionsStarter(new SFNClient({}), process.env));
}

export async function route(
  ctx: ServiceContext,
  event: APIGatewayProxyEvent,
  starter: WorkflowStarter = sharedStarter(),
): Promise<APIGatewayProxyResult> {
  const response = await dispatch(requestOf(event), (request) => ({
    ctx: { ...ctx, actor: request.actor },
    starter,
  }));
  return {
    statusCode: response.status,
    headers: { ...response.headers, ...corsHeaders(event.headers ?? {}, process.env.LIFEBOAT_UI_ORIGIN) },
    body: response.body,
  };
}

/** The admin UI's origin (LIFEBOAT_UI_ORIGIN) may read the answers; no other page may. */
export function corsHeaders(
  headers: Record<string, string | undefined>,
  allowed: string | undefined,
): Record<string, string> {
  const origin = Object.entries(headers).find(([k]) => k.toLowerCase() === 'origin')?.[1];
  if (!allowed || origin !== allowed) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

export const handler = instrumentedHandler('Api', (event) =>
  route(sharedContext(), event as APIGatewayProxyEvent),
);
