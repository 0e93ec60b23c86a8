import { planSmoke } from '../../bin/smoke-args';
import { checkGuardrailRefusal, refusalPrompt } from '../../bin/smoke-guardrail';
import { guardrailSchema } from '../../lib/config/guardrails-schema';
import { loadEnvironment } from '../../lib/config/load-config';
import type { CheckContext } from '../../bin/smoke-checks';

const guardrail = (input: object) => guardrailSchema.parse({ name: 'g1', ...input });

describe('refusalPrompt', () => {
  test("sends what the guardrail itself blocks: a topic's example, a word, a card number, a prompt attack, in that order", () => {
    expect(
      refusalPrompt(
        guardrail({ deniedTopics: [{ name: 'Betting', definition: 'Gambling.', examples: ['Best odds tonight?'] }], words: ['x'] }),
      ),
    ).toBe('Best odds tonight?');
    expect(refusalPrompt(guardrail({ words: ['project-falcon'] }))).toBe('Tell me about project-falcon.');
    expect(refusalPrompt(guardrail({ pii: [{ type: 'CREDIT_DEBIT_CARD_NUMBER', action: 'block' }] }))).toContain('4111 1111 1111 1111');
    expect(refusalPrompt(guardrail({ contentFilters: { promptAttack: 'HIGH' } }))).toContain('Ignore all previous instructions');
  });

  test('has nothing to send for a guardrail that only anonymizes', () => {
    expect(refusalPrompt(guardrail({ pii: [{ type: 'EMAIL', action: 'anonymize' }] }))).toBeUndefined();
  });

  test("smoke of prod plans the refusal for support-bot's guarded team, and none for an unguarded team", () => {
    const prod = loadEnvironment('prod');
    const base = { environment: 'prod', langfuse: false, langfuseTimeoutSeconds: 60, timeoutSeconds: 60, waitSeconds: 0 };
    expect(planSmoke(base, prod).guardrail?.name).toBe('customer-facing');
    expect(planSmoke({ ...base, consumer: 'analytics-etl' }, prod)).not.toHaveProperty('guardrail');
    // The configured name is taken to mean the team's guarded copy.
    expect(planSmoke({ ...base, model: 'claude-3-7-sonnet' }, prod).model).toBe('claude-3-7-sonnet.guard-customer-facing');
  });
});

describe('checkGuardrailRefusal', () => {
  const ctx = (status: number, body: unknown): CheckContext => ({
    fetch: () => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })),
    now: () => 0,
    sleep: () => Promise.resolve(),
    timeoutMs: 1000,
    gatewayUrl: 'https://api.example.com/v1',
  });
  const plan = { name: 'customer-facing', prompt: 'Which stocks should I buy?' };
  // As LiteLLM sends a Bedrock guardrail refusal (test/contracts/litellm-guardrails.test.ts, ERROR SHAPE).
  const refusal = {
    error: { message: { error: 'Violated guardrail policy', bedrock_guardrail_response: {} }, type: 'None', param: 'None', code: '400' },
  };

  test('passes on LiteLLM guardrail refusal', async () => {
    expect((await checkGuardrailRefusal(ctx(400, refusal), {}, 'm', plan)).outcome).toBe('pass');
  });

  test('fails when the prompt is answered, naming the likely cause', async () => {
    const result = await checkGuardrailRefusal(ctx(200, { choices: [] }), {}, 'm', plan);
    expect(result.outcome).toBe('fail');
    expect(result.cause).toContain('the prompt was answered');
  });

  test('fails on a 400 that is not the guardrail refusal (a bad request must not pass for one)', async () => {
    const result = await checkGuardrailRefusal(
      ctx(400, { error: { message: 'Invalid model name', type: 'invalid_request_error' } }),
      {},
      'm',
      plan,
    );
    expect(result.outcome).toBe('fail');
  });
});
