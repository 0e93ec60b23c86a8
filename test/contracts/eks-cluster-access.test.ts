/**
 * Reaching the cluster's Kubernetes API on day one: EKS endpoint access, EKS access entries, Session Manager port
 * forwarding to a remote host, and kubectl's TLS server name, checked against the cluster stack's template.
 *
 * Sources, read 2026-12-06 (restated in our own words):
 * - EKS API reference, VpcConfigRequest (docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html):
 *   endpointPrivateAccess / endpointPublicAccess / publicAccessCidrs; with public access off the API server
 *   takes requests from inside the cluster's VPC only.
 * - CDK API reference aws-eks EndpointAccess (docs.aws.amazon.com/cdk/api/v2, v2.275.0): PRIVATE, PUBLIC_AND_PRIVATE
 *   and onlyFrom(cidrs) (aws-eks-v2 in aws-cdk-lib 2.276.0 has the same class, read in node_modules).
 * - CloudFormation AWS::EKS::AccessEntry AccessPolicy (docs.amazonaws.cn ... aws-properties-eks-accessentry-accesspolicy)
 *   and the eksctl example 40-access-entries.yaml (github.com/weaveworks/eksctl, main): a role ARN as principal,
 *   arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy with access scope type `cluster`.
 * - AWS Systems Manager user guide, "Use StartSession with a CLI" and the document AWS-StartPortForwardingSessionToRemoteHost
 *   (parameters host, portNumber, localPortNumber); the agent connects outwards on 443 to the ssm / ssmmessages /
 *   ec2messages endpoints (through NAT or interface endpoints) and needs AmazonSSMManagedInstanceCore; Amazon Linux
 *   2023 ships the agent. Not verified here: the minimum agent version for remote-host forwarding (AL2023's current
 *   agent is assumed to be newer).
 * - kubernetes.io, kubectl config set-cluster: `--tls-server-name` sets the name the server certificate is checked against.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { synthEnvironment } from '../support/app';

type Resource = { Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
const only = (template: Template, type: string): Resource => {
  const found = Object.values(template.findResources(type)) as Resource[];
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe.each(['dev', 'prod'])('cluster access contract (%s, a shipped overlay)', (env) => {
  const { config, templates } = synthEnvironment(env);
  const cluster = only(templates.cluster, 'AWS::EKS::Cluster');
  const outputs = templates.cluster.findOutputs('*');

  test('a private-only endpoint answers inside the VPC only, so the tunnel instance sits in a private subnet of that VPC', () => {
    expect(cluster.Properties.ResourcesVpcConfig).toMatchObject({ EndpointPrivateAccess: true, EndpointPublicAccess: false });
    const instance = only(templates.cluster, 'AWS::EC2::Instance');
    // The cluster's own subnets (workloads, private with egress) are where its endpoint interfaces live.
    expect(cluster.Properties.ResourcesVpcConfig.SubnetIds).toContainEqual(instance.Properties.NetworkInterfaces[0].SubnetId);
    expect(config.network.natGateways).toBeGreaterThanOrEqual(1); // the agent's way out to Session Manager
  });

  test('an access entry takes a role ARN and AmazonEKSClusterAdminPolicy with cluster scope: the operator role gets exactly that', () => {
    const entries = Object.values(templates.cluster.findResources('AWS::EKS::AccessEntry')) as Resource[];
    const operator = entries.filter((e) => JSON.stringify(e.Properties.PrincipalArn).includes('OperatorRole'));
    expect(operator).toHaveLength(1);
    expect(operator[0]!.Properties.AccessPolicies).toEqual([
      {
        AccessScope: { Type: 'cluster' },
        PolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy']] },
      },
    ]);
    // API mode: access entries are the only way in (no aws-auth ConfigMap), and the creator gets nothing implicit.
    expect(cluster.Properties.AccessConfig).toEqual({ AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false });
  });

  test('Session Manager forwards to a remote host with host, portNumber and localPortNumber; the agent needs its managed policy and 443 out', () => {
    const command = JSON.stringify(outputs.TunnelCommand?.Value);
    expect(command).toMatch(
      /--document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=.*,portNumber=443,localPortNumber=8443/,
    );
    const roles = Object.values(templates.cluster.findResources('AWS::IAM::Role')) as Resource[];
    expect(roles.some((r) => JSON.stringify(r.Properties.ManagedPolicyArns ?? []).includes('AmazonSSMManagedInstanceCore'))).toBe(true);
    const instance = only(templates.cluster, 'AWS::EC2::Instance');
    expect(JSON.stringify(instance.Properties.ImageId)).toContain('al2023');
  });

  test('kubectl checks the certificate against --tls-server-name, so localhost can stand in for the endpoint without skipping TLS', () => {
    const command = JSON.stringify(outputs.TunnelKubeconfigCommand?.Value);
    expect(command).toContain('--server https://localhost:8443 --tls-server-name ');
    expect(command).not.toContain('insecure-skip-tls-verify');
  });
});
