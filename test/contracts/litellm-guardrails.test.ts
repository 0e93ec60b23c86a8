/**
 * LiteLLM's Bedrock guardrails as pinned in k8s/versions.ts (ghcr.io/berriai/litellm-non_root:v1.108.12): how a
 * guardrail is declared, which ways of attaching it to a team are free, what a client can do to skip it, and the
 * error a refusal reaches the client as; each checked against the config the LiteLLM chart renders for prod.
 *
 * Upstream, read 2026-12-06 through the code index (the repository is over the fetch limit; the index holds
 * main-line copies of different ages, not the v1.108.12 tag, so each fact names the copy read):
 * - HOOK: BerriAI/litellm litellm/integrations/custom_guardrail.py, three copies: commits 011e878c and fd8be583
 *   (older) and a newer main-line copy found by content (index id 941878875; it has async_pre_call_deployment_hook and
 *   the tag-based Mode). CustomGuardrail.should_run_guardrail: with default_on true the guardrail runs on its
 *   event hooks unless get_disable_global_guardrail(data) is true, and in that newer copy that switch is read from
 *   the request body (`disable_global_guardrail`) or the request's metadata, both client-controlled. With default_on
 *   false it runs only when its name is in get_guardrail_from_metadata(data), which reads `data["guardrails"]`
 *   first, then metadata.guardrails. async_pre_call_deployment_hook and async_post_call_success_deployment_hook
 *   read `guardrails` from the call's kwargs, i.e. from the deployment's litellm_params once the router merged
 *   them, and run the pre_call / post_call checks there: for every provider, since the deployment is the unit.
 * - ATTACH: litellm/proxy/litellm_pre_call_utils.py (main-line copy found by content, index id 947437256).
 *   _add_guardrails_from_key_or_team_metadata calls _premium_user_check() when a key's or team's metadata has a
 *   non-empty `guardrails` list, so per-key and per-team guardrails need an Enterprise licence; policies attached
 *   to keys or teams likewise. move_guardrails_to_metadata pops a request body's `guardrails` (and
 *   `guardrail_config`) into the request's metadata: a client can add guardrails this way but the body's list never
 *   reaches the deployment kwargs. Team and key model aliases (_update_model_if_team_alias_exists) have no premium
 *   check. newer copies copy `disable_global_guardrails` from key and team metadata (set by the admin only).
 * - BEDROCK: litellm/proxy/guardrails/guardrail_hooks/bedrock_guardrails.py (several main-line copies found by
 *   content): BedrockGuardrail posts the text to bedrock-runtime `/guardrail/<guardrailIdentifier>/version/
 *   <guardrailVersion>/apply` (the ApplyGuardrail API) signed with the pod's AWS credentials (SigV4, region
 *   aws_region_name), independent of the model's provider. A BLOCKED action raises HTTPException(400,
 *   detail={"error": "Violated guardrail policy", "bedrock_guardrail_response": ...}); with mask_request_content /
 *   mask_response_content an ANONYMIZED result replaces the text with Bedrock's masked output and BLOCKED still
 *   raises (test_bedrock_guardrail_blocked_content_with_masking_enabled in tests/.../test_bedrock_guardrails.py).
 * - ERROR SHAPE: LiteLLM's guardrail docs (docs/my-website/docs/proxy/guardrails/quick_start.md and the Bedrock
 *   page, index copies) show a refusal as HTTP 400 with {"error": {"message": {"error": "Violated guardrail
 *   policy", "bedrock_guardrail_response": {...}}, "type": "None", "param": "None", "code": "400"}}.
 * Not confirmed at the v1.108.12 tag: that the deployment-level hooks run for streamed answers (post_call on a
 * stream), that `os.environ/` values are resolved in a guardrail's litellm_params as they are in model_list, and
 * whether that release still reads `disable_global_guardrail` from the body. Our config does not depend on the last
 * one: no guardrail is default_on, so that switch has nothing to switch off. Facts are restated in our own words.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { grantedModels, guardrailEnvNames } from '../../lib/shared/guardrails';
import { charts, config, envOf, find, type Manifest } from '../k8s/support/charts';

/** What a Bedrock guardrail refusal reaches the client as (ERROR SHAPE). */
export const LITELLM_GUARDRAIL_REFUSAL = { status: 400, message: { error: 'Violated guardrail policy' } } as const;

