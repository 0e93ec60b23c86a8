import { Testing } from 'cdk8s';
import OpenAI from 'openai';
import { NAMES } from '../../../k8s/endpoints';
import { charts, config, find } from '../../k8s/support/charts';
import { synthEnvironment } from '../../support/app';
import { Captured, liveAuthorizer, VIRTUAL_KEY } from '../../support/authorizer-harness';
import { GatewayStandIn } from '../../support/authorizer-gateway';
import { CLIENT_ID, accessClaims, jwksOf, mint, rsaKey } from '../../support/authorizer-tokens';
import { FakeLiteLlm, fromRenderedConfig } from '../../support/fake-litellm';
import { JwksServer } from '../../support/jwks-server';
import { RATE_LIMIT_MESSAGE_PREFIX, keyBudgetExceeded } from '../../support/litellm-errors';

/** A second client of the edge, whose key has a one-request-per-minute limit. */
const LIMITED_CLIENT = 'other-client';
const LIMITED_KEY = 'sk-limited_VirtualKey_9876543210';

describe('budgets and limits reach the client through the edge as LiteLLM answered them', () => {
  describe('the edge passes an HTTP proxy integration response through unchanged', () => {
    // Source: AWS API Gateway developer guide, read 2026-11-29:
    // docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-integration-settings-integration-response.html
    // (for a proxy integration API Gateway passes the backend output to the client; no integration or method
    // response is set up) and customize-gateway-responses.html (gateway responses are what API Gateway returns
    // when it fails to process a request without forwarding it to the integration). So LiteLLM's 400 and 429,
    // status and body, reach the client; a status set on DEFAULT_4XX/DEFAULT_5XX would only rewrite the edge's
    // own errors.
    const { templates } = synthEnvironment('dev');
    const methods = Object.values(templates.edge.findResources('AWS::ApiGateway::Method')) as { Properties: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const gatewayResponses = Object.values(templates.edge.findResources('AWS::ApiGateway::GatewayResponse')) as {
      Properties: Record<string, unknown>;
    }[];

    test('every route is an HTTP proxy with no integration or method responses to remap a status', () => {
      expect(methods.length).toBeGreaterThan(0);
      for (const { Properties: method } of methods) {
        expect(method.Integration.Type).toBe('HTTP_PROXY');
        expect(method.Integration.IntegrationResponses).toBeUndefined();
        expect(method.MethodResponses).toBeUndefined();
      }
    });

    test('the fallback gateway responses set no status, so no 4xx or 5xx of API Gateway is rewritten to another', () => {
      const fallbacks = gatewayResponses.filter((r) => ['DEFAULT_4XX', 'DEFAULT_5XX'].includes(r.Properties.ResponseType as string));
      expect(fallbacks).toHaveLength(2);
      for (const { Properties: response } of fallbacks) expect(response.StatusCode).toBeUndefined();
    });
  });

  describe('on loopback: openai client → gateway stand-in + real authorizer → LiteLLM stand-in run from the rendered config', () => {
    const key = rsaKey();
    const rendered = fromRenderedConfig(
      find(Testing.synth(charts(config('dev')).litellm), 'ConfigMap', NAMES.litellm.config).data['config.yaml'] as string,
    );
    const model = rendered.models[0] as string;
    let jwks: JwksServer;
    let upstream: FakeLiteLlm;
    let gateway: GatewayStandIn;

    beforeAll(async () => {
      [jwks, upstream] = await Promise.all([
        JwksServer.start(jwksOf(key)),
        FakeLiteLlm.start({
          ...rendered,
          masterKey: 'sk-master-e2e',
          keys: {
            [VIRTUAL_KEY]: { models: [], alias: 'notebook', maxBudget: 2 },
            [LIMITED_KEY]: { models: [], alias: 'batch-job', rpmLimit: 1 },
          },
          costPerCompletionUsd: 1,
        }),
      ]);
      const out = new Captured();
      const { handler } = liveAuthorizer(jwks.url, { [CLIENT_ID]: VIRTUAL_KEY, [LIMITED_CLIENT]: LIMITED_KEY }, out);
      gateway = await GatewayStandIn.start(handler, upstream.url);
    });

    afterAll(async () => {
      await Promise.all([gateway?.stop(), upstream?.stop(), jwks?.stop()]);
    });

    const client = (clientId: string) =>
      new OpenAI({
        apiKey: mint(key, accessClaims({ client_id: clientId })),
        baseURL: `${gateway.url}/v1`,
        maxRetries: 0,
        timeout: 10_000,
      });
    const ask = (clientId: string) => client(clientId).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

    test("a client over its key's budget gets a 400 budget_exceeded with LiteLLM's message", async () => {
      await ask(CLIENT_ID);
      await ask(CLIENT_ID);
      const err = await ask(CLIENT_ID).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const { status, error } = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(status).toBe(400);
      expect(error).toEqual(keyBudgetExceeded(2, 2).body.error);
      expect(upstream.requests.at(-1)).toMatchObject({ keyAlias: 'notebook', status: 400 });
    });

    test("a client over its key's rate limit gets a 429 with LiteLLM's message and retry-after", async () => {
      await ask(LIMITED_CLIENT);
      const err = await ask(LIMITED_CLIENT).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      const { status, error, headers } = err as InstanceType<typeof OpenAI.RateLimitError>;
      expect(status).toBe(429);
      expect((error as { message: string }).message.startsWith(RATE_LIMIT_MESSAGE_PREFIX)).toBe(true);
      expect(headers?.get('retry-after')).toBe('60');
      expect(upstream.requests.at(-1)).toMatchObject({ keyAlias: 'batch-job', status: 429 });
    });
  });
});
