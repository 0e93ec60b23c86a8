import { CfnJson } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface ServiceAccountRoleProps {
  /** The cluster's IAM OIDC provider. */
  readonly oidcProvider: iam.IOpenIdConnectProvider;
  /** The provider's issuer without https://, e.g. oidc.eks.us-east-1.amazonaws.com/id/ABC. */
  readonly oidcIssuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly description: string;
}

/**
 * An IAM role for service accounts (IRSA) that exactly one Kubernetes service account can assume:
 * both `sub` and `aud` are matched with StringEquals, never StringLike.
 */
export class ServiceAccountRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ServiceAccountRoleProps) {
    super(scope, id);
    const name = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    if (!name.test(props.namespace))
      throw new Error(`namespace: "${props.namespace}" is not a Kubernetes name (lowercase letters, digits, -)`);
    if (!name.test(props.serviceAccount))
      throw new Error(`serviceAccount: "${props.serviceAccount}" is not a Kubernetes name (lowercase letters, digits, -)`);

    // The issuer is a deploy-time value and condition keys must be literal: CfnJson resolves the keys.
    const conditions = new CfnJson(this, 'TrustConditions', {
      value: {
        [`${props.oidcIssuer}:sub`]: `system:serviceaccount:${props.namespace}:${props.serviceAccount}`,
        [`${props.oidcIssuer}:aud`]: 'sts.amazonaws.com',
      },
    });

    this.role = new iam.Role(this, 'Role', {
      description: props.description,
      assumedBy: new iam.OpenIdConnectPrincipal(props.oidcProvider, { StringEquals: conditions }),
    });
  }
}
