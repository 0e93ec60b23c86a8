import { Tags, type RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CONSUMER_SECRET_TAG, TEAM_SECRET_TAG, virtualKeySecretPrefix } from '../lib/shared/tenants';

export interface ConsumerKeySecretsProps {
  readonly environment: string;
  /** Consumer name → its team and the OAuth client id the authorizer sees. */
  readonly consumers: Readonly<Record<string, { readonly team: string; readonly clientId: string }>>;
  readonly encryptionKey: kms.IKey;
  /** DESTROY in ephemeral environments (the morning deploy issues fresh keys), RETAIN elsewhere. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One secret per consumer at `<prefix><clientId>`, where the authorizer looks the key up. The template
 * holds no key: the secret starts with a random placeholder the authorizer refuses (it is not `sk-...`),
 * and the tenants reconciler writes the key LiteLLM issued.
 */
export class ConsumerKeySecrets extends Construct {
  readonly secrets: Readonly<Record<string, secretsmanager.Secret>>;

  constructor(scope: Construct, id: string, props: ConsumerKeySecretsProps) {
    super(scope, id);
    const prefix = virtualKeySecretPrefix(props.environment);
    this.secrets = Object.fromEntries(
      Object.entries(props.consumers).map(([name, { team, clientId }]) => {
        const secret = new secretsmanager.Secret(this, name, {
          secretName: `${prefix}${clientId}`,
          description: `LiteLLM virtual key of consumer ${name} (team ${team}), written by the tenants reconciler`,
          encryptionKey: props.encryptionKey,
          removalPolicy: props.removalPolicy,
        });
        Tags.of(secret).add(CONSUMER_SECRET_TAG, name);
        Tags.of(secret).add(TEAM_SECRET_TAG, team);
        return [name, secret];
      }),
    );
  }
}
