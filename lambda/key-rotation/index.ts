/**
 * Rotation function of the consumers' virtual-key secrets (Secrets Manager invokes it once per step).
 * Environment: LITELLM_URL, MASTER_KEY_SECRET_ARN, GRACE_SECONDS (./config.ts).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { masterKeyReader } from '../tenants/master-key';
import { newVirtualKey } from '../tenants/key-secret';
import { parseRotationConfig } from './config';
import { httpLiteLlm } from './litellm-keys';
import { jsonLog } from './redact';
import { createRotationHandler } from './rotation';
import { secretVersions } from './secret-versions';

// Created once per cold start and reused by warm invocations.
const config = parseRotationConfig(process.env);
const client = new SecretsManagerClient({});

const readMasterKey = masterKeyReader(client, config.masterKeySecretArn);
let masterKey: string | undefined;
/** The master key, remembered so it can be kept out of errors even where it appears without its sk-. */
async function master(): Promise<string> {
  masterKey = await readMasterKey();
  return masterKey;
}
const known = () => (masterKey ? [masterKey, masterKey.slice('sk-'.length)] : []);

const rotate = createRotationHandler({
  secrets: secretVersions(client),
  litellm: httpLiteLlm({ baseUrl: config.litellmUrl, masterKey: master }),
  graceSeconds: config.graceSeconds,
  now: Date.now,
  newKey: () => newVirtualKey(),
  log: jsonLog((line) => console.log(line), known),
  knownSecrets: known,
});

export async function handler(event: unknown): Promise<void> {
  return rotate(event);
}
