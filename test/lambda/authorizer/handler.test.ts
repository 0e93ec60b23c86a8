import { AUTHORIZER_FAILURE, createHandler, createMisconfiguredHandler, UNAUTHORIZED } from '../../../lambda/authorizer/handler';
import { AuthorizerFault } from '../../../lambda/authorizer/outcome';
import { createEmfMetrics, createLogger } from '../../../lambda/authorizer/telemetry';
import { bearer, Captured, harness, requestEvent, STAGE_RESOURCE, VIRTUAL_KEY } from '../../support/authorizer-harness';
import { accessClaims, CLIENT_ID, mint, rsaKey } from '../../support/authorizer-tokens';

const context = (remaining = 10_000) => ({ awsRequestId: 'req-1', getRemainingTimeInMillis: () => remaining });

describe('handler', () => {
  test('allows a valid token on the whole stage, with the key in the context bare and in the Bearer form of the MCP route', async () => {
    const h = harness();
    await expect(h.handler(requestEvent(bearer(mint(rsaKey()))), context())).resolves.toEqual({
      principalId: CLIENT_ID,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: STAGE_RESOURCE }] },
      context: { clientId: CLIENT_ID, endUser: CLIENT_ID, virtualKey: VIRTUAL_KEY, virtualKeyBearer: `Bearer ${VIRTUAL_KEY}` },
    });
    expect(h.out.metrics).toEqual([expect.objectContaining({ Outcome: 'allow', Reason: 'ok', Decisions: 1 })]);
  });

  test('returns only the client id in passthrough mode', async () => {
    const h = harness({ env: { AUTH_MODE: 'passthrough' } });
    const result = await h.handler(requestEvent(bearer(mint(rsaKey()))), context());
    expect(result.context).toEqual({ clientId: CLIENT_ID, endUser: CLIENT_ID });
    expect(h.secrets.calls).toHaveLength(0);
  });

  test('throws Unauthorized (401) for an invalid token and logs the reason', async () => {
    const h = harness();
    await expect(h.handler(requestEvent(bearer(mint(rsaKey(), accessClaims({ exp: 1 })))), context())).rejects.toThrow(
      new Error(UNAUTHORIZED),
    );
    expect(h.out.logs).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'deny', reason: 'expired', status: 401, requestId: 'req-1' }),
    ]);
    expect(h.out.metrics).toEqual([expect.objectContaining({ Outcome: 'deny', Reason: 'expired' })]);
  });

  test('returns an explicit Deny (403) for a valid token of an unknown client', async () => {
    const h = harness();
    const token = mint(rsaKey(), accessClaims({ client_id: 'unknown-client' }));
    await expect(h.handler(requestEvent(bearer(token)), context())).resolves.toEqual({
      principalId: 'unknown-client',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: STAGE_RESOURCE }] },
    });
    expect(h.out.logs[0]).toMatchObject({ reason: 'unknown_client', status: 403, clientId: 'unknown-client' });
  });

  test('fails with a non-Unauthorized error (5xx, not cached) when it cannot decide', async () => {
    const h = harness();
    h.jwks.fail = true;
    const err = await h.handler(requestEvent(bearer(mint(rsaKey()))), context()).catch((e: Error) => e);
    expect(err).toEqual(new Error(AUTHORIZER_FAILURE));
    expect(h.out.logs).toEqual([expect.objectContaining({ level: 'ERROR', message: 'fault', reason: 'jwks_unavailable' })]);
    expect(h.out.metrics).toEqual([expect.objectContaining({ Outcome: 'fault', Reason: 'jwks_unavailable' })]);
  });

  test('fails closed on a method ARN it cannot scope', async () => {
    const h = harness();
    await expect(
      h.handler(requestEvent(bearer(mint(rsaKey())), { methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:*/*' }), context()),
    ).rejects.toThrow(AUTHORIZER_FAILURE);
    expect(h.out.logs[0]).toMatchObject({ reason: 'invalid_method_arn' });
  });

  test('fails closed when the decision outlives its budget', async () => {
    const h = harness({ limits: { decisionBudgetMs: 50 } });
    h.secrets.delayMs = 500;
    const started = Date.now();
    await expect(h.handler(requestEvent(bearer(mint(rsaKey()))), context())).rejects.toThrow(AUTHORIZER_FAILURE);
    expect(Date.now() - started).toBeLessThan(400);
    expect(h.out.logs[0]).toMatchObject({ reason: 'decision_timeout' });
  });

  test('shortens the budget to the Lambda time left', async () => {
    const h = harness();
    h.secrets.delayMs = 500;
    await expect(h.handler(requestEvent(bearer(mint(rsaKey()))), context(300))).rejects.toThrow(AUTHORIZER_FAILURE);
    expect(h.out.logs[0]).toMatchObject({ reason: 'decision_timeout' });
  });

  test('never writes the token or the key to its output', async () => {
    const h = harness();
    const good = mint(rsaKey());
    const bad = mint(rsaKey(), accessClaims({ exp: 1 }));
    await h.handler(requestEvent(bearer(good)), context());
    await h.handler(requestEvent(bearer(bad)), context()).catch(() => undefined);
    const text = h.out.text();
    expect(text).not.toContain(good);
    expect(text).not.toContain(good.split('.')[2]);
    expect(text).not.toContain(bad.split('.')[1]);
    expect(text).not.toContain(VIRTUAL_KEY);
  });

  test('maps non-fault errors from its dependencies to internal_error', async () => {
    const out = new Captured();
    const handler = createHandler({
      decide: {
        mode: 'passthrough',
        maxTokenLength: 100,
        verifier: {
          verify: async () => {
            throw new RangeError('x');
          },
        },
      },
      logger: createLogger({ write: out.write, clock: Date.now }),
      metrics: createEmfMetrics({ write: out.write, clock: Date.now }),
      clock: Date.now,
      decisionBudgetMs: 1000,
    });
    await expect(handler(requestEvent('Bearer a.b.c'))).rejects.toThrow(AUTHORIZER_FAILURE);
    expect(out.logs[0]).toMatchObject({ reason: 'internal_error', cause: 'RangeError' });
    expect(new AuthorizerFault('internal_error')).toBeInstanceOf(Error);
  });
});

describe('createMisconfiguredHandler', () => {
  test('refuses every request with a 5xx and counts it', async () => {
    const out = new Captured();
    const handler = createMisconfiguredHandler({
      logger: createLogger({ write: out.write, clock: Date.now }),
      metrics: createEmfMetrics({ write: out.write, clock: Date.now }),
    });
    await expect(handler(requestEvent(bearer(mint(rsaKey()))), context())).rejects.toThrow(AUTHORIZER_FAILURE);
    expect(out.metrics[0]).toMatchObject({ Outcome: 'fault', Reason: 'config_invalid' });
  });
});
