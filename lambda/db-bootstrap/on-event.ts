import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { ClientConfig } from 'pg';
import { bootstrapDatabases } from './bootstrap';
import { connectWithRetry, pgConnect, type RetryOptions } from './connect';
import { checkApplications, parseMasterSecret, parseResourceProperties, parseUserSecret } from './properties';
import { readSecretString } from './secrets';

/** Stable across updates, so CloudFormation never replaces (and never deletes) the databases. */
export const PHYSICAL_RESOURCE_ID = 'application-databases';

/** What the CDK Provider framework expects back from onEvent. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

export interface OnEventDependencies {
  readonly secretsManager: SecretsManagerClient;
  /** TLS options for the master and application connections; `false` only for a local test server. */
  readonly ssl: ClientConfig['ssl'];
  /** Bounds waiting for a cluster that is resuming from auto-pause. */
  readonly retry: RetryOptions;
  readonly connectionTimeoutMs: number;
  readonly log: (message: string) => void;
}

/** The onEvent handler, given clients made once per cold start. */
export function createOnEventHandler(deps: OnEventDependencies) {
  return async (event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> => {
    if (event.RequestType === 'Delete') {
      // Ephemeral environments drop the data with the cluster; production keeps it.
      deps.log('Delete: nothing to do, databases and roles are left in place');
      return { PhysicalResourceId: event.PhysicalResourceId };
    }

    // Everything is read and validated before the first connection, so bad input runs no SQL.
    const props = parseResourceProperties(event.ResourceProperties);
    const [masterSecret, ...userSecrets] = await Promise.all([
      readSecretString(deps.secretsManager, props.MasterSecretArn),
      ...props.Databases.map((db) => readSecretString(deps.secretsManager, db.UserSecretArn)),
    ]);
    const master = parseMasterSecret(masterSecret, props.MasterSecretArn);
    const databases = props.Databases.map((db, i) => ({
      ...parseUserSecret(userSecrets[i]!, db.UserSecretArn, db.Name),
      extensions: db.Extensions ?? [],
    }));
    checkApplications(master.username, databases);

    const connect = pgConnect({
      host: master.host,
      port: master.port,
      ssl: deps.ssl,
      connectionTimeoutMs: deps.connectionTimeoutMs,
    });
    const masterClient = await connectWithRetry(
      () => connect({ user: master.username, password: master.password, database: master.dbname ?? 'postgres' }),
      `${master.host}:${master.port} as the master user`,
      deps.retry,
    );
    try {
      const connectMaster = (database: string) => connect({ user: master.username, password: master.password, database });
      const changes = await bootstrapDatabases({ master: masterClient, connect, connectMaster, databases, log: deps.log });
      deps.log(
        `${event.RequestType}: ${databases.map((db) => db.name).join(', ')} ready; ` +
          `${changes.length === 0 ? 'nothing changed' : `${changes.length} change(s)`}`,
      );
    } finally {
      await masterClient.end();
    }
    return { PhysicalResourceId: PHYSICAL_RESOURCE_ID };
  };
}
