import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';

export interface AvailabilityProps {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Readonly<Record<string, string>>;
  /** Fewest replicas the workload runs with. */
  readonly minReplicas: number;
  /** Scale on CPU up to this many replicas; no autoscaler when absent or equal to minReplicas. */
  readonly maxReplicas?: number;
  /** The Deployment the autoscaler scales. */
  readonly deploymentName?: string;
  /** @default 70 */
  readonly targetCpuPercent?: number;
}

/**
 * Disruption budget and autoscaler for a workload. The budget exists only when at least two replicas run:
 * with one replica, a budget would block every node drain (and Auto Mode replaces nodes regularly).
 */
export class Availability extends Construct {
  constructor(scope: Construct, id: string, props: AvailabilityProps) {
    super(scope, id);
    const maxReplicas = props.maxReplicas ?? props.minReplicas;
    if (maxReplicas < props.minReplicas) {
      throw new Error(`maxReplicas: ${maxReplicas} is below minReplicas ${props.minReplicas} (use a value >= minReplicas)`);
    }
    if (maxReplicas > props.minReplicas && !props.deploymentName) {
      throw new Error('deploymentName: is required when maxReplicas is above minReplicas (the autoscaler needs a target)');
    }
    if (props.minReplicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: props.name, namespace: props.namespace },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...props.selector } } },
      });
    }
    if (maxReplicas > props.minReplicas && props.deploymentName) {
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
