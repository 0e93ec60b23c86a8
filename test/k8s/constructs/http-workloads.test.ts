import { Testing } from 'cdk8s';
import { HttpWorkloads, type HttpWorkloadProps } from '../../../k8s/constructs/http-workloads';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../../k8s/renderers/checksum';
import { find, validate, type Manifest } from '../support/charts';

const workload = (props: Partial<HttpWorkloadProps> = {}): HttpWorkloadProps => ({
  name: 'app',
  labels: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/component': 'web' },
  serviceAccount: 'app',
  uid: 1000,
  containerName: 'app',
  image: 'example.com/app:1.0.0',
  port: 8080,
  env: [{ name: 'A', value: '1' }],
  resources: { cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '1' },
  probes: { live: '/live', ready: '/ready', startupPeriodSeconds: 5, startupFailureThreshold: 12 },
  writablePaths: { tmp: '/tmp' },
  replicas: { minReplicas: 2 },
  ...props,
});

function synth(...workloads: HttpWorkloadProps[]): Manifest[] {
  const chart = Testing.chart();
  new HttpWorkloads(chart, 'W', { namespace: 'ns', workloads });
  return Testing.synth(chart) as Manifest[];
}

describe('HttpWorkloads', () => {
  test('one workload: a valid Deployment, its ClusterIP Service on the named http port, and a budget when replicated', () => {
    const manifests = synth(workload());
    expect(manifests.map((m) => m.kind)).toEqual(['Deployment', 'Service', 'PodDisruptionBudget']);
    manifests.forEach(validate);
    expect(find(manifests, 'Service', 'app').spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'app', 'app.kubernetes.io/component': 'web' },
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
    });
    const deployment = find(manifests, 'Deployment', 'app');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'app', automountServiceAccountToken: false, securityContext: { runAsUser: 1000 } });
    expect(pod.containers[0]).toMatchObject({
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [{ name: 'A', value: '1' }],
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    });
    expect(pod.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
    });
  });

  test('states nothing it was not given: no strategy, checksum, grace period, init containers, args or preStop', () => {
    const deployment = find(synth(workload()), 'Deployment', 'app');
    expect(deployment.spec).not.toHaveProperty('strategy');
    expect(deployment.spec.template.metadata).not.toHaveProperty('annotations');
    const pod = deployment.spec.template.spec;
    for (const key of ['terminationGracePeriodSeconds', 'initContainers']) expect(pod).not.toHaveProperty(key);
    for (const key of ['args', 'lifecycle']) expect(pod.containers[0]).not.toHaveProperty(key);
  });

  test('adds what a workload states: checksum, preStop, grace period, extra volumes after the writable ones, init containers', () => {
    const deployment = find(
      synth(
        workload({
          configChecksum: 'abc',
          preStopSeconds: 15,
          terminationGracePeriodSeconds: 120,
          extraVolumes: { volumes: [{ name: 'config', configMap: { name: 'cfg' } }], mounts: [{ name: 'config', mountPath: '/etc/app' }] },
          initContainers: [{ name: 'seed', image: 'example.com/app:1.0.0' }],
          args: ['--port', '8080'],
        }),
      ),
      'Deployment',
      'app',
    );
    expect(deployment.spec.template.metadata.annotations).toEqual({ [CONFIG_CHECKSUM_ANNOTATION]: 'abc' });
    const pod = deployment.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect(pod.volumes.map((v: Manifest) => v.name)).toEqual(['tmp', 'config']);
    expect(pod.initContainers.map((c: Manifest) => c.name)).toEqual(['seed']);
    expect(pod.containers[0]).toMatchObject({ args: ['--port', '8080'], lifecycle: { preStop: { sleep: { seconds: 15 } } } });
    expect(pod.containers[0].volumeMounts.map((m: Manifest) => m.name)).toEqual(['tmp', 'config']);
  });

  test('an autoscaled workload leaves spec.replicas to its autoscaler', () => {
    const manifests = synth(workload({ replicas: { minReplicas: 2, maxReplicas: 4 } }));
    expect(find(manifests, 'Deployment', 'app').spec).not.toHaveProperty('replicas');
    expect(find(manifests, 'HorizontalPodAutoscaler', 'app').spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 4,
      scaleTargetRef: { kind: 'Deployment', name: 'app' },
    });
  });

  test('two workloads come out kind by kind: Deployments, then Services, then budgets', () => {
    const manifests = synth(workload({ name: 'web' }), workload({ name: 'worker', replicas: { minReplicas: 1 } }));
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'Deployment/web',
      'Deployment/worker',
      'Service/web',
      'Service/worker',
      'PodDisruptionBudget/web',
    ]);
  });

  test('hands out each Service for target group bindings', () => {
    const chart = Testing.chart();
    const workloads = new HttpWorkloads(chart, 'W', { namespace: 'ns', workloads: [workload()] });
    expect(workloads.services).toEqual({ app: { name: 'app', port: 8080 } });
  });

  test('rejects no workloads, a name given twice and a preStop wait the grace period cuts off, building nothing', () => {
    const chart = Testing.chart();
    let n = 0;
    const build =
      (...workloads: HttpWorkloadProps[]) =>
      () =>
        new HttpWorkloads(chart, `W${n++}`, { namespace: 'ns', workloads });
    expect(build()).toThrow('workloads: is empty (give at least one workload)');
    expect(build(workload(), workload())).toThrow('workloads: "app" is named twice (give each workload its own name)');
    expect(build(workload({ preStopSeconds: 30 }))).toThrow(
      'app.preStopSeconds: 30 is not below the grace period of 30s (raise terminationGracePeriodSeconds)',
    );
    expect(build(workload({ preStopSeconds: 60, terminationGracePeriodSeconds: 60 }))).toThrow(
      'app.preStopSeconds: 60 is not below the grace period of 60s (raise terminationGracePeriodSeconds)',
    );
    expect(Testing.synth(chart)).toEqual([]);
  });
});
