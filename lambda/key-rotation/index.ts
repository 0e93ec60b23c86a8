/**
 * Rotation function of the consumers' virtual-key secrets (Secrets Manager invokes it once per step).
 * Environment: LITELLM_URL, MASTER_KEY_SECRET_ARN, GRACE_SECONDS (./config.ts).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseRotationConfig } from './config';
import { newVirtualKey } from './key-value';
import { httpLiteLlm } from './litellm-keys';
import { jsonLog } from './redact';
import { createRotationHandler } from './rotation';
import { secretVersions } from './secret-versions';

// Created once per cold start and reused by warm invocations.
const config = parseRotationConfig(process.env);
const client = new SecretsManagerClient({});

let masterKey: Promise<string> | undefined;
let storedMasterKey: string | undefined;

/** The master key as the LiteLLM chart builds it: `sk-` + the secret's `value` field. Read once, on first use. */
function readMasterKey(): Promise<string> {
  masterKey ??= client.send(new GetSecretValueCommand({ SecretId: config.masterKeySecretArn })).then(
    (out) => {
      let value: unknown;
      try {
        value = (JSON.parse(out.SecretString ?? '') as { value?: unknown }).value;
      } catch {
        // JSON.parse quotes the text it failed on: that text is the secret.
      }
      if (typeof value !== 'string' || value === '') throw new Error(`${config.masterKeySecretArn} is not JSON with a "value" field`);
      storedMasterKey = value;
      return `sk-${value}`;
    },
    (err: unknown) => {
      masterKey = undefined;
      throw err;
    },
  );
  return masterKey;
}

const known = () => (storedMasterKey ? [storedMasterKey] : []);

const rotate = createRotationHandler({
  secrets: secretVersions(client),
  litellm: httpLiteLlm({ baseUrl: config.litellmUrl, masterKey: readMasterKey }),
  graceSeconds: config.graceSeconds,
  now: Date.now,
  newKey: () => newVirtualKey(),
  log: jsonLog((line) => console.log(line), known),
  knownSecrets: known,
});

export async function handler(event: unknown): Promise<void> {
  return rotate(event);
}
