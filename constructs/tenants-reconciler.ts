import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { lambdaEntry } from './bundled-code';
import type { DesiredTenants } from '../lib/shared/tenants';
import { LiteLlmAdminFunction, type LiteLlmAdminFunctionProps } from './litellm-admin-function';

/** Context key that forces a reconciler run on a deploy whose tenants did not change. */
export const RECONCILE_CONTEXT_KEY = 'reconcile';

export interface TenantsReconcilerProps extends Omit<LiteLlmAdminFunctionProps, 'entry' | 'description' | 'timeout' | 'environment'> {
  readonly desired: DesiredTenants;
  /** The consumers' key secrets, by consumer name; the function writes each key into its own. */
  readonly keySecrets: Readonly<Record<string, secretsmanager.ISecret>>;
  /** How long to wait for LiteLLM to become ready (pods starting, migrations running) before failing the deploy. */
  readonly readinessTimeout: Duration;
}

/**
 * A custom resource that makes LiteLLM's teams and virtual keys match the config through its admin API,
 * on every deploy whose desired state changed, and writes each new key straight into its consumer's secret.
 */
export class TenantsReconciler extends Construct {
  readonly resource: CustomResource;
  readonly function: LiteLlmAdminFunction;

  constructor(scope: Construct, id: string, props: TenantsReconcilerProps) {
    super(scope, id);
    const readiness = props.readinessTimeout.toSeconds();
    // One Lambda run holds the readiness wait and the admin calls; 15 minutes is Lambda's ceiling.
    if (readiness < 30 || readiness > 600) throw new Error(`readinessTimeout: ${readiness}s is outside 30 to 600 seconds`);
    this.function = new LiteLlmAdminFunction(this, 'Reconciler', {
      ...props,
      entry: lambdaEntry('tenants-reconciler'),
      description: 'Tenants reconciler',
      timeout: Duration.seconds(readiness + 300),
      environment: { READINESS_TIMEOUT_SECONDS: String(readiness) },
    });
    const fn = this.function.function;
    const secretArns = Object.values(props.keySecrets).map((s) => s.secretArn);
    if (secretArns.length > 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'WriteConsumerKeys',
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'],
          resources: secretArns,
        }),
      );
      this.function.allowSecretsKey(props.secretsKey, ['kms:Encrypt', 'kms:GenerateDataKey']);
    }

    const runId = contextString(this.node.tryGetContext(RECONCILE_CONTEXT_KEY));
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: fn,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::LiteLlmTenants',
      // One JSON string: CloudFormation would turn every number of a nested object into a string.
      properties: {
        DesiredTenants: Stack.of(this).toJsonString(props.desired),
        // CloudFormation calls the reconciler only when a property changes; `-c reconcile=<anything new>` forces a run.
        ...(runId !== undefined ? { RunId: runId } : {}),
      },
    });
  }
}

/** A context value as given on the command line (`-c reconcile=1764400000` arrives as a string or a number). */
function contextString(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new Error(`${RECONCILE_CONTEXT_KEY}: ${JSON.stringify(value)} is not a run id (use -c ${RECONCILE_CONTEXT_KEY}=<timestamp>)`);
}
