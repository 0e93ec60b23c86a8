import { k8s } from 'cdk8s-plus-30';

/**
 * Pod Security Standard "restricted" settings, in one place so every workload gets the same ones.
 * The namespaces also enforce "restricted" through Pod Security Admission labels, so a workload that
 * drifts from these values is rejected by the API server rather than running with more privilege.
 */
export function restrictedPodSecurityContext(uid: number): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface ResourceSizes {
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly cpuLimit: string;
  /** Memory limit equals the request unless set: a pod is never OOM-killed for using what it asked for. */
  readonly memoryLimit?: string;
}

export function resources(sizes: ResourceSizes): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(sizes.cpuRequest), memory: k8s.Quantity.fromString(sizes.memoryRequest) },
    limits: { cpu: k8s.Quantity.fromString(sizes.cpuLimit), memory: k8s.Quantity.fromString(sizes.memoryLimit ?? sizes.memoryRequest) },
  };
}

/** Writable scratch directories for a read-only root filesystem: one emptyDir per path. */
export function scratchDirs(
  paths: Readonly<Record<string, string>>,
  sizeLimit = '1Gi',
): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const names = Object.keys(paths);
  return {
    volumes: names.map((name) => ({ name, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit) } })),
    mounts: names.map((name) => ({ name, mountPath: paths[name] as string })),
  };
}

/** Spread replicas across zones (hard) and nodes (soft). */
export function spreadAcrossZones(selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: selector },
    },
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
  ];
}

/** Environment variable read from a key of a Secret. */
export function secretEnv(name: string, secret: string, key = name): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** Plain environment variables, in the order given. */
export function plainEnv(values: Readonly<Record<string, string>>): k8s.EnvVar[] {
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}
