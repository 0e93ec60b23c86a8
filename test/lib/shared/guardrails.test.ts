import { GUARDED_MODEL_MARK, grantedModels, guardedModelName, guardrailEnvNames } from '../../../lib/shared/guardrails';

describe('guardrail names shared by config, chart and reconciler', () => {
  test('a guarded copy carries the mark between model and guardrail', () => {
    expect(guardedModelName('claude-sonnet-4', 'strict')).toBe(`claude-sonnet-4${GUARDED_MODEL_MARK}strict`);
  });

  test('a team with a guardrail is granted only guarded copies; one without keeps its models', () => {
    expect(grantedModels({ models: ['a', 'b'], guardrail: 'strict' })).toEqual(['a.guard-strict', 'b.guard-strict']);
    expect(grantedModels({ models: ['a', 'b'] })).toEqual(['a', 'b']);
  });

  test("a guardrail's variables are upper-case, with - as _", () => {
    expect(guardrailEnvNames('customer-facing')).toEqual({
      id: 'BEDROCK_GUARDRAIL_ID_CUSTOMER_FACING',
      version: 'BEDROCK_GUARDRAIL_VERSION_CUSTOMER_FACING',
    });
  });
});
