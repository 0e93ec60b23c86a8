import { Tags, type RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CONSUMER_SECRET_TAG, TEAM_SECRET_TAG, virtualKeySecretPrefix } from '../lib/shared/tenants';
import { builtinKeySecretName } from '../lib/shared/web';
import { stackSuffix } from './names';

export interface ConsumerKeySecretsProps {
  readonly environment: string;
  /** Consumer name → its team and the OAuth client id the authorizer sees. */
  readonly consumers: Readonly<Record<string, { readonly team: string; readonly clientId: string }>>;
  /**
   * Built-in consumer name → its team: keys the platform's own workloads (Open WebUI) call LiteLLM with.
   * @default none
   */
  readonly builtinConsumers?: Readonly<Record<string, { readonly team: string }>>;
  readonly encryptionKey: kms.IKey;
  /** DESTROY in ephemeral environments (the morning deploy issues fresh keys), RETAIN elsewhere. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * One secret per consumer at `<prefix><clientId>`, where the authorizer looks the key up, and one per built-in
 * consumer at `builtinKeySecretName(env, name, <stack suffix>)`, outside that prefix, where no token can lead the authorizer.
 * The template holds no key: each secret starts with a random placeholder the authorizer refuses (it is not
 * `sk-...`), and the tenants reconciler writes the key LiteLLM issued.
 */
export class ConsumerKeySecrets extends Construct {
  /** The client consumers' secrets, by consumer name: these rotate. */
  readonly secrets: Readonly<Record<string, secretsmanager.Secret>>;
  /** The built-in consumers' secrets, by consumer name: these do not rotate (constructs/tenants.ts says why). */
  readonly builtinSecrets: Readonly<Record<string, secretsmanager.Secret>>;

  constructor(scope: Construct, id: string, props: ConsumerKeySecretsProps) {
    super(scope, id);
    const builtin = props.builtinConsumers ?? {};
    const clash = Object.keys(builtin).find((name) => name in props.consumers);
    if (clash !== undefined) {
      throw new Error(`builtinConsumers: "${clash}" is also a declared consumer (a built-in consumer's name is reserved)`);
    }
    const prefix = virtualKeySecretPrefix(props.environment);
    const make = (scope: Construct, name: string, team: string, secretName: string, what: string) => {
      const secret = new secretsmanager.Secret(scope, name, {
        secretName,
        description: `LiteLLM virtual key of ${what} ${name} (team ${team}), written by the tenants reconciler`,
        encryptionKey: props.encryptionKey,
        removalPolicy: props.removalPolicy,
      });
      Tags.of(secret).add(CONSUMER_SECRET_TAG, name);
      Tags.of(secret).add(TEAM_SECRET_TAG, team);
      return secret;
    };
    this.secrets = Object.fromEntries(
      Object.entries(props.consumers).map(([name, { team, clientId }]) => [
        name,
        make(this, name, team, `${prefix}${clientId}`, 'consumer'),
      ]),
    );
    // A scope of their own: their logical ids can never meet a client consumer's.
    const builtinScope = Object.keys(builtin).length > 0 ? new Construct(this, 'Builtin') : this;
    this.builtinSecrets = Object.fromEntries(
      Object.entries(builtin).map(([name, { team }]) => [
        name,
        make(builtinScope, name, team, builtinKeySecretName(props.environment, name, stackSuffix(this)), 'built-in consumer'),
      ]),
    );
  }
}
