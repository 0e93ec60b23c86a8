import { ServiceAccount } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import type { WorkloadIdentity } from '../identities';

/**
 * A workload's service account in its namespace, bound to its IAM role through IRSA. Its token is never mounted into pods: EKS
 * projects a token of its own for the annotated account. cdk8s-plus's `ServiceAccount` renders exactly these fields.
 */
export function roleServiceAccount(scope: Construct, id: string, identity: WorkloadIdentity, roleArn: string): ServiceAccount {
  return new ServiceAccount(scope, id, {
    metadata: { name: identity.serviceAccount, namespace: identity.namespace, annotations: { 'eks.amazonaws.com/role-arn': roleArn } },
    automountToken: false,
  });
}
