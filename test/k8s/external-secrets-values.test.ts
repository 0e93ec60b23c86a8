import { externalSecretsHelmValues } from '../../k8s/external-secrets-values';
import { SECRETS_OPERATOR } from '../../k8s/identities';
import { NODE_POOL_LABEL, PLATFORM_NODE_POOL } from '../../lib/shared/node-pool';

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

describe('externalSecretsHelmValues: placement', () => {
  const values = externalSecretsHelmValues() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  test("pins controller, webhook and cert controller to our tagged pool through the chart's global.nodeSelector", () => {
    // Source: external-secrets v2.9.0 (commit 378bdb62) deploy/charts/external-secrets/templates/deployment.yaml,
    // webhook-deployment.yaml and cert-controller-deployment.yaml: each takes its own nodeSelector, or else global.nodeSelector.
    expect(values.global.nodeSelector).toEqual({ [NODE_POOL_LABEL]: PLATFORM_NODE_POOL });
    for (const part of [values, values.webhook, values.certController]) expect(part.nodeSelector).toBeUndefined();
  });
});
