/**
 * Guardrails as code: the `guardrails` part of an environment config. Each named guardrail becomes one Amazon
 * Bedrock guardrail with a published version (constructs/bedrock-guardrail.ts); a team chooses one by name
 * (tenants.teams[].guardrail). LiteLLM checks every prompt and answer of that team's requests against it through
 * Bedrock's ApplyGuardrail API, whatever the model's provider (k8s/renderers/litellm-config.ts,
 * test/contracts/litellm-guardrails.test.ts).
 *
 * Limits follow AWS::Bedrock::Guardrail (CloudFormation resource reference and the Bedrock CreateGuardrail API,
 * read 2026-12-06): blocked messages 1 to 500 characters, up to 30 denied topics (name 1 to 100 characters of
 * letters, digits, space and - _ ! ? ., definition 1 to 200, up to 5 examples of 1 to 100), words 1 to 100 characters.
 */
import { z } from 'zod';
import { GUARDED_MODEL_MARK } from '../shared/guardrails';

export const GUARDRAIL_NAME = /^[a-z][a-z0-9-]{1,31}$/;

/** Bedrock's filter strengths; NONE leaves a category unchecked. */
export const FILTER_STRENGTHS = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const;

/** Bedrock's content filter categories, as our config names them. */
export const CONTENT_FILTERS = {
  hate: 'HATE',
  insults: 'INSULTS',
  sexual: 'SEXUAL',
  violence: 'VIOLENCE',
  misconduct: 'MISCONDUCT',
  promptAttack: 'PROMPT_ATTACK',
} as const;

/** Bedrock's sensitive-information (PII) entity types (AWS::Bedrock::Guardrail PiiEntityConfig Type). */
export const PII_ENTITY_TYPES = [
  'ADDRESS',
  'AGE',
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'CA_HEALTH_NUMBER',
  'CA_SOCIAL_INSURANCE_NUMBER',
  'CREDIT_DEBIT_CARD_CVV',
  'CREDIT_DEBIT_CARD_EXPIRY',
  'CREDIT_DEBIT_CARD_NUMBER',
  'DRIVER_ID',
  'EMAIL',
  'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
  'IP_ADDRESS',
  'LICENSE_PLATE',
  'MAC_ADDRESS',
  'NAME',
  'PASSWORD',
  'PHONE',
  'PIN',
  'SWIFT_CODE',
  'UK_NATIONAL_HEALTH_SERVICE_NUMBER',
  'UK_NATIONAL_INSURANCE_NUMBER',
  'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
  'URL',
  'USERNAME',
  'US_BANK_ACCOUNT_NUMBER',
  'US_BANK_ROUTING_NUMBER',
  'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
  'US_PASSPORT_NUMBER',
  'US_SOCIAL_SECURITY_NUMBER',
  'VEHICLE_IDENTIFICATION_NUMBER',
] as const;

const strength = z.enum(FILTER_STRENGTHS);
const TOPIC_NAME = /^[0-9a-zA-Z\-_ !?.]{1,100}$/;

const topicSchema = z.strictObject({
  /** Shown in the refusal's assessment; letters, digits, space and - _ ! ? . */
  name: z.string().regex(TOPIC_NAME, 'is not a topic name (1 to 100 letters, digits, spaces or - _ ! ? .)'),
  /** What the topic covers, in one or two sentences; Bedrock classifies against it. */
  definition: z.string().min(1, 'is empty (say what the topic covers)').max(200, 'is longer than 200 characters'),
  /** Prompts that belong to the topic. */
  examples: z
    .array(z.string().min(1, 'is empty').max(100, 'is longer than 100 characters'))
    .max(5, 'has more than 5 examples (Bedrock keeps at most 5 per topic)')
    .default([]),
});

const piiSchema = z.strictObject({
  /** One of Bedrock's entity types (PII_ENTITY_TYPES). */
  type: z.enum(PII_ENTITY_TYPES),
  /** `block` refuses the request or answer; `anonymize` replaces the value with a {TYPE} tag and lets it through. */
  action: z.enum(['block', 'anonymize']),
});

