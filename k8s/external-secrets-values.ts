import { platformNodeSelector } from '../lib/shared/node-pool';
import { SECRETS_OPERATOR } from './identities';

const restrictedContainer = {
  runAsNonRoot: true,
  runAsUser: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
const restrictedPod = { enabled: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const small = { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } };

/**
 * Helm values for the External Secrets Operator chart pinned in `HELM_CHARTS.externalSecrets`. Keys follow the chart's
 * values.yaml. The controller's service account carries no AWS role: each namespace's SecretStore authenticates as
 * that namespace's own account (base chart), so a store without `auth` finds no credentials. ClusterSecretStores are
 * neither installed nor reconciled, so no store can serve every namespace.
 */
export function externalSecretsHelmValues(): Record<string, unknown> {
  const container = { ...restrictedContainer, enabled: true };
  return {
    installCRDs: true,
    // Controller, webhook and cert controller alike (each falls back to global.nodeSelector): on our tagged nodes.
    global: { nodeSelector: platformNodeSelector() },
    // Only the namespaced ExternalSecret and SecretStore are used; the rest stays off.
    processClusterExternalSecret: false,
    processClusterPushSecret: false,
    processPushSecret: false,
    processClusterStore: false,
    crds: {
      createClusterExternalSecret: false,
      createClusterPushSecret: false,
      createPushSecret: false,
      createClusterSecretStore: false,
    },
    serviceAccount: { create: true, name: SECRETS_OPERATOR.serviceAccount },
    podSecurityContext: restrictedPod,
    securityContext: container,
    resources: small,
    webhook: { podSecurityContext: restrictedPod, securityContext: container, resources: small },
    certController: { podSecurityContext: restrictedPod, securityContext: container, resources: small },
  };
}
