import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * LiteLLM's master key as the gateway chart builds it (k8s/litellm-chart.ts: `sk-{{ .masterKey }}` over the
 * secret's `value` field, constructs/platform-secrets.ts). Read on first use, then kept for the warm container.
 */
export function masterKeyReader(sm: SecretsManagerClient, secretArn: string): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= sm.send(new GetSecretValueCommand({ SecretId: secretArn })).then(
      (out) => {
        let value: unknown;
        try {
          value = (JSON.parse(out.SecretString ?? '') as { value?: unknown }).value;
        } catch {
          // JSON.parse quotes the text it failed on, and that text is the secret: say nothing of it.
        }
        if (typeof value !== 'string' || value === '') throw new Error(`master key secret ${secretArn} is not JSON with a "value" field`);
        return `sk-${value}`;
      },
      (err: Error) => {
        cached = undefined;
        throw new Error(`could not read the master key secret ${secretArn}: ${err.name}: ${err.message}`, { cause: err });
      },
    );
    return cached;
  };
}
