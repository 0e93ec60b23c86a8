import { Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IDENTITIES, OPTIONAL_WORKLOADS, type WorkloadName } from '../../k8s/identities';
import { parseEnvironment } from '../../lib/config/load-config';
import { dev } from '../../lib/config/environments/dev';
import type { BedrockModelConfig, EnvironmentConfig } from '../../lib/config/schema';
import { ClusterStack } from '../../lib/cluster-stack';
import { createStacks } from '../../lib/create-stacks';
import { DataStack } from '../../lib/data-stack';
import { NetworkStack } from '../../lib/network-stack';
import { snapshotOf, synthEnvironment, testApp } from '../support/app';

/** The resolved trust conditions of one workload role, as `{ "<issuer>:sub": ..., "<issuer>:aud": ... }` with the issuer elided. */
function trustConditions(cluster: Template, idPrefix: string): Record<string, string> {
  const [, json] = Object.entries(cluster.findResources('Custom::AWSCDKCfnJson')).find(([id]) => id.startsWith(idPrefix))!;
  const parts = json.Properties.Value['Fn::Join'][1] as unknown[];
  const text = parts.map((p) => (typeof p === 'string' ? p : '<issuer>')).join('');
  return JSON.parse(text) as Record<string, string>;
}

/** Optional workloads get a role only when their config section enables them. */
function hasRole(config: EnvironmentConfig, workload: WorkloadName): boolean {
  // Both optional workloads (Open WebUI and its namespace's secrets sync) exist exactly when Open WebUI is enabled.
  return !(OPTIONAL_WORKLOADS as readonly WorkloadName[]).includes(workload) || config.openWebUi.enabled;
}

/** Ids of the roles whose logical id starts with `<Workload>ServiceAccountRole`. */
function workloadRoles(cluster: Template, workload: string): string[] {
  const prefix = `${workload.charAt(0).toUpperCase()}${workload.slice(1)}ServiceAccountRole`;
  return Object.keys(cluster.findResources('AWS::IAM::Role')).filter((id) => id.startsWith(prefix));
}

