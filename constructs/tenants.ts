import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { grantedModels } from '../lib/shared/guardrails';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import type { OpenWebUiConfig, TenantsConfig } from '../lib/config/schema';
import type { DesiredConsumer, DesiredTenants, TenantLimits } from '../lib/shared/tenants';
import { OPEN_WEBUI_CONSUMER } from '../lib/shared/web';
import { ConsumerKeySecrets } from './consumer-key-secrets';
import { KeyRotation } from './key-rotation';
import { TenantsReconciler } from './tenants-reconciler';

export interface TenantsProps {
  readonly environment: string;
  readonly tenants: TenantsConfig;
  /** Consumer name → the OAuth client id its tokens carry. */
  readonly clientIds: Readonly<Record<string, string>>;
  /**
   * Consumers the platform issues keys for itself, each in a declared team, with no client id and no limits of
   * their own (their team's budget and limits hold them): see {@link builtinConsumersFor}.
   * @default none
   */
  readonly builtinConsumers?: readonly BuiltinConsumer[];
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly litellmUrl: string;
  readonly litellmPort: number;
  /**
   * The group the internal load balancer admits; the reconciler and the rotation join it.
   * @default - none (the load balancer must then be open to the VPC)
   */
  readonly litellmClientSecurityGroup?: ec2.ISecurityGroup;
  readonly masterKey: secretsmanager.ISecret;
  readonly secretsKey: kms.IKey;
  /** API Gateway's authorizer result cache; a rotated-out key must outlive it. */
  readonly authorizerCacheTtl: Duration;
  /** LiteLLM must be applied (and so on its way to ready) before the reconciler runs. */
  readonly after: IDependable;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** A key for one of the platform's own workloads, written to `builtinKeySecretName(environment, name)`. */
export interface BuiltinConsumer {
  readonly name: string;
  /** A team of `tenants.teams`. */
  readonly team: string;
}

/** The built-in consumers an environment's config calls for: Open WebUI's, in `openWebUi.team`, when it is enabled. */
export function builtinConsumersFor(openWebUi: Pick<OpenWebUiConfig, 'enabled' | 'team'>): BuiltinConsumer[] {
  if (!openWebUi.enabled) return [];
  if (openWebUi.team === undefined) throw new Error('openWebUi.team: required when Open WebUI is enabled');
  return [{ name: OPEN_WEBUI_CONSUMER, team: openWebUi.team }];
}

/**
 * Teams and consumers from the config, made real in LiteLLM at deploy time: one key secret per consumer,
 * the reconciler that issues the keys into them, and their scheduled rotation.
 *
 * Built-in consumers (Open WebUI's) get a key and a secret like the others, but no rotation: Open WebUI reads
 * its key from its environment when a pod starts, and nothing restarts the pods when the secret changes. A
 * rotation would expire the old key after the grace period while every running pod still sends it, and the
 * chat would fail until someone restarted it. Replacing that key is a manual step with a restart (README).
 */
export class Tenants extends Construct {
  readonly keySecrets: ConsumerKeySecrets;
  readonly reconciler?: TenantsReconciler;
  readonly rotation?: KeyRotation;

  constructor(scope: Construct, id: string, props: TenantsProps) {
    super(scope, id);
    const { tenants } = props;
    const builtin = props.builtinConsumers ?? [];
    for (const b of builtin) {
      if (!tenants.teams.some((t) => t.name === b.team)) {
        throw new Error(`builtinConsumers: "${b.name}" is in team "${b.team}", which tenants.teams does not declare`);
      }
    }
    // By ARN: grants made below (the rotation schedule's) then go on this stack's roles, never into the
    // data stack's key policy, which would make the data stack depend on this one.
    const secretsKey = kms.Key.fromKeyArn(this, 'SecretsKey', props.secretsKey.keyArn);
    this.keySecrets = new ConsumerKeySecrets(this, 'KeySecrets', {
      environment: props.environment,
      consumers: Object.fromEntries(tenants.consumers.map((c) => [c.name, { team: c.team, clientId: clientIdOf(props, c.name) }])),
      builtinConsumers: Object.fromEntries(builtin.map((b) => [b.name, { team: b.team }])),
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
      ...(props.litellmClientSecurityGroup ? { litellmClientSecurityGroup: props.litellmClientSecurityGroup } : {}),
      masterKey: props.masterKey,
      secretsKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    };
    const { secrets, builtinSecrets } = this.keySecrets;
    const desired: DesiredTenants = {
      environment: props.environment,
      teams: tenants.teams.map((t) => ({
        alias: t.name,
        // With a guardrail, only the guarded copies: the team cannot name a model that skips its guardrail.
        models: grantedModels(t),
        ...(t.mcpServers.length > 0 ? { mcpServers: t.mcpServers } : {}),
        tags: t.tags,
        ...limitsOf(t),
      })),
      consumers: [
        ...tenants.consumers.map((c): DesiredConsumer => ({
          name: c.name,
          team: c.team,
          clientId: clientIdOf(props, c.name),
          secretArn: secrets[c.name]!.secretArn,
          tags: c.tags,
          ...limitsOf(c),
        })),
        ...builtin.map((b): DesiredConsumer => ({ name: b.name, team: b.team, secretArn: builtinSecrets[b.name]!.secretArn, tags: {} })),
      ],
    };
    this.reconciler = new TenantsReconciler(this, 'Reconciler', {
      ...shared,
      desired,
      keySecrets: { ...secrets, ...builtinSecrets },
      readinessTimeout: Duration.minutes(10),
    });
    this.reconciler.node.addDependency(props.after);

    if (tenants.consumers.length === 0) return;
    const ttl = props.authorizerCacheTtl.toSeconds();
    this.rotation = new KeyRotation(this, 'Rotation', {
      ...shared,
      // Client consumers' keys only: built-in keys never rotate (see the class comment).
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
