import { httpProbes } from '../../../k8s/constructs/probes';

describe('httpProbes', () => {
  test('checks liveness and startup on the live path and readiness on the ready path, all on the named http port', () => {
    const probes = httpProbes({ live: '/live', ready: '/ready', startupPeriodSeconds: 5, startupFailureThreshold: 60 });
    expect(probes.startupProbe).toMatchObject({ httpGet: { path: '/live' }, periodSeconds: 5, failureThreshold: 60 });
    expect(probes.livenessProbe).toMatchObject({ httpGet: { path: '/live' }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 });
    expect(probes.readinessProbe).toMatchObject({ httpGet: { path: '/ready' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    for (const probe of Object.values(probes)) expect(probe?.httpGet?.port?.value).toBe('http');
  });

  test('uses the live path for readiness when no ready path is given', () => {
    expect(httpProbes({ live: '/ping', startupPeriodSeconds: 5, startupFailureThreshold: 10 }).readinessProbe?.httpGet?.path).toBe('/ping');
  });
});
