import { externalSecretsHelmValues } from '../../k8s/external-secrets-values';
import { SECRETS_OPERATOR } from '../../k8s/identities';

describe('externalSecretsHelmValues', () => {
  const values = externalSecretsHelmValues() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  test('names the controller service account and gives it no AWS role, so a store without auth finds no credentials', () => {
    expect(values.serviceAccount).toEqual({ create: true, name: SECRETS_OPERATOR.serviceAccount });
    expect(JSON.stringify(values)).not.toContain('eks.amazonaws.com/role-arn');
    expect(values.installCRDs).toBe(true);
  });

  test('installs and reconciles no ClusterSecretStore, so no store can serve every namespace', () => {
    expect(values.crds.createClusterSecretStore).toBe(false);
    expect(values.processClusterStore).toBe(false);
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
