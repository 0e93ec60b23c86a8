/**
 * LiteLLM's mock responses, as pinned in k8s/versions.ts (ghcr.io/berriai/litellm-non_root:v1.108.12): what the load
 * kit's mock model group relies on, checked against the config the LiteLLM chart renders for dev.
 *
 * Upstream, read 2026-12-06 through the code index (main-line copies, not the v1.108.12 tag):
 * - CONFIG: BerriAI/litellm docs (scheduler page, index copy found by content): a proxy model_list entry may carry
 *   `mock_response: "<text>"` in litellm_params; the proxy then answers that deployment's calls with the text.
 * - DELAY: litellm/main.py acompletion (two main-line copies found by content): when `mock_delay` is set together
 *   with mock_response (or mock_tool_calls / mock_timeout), it sleeps `mock_delay` seconds before answering; the
 *   completion with mock_response returns a ModelResponse built from the text without calling the provider named
 *   in `model`.
 * Not confirmed at the v1.108.12 tag: that no API key is looked up for `openai/...` before the mock answers (our
 * entry sets none), and that streamed requests get the mock as chunks. `npm run load` sends non-streamed requests.
 * Facts are restated in our own words.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { MOCK_RESPONSE } from '../../k8s/renderers/litellm-config';
import { LOAD_MOCK_MODEL } from '../../lib/shared/load-test';
import { charts, config, find, type Manifest } from '../k8s/support/charts';

describe('LiteLLM mock model (dev)', () => {
  const cfg = config('dev');
  const rendered = parse(find(Testing.synth(charts(cfg).litellm) as Manifest[], 'ConfigMap', 'litellm-config').data['config.yaml']);
  const mocks = rendered.model_list.filter((m: Manifest) => m.model_name === LOAD_MOCK_MODEL);

  test('serves one mock deployment that answers with mock_response after mock_delay seconds (CONFIG, DELAY)', () => {
    expect(mocks).toEqual([
      {
        model_name: LOAD_MOCK_MODEL,
        litellm_params: {
          model: `openai/${LOAD_MOCK_MODEL}`,
          mock_response: MOCK_RESPONSE,
          mock_delay: cfg.loadTest.mockDelayMs / 1000,
          weight: 1,
        },
        model_info: { id: `${LOAD_MOCK_MODEL}:0` },
      },
    ]);
  });

  test('the mock carries no credential and no provider endpoint: nothing it could call', () => {
    expect(Object.keys(mocks[0].litellm_params).sort()).toEqual(['mock_delay', 'mock_response', 'model', 'weight']);
  });

  test('prod serves no mock', () => {
    const prod = parse(
      find(Testing.synth(charts(config('prod')).litellm) as Manifest[], 'ConfigMap', 'litellm-config').data['config.yaml'],
    );
    expect(prod.model_list.filter((m: Manifest) => m.model_name === LOAD_MOCK_MODEL)).toEqual([]);
  });
});
