/**
 * The edge stack outputs the smoke test starts from. `npm run deploy` writes them with `cdk deploy --outputs-file`
 * (bin/env-command-plan.ts); the CDK CLI (aws-cdk 2.1148.1, lib/index.js) writes that file as
 * `{ "<stack name>": { "<output key>": "<value>" } }`. Without the file, CloudFormation's DescribeStacks of the edge
 * stack gives the same outputs. Output keys are those of lib/edge-stack.ts.
 */
import { stackPrefix } from './env-command-run';
import type { WebEntrance } from './smoke-web';

/** The CloudFormation name of an environment's edge stack (lib/platform-stage.ts). */
export function edgeStackName(environment: string): string {
  return `${stackPrefix(environment)}edge`;
}

/** The CloudFormation name of an environment's data stack (lib/platform-stage.ts). */
export function dataStackName(environment: string): string {
  return `${stackPrefix(environment)}data`;
}

/** Where `npm run deploy -- <env>` leaves the outputs (bin/env-command-plan.ts). */
export function outputsFilePath(environment: string): string {
  return `cdk.out/${environment}-outputs.json`;
}

/** The output key of a consumer's app client id: lib/edge-stack.ts drops the dashes from the consumer name. */
export function clientIdOutputKey(consumer: string): string {
  return `ClientId${consumer.replace(/-/g, '')}`;
}

/** The token URL on the API's custom domain (lib/edge-stack.ts, with web.domain and Cognito): what client apps are given. */
export const STABLE_TOKEN_URL_OUTPUT = 'StableTokenUrl';

/** The outputs the smoke run reads. Cognito ones are absent when the environment uses an external OIDC issuer. */
export interface EdgeOutputs {
  readonly gatewayUrl: string;
  readonly langfuseUrl?: string;
  readonly virtualKeySecretPrefix?: string;
  /** StableTokenUrl (the API's relay on api.<base>) when the edge has one, else Cognito's TokenUrl. */
  readonly tokenUrl?: string;
  readonly scope?: string;
  readonly userPoolId?: string;
  /** The web UIs' public URLs and the identity provider's sign-in URL; present only with web.domain. */
  readonly web?: WebEntrance;
  /** Every output by key, for the per-consumer client ids. */
  readonly all: Readonly<Record<string, string>>;
}

/** A missing or malformed output; the message names the output and where it was read. */
export class OutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputsError';
  }
}

/** Reads the edge outputs from a flat key/value map. */
export function edgeOutputs(all: Readonly<Record<string, string>>, source: string): EdgeOutputs {
  const gatewayUrl = all.GatewayUrl;
  if (!gatewayUrl) throw new OutputsError(`${source} has no GatewayUrl output`);
  const field = (key: string, name: keyof EdgeOutputs) => (all[key] ? { [name]: all[key] } : {});
  return {
    gatewayUrl: gatewayUrl.replace(/\/+$/, ''),
    ...field('LangfuseUrl', 'langfuseUrl'),
    ...field('VirtualKeySecretPrefix', 'virtualKeySecretPrefix'),
    ...field(all[STABLE_TOKEN_URL_OUTPUT] ? STABLE_TOKEN_URL_OUTPUT : 'TokenUrl', 'tokenUrl'),
    ...field('Scope', 'scope'),
    ...field('UserPoolId', 'userPoolId'),
    ...webEntrance(all),
    all,
  };
}

/** The output keys of lib/edge-stack.ts's web entrance (only with web.domain). */
export const WEB_OUTPUT_KEYS = {
  chat: 'WebChatUrl',
  litellm: 'WebLiteLLMUrl',
  langfuse: 'WebLangfuseUrl',
  signInUrl: 'WebSignInUrl',
} as const;

function webEntrance(all: Readonly<Record<string, string>>): { web?: WebEntrance } {
  const [chat, litellm, langfuse, signInUrl] = Object.values(WEB_OUTPUT_KEYS).map((key) => all[key]?.replace(/\/+$/, ''));
  return chat && litellm && langfuse && signInUrl ? { web: { chat, litellm, langfuse, signInUrl } } : {};
}

/** The edge stack's entry of a `cdk deploy --outputs-file` file, or undefined when the file does not hold it. */
export function outputsFromFile(json: unknown, environment: string): Readonly<Record<string, string>> | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const entry = (json as Record<string, unknown>)[edgeStackName(environment)];
  if (typeof entry !== 'object' || entry === null) return undefined;
  return Object.fromEntries(Object.entries(entry).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** DescribeStacks' Outputs list as a key/value map. */
export function outputsFromStack(outputs: readonly { OutputKey?: string; OutputValue?: string }[]): Readonly<Record<string, string>> {
  return Object.fromEntries(outputs.flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [])));
}

/** A consumer's app client id; throws naming the consumers the outputs do have. */
export function clientIdOf(outputs: EdgeOutputs, consumer: string): string {
  const id = outputs.all[clientIdOutputKey(consumer)];
  if (id) return id;
  const known = Object.keys(outputs.all)
    .filter((k) => k.startsWith('ClientId'))
    .join(', ');
  throw new OutputsError(`no ${clientIdOutputKey(consumer)} output for consumer "${consumer}" (outputs have: ${known || 'no client ids'})`);
}

/** The issuer of a Cognito user pool's tokens; the pool id starts with its region (`<region>_<id>`). */
export function cognitoIssuer(userPoolId: string): string {
  const region = userPoolId.split('_')[0];
  if (!region || !userPoolId.includes('_')) throw new OutputsError(`UserPoolId "${userPoolId}" is not <region>_<id>`);
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

/** The stage root (`https://<api>/<stage>`) of the OpenAI base URL `https://<api>/<stage>/v1`: admin routes sit under it. */
export function stageRoot(gatewayUrl: string): string {
  return gatewayUrl.replace(/\/v1\/?$/, '');
}