describe('ClusterStack', () => {
  describe.each(['dev', 'prod'])('%s', (name) => {
    const { config, templates } = synthEnvironment(name);
    const cluster = templates.cluster;

    test('matches the snapshot', () => {
      expect(snapshotOf(cluster)).toMatchSnapshot();
    });

    test('runs EKS Auto Mode on the configured version, private endpoint, secrets encrypted with its own key', () => {
      cluster.hasResourceProperties('AWS::EKS::Cluster', {
        Name: `genai-${name}`,
        Version: config.cluster.kubernetesVersion,
        ComputeConfig: {
          Enabled: true,
          NodePools: ['system'],
          NodeRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterClusternodePoolRole'), 'Arn'] },
        },
        ResourcesVpcConfig: Match.objectLike({ EndpointPrivateAccess: true, EndpointPublicAccess: false }),
        EncryptionConfig: [
          { Provider: { KeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretsKey'), 'Arn'] } }, Resources: ['secrets'] },
        ],
        AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      });
      cluster.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    test("applies our NodeClass and NodePool through the cluster's kubectl provider, tagging nodes with this environment only", () => {
      const [nodes] = Object.entries(cluster.findResources('Custom::AWSCDK-EKS-KubernetesResource')).filter(([id]) =>
        id.startsWith('NodesChart'),
      );
      const text = JSON.stringify(nodes![1].Properties.Manifest);
      expect(text).toContain('\\"kind\\":\\"NodeClass\\"');
      expect(text).toContain('\\"kind\\":\\"NodePool\\"');
      expect(text).toContain(`\\"tags\\":{\\"genai:environment\\":\\"${name}\\"}`);
      // The launch grant admits this environment's value only: another environment's tag on a node of ours is denied.
      const other = name === 'dev' ? 'prod' : 'dev';
      const launch = JSON.stringify(cluster.toJSON()).match(/"LaunchTaggedNodes"/g);
      expect(launch).toHaveLength(1);
      cluster.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'LaunchTaggedNodes',
              Condition: Match.objectLike({ StringEquals: Match.objectLike({ 'aws:RequestTag/genai:environment': name }) }),
            }),
          ]),
        },
      });
      expect(text).not.toContain(`\\"genai:environment\\":\\"${other}\\"`);
    });

    test('installs the Container Insights add-on only once our pool exists (its controller needs a node), and removes it first', () => {
      const [addon] = Object.values(
        cluster.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'amazon-cloudwatch-observability' } }),
      );
      expect(addon!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^NodesChart/)]));
    });

    test('logs every control-plane type to a pre-created log group with retention, deleted after the cluster', () => {
      cluster.hasResourceProperties('AWS::EKS::Cluster', {
        Logging: {
          ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) },
        },
      });
      cluster.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/eks/genai-${name}/cluster`,
        RetentionInDays: config.cluster.logRetentionDays,
      });
      const [clusterResource] = Object.values(cluster.findResources('AWS::EKS::Cluster'));
      expect(clusterResource!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ControlPlaneLogs/)]));
    });

    test('installs Container Insights (amazon-cloudwatch-observability) with its log groups pre-created at the cluster retention', () => {
      cluster.hasResourceProperties('AWS::EKS::Addon', {
        AddonName: 'amazon-cloudwatch-observability',
        ClusterName: { Ref: Match.stringLikeRegexp('^Cluster') },
        ServiceAccountRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ContainerInsightsAgentRole'), 'Arn'] },
      });
      for (const kind of ['application', 'dataplane', 'host', 'performance']) {
        cluster.hasResourceProperties('AWS::Logs::LogGroup', {
          LogGroupName: `/aws/containerinsights/genai-${name}/${kind}`,
          RetentionInDays: config.cluster.logRetentionDays,
        });
      }
    });

    test("waits for the cluster's network interfaces to go after the cluster, before the VPC", () => {
      cluster.hasResourceProperties('Custom::ClusterTeardown', {
        Mode: 'network',
        ClusterName: `genai-${name}`,
        DeleteOrphans: String(config.ephemeral),
      });
      const [clusterResource] = Object.values(cluster.findResources('AWS::EKS::Cluster'));
      expect(clusterResource!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^NetworkTeardown/)]));
    });

    test('has a kubectl provider with the kubectl 1.35 layer inside the VPC', () => {
      cluster.hasResourceProperties('AWS::Lambda::LayerVersion', { Description: Match.stringLikeRegexp('kubectl') });
      cluster.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'onEvent handler for EKS kubectl resource provider',
        VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      });
    });

    test('opens Aurora and Valkey to the cluster security group only, on their ports', () => {
      // The one other ingress rule is the tunnel's, into the control plane (next test).
      const rules = Object.values(cluster.findResources('AWS::EC2::SecurityGroupIngress'))
        .map((r) => r.Properties)
        .filter((r) => !JSON.stringify(r.GroupId).includes('ControlPlaneSecurityGroup'));
      expect(rules.map((r) => r.FromPort).sort()).toEqual([5432, 6379]);
      for (const rule of rules) {
        expect(rule.SourceSecurityGroupId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'ClusterSecurityGroupId'] });
        expect(rule.CidrIp).toBeUndefined();
      }
    });

    test('gives kubectl a way in on day one: an operator role with cluster admin, trusted by the account', () => {
      expect(config.cluster.operatorRole).toBe(true);
      const roleIds = Object.keys(
        cluster.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('cluster admin for kubectl') } }),
      );
      expect(roleIds).toHaveLength(1);
      const roleId = roleIds[0]!;
      expect(roleId).toMatch(/^OperatorRole/);
      cluster.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp('cluster admin for kubectl'),
        MaxSessionDuration: 3600,
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
            },
          ],
          Version: '2012-10-17',
        },
      });
      cluster.hasResourceProperties('AWS::EKS::AccessEntry', {
        PrincipalArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        AccessPolicies: [
          {
            AccessScope: { Type: 'cluster' },
            PolicyArn: Match.objectLike({
              'Fn::Join': ['', Match.arrayWith([':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'])],
            }),
          },
        ],
      });
      const outputs = cluster.findOutputs('*');
      expect(outputs.OperatorRoleArn?.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      expect(JSON.stringify(outputs.KubeconfigCommand?.Value)).toContain(`aws eks update-kubeconfig --name genai-${name} --region`);
    });

    test('denies the operator role any AWS permission: it reaches the cluster through its access entry only', () => {
      const [operator] = Object.values(
        cluster.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('cluster admin for kubectl') } }),
      );
      expect(operator?.Properties.ManagedPolicyArns).toBeUndefined();
      expect(operator?.Properties.Policies).toBeUndefined();
      const attached = Object.values(cluster.findResources('AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.Roles).includes('OperatorRole'),
      );
      expect(attached).toEqual([]);
    });

    test('reaches the private endpoint through a Session Manager tunnel: a t4g.nano in a private subnet, IMDSv2, encrypted disk', () => {
      expect(config.cluster.endpointAccess.mode).toBe('private');
      cluster.resourceCountIs('AWS::EC2::Instance', 1);
      cluster.hasResourceProperties('AWS::EC2::Instance', {
        InstanceType: 't4g.nano',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 8, VolumeType: 'gp3' } }],
        NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false, DeviceIndex: '0', SubnetId: Match.anyValue() })],
      });
      cluster.hasResourceProperties('AWS::EC2::LaunchTemplate', {
        LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
      });
      const outputs = cluster.findOutputs('*');
      const tunnel = JSON.stringify(outputs.TunnelCommand?.Value);
      expect(tunnel).toContain('--document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=');
      expect(tunnel).toContain(',portNumber=443,localPortNumber=8443');
      expect(JSON.stringify(outputs.TunnelKubeconfigCommand?.Value)).toContain('--server https://localhost:8443 --tls-server-name ');
    });

    test('denies the tunnel any inbound connection, and any way out but 443', () => {
      const [[sgId, sg] = ['', undefined]] = Object.entries(
        cluster.findResources('AWS::EC2::SecurityGroup', {
          Properties: { GroupDescription: Match.stringLikeRegexp('^Cluster endpoint tunnel') },
        }),
      );
      expect(sg?.Properties.SecurityGroupIngress).toBeUndefined();
      expect(sg?.Properties.SecurityGroupEgress).toEqual([
        { CidrIp: '0.0.0.0/0', Description: 'Session Manager and the cluster API endpoint', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      ]);
      const ingress = Object.values(cluster.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
      expect(ingress.filter((r) => JSON.stringify(r).includes(sgId))).toEqual([
        {
          GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ClusterControlPlaneSecurityGroup/), 'GroupId'] },
          SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] },
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          Description: 'Cluster endpoint tunnel to the Kubernetes API',
        },
      ]);
    });

    test.each(Object.entries(IDENTITIES).filter(([workload]) => hasRole(config, workload as WorkloadName)))(
      'lets exactly one service account assume the %s role',
      (workload, identity) => {
        const prefix = `${workload.charAt(0).toUpperCase()}${workload.slice(1)}ServiceAccountTrustConditions`;
        expect(trustConditions(cluster, prefix)).toEqual({
          '<issuer>:sub': `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`,
          '<issuer>:aud': 'sts.amazonaws.com',
        });
        const roles = cluster.findResources('AWS::IAM::Role', {
          Properties: {
            AssumeRolePolicyDocument: {
              Statement: [
                Match.objectLike({ Condition: { StringEquals: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}`), 'Value'] } } }),
              ],
            },
          },
        });
        expect(Object.keys(roles)).toHaveLength(1);
      },
    );

    test('has a role for an optional workload exactly when the config enables it', () => {
      for (const workload of OPTIONAL_WORKLOADS) {
        expect({ workload, roles: workloadRoles(cluster, workload).length }).toEqual({
          workload,
          roles: hasRole(config, workload) ? 1 : 0,
        });
      }
    });

    test("grants LiteLLM no direct call to a model of its own region: those go through the platform stack's application profiles", () => {
      // What LiteLLM may call, profiles included, is checked against its rendered config in test/lib/bedrock-access.test.ts.
      const direct = Object.values(cluster.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes('LitellmServiceAccountRole'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Sid?: string; Resource: unknown }[])
        .filter((st) => st.Sid === 'InvokeConfiguredModels')
        .flatMap((st) => [st.Resource].flat().map((r) => JSON.stringify(r)));
      const elsewhere = config.models.filter(
        (m): m is BedrockModelConfig => m.provider === 'bedrock' && m.region !== config.region && !m.crossAccountRoleArn,
      );
      for (const r of direct) expect(r).not.toContain(`:bedrock:${config.region}:`);
      for (const r of direct) expect(r).not.toContain(':application-inference-profile/');
      if (elsewhere.length === 0) expect(direct).toEqual([]);
      for (const m of elsewhere) expect(direct.join(' ')).toContain(`:bedrock:${m.region}:`);
    });

    test('lets LiteLLM apply exactly the configured guardrails, whatever provider a team calls', () => {
      const apply = Object.values(cluster.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes('LitellmServiceAccountRole'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
        .filter((st) => [st.Action].flat().includes('bedrock:ApplyGuardrail'));
      expect(apply.map((st) => st.Action)).toEqual(config.guardrails.map(() => 'bedrock:ApplyGuardrail'));
      config.guardrails.forEach((g, i) =>
        expect(apply[i]!.Resource).toEqual({
          'Fn::GetAtt': [expect.stringMatching(new RegExp(`^Guardrail${g.name.replace(/-/g, '')}`)), 'GuardrailArn'],
        }),
      );
    });

    test('creates each configured guardrail with a published version, and no other', () => {
      cluster.resourceCountIs('AWS::Bedrock::Guardrail', config.guardrails.length);
      cluster.resourceCountIs('AWS::Bedrock::GuardrailVersion', config.guardrails.length);
      for (const g of config.guardrails) {
        cluster.hasResourceProperties('AWS::Bedrock::Guardrail', { Name: `${config.name}-${g.name}` });
      }
    });

    test("attaches the data stack's access policies to the Langfuse, ClickHouse and each namespace's secrets-sync roles", () => {
      const syncs = ['LitellmSecretsSync', 'LangfuseSecretsSync', ...(config.openWebUi.enabled ? ['OpenWebUiSecretsSync'] : [])];
      for (const workload of ['Langfuse', 'Clickhouse', ...syncs]) {
        const roles = Object.entries(cluster.findResources('AWS::IAM::Role')).filter(([id]) =>
          id.startsWith(`${workload}ServiceAccountRole`),
        );
        expect(roles).toHaveLength(1);
        expect(roles[0]![1].Properties.ManagedPolicyArns).toHaveLength(1);
      }
    });

    test('grants no wildcard action anywhere', () => {
      for (const policy of Object.values(cluster.findResources('AWS::IAM::Policy'))) {
        for (const statement of policy.Properties.PolicyDocument.Statement) {
          for (const action of [statement.Action].flat()) expect(action).not.toMatch(/\*/);
        }
      }
    });
  });

  describe('with the operator role and the tunnel turned off', () => {
    const config = parseEnvironment({
      name: 'custom',
      ephemeral: false,
      deletionProtection: true,
      region: 'us-east-1',
      cluster: { operatorRole: false, endpointTunnel: false, adminRoleArns: ['arn:aws:iam::123456789012:role/PlatformAdmin'] },
    });
    const cluster = Template.fromStack(createStacks(testApp(), config).cluster);

    test('creates no instance, no operator role and no output for them; the configured role keeps its entry', () => {
      cluster.resourceCountIs('AWS::EC2::Instance', 0);
      expect(Object.keys(cluster.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('OperatorRole'))).toEqual([]);
      expect(Object.keys(cluster.findOutputs('*')).filter((id) => /Operator|Kubeconfig|Tunnel/.test(id))).toEqual([]);
      cluster.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: 'arn:aws:iam::123456789012:role/PlatformAdmin' });
      cluster.resourceCountIs('AWS::EKS::AccessEntry', 2); // the configured role and the kubectl handler
    });
  });

  describe('with admin roles, a public allowlist and cross-account models', () => {
    const config = parseEnvironment({
      name: 'custom',
      ephemeral: true,
      region: 'us-east-1',
      cluster: {
        adminRoleArns: ['arn:aws:iam::123456789012:role/PlatformAdmin', 'arn:aws:iam::123456789012:role/BreakGlass'],
        endpointAccess: { mode: 'public-and-private', publicCidrs: ['203.0.113.0/24'] },
      },
      models: [
        {
          name: 'remote-sonnet',
          deployments: [
            {
              provider: 'bedrock',
              modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
              region: 'us-west-2',
              crossAccountRoleArn: 'arn:aws:iam::210987654321:role/BedrockAccess',
            },
          ],
        },
        {
          name: 'local-haiku',
          deployments: [{ provider: 'bedrock', modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'us-east-1' }],
        },
        {
          name: 'gpt-4o',
          deployments: [
            {
              provider: 'azure',
              deployment: 'gpt-4o',
              apiBase: 'https://contoso.openai.azure.com',
              apiVersion: '2024-10-21',
              apiKeySecretName: 'genai/azure-openai',
            },
          ],
        },
      ],
    });
    const stage = createStacks(testApp(), config);
    const cluster = Template.fromStack(stage.cluster);
    const data = Template.fromStack(stage.data);

    test('grants cluster admin to every configured role through access entries', () => {
      for (const arn of config.cluster.adminRoleArns) {
        cluster.hasResourceProperties('AWS::EKS::AccessEntry', {
          PrincipalArn: arn,
          AccessPolicies: [
            {
              AccessScope: { Type: 'cluster' },
              PolicyArn: Match.objectLike({
                'Fn::Join': ['', Match.arrayWith([':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'])],
              }),
            },
          ],
        });
      }
    });

    test('still has the operator role and the tunnel unless the config turns them off', () => {
      cluster.resourceCountIs('AWS::EC2::Instance', 1);
      cluster.resourceCountIs('AWS::EKS::AccessEntry', 2 + 1 + 1); // two admins, the operator, the kubectl handler
    });

    test('opens the public endpoint to the allowlist only', () => {
      cluster.hasResourceProperties('AWS::EKS::Cluster', {
        ResourcesVpcConfig: Match.objectLike({
          EndpointPrivateAccess: true,
          EndpointPublicAccess: true,
          PublicAccessCidrs: ['203.0.113.0/24'],
        }),
      });
    });

    test('lets LiteLLM assume the cross-account role instead of invoking that model itself', () => {
      cluster.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          // The in-region model is called through its application profile (platform stack): no direct grant here.
          Statement: [
            {
              Sid: 'AssumeCrossAccountBedrockRoles',
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Resource: 'arn:aws:iam::210987654321:role/BedrockAccess',
            },
          ],
        },
      });
    });

    test('lets the secrets sync read the third-party model key by name', () => {
      data.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Sid: 'ReadModelApiKeys',
              Resource: { 'Fn::Join': ['', Match.arrayWith([':secret:genai/azure-openai-??????'])] },
            }),
          ]),
        },
      });
    });
  });

  describe('Open WebUI', () => {
    /** Network, data and cluster stacks only: the platform stack's Open WebUI wiring is not what is tested here. */
    function synth(openWebUi: Record<string, unknown>) {
      const config = parseEnvironment({ ...dev, name: 'chat', openWebUi });
      const stage = new Stage(testApp(), config.name, { env: { account: config.account, region: config.region } });
      const network = new NetworkStack(stage, 'Network', { config });
      const dataStack = new DataStack(stage, 'Data', { config, vpc: network.vpc });
      const clusterStack = new ClusterStack(stage, 'Cluster', { config, vpc: network.vpc, data: dataStack });
      return { cluster: Template.fromStack(clusterStack), data: Template.fromStack(dataStack), stage: { cluster: clusterStack } };
    }

    describe('enabled', () => {
      const { cluster, data, stage } = synth({ ...dev.openWebUi, enabled: true, team: dev.openWebUi?.team ?? 'platform-eng' });

      test('lets exactly the open-webui service account in namespace open-webui assume its role', () => {
        expect(trustConditions(cluster, 'OpenWebUiServiceAccountTrustConditions')).toEqual({
          '<issuer>:sub': 'system:serviceaccount:open-webui:open-webui',
          '<issuer>:aud': 'sts.amazonaws.com',
        });
        expect(workloadRoles(cluster, 'openWebUi')).toHaveLength(1);
        expect(stage.cluster.serviceAccountRoles.openWebUi).toBeDefined();
      });

      test("attaches the data stack's Open WebUI access policy, and nothing else, to its role", () => {
        const [id] = workloadRoles(cluster, 'openWebUi');
        const role = cluster.findResources('AWS::IAM::Role')[id!]!;
        expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
        expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(/OutputRefOpenWebUiAccess/);
        expect(role.Properties.Policies).toBeUndefined();
        const inline = Object.values(cluster.findResources('AWS::IAM::Policy')).filter((p) =>
          JSON.stringify(p.Properties.Roles).includes(id!),
        );
        expect(inline).toEqual([]);
        // Langfuse, ClickHouse, Open WebUI, and the litellm, langfuse and open-webui namespaces' secrets syncs; LiteLLM's
        // batch files and jobs too, as dev runs batch jobs.
        data.resourceCountIs('AWS::IAM::ManagedPolicy', dev.batches?.enabled ? 7 : 6);
      });

      test("gives the open-webui namespace's secrets sync a role of its own, with that namespace's access policy only", () => {
        const [id] = workloadRoles(cluster, 'openWebUiSecretsSync');
        const role = cluster.findResources('AWS::IAM::Role')[id!]!;
        expect(role.Properties.ManagedPolicyArns).toHaveLength(1);
        expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(/OutputRefOpenWebUiSecretsSyncAccess/);
      });
    });

    describe('disabled', () => {
      const { cluster, data, stage } = synth({ enabled: false });

      test('has no Open WebUI role and no access policy for one', () => {
        expect(workloadRoles(cluster, 'openWebUi')).toEqual([]);
        expect(stage.cluster.serviceAccountRoles.openWebUi).toBeUndefined();
        expect(workloadRoles(cluster, 'openWebUiSecretsSync')).toEqual([]);
        expect(Object.keys(data.findResources('AWS::IAM::ManagedPolicy')).filter((id) => id.startsWith('OpenWebUi'))).toEqual([]);
      });
    });
  });
});
