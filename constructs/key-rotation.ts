import { Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import { lambdaEntry } from './bundled-code';
import { LiteLlmAdminFunction, type LiteLlmAdminFunctionProps } from './litellm-admin-function';

export interface KeyRotationProps extends Omit<LiteLlmAdminFunctionProps, 'entry' | 'description' | 'timeout' | 'environment'> {
  readonly keySecrets: Readonly<Record<string, secretsmanager.Secret>>;
  readonly every: Duration;
  /**
   * How long a rotated-out key keeps working: longer than any cache that may still hand it out (the
   * authorizer's key cache and stale-on-error window, API Gateway's authorizer cache).
   */
  readonly grace: Duration;
  /** The schedules wait for it: the first keys must exist before anything rotates them. */
  readonly after: IDependable;
}

/**
 * Secrets Manager rotation of every consumer key: a new LiteLLM key per rotation, the old one renamed and
 * left to expire after the grace period instead of being deleted while caches may still hold it.
 */
export class KeyRotation extends Construct {
  readonly function: LiteLlmAdminFunction;

  constructor(scope: Construct, id: string, props: KeyRotationProps) {
    super(scope, id);
    this.function = new LiteLlmAdminFunction(this, 'Rotation', {
      ...props,
      entry: lambdaEntry('key-rotation'),
      description: 'Virtual key rotation',
      timeout: Duration.minutes(2),
      environment: { GRACE_SECONDS: String(props.grace.toSeconds()) },
    });
    const fn = this.function.function;
    this.function.allowSecretsKey(props.secretsKey, ['kms:Encrypt', 'kms:GenerateDataKey']);
    for (const [name, secret] of Object.entries(props.keySecrets)) {
      const schedule = secret.addRotationSchedule(`Rotation-${name}`, {
        rotationLambda: fn,
        automaticallyAfter: props.every,
        // The reconciler issues the first key; rotating at creation would race it.
        rotateImmediatelyOnUpdate: false,
      });
      schedule.node.addDependency(props.after);
    }
    // CDK's invoke permission for Secrets Manager names no source; only this account's secrets may invoke it
    // (no source ARN: one function serves every consumer's secret).
    for (const child of fn.node.children) {
      if (child instanceof lambda.CfnPermission && child.principal === 'secretsmanager.amazonaws.com') {
        child.sourceAccount = Stack.of(this).account;
      }
    }
  }
}
