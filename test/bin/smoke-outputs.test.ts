import { cdkInvocation } from '../../bin/env-command-plan';
import {
  OutputsError,
  STABLE_TOKEN_URL_OUTPUT,
  clientIdOf,
  clientIdOutputKey,
  cognitoIssuer,
  dataStackName,
  edgeOutputs,
  edgeStackName,
  outputsFilePath,
  outputsFromFile,
  outputsFromStack,
  stageRoot,
} from '../../bin/smoke-outputs';
import { synthEnvironment } from '../support/app';

const ALL = {
  GatewayUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/api/v1/',
  InternalGatewayUrl: 'http://internal-lb:80/v1',
  LangfuseUrl: 'http://internal-lb:3000',
  VirtualKeySecretPrefix: 'genai-gateway/dev/virtual-keys/',
  TokenUrl: 'https://genai-dev-1a2b3c4d.auth.us-east-1.amazoncognito.com/oauth2/token',
  UserPoolId: 'us-east-1_AbCdEf123',
  Scope: 'genai-gateway/invoke',
  ClientIddemoapp: '1example23456789',
};

describe('reading the outputs', () => {
  test("takes the edge stack's entry of a cdk --outputs-file file, keyed by stack name", () => {
    const file = { 'genai-dev-network': { VpcId: 'vpc-1' }, 'genai-dev-edge': { ...ALL, Ignored: 3 } };
    expect(outputsFromFile(file, 'dev')).toEqual(ALL);
    expect(outputsFromFile(file, 'prod')).toBeUndefined();
    expect(outputsFromFile(undefined, 'dev')).toBeUndefined();
  });

  test("turns DescribeStacks' Outputs list into the same map", () => {
    expect(outputsFromStack([{ OutputKey: 'GatewayUrl', OutputValue: 'https://x/api/v1' }, { OutputKey: 'Empty' }])).toEqual({
      GatewayUrl: 'https://x/api/v1',
    });
  });

  test('needs GatewayUrl, keeps the rest optional and drops a trailing slash', () => {
    expect(edgeOutputs(ALL, 'cdk.out/dev-outputs.json')).toEqual({
      gatewayUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/api/v1',
      langfuseUrl: ALL.LangfuseUrl,
      virtualKeySecretPrefix: ALL.VirtualKeySecretPrefix,
      tokenUrl: ALL.TokenUrl,
      scope: ALL.Scope,
      userPoolId: ALL.UserPoolId,
      all: ALL,
    });
    expect(() => edgeOutputs({ TokenUrl: 'x' }, 'cdk.out/dev-outputs.json')).toThrow(
      new OutputsError('cdk.out/dev-outputs.json has no GatewayUrl output'),
    );
  });

  test("asks the stable token URL on the API domain when the edge has one, Cognito's domain otherwise", () => {
    const stable = 'https://api.dev.genai.example.com/oauth2/token';
    expect(edgeOutputs({ ...ALL, [STABLE_TOKEN_URL_OUTPUT]: stable }, 'file').tokenUrl).toBe(stable);
    expect(edgeOutputs(ALL, 'file').tokenUrl).toBe(ALL.TokenUrl);
    expect(edgeOutputs({ ...ALL, [STABLE_TOKEN_URL_OUTPUT]: '' }, 'file').tokenUrl).toBe(ALL.TokenUrl);
  });

  test("finds a consumer's client id under its name without dashes, or names the ones there are", () => {
    const outputs = edgeOutputs(ALL, 'file');
    expect(clientIdOf(outputs, 'demo-app')).toBe('1example23456789');
    expect(() => clientIdOf(outputs, 'analytics')).toThrow(
      'no ClientIdanalytics output for consumer "analytics" (outputs have: ClientIddemoapp)',
    );
  });

  test("derives the issuer from the pool id's region prefix", () => {
    expect(cognitoIssuer('eu-west-1_TestPool')).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool');
    expect(() => cognitoIssuer('nounderscore')).toThrow('UserPoolId "nounderscore" is not <region>_<id>');
  });

  test('admin routes sit under the stage root, next to /v1', () => {
    expect(stageRoot('https://abc123.execute-api.us-east-1.amazonaws.com/api/v1')).toBe(
      'https://abc123.execute-api.us-east-1.amazonaws.com/api',
    );
  });
});

describe('the names the smoke run reads are the ones the app makes', () => {
  const environment = synthEnvironment('dev');
  const { config, templates } = environment;

  test('the outputs file is where npm run deploy writes it', () => {
    const args = cdkInvocation('deploy', config, { ci: false }).args;
    expect(args[args.indexOf('--outputs-file') + 1]).toBe(outputsFilePath('dev'));
  });

  test('the edge and data stack names are those of the stage', () => {
    expect(edgeStackName('dev')).toBe(environment.stage.edge.stackName);
    expect(dataStackName('dev')).toBe(environment.stage.data.stackName);
  });

  test('the edge stack declares every output the smoke run reads, one client id per consumer', () => {
    const outputs = Object.keys(templates.edge.toJSON().Outputs as Record<string, unknown>);
    const consumers = config.tenants.consumers.map((c) => c.name);
    expect(consumers.length).toBeGreaterThan(0);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'GatewayUrl',
        'LangfuseUrl',
        'VirtualKeySecretPrefix',
        'TokenUrl',
        'Scope',
        'UserPoolId',
        ...consumers.map(clientIdOutputKey),
      ]),
    );
  });
});
