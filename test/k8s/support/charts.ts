import { Testing } from 'cdk8s';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { externalSecretSchema, secretStoreSchema } from '../../../k8s/imports/external-secrets';
import { targetGroupBindingSchema } from '../../../k8s/imports/eks-auto-mode';
import { createPlatformCharts, placeholderAwsValues, type PlatformCharts } from '../../../k8s/platform-charts';
import type { PlatformAwsValues } from '../../../k8s/platform-props';
import { loadEnvironment } from '../../../lib/config/load-config';
import type { EnvironmentConfig } from '../../../lib/config/schema';

export const ENVIRONMENT_NAMES = ['dev', 'prod'] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

export function config(name: string): EnvironmentConfig {
  return loadEnvironment(name, { region: 'us-east-1' });
}

export function charts(cfg: EnvironmentConfig, aws: PlatformAwsValues = placeholderAwsValues(cfg)): PlatformCharts {
  return createPlatformCharts(Testing.app(), { config: cfg, aws });
}

/** Every object of every chart of an environment. */
export function allManifests(cfg: EnvironmentConfig, aws?: PlatformAwsValues): Manifest[] {
  const c = charts(cfg, aws);
  return [c.base, c.clickhouse, c.langfuse, c.litellm].flatMap((chart) => Testing.synth(chart) as Manifest[]);
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found;
}

/** Kubernetes OpenAPI models (kubernetes-models) for built-in kinds; our CRD schemas for the rest. */
const VALIDATORS: Record<string, (m: Manifest) => void> = {
  'v1/Namespace': (m) => new Namespace(m).validate(),
  'v1/ServiceAccount': (m) => new ServiceAccount(m).validate(),
  'v1/ConfigMap': (m) => new ConfigMap(m).validate(),
  'v1/Service': (m) => new Service(m).validate(),
  'apps/v1/Deployment': (m) => new Deployment(m).validate(),
  'apps/v1/StatefulSet': (m) => new StatefulSet(m).validate(),
  'batch/v1/Job': (m) => new Job(m).validate(),
  'batch/v1/CronJob': (m) => new CronJob(m).validate(),
  'autoscaling/v2/HorizontalPodAutoscaler': (m) => new HorizontalPodAutoscaler(m).validate(),
  'policy/v1/PodDisruptionBudget': (m) => new PodDisruptionBudget(m).validate(),
  'networking.k8s.io/v1/NetworkPolicy': (m) => new NetworkPolicy(m).validate(),
  'storage.k8s.io/v1/StorageClass': (m) => new StorageClass(m as never).validate(),
  'external-secrets.io/v1/ExternalSecret': (m) => void externalSecretSchema.parse(m),
  'external-secrets.io/v1/SecretStore': (m) => void secretStoreSchema.parse(m),
  'eks.amazonaws.com/v1/TargetGroupBinding': (m) => void targetGroupBindingSchema.parse(m),
};

export function validate(m: Manifest): void {
  const key = `${m.apiVersion}/${m.kind}`;
  const validator = VALIDATORS[key];
  if (!validator) throw new Error(`no schema for ${key} (add one to test/k8s/support/charts.ts)`);
  validator(m);
}

export interface PodOwner {
  readonly manifest: Manifest;
  readonly podSpec: Manifest;
  readonly replicas: number;
}

/** The autoscaler that scales a workload, if any. */
export function autoscalerOf(manifests: Manifest[], workload: Manifest): Manifest | undefined {
  return manifests.find(
    (m) =>
      m.kind === 'HorizontalPodAutoscaler' &&
      m.metadata.namespace === workload.metadata.namespace &&
      m.spec.scaleTargetRef.kind === workload.kind &&
      m.spec.scaleTargetRef.name === workload.metadata.name,
  );
}

/**
 * Deployments, StatefulSets and Jobs with their pod specs. `replicas` is the fewest that run: an autoscaled
 * workload leaves `spec.replicas` out and runs at least the autoscaler's minimum.
 */
export function podOwners(manifests: Manifest[]): PodOwner[] {
  return manifests
    .filter((m) => ['Deployment', 'StatefulSet', 'Job'].includes(m.kind))
    .map((m) => ({
      manifest: m,
      podSpec: m.spec.template.spec,
      replicas: m.kind === 'Job' ? 1 : (m.spec.replicas ?? autoscalerOf(manifests, m)?.spec.minReplicas ?? 1),
    }));
}

/** Resolves a container's environment to names -> value or `secret:<name>/<key>`. */
export function envOf(container: Manifest): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((e: Manifest) => [
      e.name,
      e.value ?? (e.valueFrom?.secretKeyRef ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : 'fieldRef'),
    ]),
  );
}
