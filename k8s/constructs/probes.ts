import { k8s } from 'cdk8s-plus-30';

export interface HttpProbePaths {
  /** Served once the process is up; used for startup and liveness. */
  readonly live: string;
  /** Served once the process can take traffic. @default live */
  readonly ready?: string;
  /** Seconds between startup checks. */
  readonly startupPeriodSeconds: number;
  /** Startup checks before the container is restarted: period x failures is the longest allowed start. */
  readonly startupFailureThreshold: number;
}

type Probes = Pick<k8s.Container, 'startupProbe' | 'livenessProbe' | 'readinessProbe'>;

/**
 * The same probe policy for every HTTP workload: a startup probe that allows a slow first start
 * (migrations), then liveness every 15 s and readiness every 10 s, each against the named `http` port.
 */
export function httpProbes(paths: HttpProbePaths): Probes {
  const get = (path: string) => ({ path, port: k8s.IntOrString.fromString('http') });
  return {
    startupProbe: { httpGet: get(paths.live), periodSeconds: paths.startupPeriodSeconds, failureThreshold: paths.startupFailureThreshold },
    livenessProbe: { httpGet: get(paths.live), periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
    readinessProbe: { httpGet: get(paths.ready ?? paths.live), periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  };
}
