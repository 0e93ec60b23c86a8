/**
 * What the config, the stacks, the LiteLLM chart and the tenants reconciler must agree on about guardrails.
 * Dependency-free on purpose: lib/, constructs/, k8s/ and lambda/ all import it.
 */

/** Marks a guarded copy of a model group; model names may not contain it (lib/config/guardrails-schema.ts). */
export const GUARDED_MODEL_MARK = '.guard-';

/**
 * The model group a team with a guardrail is granted instead of `model`: the same deployments, each carrying the
 * guardrail in its litellm_params, so no request of the team reaches a provider unchecked.
 */
export function guardedModelName(model: string, guardrail: string): string {
  return `${model}${GUARDED_MODEL_MARK}${guardrail}`;
}

/** The models a team is granted in LiteLLM: its configured models, or their guarded copies when it has a guardrail. */
export function grantedModels(team: { readonly models: readonly string[]; readonly guardrail?: string }): string[] {
  const guardrail = team.guardrail;
  return guardrail === undefined ? [...team.models] : team.models.map((m) => guardedModelName(m, guardrail));
}

/** Environment variables of the LiteLLM pod holding a Bedrock guardrail's id and published version. */
export function guardrailEnvNames(guardrail: string): { readonly id: string; readonly version: string } {
  const suffix = guardrail.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { id: `BEDROCK_GUARDRAIL_ID_${suffix}`, version: `BEDROCK_GUARDRAIL_VERSION_${suffix}` };
}
