import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockGuardrail, configDigest } from '../../constructs/bedrock-guardrail';
import { guardrailSchema, type GuardrailInput } from '../../lib/config/guardrails-schema';

const input: GuardrailInput = {
  name: 'customer-facing',
  contentFilters: { hate: 'HIGH', violence: 'MEDIUM', promptAttack: 'HIGH' },
  deniedTopics: [{ name: 'Investment advice', definition: 'Advice on securities.', examples: ['Which stock should I buy?'] }],
  pii: [
    { type: 'CREDIT_DEBIT_CARD_NUMBER', action: 'block' },
    { type: 'EMAIL', action: 'anonymize' },
  ],
  words: ['project-falcon'],
  profanity: true,
};

function build(config: GuardrailInput = input, environment = 'prod') {
  const stack = new Stack();
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('eks.amazonaws.com') });
  const guardrail = new BedrockGuardrail(stack, 'Guardrail', { config: guardrailSchema.parse(config), environment });
  guardrail.grantApply(role);
  return Template.fromStack(stack);
}

describe('BedrockGuardrail', () => {
  const template = build();

  test('creates the guardrail with every configured policy, named after the environment', () => {
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      Name: 'prod-customer-facing',
      BlockedInputMessaging: 'This request was refused by the content policy of the AI gateway.',
      BlockedOutputsMessaging: 'The answer was withheld by the content policy of the AI gateway.',
      ContentPolicyConfig: {
        FiltersConfig: [
          { Type: 'HATE', InputStrength: 'HIGH', OutputStrength: 'HIGH' },
          { Type: 'VIOLENCE', InputStrength: 'MEDIUM', OutputStrength: 'MEDIUM' },
          // Bedrock checks prompt attacks on prompts only.
          { Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' },
        ],
      },
      TopicPolicyConfig: {
        TopicsConfig: [
          { Name: 'Investment advice', Definition: 'Advice on securities.', Type: 'DENY', Examples: ['Which stock should I buy?'] },
        ],
      },
      SensitiveInformationPolicyConfig: {
        PiiEntitiesConfig: [
          { Type: 'CREDIT_DEBIT_CARD_NUMBER', Action: 'BLOCK' },
          { Type: 'EMAIL', Action: 'ANONYMIZE' },
        ],
      },
      WordPolicyConfig: { WordsConfig: [{ Text: 'project-falcon' }], ManagedWordListsConfig: [{ Type: 'PROFANITY' }] },
    });
  });

  test('publishes a version whose description changes with the configuration, so a changed policy is published', () => {
    const parsed = guardrailSchema.parse(input);
    template.hasResourceProperties('AWS::Bedrock::GuardrailVersion', {
      GuardrailIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Guardrail'), 'GuardrailId'] },
      Description: `config ${configDigest(parsed)}`,
    });
    expect(configDigest(guardrailSchema.parse({ ...input, words: ['project-eagle'] }))).not.toBe(configDigest(parsed));
  });

  test('leaves out the policies a guardrail does not use', () => {
    const words = build({ name: 'words', words: ['secret-codename'] });
    const [resource] = Object.values(words.findResources('AWS::Bedrock::Guardrail')) as { Properties: Record<string, unknown> }[];
    expect(Object.keys(resource!.Properties).sort()).toEqual([
      'BlockedInputMessaging',
      'BlockedOutputsMessaging',
      'Description',
      'Name',
      'WordPolicyConfig',
    ]);
  });

  test('grants ApplyGuardrail on this guardrail only, and no other Bedrock action', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'bedrock:ApplyGuardrail',
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Guardrail'), 'GuardrailArn'] },
          },
        ],
      },
    });
  });

  test("denies a name over Bedrock's limit before creating anything (the config's own limits keep below it)", () => {
    const stack = new Stack();
    const config = { ...guardrailSchema.parse(input), name: 'a-name-longer-than-the-config-allows-for-testing' };
    expect(() => new BedrockGuardrail(stack, 'Guardrail', { config, environment: 'prod' })).toThrow(
      'guardrails: "prod-a-name-longer-than-the-config-allows-for-testing" is longer than 50 characters (shorten the guardrail or environment name)',
    );
    expect(stack.node.findAll().filter((c) => c instanceof CfnResource)).toEqual([]);
  });
});
