import { Duration } from 'aws-cdk-lib';
import { authorizerEnvironment, type TokenIssuer } from '../../constructs/jwt-authorizer';
import { ENV_VAR_NAMES, loadConfig } from '../../lambda/authorizer/config';

const MACHINE = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Machine';
const WORKFORCE = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Workforce';
const base = { mode: 'inject' as const, virtualKeySecretPrefix: 'genai-gateway/dev/virtual-keys/', cacheTtl: Duration.minutes(5) };
const envOf = (issuer: TokenIssuer) => authorizerEnvironment({ ...base, issuer });

describe('authorizerEnvironment', () => {
  test('with browser apps on Cognito: both pools, every client, the browser ids and sub, and the authorizer loads it', () => {
    const env = envOf({
      kind: 'cognito',
      issuer: MACHINE,
      clientIds: ['machine1'],
      requiredScope: 'genai-gateway/invoke',
      browser: { issuer: WORKFORCE, clientIds: ['spa1', 'spa2'] },
    });
    expect(env).toMatchObject({
      JWT_ISSUERS: `${MACHINE},${WORKFORCE}`,
      JWT_CLIENT_IDS: 'machine1,spa1,spa2',
      BROWSER_CLIENT_IDS: 'spa1,spa2',
      END_USER_CLAIM: 'sub',
      REQUIRED_SCOPE: 'genai-gateway/invoke',
    });
    for (const name of Object.keys(env)) expect(ENV_VAR_NAMES).toContain(name);
    const config = loadConfig(env);
    expect(config.browserClientIds).toEqual(['spa1', 'spa2']);
    expect(config.issuers.map((i) => [i.issuer, i.cognito])).toEqual([
      [MACHINE, true],
      [WORKFORCE, true],
    ]);
  });

  test('without browser apps nothing about them is set, and the workforce pool is no issuer', () => {
    const env = envOf({ kind: 'cognito', issuer: MACHINE, clientIds: ['machine1'], requiredScope: 'genai-gateway/invoke' });
    expect(env).not.toHaveProperty('BROWSER_CLIENT_IDS');
    expect(env).not.toHaveProperty('END_USER_CLAIM');
    expect(env.JWT_ISSUERS).toBe(MACHINE);
    expect(loadConfig(env).browserClientIds).toEqual([]);
  });

  test('an empty browser list adds neither the workforce issuer nor the variables', () => {
    const env = envOf({
      kind: 'cognito',
      issuer: MACHINE,
      clientIds: ['machine1'],
      requiredScope: 's',
      browser: { issuer: WORKFORCE, clientIds: [] },
    });
    expect(env.JWT_ISSUERS).toBe(MACHINE);
    expect(env).not.toHaveProperty('BROWSER_CLIENT_IDS');
  });

  test('with an external issuer: the registered SPA ids and the configured person claim', () => {
    const env = envOf({
      kind: 'oidc',
      issuers: ['https://login.example.com/v2.0'],
      jwksUri: 'https://login.example.com/keys',
      audience: ['api://gateway'],
      clientIdClaim: 'azp',
      browser: { clientIds: ['spa-guid'], endUserClaim: 'oid' },
    });
    expect(env).toMatchObject({ BROWSER_CLIENT_IDS: 'spa-guid', END_USER_CLAIM: 'oid', CLIENT_ID_CLAIM: 'azp' });
    expect(loadConfig(env)).toMatchObject({ browserClientIds: ['spa-guid'], endUserClaim: 'oid' });
  });
});
