import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { CONFIG_CHECKSUM_ANNOTATION } from '../renderers/checksum';
import { Availability, type ReplicaRange } from './availability';
import {
  type ResourceSizes,
  resources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDirs,
  spreadAcrossZones,
} from './pod-security';
import { type HttpProbePaths, httpProbes } from './probes';
import { platformNodeSelector } from '../../lib/shared/node-pool';

/** Kubernetes' own grace period, which applies when a workload sets none. */
const DEFAULT_GRACE_SECONDS = 30;

/** One workload serving HTTP: a Deployment of one container on a port named `http`, and the Service in front of it. */
export interface HttpWorkloadProps {
  /** Name of the Deployment, its Service, disruption budget and autoscaler. */
  readonly name: string;
  /** Pod labels; also the selector of the Deployment, the Service, the budget and the zone spread. */
  readonly labels: Readonly<Record<string, string>>;
  /** Service account the pods run as; its token is never mounted (IRSA projects its own). */
  readonly serviceAccount: string;
  /** uid and gid the pods run as, under Pod Security Standard "restricted". */
  readonly uid: number;
  /** Name of the one serving container. */
  readonly containerName: string;
  /** Pinned image reference (`imageRef`). */
  readonly image: string;
  /** @default the image's own command and arguments */
  readonly args?: readonly string[];
  /** Port the container listens on and the Service exposes. */
  readonly port: number;
  /** Environment, in order: plain values from config (`plainEnv`) and keys of synced Secrets (`secretEnv`). */
  readonly env: readonly k8s.EnvVar[];
  readonly resources: ResourceSizes;
  readonly probes: HttpProbePaths;
  /** Paths the process writes to under its read-only root filesystem, by volume name: one emptyDir each. */
  readonly writablePaths: Readonly<Record<string, string>>;
  /** @default '1Gi' */
  readonly writableSizeLimit?: string;
  /** Volumes beyond the writable ones (a config file), with their mounts in the container. @default none */
  readonly extraVolumes?: { readonly volumes: readonly k8s.Volume[]; readonly mounts: readonly k8s.VolumeMount[] };
  /** Containers that run to completion before the main one starts. @default none */
  readonly initContainers?: readonly k8s.Container[];
  /** Fixed count, or a range an autoscaler scales in on CPU. */
  readonly replicas: ReplicaRange;
  /** @default Kubernetes' rolling update (25 % unavailable, 25 % surge) */
  readonly strategy?: k8s.DeploymentStrategy;
  /** Checksum of what the pods read at start (CONFIG_CHECKSUM_ANNOTATION), so a change rolls them. @default none */
  readonly configChecksum?: string;
  /** @default Kubernetes' 30 seconds */
  readonly terminationGracePeriodSeconds?: number;
  /** Seconds the container waits before it is stopped, so it leaves load balancer target lists first. @default none */
  readonly preStopSeconds?: number;
}

export interface HttpWorkloadsProps {
  /** The chart's namespace, where the disruption budgets and autoscalers go. */
  readonly namespace: string;
  /** One or more workloads, each with its own name. */
  readonly workloads: readonly HttpWorkloadProps[];
}

/**
 * The HTTP workloads of one chart, each a Deployment with its Service, disruption budget, autoscaler and zone spread,
 * under the same restricted security context, probe policy and read-only root filesystem. Objects come out kind by
 * kind (every Deployment, then every Service, then every budget and autoscaler), the order the charts have always
 * rendered in, so a chart with two workloads (Langfuse) reads as before.
 *
 * `k8s.KubeDeployment` and `k8s.KubeService`, not cdk8s-plus's `Deployment` and `Service`: those add fields of their
 * own (selector labels by construct address, `externalIPs: []`, pod defaults) and take no named target port.
 */
export class HttpWorkloads extends Construct {
  /** The Service of each workload, by workload name: what a target group binding forwards to. */
  readonly services: Readonly<Record<string, { readonly name: string; readonly port: number }>>;

  constructor(scope: Construct, id: string, props: HttpWorkloadsProps) {
    super(scope, id);
    const names = props.workloads.map((w) => w.name);
    if (names.length === 0) throw new Error('workloads: is empty (give at least one workload)');
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`workloads: "${twice}" is named twice (give each workload its own name)`);
    for (const w of props.workloads) {
      const grace = w.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
      if (w.preStopSeconds !== undefined && w.preStopSeconds >= grace) {
        throw new Error(
          `${w.name}.preStopSeconds: ${w.preStopSeconds} is not below the grace period of ${grace}s (raise terminationGracePeriodSeconds)`,
        );
      }
    }

    for (const w of props.workloads) new k8s.KubeDeployment(this, `Deployment-${w.name}`, deploymentProps(w));
    for (const w of props.workloads) {
      new k8s.KubeService(this, `Service-${w.name}`, {
        metadata: { name: w.name, labels: { ...w.labels } },
        spec: {
          type: 'ClusterIP',
          selector: { ...w.labels },
          ports: [{ name: 'http', port: w.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        },
      });
    }
    for (const w of props.workloads) {
      new Availability(this, `Availability-${w.name}`, {
        name: w.name,
        namespace: props.namespace,
        selector: w.labels,
        ...w.replicas,
        deploymentName: w.name,
      });
    }
    this.services = Object.fromEntries(props.workloads.map((w) => [w.name, { name: w.name, port: w.port }]));
  }
}

function deploymentProps(w: HttpWorkloadProps): k8s.KubeDeploymentProps {
  const scratch = scratchDirs(w.writablePaths, w.writableSizeLimit);
  return {
    metadata: { name: w.name, labels: { ...w.labels } },
    spec: {
      // Left out when the autoscaler owns the count, so an apply never scales the workload back to its minimum.
      replicas: Availability.specReplicas(w.replicas),
      revisionHistoryLimit: 5,
      selector: { matchLabels: { ...w.labels } },
      strategy: w.strategy,
      template: {
        metadata: {
          labels: { ...w.labels },
          annotations: w.configChecksum !== undefined ? { [CONFIG_CHECKSUM_ANNOTATION]: w.configChecksum } : undefined,
        },
        spec: {
          serviceAccountName: w.serviceAccount,
          // IRSA still works: EKS projects its own token volume for annotated service accounts.
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(w.uid),
          terminationGracePeriodSeconds: w.terminationGracePeriodSeconds,
          nodeSelector: platformNodeSelector(),
          topologySpreadConstraints: spreadAcrossZones(w.labels),
          volumes: [...scratch.volumes, ...(w.extraVolumes?.volumes ?? [])],
          initContainers: w.initContainers ? [...w.initContainers] : undefined,
          containers: [
            {
              name: w.containerName,
              image: w.image,
              imagePullPolicy: 'IfNotPresent',
              args: w.args ? [...w.args] : undefined,
              ports: [{ name: 'http', containerPort: w.port, protocol: 'TCP' }],
              env: [...w.env],
              securityContext: restrictedContainerSecurityContext(),
              resources: resources(w.resources),
              volumeMounts: [...scratch.mounts, ...(w.extraVolumes?.mounts ?? [])],
              ...httpProbes(w.probes),
              lifecycle: w.preStopSeconds !== undefined ? { preStop: { sleep: { seconds: w.preStopSeconds } } } : undefined,
            },
          ],
        },
      },
    },
  };
}
