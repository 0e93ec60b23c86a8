import type { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { NAMES } from '../endpoints';
import { ExternalSecret, type SecretsManagerRef } from '../imports/external-secrets';
import { secretEnv } from './pod-security';

export interface SyncedSecretProps {
  /** Name of the Kubernetes Secret the operator writes (and of the ExternalSecret). */
  readonly name: string;
  readonly namespace: string;
  /** Values read from Secrets Manager, by the alias templates use (`{{ .alias }}`). */
  readonly sources: Readonly<Record<string, SecretsManagerRef>>;
  /** Keys of the Secret, each a template over the sources, e.g. `sk-{{ .masterKey }}`. */
  readonly keys: Readonly<Record<string, string>>;
  /** @default '1h' */
  readonly refreshInterval?: string;
}

/**
 * A Kubernetes Secret kept in sync with Secrets Manager by the External Secrets Operator.
 * Only secret ARNs and templates appear in the manifest; the values exist only inside the cluster.
 */
export class SyncedSecret extends Construct {
  readonly secretName: string;
  /** Keys of the Secret, in the order given. */
  readonly keyNames: readonly string[];

  constructor(scope: Construct, id: string, props: SyncedSecretProps) {
    super(scope, id);
    const aliases = Object.keys(props.sources);
    const bad = aliases.find((alias) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(alias));
    if (bad !== undefined) {
      throw new Error(`sources: "${bad}" is not a template alias (use letters, digits and _; start with a letter)`);
    }
    if (Object.keys(props.keys).length === 0) {
      throw new Error('keys: is empty (give at least one key of the Secret to write)');
    }
    this.secretName = props.name;
    this.keyNames = Object.keys(props.keys);
    new ExternalSecret(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { kind: 'SecretStore', name: NAMES.secretStore },
        target: {
          name: props.name,
          creationPolicy: 'Owner',
          deletionPolicy: 'Delete',
          template: { engineVersion: 'v2', mergePolicy: 'Replace', type: 'Opaque', data: { ...props.keys } },
        },
        data: aliases.map((alias) => ({ secretKey: alias, remoteRef: props.sources[alias] as SecretsManagerRef })),
      },
    });
  }

  /**
   * Environment variables a container reads from this Secret, each named after its key: the given keys in the given
   * order, or every key. A key the Secret does not hold is refused, so a pod never waits on a key that never comes.
   */
  env(...keys: string[]): k8s.EnvVar[] {
    const wanted = keys.length > 0 ? keys : this.keyNames;
    const unknown = wanted.find((k) => !this.keyNames.includes(k));
    if (unknown !== undefined) {
      throw new Error(`${unknown}: is not a key of Secret ${this.secretName} (add it to keys, or read another Secret)`);
    }
    return wanted.map((key) => secretEnv(key, this.secretName));
  }
}

/** Template of a PostgreSQL URL from an RDS-style secret ({ username, password, dbname }) read under `prefix`. */
export function postgresUrlTemplate(prefix: string, host: string, port: string): string {
  // urlquery escapes characters that would end the user-info part of the URL (@ : / ? #).
  return `postgresql://{{ .${prefix}Username | urlquery }}:{{ .${prefix}Password | urlquery }}@${host}:${port}/{{ .${prefix}Dbname }}?sslmode=require`;
}

/** The three sources `postgresUrlTemplate` reads, from one secret. */
export function postgresSources(prefix: string, secretArn: string): Record<string, SecretsManagerRef> {
  return { ...credentialSources(prefix, secretArn), [`${prefix}Dbname`]: { key: secretArn, property: 'dbname' } };
}

/** `<prefix>Username` and `<prefix>Password` from a secret holding both (an ElastiCache user's, say). */
export function credentialSources(prefix: string, secretArn: string): Record<string, SecretsManagerRef> {
  return {
    [`${prefix}Username`]: { key: secretArn, property: 'username' },
    [`${prefix}Password`]: { key: secretArn, property: 'password' },
  };
}
