import { Aws, Fn, Stack, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { applicationProfileStatements } from '../lib/bedrock-access';
import type { BedrockModelConfig, ModelConfig } from '../lib/config/schema';
import { bedrockInvocationId, bedrockProfileEnvName, usesApplicationProfile } from '../lib/shared/bedrock';
import { ENVIRONMENT_TAG } from '../lib/shared/cost-tags';
import { stackSuffix } from './names';

export interface BedrockApplicationProfilesProps {
  /** Environment name: the profiles' cost allocation tag (`genai:environment`) and name prefix. */
  readonly environment: string;
  /** Every deployment (EnvironmentConfig.models); those in this stack's region and account get a profile. */
  readonly models: readonly ModelConfig[];
}

/**
 * One Bedrock application inference profile per model (or system inference profile) that LiteLLM calls in this
 * stack's region, tagged with the environment. Bedrock attributes InvokeModel and Converse token spend to a profile's
 * cost allocation tags only when the request names the profile (test/contracts/bedrock.test.ts), so LiteLLM calls
 * each deployment through its profile (k8s/renderers/litellm-config.ts).
 */
export class BedrockApplicationProfiles extends Construct {
  /** Profile ARN by the variable LiteLLM reads it from (`bedrockProfileEnvName`). */
  readonly arns: Readonly<Record<string, string>>;
  private readonly grants: { readonly arn: string; readonly model: BedrockModelConfig }[] = [];

  constructor(scope: Construct, id: string, props: BedrockApplicationProfilesProps) {
    const region = Stack.of(scope).region;
    if (Token.isUnresolved(region)) {
      throw new Error('BedrockApplicationProfiles: the stack has no explicit region (set the environment config region)');
    }
    super(scope, id);

    const byEnvName = new Map<string, BedrockModelConfig>();
    for (const model of props.models) {
      if (model.provider !== 'bedrock' || !usesApplicationProfile(model, region)) continue;
      const envName = bedrockProfileEnvName(model);
      if (!byEnvName.has(envName)) byEnvName.set(envName, model);
    }

    const arns: Record<string, string> = {};
    [...byEnvName.entries()].forEach(([envName, model], i) => {
      const profile = new bedrock.CfnApplicationInferenceProfile(this, envName, {
        // Ends with the stack's suffix: a profile left from yesterday's stack never holds today's name.
        inferenceProfileName: Fn.join('-', [`${props.environment}-${i + 1}`, stackSuffix(this)]),
        // Bedrock allows letters, digits, ':' and '.', each followed by at most one space, '_' or '-'.
        description: `LiteLLM ${props.environment} ${bedrockInvocationId(model)}`,
        modelSource: { copyFrom: modelSourceArn(model) },
        tags: [{ key: ENVIRONMENT_TAG, value: props.environment }],
      });
      arns[envName] = profile.attrInferenceProfileArn;
      this.grants.push({ arn: profile.attrInferenceProfileArn, model });
    });
    this.arns = arns;
  }

  /** Lets the role invoke these profiles, and the models behind them only through them (nothing when there are none). */
  grantInvoke(role: iam.IRole): iam.Policy | undefined {
    const statements = applicationProfileStatements(this.grants, { partition: Aws.PARTITION, account: Aws.ACCOUNT_ID });
    if (statements.length === 0) return undefined;
    return new iam.Policy(this, 'InvokePolicy', { roles: [role], statements });
  }
}

/** The foundation model, or the system (cross-region) inference profile, the profile copies. */
function modelSourceArn(model: BedrockModelConfig): string {
  return model.inferenceProfile
    ? `arn:${Aws.PARTITION}:bedrock:${model.region}:${Aws.ACCOUNT_ID}:inference-profile/${bedrockInvocationId(model)}`
    : `arn:${Aws.PARTITION}:bedrock:${model.region}::foundation-model/${model.modelId}`;
}
