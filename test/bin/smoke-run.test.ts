import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Testing } from 'cdk8s';
import { parseSmokeArgs, planSmoke, type SmokePlan, type SmokeRequest } from '../../bin/smoke-args';
import { CAUSES } from '../../bin/smoke-diagnosis';
import { RATE_LIMIT_CAUSES } from '../../bin/smoke-rate-limit';
import { runSmoke, type SmokeDeps } from '../../bin/smoke-run';
import { TRAVERSAL_CAUSE } from '../../bin/smoke-traversal';
import { WEB_CAUSES } from '../../bin/smoke-web';
import { NAMES } from '../../k8s/endpoints';
import type { AuthorizerHandler } from '../../lambda/authorizer/handler';
import { createEmfMetrics, createLogger } from '../../lambda/authorizer/telemetry';
import { buildAuthorizer } from '../../lambda/authorizer/wiring';
import { charts, config, find } from '../k8s/support/charts';
import { GatewayStandIn } from '../support/authorizer-gateway';
import { Captured, FakeSecrets, SECRET_PREFIX, VIRTUAL_KEY, testConfig } from '../support/authorizer-harness';
import { CLIENT_ID, ISSUER, jwksOf, rsaKey } from '../support/authorizer-tokens';
import { FakeLiteLlm, fromRenderedConfig, type FakeLiteLlmOptions } from '../support/fake-litellm';
import { JwksServer } from '../support/jwks-server';
import { EdgeRoutesStandIn, LangfuseStandIn, TargetGroupStandIn, TokenEndpointStandIn, WebHostStandIn } from './smoke-stand-ins';

/**
 * The whole smoke run on loopback: token endpoint stand-in, API Gateway's route table and the authorizer
 * stand-in with the REAL authorizer, the shared LiteLLM stand-in run from the dev chart's rendered config.yaml,
 * and a Langfuse traces API. Each failure mode breaks one piece and expects the run to name its cause.
 */

const CLIENT_SECRET = 'client-secret-never-printed-0123456789';
const SCOPE = 'genai-gateway/invoke';
const USER_POOL_ID = ISSUER.split('/').pop() as string;
const LANGFUSE_PARTS = { publicKey: 'publicpart', secretKey: 'secretpart' };
const dev = config('dev');

function renderedLiteLlmConfig(): string {
  const manifests = Testing.synth(charts(dev).litellm);
  return find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml'];
}
const rendered = fromRenderedConfig(renderedLiteLlmConfig());
/** What the reconciler grants demo-app: its team's models. */
const teamModels = dev.tenants.teams.find((t) => t.name === dev.tenants.consumers[0]?.team)?.models ?? [];

interface Breakage {
  /** Options of the LiteLLM stand-in on top of the rendered config's. */
  readonly litellm?: Partial<FakeLiteLlmOptions>;
  /** The virtual keys Secrets Manager holds, by secret name. */
  readonly virtualKeys?: Map<string, string>;
  /** Authorizer settings on top of the test defaults (issuer, client ids). */
  readonly authorizerEnv?: Record<string, string>;
  /** Replaces the real authorizer. */
  readonly handler?: AuthorizerHandler;
  /** The load balancer has no targets: the gateway's upstream refuses connections. */
  readonly deadUpstream?: boolean;
  /** Pods register in the target group only once the run has slept (waited) once. */
  readonly targetsRegisterLater?: boolean;
  /** API Gateway exposes every path, not only the OpenAI routes. */
  readonly allRoutes?: boolean;
  /** What DescribeUserPoolClient returns. */
  readonly clientSecret?: string;
  /** LiteLLM's traces do not reach Langfuse. */
  readonly noTraces?: boolean;
  /** The keys Secrets Manager holds for Langfuse. */
  readonly langfuseParts?: { publicKey: string; secretKey: string };
  /** There is no outputs file: the run asks CloudFormation. */
  readonly noOutputsFile?: boolean;
  /** The API's web ACL lacks RefuseEncodedTraversal: encoded traversal reaches the route table and the authorizer. */
  readonly noTraversalRule?: boolean;
  /** web.domain is set: the outputs carry the web hostnames (here loopback stand-ins); `admin` unguarded or not. */
  readonly web?: { readonly adminSignIn: boolean };
}

