import { externalSecretsHelmValues } from '../../k8s/external-secrets-values';
import { IDENTITIES } from '../../k8s/identities';

describe('externalSecretsHelmValues', () => {
  const values = externalSecretsHelmValues('<role>') as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  test('names the controller service account IAM trusts and annotates it with the role', () => {
    expect(values.serviceAccount).toEqual({
      create: true,
      name: IDENTITIES.secretsSync.serviceAccount,
      annotations: { 'eks.amazonaws.com/role-arn': '<role>' },
    });
    expect(values.installCRDs).toBe(true);
  });

  test('runs controller, webhook and cert controller as restricted, with resources', () => {
    for (const part of [values, values.webhook, values.certController]) {
      expect(part.securityContext).toMatchObject({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(part.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(part.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    }
  });
});
