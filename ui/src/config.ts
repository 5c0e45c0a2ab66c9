/** How the UI finds its API and signs in: `config.json` beside the app, written by whoever serves it. */
export type UiConfig =
  | {
      /** `lifeboat serve`: the API on the same origin; changes need the token of LIFEBOAT_HOME/api-token. */
      auth: 'token';
      api: string;
    }
  | {
      /** The AWS deployment: sign in with Cognito, then sign API calls with SigV4 (IAM authorization). */
      auth: 'cognito';
      api: string;
      region: string;
      userPoolId: string;
      userPoolClientId: string;
      /** The Cognito domain's base URL: https://PREFIX.auth.REGION.amazoncognito.com */
      domain: string;
      identityPoolId: string;
      /** @default https://cognito-identity.REGION.amazonaws.com/ */
      identityEndpoint?: string;
    };

export async function loadConfig(): Promise<UiConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json could not be read (HTTP ${response.status}).`);
  return (await response.json()) as UiConfig;
}
