import {
  resources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDirs,
  spreadAcrossZones,
} from '../../../k8s/constructs/pod-security';

describe('pod security helpers', () => {
  test('restricted contexts drop every capability, forbid escalation and use the runtime seccomp profile', () => {
    expect(restrictedContainerSecurityContext()).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    expect(restrictedPodSecurityContext(101)).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 101,
      fsGroup: 101,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('memory limit defaults to the request', () => {
    const r = resources({ cpuRequest: '100m', memoryRequest: '1Gi', cpuLimit: '1' });
    expect([r.limits?.memory?.value, r.requests?.memory?.value]).toEqual(['1Gi', '1Gi']);
  });

  test('scratch directories pair one emptyDir with one mount', () => {
    const s = scratchDirs({ tmp: '/tmp' });
    expect(s.mounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(s.volumes[0]?.emptyDir).toBeDefined();
  });

  test('spreads hard across zones and soft across nodes', () => {
    expect(spreadAcrossZones({ a: 'b' }).map((c) => c.whenUnsatisfiable)).toEqual(['DoNotSchedule', 'ScheduleAnyway']);
  });
});
