// Lambda entry behind API Gateway. The API's resources are the API issue's; `GET /health` says
// whether this deployment's API answers and reaches its catalog.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { lifeboatVersion } from '../../bin/cli/version';
import type { ServiceContext } from '../core/services/context';
import { instrumentedHandler, sharedContext } from './step-handler';

export async function route(
  ctx: ServiceContext,
  event: APIGatewayProxyEvent,
): Promise<APIGatewayProxyResult> {
  const json = (statusCode: number, body: Record<string, unknown>) => ({
    statusCode,
    headers: { 'content-type': statusCode < 400 ? 'application/json' : 'application/problem+json' },
    body: JSON.stringify(body),
  });
  if (event.httpMethod === 'GET' && event.path === '/health') {
    await ctx.catalog.listSchedules({ limit: 1 });
    return json(200, { status: 'ok', version: lifeboatVersion(), catalog: 'reachable' });
  }
  return json(404, {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: `No route ${event.httpMethod} ${event.path}.`,
  });
}

export const handler = instrumentedHandler('Api', (event) =>
  route(sharedContext(), event as APIGatewayProxyEvent),
);