export const guardrailSchema = z.strictObject({
  /** What teams choose (tenants.teams[].guardrail); also names the Bedrock guardrail and LiteLLM's guardrail. */
  name: z
    .string()
    .regex(GUARDRAIL_NAME, 'is not a guardrail name (lowercase letters, digits, -; starts with a letter; 2 to 32 characters)'),
  description: z.string().min(1).max(200, 'is longer than 200 characters').optional(),
  /** What the client reads when its prompt is refused. */
  blockedInputMessage: z
    .string()
    .min(1, 'is empty')
    .max(500, 'is longer than 500 characters')
    .default('This request was refused by the content policy of the AI gateway.'),
  /** What the client reads when the model's answer is refused. */
  blockedOutputMessage: z
    .string()
    .min(1, 'is empty')
    .max(500, 'is longer than 500 characters')
    .default('The answer was withheld by the content policy of the AI gateway.'),
  /** Strength per content category, applied to prompts and answers alike (prompt attacks: prompts only). */
  contentFilters: z
    .strictObject({
      hate: strength.default('NONE'),
      insults: strength.default('NONE'),
      sexual: strength.default('NONE'),
      violence: strength.default('NONE'),
      misconduct: strength.default('NONE'),
      promptAttack: strength.default('NONE'),
    })
    .optional(),
  /** Subjects the team's applications must not discuss. */
  deniedTopics: z.array(topicSchema).max(30, 'has more than 30 topics (Bedrock keeps at most 30)').default([]),
  /** Personal data to block or anonymize, in prompts and answers. */
  pii: z.array(piiSchema).default([]),
  /** Exact words or phrases to block. */
  words: z.array(z.string().min(1, 'is empty').max(100, 'is longer than 100 characters')).default([]),
  /** Bedrock's managed profanity list. @default false */
  profanity: z.boolean().default(false),
});

export type GuardrailConfig = z.output<typeof guardrailSchema>;
export type GuardrailInput = z.input<typeof guardrailSchema>;

type Issue = (path: (string | number)[], message: string) => void;

/** A guardrail with no policy would let everything through while looking like a control. */
function isEmpty(g: GuardrailConfig): boolean {
  const filters = g.contentFilters ? Object.values(g.contentFilters).some((s) => s !== 'NONE') : false;
  return !filters && g.deniedTopics.length === 0 && g.pii.length === 0 && g.words.length === 0 && !g.profanity;
}

/** Rules across guardrails and the teams that choose them. */
export function checkGuardrails(
  guardrails: readonly GuardrailConfig[],
  teams: readonly { readonly name: string; readonly guardrail?: string }[],
  modelNames: readonly string[],
  issue: Issue,
  openWebUiTeam?: string,
): void {
  const names = guardrails.map((g) => g.name);
  modelNames.forEach((model, i) => {
    // A guarded copy is named <model>.guard-<guardrail>: a group of that form could stand in for one.
    if (model.includes(GUARDED_MODEL_MARK)) {
      issue(
        ['models', i, 'name'],
        `"${model}" contains "${GUARDED_MODEL_MARK}", which names the guarded copies of models (choose another name)`,
      );
    }
  });
  guardrails.forEach((g, i) => {
    if (names.indexOf(g.name) !== i) issue(['guardrails', i, 'name'], `"${g.name}" is used twice (allowed: unique guardrail names)`);
    if (isEmpty(g)) {
      issue(
        ['guardrails', i],
        'checks nothing (allowed: at least one of contentFilters above NONE, deniedTopics, pii, words or profanity: true)',
      );
    }
    const topics = g.deniedTopics.map((t) => t.name.toLowerCase());
    topics.forEach((t, j) => {
      if (topics.indexOf(t) !== j) issue(['guardrails', i, 'deniedTopics', j, 'name'], `"${g.deniedTopics[j]!.name}" is used twice`);
    });
    const types = g.pii.map((p) => p.type);
    types.forEach((t, j) => {
      if (types.indexOf(t) !== j) issue(['guardrails', i, 'pii', j, 'type'], `${t} is listed twice (allowed: one action per type)`);
    });
  });
  teams.forEach((team, i) => {
    if (team.guardrail !== undefined && team.name === openWebUiTeam) {
      // Open WebUI names its models (the embedding model among them) by their unguarded names.
      issue(['tenants', 'teams', i, 'guardrail'], 'is not supported on openWebUi.team yet (choose a guardrail for API teams only)');
    }
    if (team.guardrail !== undefined && !names.includes(team.guardrail)) {
      issue(
        ['tenants', 'teams', i, 'guardrail'],
        `"${team.guardrail}" is not a declared guardrail (allowed: ${names.join(', ') || 'none declared in guardrails'})`,
      );
    }
  });
}
