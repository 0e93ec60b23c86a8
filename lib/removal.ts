import { RemovalPolicy } from 'aws-cdk-lib';
import type { EnvironmentConfig } from './config/schema';

/** Ephemeral environments delete everything with the stack; the rest keep their data. */
export function removalPolicyFor(config: EnvironmentConfig): RemovalPolicy {
  return config.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}

/** Like removalPolicyFor, but databases and caches leave a final snapshot instead of just staying. */
export function statefulRemovalPolicyFor(config: EnvironmentConfig): RemovalPolicy {
  return config.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT;
}
