/**
 * `npm run rotate-key -- <env> <consumer>`: starts an immediate rotation of one consumer's virtual key.
 * Finds the consumer's key secret by its tag under the environment's prefix and calls RotateSecret; Secrets
 * Manager then runs the rotation function's four steps. Never reads or prints a key.
 */
import { ListSecretsCommand, RotateSecretCommand, type SecretListEntry, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EnvironmentConfig } from '../lib/config/schema';
import { CONSUMER_SECRET_TAG, virtualKeySecretPrefix } from '../lib/shared/tenants';
import { OPEN_WEBUI_CONSUMER, builtinKeySecretPrefix } from '../lib/shared/web';
import { EXIT_FAILED, EXIT_OK, UsageError, errorMessage } from './env-command-plan';

export const ROTATE_KEY_USAGE = `Usage: npm run rotate-key -- <env> <consumer>

Rotates a consumer's LiteLLM virtual key now instead of at its next scheduled rotation: finds the consumer's
key secret (tag ${CONSUMER_SECRET_TAG}=<consumer>, name ${virtualKeySecretPrefix('<env>')}<client id>) and
calls Secrets Manager RotateSecret. The rotation function issues a new key and stores it; the old key keeps
working for the grace period (the authorizer's and API Gateway's caches may still hold it), then expires.
Prints the new secret version id, never a key. Exit codes: 0 rotation started, 1 AWS refused or failed,
2 bad arguments or config.

AWS: credentials for the environment's account, allowed secretsmanager:ListSecrets and
secretsmanager:RotateSecret on the key secret (and lambda:InvokeFunction is Secrets Manager's, not yours).`;

export interface RotateKeyRequest {
  readonly environment: string;
  readonly consumer: string;
}

export function parseRotateKeyArgs(argv: readonly string[]): RotateKeyRequest | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const flags = argv.filter((a) => a.startsWith('-'));
  if (flags.length > 0) throw new UsageError(`unknown option "${flags[0]}" (allowed: --help)`);
  const [environment, consumer, ...extra] = argv;
  if (environment === undefined || consumer === undefined) throw new UsageError(`rotate-key needs an environment and a consumer`);
  if (extra.length > 0) throw new UsageError(`rotate-key takes one environment and one consumer (got ${argv.join(' ')})`);
  return { environment, consumer };
}

/** The consumer must be declared in the environment's config: a typo names nothing, and says what would. */
export function checkConsumer(request: RotateKeyRequest, config: EnvironmentConfig): void {
  if (request.consumer === OPEN_WEBUI_CONSUMER) {
    // Never rotated (constructs/tenants.ts): Open WebUI reads the key only when a pod starts.
    throw new UsageError(
      `consumer "${OPEN_WEBUI_CONSUMER}" is Open WebUI's built-in consumer, whose key is not rotated: Open WebUI reads it only when a pod starts, ` +
        'so a rotated-out key would expire under the running pods. To replace it: put {} into the secret ' +
        `${builtinKeySecretPrefix(request.environment)}${OPEN_WEBUI_CONSUMER}-<platform stack id block>, deploy with -c reconcile=$(date +%s) (the reconciler deletes the old key ` +
        'and issues a new one), then, once the in-cluster secret has synced, run kubectl -n open-webui rollout restart deployment. ' +
        'The chat fails between the deploy and the restart.',
    );
  }
  const names = config.tenants.consumers.map((c) => c.name);
  if (!names.includes(request.consumer)) {
    throw new UsageError(
      `consumer "${request.consumer}" is not declared in environment ${request.environment} (allowed: ${names.join(', ') || 'none: the overlay declares no consumers'})`,
    );
  }
}

export interface RotateKeyDeps {
  readonly secretsManager: Pick<SecretsManagerClient, 'send'>;
  readonly print: (line: string) => void;
  readonly printError: (line: string) => void;
}

/** Finds the secret and starts the rotation; the exit code. */
export async function rotateKey(request: RotateKeyRequest, deps: RotateKeyDeps): Promise<number> {
  const prefix = virtualKeySecretPrefix(request.environment);
  let secret: SecretListEntry;
  try {
    secret = await findKeySecret(deps.secretsManager, prefix, request.consumer);
  } catch (err) {
    deps.printError(explain(err, `could not list the key secrets of environment ${request.environment}`));
    return EXIT_FAILED;
  }
  if (secret.RotationEnabled !== true) {
    deps.printError(
      `Rotation is not turned on for ${secret.Name}: deploy environment ${request.environment} (its Tenants construct schedules rotation for every consumer key).`,
    );
    return EXIT_FAILED;
  }
  try {
    const out = await deps.secretsManager.send(new RotateSecretCommand({ SecretId: secret.ARN, RotateImmediately: true }));
    deps.print(`Rotation of ${request.consumer}'s key started: secret ${secret.Name}, new version ${out.VersionId ?? '(not returned)'}.`);
    deps.print('Secrets Manager now runs the rotation function; the old key keeps working for the grace period, then expires.');
    return EXIT_OK;
  } catch (err) {
    deps.printError(explain(err, `could not start the rotation of ${secret.Name}`));
    return EXIT_FAILED;
  }
}

class NotFound extends Error {}

async function findKeySecret(client: Pick<SecretsManagerClient, 'send'>, prefix: string, consumer: string): Promise<SecretListEntry> {
  const found: SecretListEntry[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSecretsCommand({
        // Filters are ANDed; tag-key and tag-value match independently, so the pair is checked below.
        Filters: [
          { Key: 'tag-key', Values: [CONSUMER_SECRET_TAG] },
          { Key: 'tag-value', Values: [consumer] },
          { Key: 'name', Values: [prefix] },
        ],
        NextToken,
      }),
    );
    for (const entry of page.SecretList ?? []) {
      const tagged = (entry.Tags ?? []).some((t) => t.Key === CONSUMER_SECRET_TAG && t.Value === consumer);
      if (tagged && entry.Name?.startsWith(prefix)) found.push(entry);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  if (found.length === 0) {
    throw new NotFound(
      `No key secret for consumer ${consumer}: nothing named ${prefix}* is tagged ${CONSUMER_SECRET_TAG}=${consumer} in this account and region. Deploy the environment first, or check the credentials' account and region.`,
    );
  }
  if (found.length > 1)
    throw new NotFound(`More than one key secret is tagged ${CONSUMER_SECRET_TAG}=${consumer}: ${found.map((s) => s.Name).join(', ')}`);
  return found[0]!;
}

function explain(err: unknown, doing: string): string {
  if (err instanceof NotFound) return err.message;
  const name = (err as { name?: string }).name ?? 'Error';
  const message = errorMessage(err);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return `${doing}: no AWS credentials (${message}). Log in to the environment's account (e.g. aws sso login, or AWS_PROFILE) and try again.`;
  }
  if (name === 'AccessDeniedException')
    return `${doing}: access denied (${message}). The credentials need secretsmanager:ListSecrets and secretsmanager:RotateSecret.`;
  if (name === 'InvalidRequestException' && /rotation/i.test(message)) {
    return `${doing}: ${message} A rotation that has not finished blocks a new one; Secrets Manager retries it. See the rotation function's logs.`;
  }
  return `${doing}: ${name}: ${message}`;
}
