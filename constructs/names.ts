import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** `litellm_db` → `LitellmDb`, `secretsSync` → `SecretsSync`: construct ids from config and app names. */
export function pascalCase(name: string): string {
  return name.replace(/(^|_)([a-z])/g, (_match, _sep, c: string) => c.toUpperCase());
}

/**
 * The first block of the stack id's UUID: new whenever the stack is created, stable while it lives. Names that
 * end with it never meet a namesake that outlived yesterday's stack (a secret in its recovery window, a domain).
 */
export function stackSuffix(scope: IConstruct): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Stack.of(scope).stackId))));
}

/** For resources that cannot be snapshotted (log groups, secrets): keep them when their database is snapshotted. */
export function withoutSnapshot(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.RETAIN : policy;
}
