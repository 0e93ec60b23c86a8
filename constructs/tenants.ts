import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import type { TenantsConfig } from '../lib/config/schema';
import type { DesiredTenants, TenantLimits } from '../lib/shared/tenants';
import { ConsumerKeySecrets } from './consumer-key-secrets';
import { KeyRotation } from './key-rotation';
import { TenantsReconciler } from './tenants-reconciler';

export interface TenantsProps {
  readonly environment: string;
  readonly tenants: TenantsConfig;
  /** Consumer name → the OAuth client id its tokens carry. */
  readonly clientIds: Readonly<Record<string, string>>;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly litellmUrl: string;
  readonly litellmPort: number;
  readonly masterKey: secretsmanager.ISecret;
  readonly secretsKey: kms.IKey;
  /** API Gateway's authorizer result cache; a rotated-out key must outlive it. */
  readonly authorizerCacheTtl: Duration;
  /** LiteLLM must be applied (and so on its way to ready) before the reconciler runs. */
  readonly after: IDependable;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Teams and consumers from the config, made real in LiteLLM at deploy time: one key secret per consumer,
 * the reconciler that issues the keys into them, and their scheduled rotation.
 */
export class Tenants extends Construct {
  readonly keySecrets: ConsumerKeySecrets;
  readonly reconciler?: TenantsReconciler;
  readonly rotation?: KeyRotation;

  constructor(scope: Construct, id: string, props: TenantsProps) {
    super(scope, id);
    const { tenants } = props;
    // By ARN: grants made below (the rotation schedule's) then go on this stack's roles, never into the
    // data stack's key policy, which would make the data stack depend on this one.
    const secretsKey = kms.Key.fromKeyArn(this, 'SecretsKey', props.secretsKey.keyArn);
    this.keySecrets = new ConsumerKeySecrets(this, 'KeySecrets', {
      environment: props.environment,
      consumers: Object.fromEntries(tenants.consumers.map((c) => [c.name, { team: c.team, clientId: clientIdOf(props, c.name) }])),
      encryptionKey: secretsKey,
      removalPolicy: props.removalPolicy,
    });
    // Nothing declared: nothing to reconcile, and LiteLLM teams made by hand are left alone.
    if (tenants.teams.length === 0) return;

    const shared = {
      vpc: props.vpc,
      subnets: props.subnets,
      litellmUrl: props.litellmUrl,
      litellmPort: props.litellmPort,
      masterKey: props.masterKey,
      secretsKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    };
    const secrets = this.keySecrets.secrets;
    const desired: DesiredTenants = {
      environment: props.environment,
      teams: tenants.teams.map((t) => ({
        alias: t.name,
        models: t.models,
        ...(t.mcpServers.length > 0 ? { mcpServers: t.mcpServers } : {}),
        tags: t.tags,
        ...limitsOf(t),
      })),
      consumers: tenants.consumers.map((c) => ({
        name: c.name,
        team: c.team,
        clientId: clientIdOf(props, c.name),
        secretArn: secrets[c.name]!.secretArn,
        tags: c.tags,
        ...limitsOf(c),
      })),
    };
    this.reconciler = new TenantsReconciler(this, 'Reconciler', {
      ...shared,
      desired,
      keySecrets: secrets,
      readinessTimeout: Duration.minutes(10),
    });
    this.reconciler.node.addDependency(props.after);

    if (tenants.consumers.length === 0) return;
    const ttl = props.authorizerCacheTtl.toSeconds();
    this.rotation = new KeyRotation(this, 'Rotation', {
      ...shared,
      keySecrets: secrets,
      every: Duration.days(tenants.keyRotationDays),
      // The authorizer keeps a key max(ttl, 60) s and serves it up to 600 s longer while Secrets Manager
      // fails (lambda/authorizer/config.ts); API Gateway caches the decision ttl s; 5 minutes of margin.
      grace: Duration.seconds(Math.max(ttl, 60) + 600 + ttl + 300),
      after: this.reconciler.resource,
    });
  }
}

function clientIdOf(props: TenantsProps, consumer: string): string {
  const id = props.clientIds[consumer];
  if (id === undefined) throw new Error(`clientIds: no client id for consumer "${consumer}"`);
  return id;
}

function limitsOf(limits: TenantLimits): TenantLimits {
  const { maxBudgetUsd, budgetDuration, tpmLimit, rpmLimit, maxParallelRequests } = limits;
  return Object.fromEntries(
    Object.entries({ maxBudgetUsd, budgetDuration, tpmLimit, rpmLimit, maxParallelRequests }).filter(([, v]) => v !== undefined),
  );
}
