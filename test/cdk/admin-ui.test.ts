/**
 * The admin UI as synthesized: private bucket behind CloudFront with strict headers, Cognito
 * sign-in (no self sign-up, MFA, code flow without a secret), an identity pool whose role may
 * only call the API, CORS for the UI's origin only, and cdk-nag's verdict; and without it.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { readContext } from '../../lib/context';
import { corsHeaders } from '../../functions/handlers/api';
import { asList, resources, roleStatements, synth, type Synthesized } from '../helpers/cdk';

jest.setTimeout(120_000);

let s: Synthesized;
beforeAll(() => {
  s = synth();
});
const idOf = (c: IConstruct) => s.stack.getLogicalId(c.node.defaultChild as CfnElement);

test('static files in a private bucket, served only through CloudFront over HTTPS with strict headers', () => {
  const ui = s.stack.adminUi!;
  s.template.hasResourceProperties('AWS::S3::Bucket', {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    LoggingConfiguration: { LogFilePrefix: 'admin-ui-bucket/' },
  });
  const [distribution] = Object.values(resources(s.template, 'AWS::CloudFront::Distribution'));
  const config = distribution!.Properties.DistributionConfig as {
    DefaultRootObject: string;
    DefaultCacheBehavior: { ViewerProtocolPolicy: string };
    Origins: { S3OriginConfig?: { OriginAccessIdentity: string }; OriginAccessControlId?: unknown }[];
  };
  expect(config.DefaultRootObject).toBe('index.html');
  expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  expect(config.Origins[0]!.OriginAccessControlId).toBeDefined();
  // Only CloudFront (this distribution) may read the files.
  const policy = Object.values(resources(s.template, 'AWS::S3::BucketPolicy')).find(
    (p) => (p.Properties.Bucket as { Ref: string }).Ref === idOf(ui.bucket),
  )!;
  // (The other statement is CDK's auto-delete of the built files at teardown: no GetObject.)
  const reads = (
    policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }
  ).Statement.filter(
    (st) => st.Effect === 'Allow' && asList(st.Action as string[]).some((a) => a.startsWith('s3:GetObject')),
  );
  expect(reads).toHaveLength(1);
  expect(reads[0]).toMatchObject({
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 's3:GetObject',
  });
  expect(JSON.stringify(reads[0]!.Condition)).toContain(idOf(ui.distribution));
  const [headers] = Object.values(resources(s.template, 'AWS::CloudFront::ResponseHeadersPolicy'));
  const security = (
    headers!.Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: {
        ContentSecurityPolicy: { ContentSecurityPolicy: string };
        FrameOptions: { FrameOption: string };
        StrictTransportSecurity: { AccessControlMaxAgeSec: number };
      };
    }
  ).SecurityHeadersConfig;
  const csp = security.ContentSecurityPolicy.ContentSecurityPolicy;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(
    /connect-src 'self' https:\/\/\*\.execute-api\.eu-west-1\.amazonaws\.com https:\/\/lifeboat-111122223333\.auth\.eu-west-1\.amazoncognito\.com https:\/\/cognito-identity\.eu-west-1\.amazonaws\.com;/,
  );
  expect(security.FrameOptions.FrameOption).toBe('DENY');
  expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBe(31_536_000);
});

test('sign-in: no self sign-up, MFA required, code flow with PKCE and no client secret, back to the UI only', () => {
  s.template.hasResourceProperties('AWS::Cognito::UserPool', {
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    MfaConfiguration: 'ON',
    EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true }) },
  });
  s.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'lifeboat-111122223333' });
  const [client] = Object.values(resources(s.template, 'AWS::Cognito::UserPoolClient'));
  expect(client!.Properties).toMatchObject({
    GenerateSecret: false,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    PreventUserExistenceErrors: 'ENABLED',
    SupportedIdentityProviders: ['COGNITO'],
  });
  const callbacks = client!.Properties.CallbackURLs as unknown[];
  expect(callbacks).toHaveLength(1);
  expect(JSON.stringify(callbacks[0])).toContain(idOf(s.stack.adminUi!.distribution));
  s.template.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: false });
});

test("the signed-in user's role may call this API's stage and nothing else", () => {
  const role = s.stack.adminUi!.identityPool.authenticatedRole;
  const statements = roleStatements(s.template, idOf(role));
  expect(statements.flatMap((st) => asList(st.Action))).toEqual(['execute-api:Invoke']);
  expect(JSON.stringify(statements[0]!.Resource)).toContain(idOf(s.stack.api.restApi));
  s.template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [
        Match.objectLike({
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: Match.objectLike({
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          }),
        }),
      ],
    },
  });
});

test("CORS for the UI's origin: preflights without auth, errors readable, every other method IAM", () => {
  const methods = Object.values(resources(s.template, 'AWS::ApiGateway::Method'));
  const options = methods.filter((m) => m.Properties.HttpMethod === 'OPTIONS');
  expect(options).toHaveLength(2);
  for (const m of options) {
    expect(m.Properties.AuthorizationType).toBe('NONE');
    const integration = JSON.stringify(m.Properties.Integration);
    expect(integration).toContain(idOf(s.stack.adminUi!.distribution));
    expect(integration).toContain('Idempotency-Key');
    // SigV4 in a browser sends the body's hash as a header: without it in the list, every call fails.
    expect(integration).toContain('X-Amz-Content-Sha256');
  }
  for (const m of methods.filter((m) => m.Properties.HttpMethod !== 'OPTIONS'))
    expect(m.Properties.AuthorizationType).toBe('AWS_IAM');
  const responses = Object.values(resources(s.template, 'AWS::ApiGateway::GatewayResponse'));
  expect(responses.map((r) => r.Properties.ResponseType).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
  s.template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: Match.objectLike({ LIFEBOAT_UI_ORIGIN: Match.anyValue() }) },
  });
  // The function answers CORS for that origin only.
  const ui = 'https://d111.cloudfront.net';
  expect(corsHeaders({ Origin: ui }, ui)).toEqual({ 'access-control-allow-origin': ui, vary: 'Origin' });
  expect(corsHeaders({ origin: 'https://evil.example' }, ui)).toEqual({});
  expect(corsHeaders({}, ui)).toEqual({});
  expect(corsHeaders({ origin: ui }, undefined)).toEqual({});
});

test('the built UI and its config.json are deployed, and the distribution invalidated', () => {
  const [deployment] = Object.values(resources(s.template, 'Custom::CDKBucketDeployment'));
  expect(asList(deployment!.Properties.SourceObjectKeys as unknown[])).toHaveLength(2);
  const markers = JSON.stringify(deployment!.Properties.SourceMarkers);
  for (const c of [s.stack.adminUi!.userPool, s.stack.adminUi!.userPoolClient, s.stack.api.restApi])
    expect(markers).toContain(idOf(c));
  expect(deployment!.Properties.DistributionPaths).toEqual(['/*']);
});

test('cdk-nag has nothing unacknowledged; lifeboat:adminUi=false leaves the UI and CORS out', () => {
  expect(s.findings).toEqual([]);
  const without = synth({ 'lifeboat:adminUi': 'false' });
  expect(without.stack.adminUi).toBeUndefined();
  without.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  without.template.resourceCountIs('AWS::Cognito::UserPool', 0);
  const options = Object.values(resources(without.template, 'AWS::ApiGateway::Method')).filter(
    (m) => m.Properties.HttpMethod === 'OPTIONS',
  );
  expect(options).toEqual([]);
  expect(without.findings).toEqual([]);
});

test('a sign-in domain prefix Cognito would refuse stops the synth, naming the field', () => {
  const get = (bad: string) => () =>
    readContext((k) => ({ 'lifeboat:adminUiDomainPrefix': bad })[k as 'lifeboat:adminUiDomainPrefix']);
  expect(get('my-aws-backups')).toThrow(/lifeboat:adminUiDomainPrefix: must not contain aws/);
  expect(get('Upper')).toThrow(/lifeboat:adminUiDomainPrefix: is lower-case/);
  expect(
    readContext((k) => ({ 'lifeboat:adminUiDomainPrefix': 'acme-backups' })[k as string]).props.adminUi,
  ).toEqual({
    domainPrefix: 'acme-backups',
  });
});