describe('LiteLLM Bedrock guardrails (prod)', () => {
  const cfg = config('prod');
  const manifests = Testing.synth(charts(cfg).litellm) as Manifest[];
  const rendered = parse(find(manifests, 'ConfigMap', 'litellm-config').data['config.yaml']);
  const container = find(manifests, 'Deployment', 'litellm').spec.template.spec.containers[0];
  const guarded = cfg.tenants.teams.filter((t) => t.guardrail !== undefined);

  test('prod has at least one team with a guardrail (the facts below would hold vacuously otherwise)', () => {
    expect(guarded.length).toBeGreaterThan(0);
  });

  test('each chosen guardrail is a bedrock guardrail on the prompt and the answer, never on by default (HOOK, BEDROCK)', () => {
    const names = [...new Set(guarded.map((t) => t.guardrail!))];
    expect(rendered.guardrails.map((g: Manifest) => g.guardrail_name)).toEqual(names);
    for (const g of rendered.guardrails) {
      expect(g.litellm_params).toMatchObject({ guardrail: 'bedrock', mode: ['pre_call', 'post_call'], default_on: false });
      // Anonymized PII is replaced, blocked content still refused.
      expect(g.litellm_params).toMatchObject({ mask_request_content: true, mask_response_content: true });
    }
  });

  test("a guardrail's id and version reach the pod as the variables config.yaml names", () => {
    const env = envOf(container);
    for (const g of rendered.guardrails) {
      const names = guardrailEnvNames(g.guardrail_name);
      expect(g.litellm_params.guardrailIdentifier).toBe(`os.environ/${names.id}`);
      expect(g.litellm_params.guardrailVersion).toBe(`os.environ/${names.version}`);
      expect(env[names.id]).toBe(`<guardrail-${g.guardrail_name}-id>`);
      expect(env[names.version]).toBe(`<guardrail-${g.guardrail_name}-version>`);
    }
  });

  test('every deployment a guarded team can reach names its guardrail in litellm_params (HOOK: deployment-level, any provider)', () => {
    for (const team of guarded) {
      for (const model of grantedModels(team)) {
        const deployments = rendered.model_list.filter((m: Manifest) => m.model_name === model);
        expect(deployments.length).toBeGreaterThan(0);
        for (const d of deployments) expect(d.litellm_params.guardrails).toEqual([team.guardrail]);
      }
    }
  });

  test('denies a guarded team a way around its guardrail: it is granted no unguarded model, and guarded groups have no fallbacks', () => {
    for (const team of guarded) {
      const granted = grantedModels(team);
      expect(granted.filter((m) => !m.endsWith(`.guard-${team.guardrail}`))).toEqual([]);
      const fallbacks = [...rendered.router_settings.fallbacks, ...rendered.router_settings.context_window_fallbacks];
      expect(fallbacks.filter((f: Record<string, string[]>) => granted.some((m) => m in f))).toEqual([]);
    }
  });

  test('uses no Enterprise path: no guardrail is attached through key or team metadata (ATTACH)', () => {
    // The team is granted guarded groups instead; the reconciler writes only tags into team and key metadata.
    expect(JSON.stringify(rendered.general_settings)).not.toContain('guardrail');
    expect(JSON.stringify(rendered.litellm_settings)).not.toContain('guardrail');
  });

  test('denies the client-side switch: no guardrail is default_on, so `disable_global_guardrail` in a request has nothing to turn off (HOOK)', () => {
    expect(rendered.guardrails.filter((g: Manifest) => g.litellm_params.default_on !== false)).toEqual([]);
  });
});
