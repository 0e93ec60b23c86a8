import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';

/** How many replicas a workload runs: fixed when maxReplicas is absent or equal to minReplicas. */
export interface ReplicaRange {
  /** Fewest replicas the workload runs with. */
  readonly minReplicas: number;
  /** Scale on CPU up to this many replicas; no autoscaler when absent or equal to minReplicas. */
  readonly maxReplicas?: number;
}

export interface AvailabilityProps extends ReplicaRange {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  /** The Deployment the autoscaler scales. */
  readonly deploymentName?: string;
  /** @default 70 */
  readonly targetCpuPercent?: number;
}

/**
 * Disruption budget and autoscaler for a workload. The budget exists only when at least two replicas run:
 * with one replica, a budget would block every node drain (and Auto Mode replaces nodes regularly).
 *
 * The autoscaler is the L1 `KubeHorizontalPodAutoscalerV2`: cdk8s-plus's typed `HorizontalPodAutoscaler`
 * drops `spec.replicas` only from a cdk8s-plus `Deployment` it is given as target, and our workloads are
 * `KubeDeployment`s. Their charts take `spec.replicas` from `Availability.specReplicas` instead.
 */
export class Availability extends Construct {
  /**
   * `spec.replicas` of a Deployment with this range: left out when an autoscaler owns the count. Kubernetes'
   * HPA docs ("Migrating Deployments and StatefulSets to horizontal autoscaling") say to leave it out, because
   * every apply of a manifest that sets it scales the workload back to that number, and the kubectl provider
   * applies the charts on every stack update.
   */
  static specReplicas(range: ReplicaRange): number | undefined {
    return Availability.autoscaled(range) ? undefined : range.minReplicas;
  }

  /** True when an autoscaler owns the replica count. */
  static autoscaled(range: ReplicaRange): boolean {
    return (range.maxReplicas ?? range.minReplicas) > range.minReplicas;
  }

  constructor(scope: Construct, id: string, props: AvailabilityProps) {
    super(scope, id);
    const maxReplicas = props.maxReplicas ?? props.minReplicas;
    if (maxReplicas < props.minReplicas) {
      throw new Error(`maxReplicas: ${maxReplicas} is below minReplicas ${props.minReplicas} (use a value >= minReplicas)`);
    }
    const autoscaled = Availability.autoscaled(props);
    if (autoscaled && !props.deploymentName) {
      throw new Error('deploymentName: is required when maxReplicas is above minReplicas (the autoscaler needs a target)');
    }
    if (props.minReplicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: props.name, namespace: props.namespace },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...props.selector } } },
      });
    }
    if (autoscaled && props.deploymentName) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'Hpa', {
        metadata: { name: props.name, namespace: props.namespace },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName },
          minReplicas: props.minReplicas,
          maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.targetCpuPercent ?? 70 } },
            },
          ],
        },
      });
    }
  }
}
