import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { restrictedPodSecurityContext } from './pod-security';
import { platformNodeSelector } from '../../lib/shared/node-pool';

export interface RestrictedCronJobProps {
  /** Name of the CronJob. */
  readonly name: string;
  /** Labels on the CronJob, its Jobs and their pods (what network policies select). */
  readonly labels: Readonly<Record<string, string>>;
  /** Cron schedule, in UTC. */
  readonly schedule: string;
  /** How late a missed run may still start. */
  readonly startingDeadlineSeconds: number;
  readonly successfulJobsHistoryLimit: number;
  /** Retries of a failed run. */
  readonly backoffLimit: number;
  /** A run still going after this is stopped. */
  readonly activeDeadlineSeconds: number;
  readonly serviceAccount: string;
  /** The pod's user and group (PSS restricted). */
  readonly uid: number;
  readonly volumes: readonly k8s.Volume[];
  readonly initContainers?: readonly k8s.Container[];
  readonly containers: readonly k8s.Container[];
}

/**
 * A CronJob whose pods meet PSS restricted, run as `uid`, never overlap, hold no API token and are not restarted in
 * place. `k8s.KubeCronJob`: cdk8s-plus's `CronJob` adds pod defaults of its own.
 */
export function restrictedCronJob(scope: Construct, id: string, props: RestrictedCronJobProps): k8s.KubeCronJob {
  return new k8s.KubeCronJob(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      schedule: props.schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: props.startingDeadlineSeconds,
      successfulJobsHistoryLimit: props.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: { ...props.labels } },
        spec: {
          backoffLimit: props.backoffLimit,
          activeDeadlineSeconds: props.activeDeadlineSeconds,
          template: {
            metadata: { labels: { ...props.labels } },
            spec: {
              restartPolicy: 'Never',
              nodeSelector: platformNodeSelector(),
              serviceAccountName: props.serviceAccount,
              automountServiceAccountToken: false,
              securityContext: restrictedPodSecurityContext(props.uid),
              volumes: [...props.volumes],
              ...(props.initContainers ? { initContainers: [...props.initContainers] } : {}),
              containers: [...props.containers],
            },
          },
        },
      },
    },
  });
}
