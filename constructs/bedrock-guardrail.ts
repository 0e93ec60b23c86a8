import { createHash } from 'node:crypto';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { CONTENT_FILTERS, type GuardrailConfig } from '../lib/config/guardrails-schema';

export interface BedrockGuardrailProps {
  /** The guardrail as configured (EnvironmentConfig.guardrails[]). */
  readonly config: GuardrailConfig;
  /** Environment name; prefixes the Bedrock guardrail's name, which is unique per account and region. */
  readonly environment: string;
}

/** Bedrock's limit on a guardrail's name. */
const NAME_MAX = 50;

/**
 * One configured guardrail as an Amazon Bedrock guardrail with a published version. A version is an immutable
 * snapshot taken when it is created; its description carries a digest of the configuration, so a changed policy
 * replaces the version (publishing a new one) in the same deploy, and LiteLLM is pointed at it.
 */
export class BedrockGuardrail extends Construct {
  readonly guardrail: bedrock.CfnGuardrail;
  readonly version: bedrock.CfnGuardrailVersion;
  /** Guardrail id, as the ApplyGuardrail API takes it. */
  readonly guardrailId: string;
  readonly guardrailArn: string;
  /** The published version's number. */
  readonly guardrailVersion: string;

  constructor(scope: Construct, id: string, props: BedrockGuardrailProps) {
    super(scope, id);
    const { config, environment } = props;
    const name = `${environment}-${config.name}`;
    if (name.length > NAME_MAX) {
      throw new Error(`guardrails: "${name}" is longer than ${NAME_MAX} characters (shorten the guardrail or environment name)`);
    }

    this.guardrail = new bedrock.CfnGuardrail(this, 'Guardrail', {
      name,
      description: config.description ?? `Guardrail ${config.name} of the ${environment} AI gateway`,
      blockedInputMessaging: config.blockedInputMessage,
      blockedOutputsMessaging: config.blockedOutputMessage,
      ...policies(config),
    });
    this.version = new bedrock.CfnGuardrailVersion(this, 'Version', {
      guardrailIdentifier: this.guardrail.attrGuardrailId,
      description: `config ${configDigest(config)}`,
    });
    this.guardrailId = this.guardrail.attrGuardrailId;
    this.guardrailArn = this.guardrail.attrGuardrailArn;
    this.guardrailVersion = this.version.attrVersion;
  }

  /** Lets `grantee` check text against this guardrail (ApplyGuardrail), and nothing else. */
  grantApply(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['bedrock:ApplyGuardrail'], resourceArns: [this.guardrailArn] });
  }
}

/** Short digest of everything that shapes the guardrail's behaviour. */
export function configDigest(config: GuardrailConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/** The CloudFormation policy blocks; a policy with nothing in it is left out (Bedrock refuses empty ones). */
function policies(config: GuardrailConfig): Partial<bedrock.CfnGuardrailProps> {
  const filters = Object.entries(config.contentFilters ?? {})
    .filter(([, strength]) => strength !== 'NONE')
    .map(([category, strength]) => ({
      type: CONTENT_FILTERS[category as keyof typeof CONTENT_FILTERS],
      inputStrength: strength,
      // Bedrock checks prompt attacks in prompts only: their output strength must be NONE.
      outputStrength: category === 'promptAttack' ? 'NONE' : strength,
    }));
  return {
    ...(filters.length > 0 ? { contentPolicyConfig: { filtersConfig: filters } } : {}),
    ...(config.deniedTopics.length > 0
      ? {
          topicPolicyConfig: {
            topicsConfig: config.deniedTopics.map((t) => ({
              name: t.name,
              definition: t.definition,
              type: 'DENY',
              ...(t.examples.length > 0 ? { examples: t.examples } : {}),
            })),
          },
        }
      : {}),
    ...(config.pii.length > 0
      ? {
          sensitiveInformationPolicyConfig: {
            piiEntitiesConfig: config.pii.map((p) => ({ type: p.type, action: p.action === 'block' ? 'BLOCK' : 'ANONYMIZE' })),
          },
        }
      : {}),
    ...(config.words.length > 0 || config.profanity
      ? {
          wordPolicyConfig: {
            ...(config.words.length > 0 ? { wordsConfig: config.words.map((text) => ({ text })) } : {}),
            ...(config.profanity ? { managedWordListsConfig: [{ type: 'PROFANITY' }] } : {}),
          },
        }
      : {}),
  };
}
