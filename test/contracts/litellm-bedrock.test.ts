/**
 * How LiteLLM (ghcr.io/berriai/litellm-non_root:v1.108.12, k8s/versions.ts) calls a Bedrock application inference
 * profile, and what Amazon Bedrock requires of the profile, its IAM and the APIs that carry its cost tags.
 *
 * Upstream, read 2026-12-06 through the code index (BerriAI/litellm is too large to check out; the index holds
 * main-line copies, not the v1.108.12 tag, so behaviour at the tag itself is not confirmed):
 * - litellm/llms/bedrock/chat/converse_handler.py (stored copy, find_files commit 5de00c32): the Converse handler
 *   pops `model_id` from the call's parameters and, when set, URL-encodes it and sends it as the model in
 *   `/model/<model_id>/converse` (and `/converse-stream`); `model` still picks the request transformation.
 * - litellm/llms/bedrock/embed/embedding.py (stored copy): embeddings pop `model_id` the same way (InvokeModel).
 * - litellm/llms/bedrock/base_aws_llm.py at commit 02467691: `os.environ/<VAR>` references in the model config are
 *   resolved when the config loads, so `model_id: os.environ/BEDROCK_PROFILE_*` reaches the handler as the ARN.
 * - BerriAI/litellm issue 18258 (open): `bedrock/<application-profile-ARN>` as the model fails ("Unknown provider")
 *   unless routed `bedrock/converse/<arn>`; keeping the model id in `model` and the ARN in `model_id` avoids that and
 *   keeps LiteLLM's price lookup by model id (Langfuse issue 13325: an ARN as the model loses the cost).
 *
 * Amazon Bedrock user guide, read 2026-12-06:
 * - docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-application-inference-profiles.html: an application
 *   inference profile's cost allocation tags apply to InvokeModel and Converse calls on bedrock-runtime that name
 *   the profile; the Responses and Chat Completions APIs (bedrock-runtime's OpenAI-compatible and bedrock-mantle
 *   endpoints) refuse a profile with a 400. Tags must be activated as cost allocation tags (README prerequisite).
 * - .../inference-profiles-create.html: a profile copies a foundation model (one region) or a system (cross-region)
 *   inference profile (its regions); CloudFormation AWS::Bedrock::ApplicationInferenceProfile, modelSource.copyFrom.
 * - .../inference-profiles-prereq.html: a role invoking a profile also needs the foundation model in every region the
 *   profile routes to; the `bedrock:InferenceProfileArn` condition key limits the foundation-model grant to calls
 *   made through the named profiles.
 * Not verified (no account here): that the condition's value is the application profile's ARN (not the system profile
 * it copies) for a profile copied from a system profile, and that no grant on the system profile is needed then.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { NAMES } from '../../k8s/endpoints';
import { bedrockProfileEnvName } from '../../lib/shared/bedrock';
import { synthEnvironment } from '../support/app';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from '../k8s/support/charts';

interface Deployment {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info?: { mode?: string };
}

describe.each(ENVIRONMENT_NAMES)('LiteLLM calls Bedrock through application inference profiles in %s', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).litellm) as Manifest[];
  const deployments = (parse(find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml']) as { model_list: Deployment[] })
    .model_list;
  const container = find(manifests, 'Deployment', NAMES.litellm.deployment).spec.template.spec.containers[0] as Manifest;

  test("keeps the model or system profile id in `model` and sends the profile's ARN as `model_id`, read from the pod's environment", () => {
    const local = cfg.models.filter((m) => m.provider === 'bedrock' && m.region === cfg.region && !m.crossAccountRoleArn);
    expect(local.length).toBeGreaterThan(0);
    for (const d of deployments.filter((d) => String(d.litellm_params.model).startsWith('bedrock/'))) {
      expect(String(d.litellm_params.model)).not.toContain('arn:');
      // Batch copies run as Bedrock batch jobs by model or system profile id: a job through an application profile was
      // not confirmed upstream (k8s/renderers/litellm-config.ts batchModelList), so their spend carries no profile tags.
      if (d.model_info?.mode === 'batch') {
        expect(d.model_name.endsWith('-batch')).toBe(true);
        expect(d.litellm_params.model_id).toBeUndefined();
        continue;
      }
      if (d.litellm_params.aws_region_name !== cfg.region) {
        expect(d.litellm_params.model_id).toBeUndefined();
        continue;
      }
      const variable = String(d.litellm_params.model_id).replace(/^os\.environ\//, '');
      expect(d.litellm_params.model_id).toBe(`os.environ/${variable}`);
      expect(envOf(container)[variable]).toMatch(/^<bedrock-application-profile-arn:BEDROCK_PROFILE_/);
    }
  });

  test('each profile copies the deployment, is tagged with the environment and carries the stack suffix in its name', () => {
    const profiles = Object.values(synthEnvironment(env).templates.platform.findResources('AWS::Bedrock::ApplicationInferenceProfile'));
    const expected = new Set(
      cfg.models.flatMap((m) =>
        m.provider === 'bedrock' && m.region === cfg.region && !m.crossAccountRoleArn ? [bedrockProfileEnvName(m)] : [],
      ),
    );
    expect(profiles).toHaveLength(expected.size);
    for (const p of profiles) {
      expect(p.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'genai:environment', Value: env }]));
      expect(JSON.stringify(p.Properties.ModelSource.CopyFrom)).toMatch(/:(foundation-model|inference-profile)\//);
      expect(JSON.stringify(p.Properties.InferenceProfileName)).toContain('AWS::StackId');
    }
  });
});
