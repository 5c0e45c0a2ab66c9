import { readFileSync } from 'node:fs';
import { ApiClient } from './api-client';
import { printJson, say, type GlobalOptions } from './output';

interface ApiOptions extends GlobalOptions {
  api?: string;
  data?: string;
  idempotencyKey?: string;
  signRegion?: string;
}

/**
 * `lifeboat api METHOD PATH`: one call to Lifeboat's API, locally (`lifeboat serve`, the token from
 * LIFEBOAT_HOME for changes) or deployed (`--api https://ID.execute-api.REGION.amazonaws.com/v1`,
 * SigV4-signed with the standard AWS credential chain). Prints the JSON answer.
 */
export async function runApi(method: string, route: string, options: ApiOptions): Promise<void> {
  const body =
    options.data === undefined
      ? undefined
      : options.data.startsWith('@')
        ? readFileSync(options.data.slice(1), 'utf8')
        : options.data;
  const answer = await ApiClient.of(options).call(method, route, {
    ...(body !== undefined ? { body } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
  if (options.json || !answer.empty) printJson(answer.body);
  else say(`${answer.status} ${answer.statusText}`);
}
