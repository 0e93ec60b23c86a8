/**
 * The load kit's side of an environment config (`loadTest`): a mock model group that LiteLLM answers itself,
 * without calling a provider, so `npm run load` measures the edge and the gateway and costs no tokens. What it
 * becomes in LiteLLM's config.yaml: k8s/renderers/litellm-config.ts (mock_response and mock_delay, see
 * test/contracts/litellm-mock.test.ts).
 */
import { z } from 'zod';
import { LOAD_MOCK_MODEL } from '../shared/load-test';

export { LOAD_MOCK_MODEL };

export const loadTestSchema = z.strictObject({
  /** Serve the mock model group. Off unless an environment turns it on. */
  mockModel: z.boolean().default(false),
  /** How long the mock takes to answer, so the report can subtract it from what a client sees. */
  mockDelayMs: z.number().int().min(0).max(10_000, 'is above 10000 (allowed: 0 to 10000 milliseconds)').default(50),
  /** A long-lived environment serves the mock only when this says so: it answers any granted team for free. */
  allowInProduction: z.boolean().default(false),
});

export type LoadTestConfig = z.output<typeof loadTestSchema>;

type Issue = (path: (string | number)[], message: string) => void;

/** Rules across the mock, the environment and the model groups. */
export function checkLoadTest(loadTest: LoadTestConfig, ephemeral: boolean, modelNames: readonly string[], issue: Issue): void {
  if (loadTest.mockModel && !ephemeral && !loadTest.allowInProduction) {
    issue(
      ['loadTest', 'mockModel'],
      'is true in a non-ephemeral environment (allowed: false, or set loadTest.allowInProduction: true to load-test it on purpose)',
    );
  }
  const clash = modelNames.indexOf(LOAD_MOCK_MODEL);
  if (loadTest.mockModel && clash >= 0) {
    issue(
      ['models', clash, 'name'],
      `"${LOAD_MOCK_MODEL}" is the mock model's name while loadTest.mockModel is true (choose another name)`,
    );
  }
}

/** Model names teams may be granted: the configured groups, and the mock when it is served. */
export function grantableModelNames(loadTest: LoadTestConfig, modelNames: readonly string[]): string[] {
  return loadTest.mockModel ? [...modelNames, LOAD_MOCK_MODEL] : [...modelNames];
}
