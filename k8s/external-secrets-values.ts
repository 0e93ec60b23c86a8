import { IDENTITIES } from './identities';

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
 * Helm values for the External Secrets Operator chart pinned in `HELM_CHARTS.externalSecrets`.
 * The controller's service account is the one IAM trusts (IDENTITIES.secretsSync) and carries the IRSA role;
 * the ClusterSecretStore in the base chart relies on exactly that. Keys follow the chart's values.yaml.
 */
export function externalSecretsHelmValues(roleArn: string): Record<string, unknown> {
  const container = { ...restrictedContainer, enabled: true };
  return {
    installCRDs: true,
    // Only the namespaced ExternalSecret and the cluster store are used; the rest stays off.
    processClusterExternalSecret: false,
    processClusterPushSecret: false,
    processPushSecret: false,
    crds: { createClusterExternalSecret: false, createClusterPushSecret: false, createPushSecret: false },
    serviceAccount: {
      create: true,
      name: IDENTITIES.secretsSync.serviceAccount,
      annotations: { 'eks.amazonaws.com/role-arn': roleArn },
    },
    podSecurityContext: restrictedPod,
    securityContext: container,
    resources: small,
    webhook: { podSecurityContext: restrictedPod, securityContext: container, resources: small },
    certController: { podSecurityContext: restrictedPod, securityContext: container, resources: small },
  };
}
