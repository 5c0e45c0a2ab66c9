import type { Actor } from '../../core/services/context';

/** A request as the router sees it, from API Gateway (Lambda) or from `lifeboat serve`. */
export interface ApiRequest {
  method: string;
  /** The path without the stage or a query: `/schedules/nightly`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The raw body; absent without one. */
  body?: string;
  /** Who calls (IAM principal in AWS, the local user locally), from where, with what. */
  actor: Actor;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Bodies larger than this are refused (413) before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

const TITLES: Record<number, string> = {
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
export function problem(
  status: number,
  detail: string,
  extra: { hint?: string; errors?: { path: string; message: string }[]; code?: string } = {},
): ApiResponse {
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
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
