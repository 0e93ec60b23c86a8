import { RemovalPolicy } from 'aws-cdk-lib';

/** `litellm_db` → `LitellmDb`, `secretsSync` → `SecretsSync`: construct ids from config and app names. */
export function pascalCase(name: string): string {
  return name.replace(/(^|_)([a-z])/g, (_match, _sep, c: string) => c.toUpperCase());
}

/** For resources that cannot be snapshotted (log groups, secrets): keep them when their database is snapshotted. */
export function withoutSnapshot(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.RETAIN : policy;
}