interface Run {
  readonly code: number;
  readonly lines: string[];
  readonly describeStacks: number;
  /** The line under a check's FAIL line that names the likely cause. */
  causeOf(checkStart: string): string | undefined;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('npm run smoke against local stand-ins', () => {
  const key = rsaKey();
  let jwks: JwksServer;
  let token: TokenEndpointStandIn;

  beforeAll(async () => {
    [jwks, token] = await Promise.all([
      JwksServer.start(jwksOf(key)),
      TokenEndpointStandIn.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, scope: SCOPE, key }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([jwks?.stop(), token?.stop()]);
  });

  async function smoke(
    breakage: Breakage = {},
    args: string[] = ['dev', '--langfuse', '--langfuse-timeout', '1', '--timeout', '10'],
  ): Promise<Run> {
    const litellm = await FakeLiteLlm.start({
      ...rendered,
      masterKey: 'sk-master-smoke',
      keys: { [VIRTUAL_KEY]: { models: [...teamModels], alias: 'demo-app' } },
      reply: ['O', 'K'],
      ...breakage.litellm,
    });
    const out = new Captured();
    const handler =
      breakage.handler ??
      buildAuthorizer(testConfig({ JWKS_URI: jwks.url, ...breakage.authorizerEnv }), {
        logger: createLogger({ write: out.write, clock: Date.now }),
        metrics: createEmfMetrics({ write: out.write, clock: Date.now }),
        clock: Date.now,
        secretSource: new FakeSecrets(breakage.virtualKeys).source,
      }).handler;
    const targets = breakage.targetsRegisterLater ? await TargetGroupStandIn.start(litellm.url) : undefined;
    const gateway = await GatewayStandIn.start(handler, breakage.deadUpstream ? await closedPortUrl() : (targets?.url ?? litellm.url));
    const edge = breakage.allRoutes ? undefined : await EdgeRoutesStandIn.start(gateway.url, { waf: !breakage.noTraversalRule });
    const langfuse = await LangfuseStandIn.start(litellm, {
      publicKey: `pk-lf-${LANGFUSE_PARTS.publicKey}`,
      secretKey: `sk-lf-${LANGFUSE_PARTS.secretKey}`,
    });
    langfuse.ingesting = !breakage.noTraces;

    // With every path exposed, the stage root is the authorizer stand-in itself.
    const gatewayUrl = edge ? `${edge.url}/api/v1` : `${gateway.url}/v1`;
    const signInUrl = 'https://genai-dev-workforce.auth.us-east-1.amazoncognito.com';
    const web = breakage.web
      ? await Promise.all([
          WebHostStandIn.start('open-webui', { signInUrl }),
          WebHostStandIn.start('admin', { signInUrl, signInRule: breakage.web.adminSignIn }),
          WebHostStandIn.start('admin', { signInUrl }),
        ])
      : [];
    const outputs = {
      ...(web.length > 0 ? { WebChatUrl: web[0].url, WebLiteLLMUrl: web[1].url, WebLangfuseUrl: web[2].url, WebSignInUrl: signInUrl } : {}),
      GatewayUrl: gatewayUrl,
      TokenUrl: token.url,
      Scope: SCOPE,
      UserPoolId: USER_POOL_ID,
      ClientIddemoapp: CLIENT_ID,
      // As the edge stack: with web.domain there is no internal Langfuse listener, so no LangfuseUrl output.
      ...(web.length > 0 ? {} : { LangfuseUrl: langfuse.url }),
      VirtualKeySecretPrefix: SECRET_PREFIX,
    };
    const lines: string[] = [];
    let describeStacks = 0;
    const deps: SmokeDeps = {
      fetch,
      now: Date.now,
      sleep: (ms) => {
        if (targets) {
          targets.registered = true;
          return Promise.resolve();
        }
        return new Promise((r) => setTimeout(r, ms));
      },
      randomId: () => 'run1',
      readJsonFile: async (path) =>
        breakage.noOutputsFile || path !== 'cdk.out/dev-outputs.json' ? undefined : { 'genai-dev-edge': outputs },
      stackOutputs: async (region, stackName) => {
        describeStacks += 1;
        if (region !== dev.region || stackName !== 'genai-dev-edge') throw new Error(`Stack with id ${stackName} does not exist`);
        return outputs;
      },
      clientSecret: async (_region, poolId, clientId) => {
        if (poolId !== USER_POOL_ID || clientId !== CLIENT_ID)
          throw Object.assign(new Error('User pool client does not exist.'), { name: 'ResourceNotFoundException' });
        return breakage.clientSecret ?? CLIENT_SECRET;
      },
      secretString: async () => {
        throw new Error('not used in inject mode');
      },
      langfuseKeyParts: async () => breakage.langfuseParts ?? LANGFUSE_PARTS,
      print: (line) => lines.push(line),
    };
    const request = parseSmokeArgs(args) as SmokeRequest;
    const plan: SmokePlan = planSmoke(request, dev);
    try {
      const code = await runSmoke(plan, deps);
      return {
        code,
        lines,
        describeStacks,
        causeOf: (checkStart) => {
          const at = lines.findIndex((l) => l.startsWith(`FAIL  ${checkStart}`));
          return lines
            .slice(at + 1, at + 3)
            .find((l) => l.startsWith('      likely cause: '))
            ?.slice('      likely cause: '.length);
        },
      };
    } finally {
      await Promise.all([litellm.stop(), gateway.stop(), edge?.stop(), langfuse.stop(), targets?.stop(), ...web.map((w) => w.stop())]);
    }
  }

  test('a correct setup passes every check, one timed line each, and exits 0', async () => {
    const run = await smoke();
    expect(run.code).toBe(0);
    const checks = run.lines.filter((l) => /^(PASS|FAIL|SKIP) /.test(l));
    expect(checks.map((l) => l.replace(/ {2}\d+ ms$/, ''))).toEqual([
      expect.stringMatching(/^PASS {2}outputs of genai-dev-edge \(cdk.out\/dev-outputs.json\): gateway http:\/\/127.0.0.1:\d+\/api\/v1$/),
      'PASS  client-credentials token for demo-app',
      `PASS  models listed (${teamModels.join(', ')})`,
      expect.stringMatching(
        new RegExp(`^PASS {2}streaming chat completion \\(${teamModels[0]}\\): 2 content chunk\\(s\\), first after \\d+ ms$`),
      ),
      'PASS  request without a token refused (401)',
      'PASS  token signed by a foreign key refused (401)',
      'PASS  expired token (foreign-signed: Cognito issues no expired ones) refused (401)',
      'PASS  admin route POST /key/generate refused (404)',
      'PASS  admin route GET /ui refused (404)',
      'PASS  path traversal (encoded slash in {model}) refused by WAF (403)',
      'PASS  path traversal (encoded dots in {model}) refused by WAF (403)',
      'PASS  path traversal (double-encoded traversal in {response_id}) refused by WAF (403)',
      'PASS  trace in Langfuse (user smoke-run1)',
    ]);
    for (const line of checks) expect(line).toMatch(/ {2}\d+ ms$/);
    expect(run.lines[run.lines.length - 1]).toBe('smoke: all 13 checks passed');
    expect(run.describeStacks).toBe(0);
  });

  test('with --rate-limit, a gateway that never refuses the consumer fails the run, naming per-pod counting', async () => {
    // The fake LiteLLM enforces no rpm limit at all: what a multi-pod prod counting per pod looks like from outside.
    const run = await smoke({}, ['dev', '--rate-limit', '--timeout', '10']);
    expect(run.code).toBe(1);
    expect(run.lines.filter((l) => l.startsWith('FAIL')).map((l) => l.replace(/ {2}\d+ ms$/, ''))).toEqual([
      'FAIL  rpm limit 30 holds across pods (31 requests at once)',
    ]);
    expect(run.causeOf('rpm limit 30')).toBe(RATE_LIMIT_CAUSES.perPod);
  });

  test('with web.domain, also checks that each web hostname sends a browser without a session to the identity provider', async () => {
    const run = await smoke({ web: { adminSignIn: true } }, ['dev']);
    expect(run.code).toBe(0);
    const web = run.lines.filter((l) => / without a session goes to the identity provider/.test(l));
    expect(web.map((l) => l.replace(/http:\/\/127\.0\.0\.1:\d+/, '<host>').replace(/ {2}\d+ ms$/, ''))).toEqual([
      'PASS  <host>/oauth/oidc/login without a session goes to the identity provider',
      'PASS  <host>/ without a session goes to the identity provider',
      'PASS  <host>/ without a session goes to the identity provider',
    ]);
  });

  test('with web.domain, an admin hostname that answers without a sign-in fails the run', async () => {
    const run = await smoke({ web: { adminSignIn: false } }, ['dev']);
    expect(run.code).toBe(1);
    expect(run.lines.filter((l) => l.startsWith('FAIL'))).toEqual([
      expect.stringMatching(/^FAIL {2}http:\/\/127\.0\.0\.1:\d+\/ without a session goes to the identity provider {2}\d+ ms$/),
    ]);
    expect(run.lines).toContain(`      likely cause: ${WEB_CAUSES.notSignedIn}`);
  });

  test('denies nothing less than a WAF refusal: without the traversal rule each probe fails and names the rule', async () => {
    const run = await smoke({ noTraversalRule: true }, ['dev']);
    expect(run.code).toBe(1);
    expect(run.lines.filter((l) => l.startsWith('FAIL')).map((l) => l.replace(/ {2}\d+ ms$/, ''))).toEqual([
      'FAIL  path traversal (encoded slash in {model}) refused',
      'FAIL  path traversal (encoded dots in {model}) refused',
      'FAIL  path traversal (double-encoded traversal in {response_id}) refused',
    ]);
    expect(run.causeOf('path traversal (encoded slash')).toBe(TRAVERSAL_CAUSE);
  });

  test('with web.domain and no --langfuse-url, says Langfuse is behind the sign-in instead of pointing at a missing output', async () => {
    const run = await smoke({ web: { adminSignIn: true } }, ['dev', '--langfuse', '--langfuse-timeout', '1']);
    expect(run.code).toBe(1);
    expect(run.causeOf('trace in Langfuse')).toBe(
      'no --langfuse-url: with web.domain Langfuse is reachable only through the signed-in entrance; port-forward the langfuse-web Service and pass --langfuse-url',
    );
  });

  test('never prints the client secret or the access token', async () => {
    const run = await smoke({ litellm: { keyHeaderName: 'x-litellm-api-key' } });
    const text = run.lines.join('\n');
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    expect(text).not.toContain(VIRTUAL_KEY);
  });

  test('without the outputs file, reads the outputs from CloudFormation', async () => {
    const run = await smoke({ noOutputsFile: true }, ['dev']);
    expect(run.code).toBe(0);
    expect(run.describeStacks).toBe(1);
    expect(run.lines[1]).toMatch(/^PASS {2}outputs of genai-dev-edge \(CloudFormation genai-dev-edge in us-east-1\)/);
  });

  // Each failure mode: what is broken, which check fails, the cause it names.
  test.each<[string, Breakage, string, string]>([
    [
      'LiteLLM configured with litellm_key_header_name (the old config): it blanks the bare key',
      { litellm: { keyHeaderName: 'x-litellm-api-key' } },
      'models listed',
      CAUSES.keyHeaderNotRead,
    ],
    ['the virtual key is not in the LiteLLM database', { litellm: { keys: {} } }, 'models listed', CAUSES.keyNotInLiteLlm],
    ['no LiteLLM pod behind the load balancer', { deadUpstream: true }, 'models listed', CAUSES.noHealthyTargets],
    ['the client has no virtual key in Secrets Manager', { virtualKeys: new Map() }, 'models listed', CAUSES.authorizerDenied],
    [
      "the authorizer does not accept the consumer's client id",
      { authorizerEnv: { JWT_CLIENT_IDS: 'some-other-client', BROWSER_CLIENT_IDS: '' } },
      'models listed',
      CAUSES.authorizerDenied,
    ],
    [
      'the authorizer trusts another issuer',
      { authorizerEnv: { JWT_ISSUERS: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' } },
      'models listed',
      CAUSES.authorizerRejectsFreshToken,
    ],
    [
      "LiteLLM still runs a config without one of the team's models",
      { litellm: { models: rendered.models.filter((m) => m !== teamModels.at(-1)) } },
      'models listed',
      CAUSES.configNotRolledOut,
    ],
    ['a stale client secret', { clientSecret: 'an-old-secret' }, 'client-credentials token', CAUSES.invalidClient],
    ['API Gateway exposes every path', { allRoutes: true }, 'admin route GET /ui', CAUSES.adminRouteReachable],
    [
      'API Gateway exposes every path (LiteLLM refuses a non-admin key)',
      { allRoutes: true },
      'admin route POST /key/generate',
      CAUSES.adminRouteReachesLiteLlm,
    ],
    ["LiteLLM's traces do not reach Langfuse", { noTraces: true }, 'trace in Langfuse', CAUSES.noTrace],
    [
      'the Langfuse keys in Secrets Manager are not the project keys',
      { langfuseParts: { publicKey: 'x', secretKey: 'y' } },
      'trace in Langfuse',
      CAUSES.langfuseKeysRejected,
    ],
  ])('%s: exits 1 and names the cause', async (_, breakage, check, cause) => {
    const run = await smoke(breakage);
    expect(run.code).toBe(1);
    expect(run.causeOf(check)).toBe(cause);
    expect(run.lines[run.lines.length - 1]).toMatch(/^smoke: \d+ of 13 checks failed/);
  });

  test('an authorizer that allows any token: the foreign and expired tokens are reported as accepted', async () => {
    const allowAll: AuthorizerHandler = async () => ({
      principalId: CLIENT_ID,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }],
      },
      context: { virtualKey: VIRTUAL_KEY },
    });
    const run = await smoke({ handler: allowAll }, ['dev']);
    expect(run.code).toBe(1);
    expect(run.causeOf('token signed by a foreign key')).toBe(CAUSES.foreignTokenAccepted);
    expect(run.causeOf('expired token')).toBe(CAUSES.foreignTokenAccepted);
    expect(run.lines.some((l) => l.startsWith('PASS  request without a token refused (401)'))).toBe(true);
  });

  test('with --wait, waits while the gateway answers 5xx (targets registering) and then checks', async () => {
    const run = await smoke({ targetsRegisterLater: true }, ['dev', '--wait', '30']);
    expect(run.code).toBe(0);
    expect(run.lines).toContain('waited 0 s for the gateway');
  });

  test('with --wait, gives up at the deadline and reports no healthy targets', async () => {
    const run = await smoke({ deadUpstream: true }, ['dev', '--wait', '1']);
    expect(run.code).toBe(1);
    expect(run.lines).toContain('gateway still answering 500 after 0 s');
    expect(run.causeOf('models listed')).toBe(CAUSES.noHealthyTargets);
  });

  test('when no token can be had, the authenticated checks are skipped (and fail the run) while the refusals still run', async () => {
    const run = await smoke({ clientSecret: 'wrong' }, ['dev']);
    expect(run.code).toBe(1);
    expect(run.lines.filter((l) => l.startsWith('SKIP'))).toEqual([
      `SKIP  models listed (${teamModels.join(', ')})`,
      `SKIP  streaming chat completion (${teamModels[0]})`,
      'SKIP  admin route POST /key/generate refused',
      'SKIP  admin route GET /ui refused',
    ]);
    expect(run.lines.filter((l) => /^PASS {2}(request without|token signed|expired token)/.test(l))).toHaveLength(3);
    expect(run.lines.filter((l) => /^PASS {2}path traversal .* refused by WAF/.test(l))).toHaveLength(3);
  });
});
