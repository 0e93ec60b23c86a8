/**
 * EKS Auto Mode: what the cluster role's AWS managed policies allow and what Auto Mode's built-in load
 * balancing and block storage accept, checked against our synthesized templates and rendered manifests.
 *
 * Policy texts: github.com/iann0036/iam-dataset, aws/managedpolicies/<name>.json (a daily copy of the AWS
 * managed policies), snapshot commit 2073fa52 of 2026-08-22, with the history of each file; the same
 * versions are on docs.aws.amazon.com/aws-managed-policy/latest/reference/<name>.html. User guide:
 * github.com/awsdocs/amazon-eks-user-guide, latest/ug/automode/*.adoc at the commits each test names.
 * Read 2026-11-29; network policies: docs.aws.amazon.com/eks/latest/userguide/auto-net-pol.html, read 2026-12-06.
 * The facts are restated in our own words.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { EKS_CLUSTER_NAME_TAG } from '../../lib/shared/cluster-ownership';
import { NODE_POOL_LABEL } from '../../lib/shared/node-pool';
import { nodeClassSchema, nodePoolSchema } from '../../k8s/imports/eks-auto-mode';
import { Testing } from 'cdk8s';
import { allManifests, charts, config, ENVIRONMENT_NAMES, type Manifest } from '../k8s/support/charts';
import { synthEnvironment } from '../support/app';
import { withWebDomain } from '../support/web-config';

type Resource = { Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const resources = (template: Template, type: string): Resource[] => Object.values(template.findResources(type)) as Resource[];
const tagValue = (resource: Resource, key: string): unknown =>
  ((resource.Properties.Tags ?? []) as { Key: string; Value: unknown }[]).find((t) => t.Key === key)?.Value;

describe.each(ENVIRONMENT_NAMES)('EKS Auto Mode contract (%s)', (env) => {
  const environment = synthEnvironment(env);
  const { templates } = environment;
  const manifests = allManifests(config(env));
  const ofKind = (kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
  const [cluster] = resources(templates.cluster, 'AWS::EKS::Cluster');
  const clusterName = cluster!.Properties.Name as string;

  test('Auto Mode acts through the cluster role, which needs the five Auto Mode managed policies and session tags', () => {
    // Source: awsdocs/amazon-eks-user-guide latest/ug/automode/auto-learn-iam.adoc (commit 1fe584bb): the cluster
    // role carries AmazonEKSClusterPolicy, -ComputePolicy, -BlockStoragePolicy, -LoadBalancingPolicy and
    // -NetworkingPolicy. Their conditions compare resource tags with ${aws:PrincipalTag/eks:eks-cluster-name},
    // a tag EKS sets on its session, so the trust policy must allow sts:TagSession. auto-disable.adoc: compute,
    // block storage and load balancing are switched on and off together.
    const roleArn = JSON.stringify(cluster!.Properties.RoleArn);
    const [roleId] = roleArn.match(/ClusterRole[0-9A-F]+/) ?? [];
    const role = templates.cluster.findResources('AWS::IAM::Role')[roleId!] as Resource;
    const policies = JSON.stringify(role.Properties.ManagedPolicyArns);
    for (const name of ['Cluster', 'Compute', 'BlockStorage', 'LoadBalancing', 'Networking'])
      expect(policies).toContain(`:iam::aws:policy/AmazonEKS${name}Policy"`);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'eks.amazonaws.com' } }),
    );
    expect(cluster!.Properties).toMatchObject({
      ComputeConfig: { Enabled: true },
      KubernetesNetworkConfig: { ElasticLoadBalancing: { Enabled: true } },
      StorageConfig: { BlockStorage: { Enabled: true } },
    });
  });

  test("Auto Mode registers pods in a target group tagged with its cluster's name (the tag the policy asked for up to v4)", () => {
    // Source: AmazonEKSLoadBalancingPolicy v1-v4 (iam-dataset commit a7c62d8e, v4 of 2026-02-12) allowed
    // elasticloadbalancing:RegisterTargets only where aws:ResourceTag/eks:eks-cluster-name equals the session's
    // eks:eks-cluster-name; v5 (2026-04-01, "multi-cluster and custom targetgroupbindings") dropped the condition
    // and v10 (2026-08-20) still has none. AmazonEKSServiceRolePolicy up to v23 allowed DeregisterTargets only
    // on target groups carrying the tag; v24 onward (2026-04-15, v27 of 2026-08-21) allows it on any.
    // So today the tag is not required; we keep it so a copy of the older text still lets the pods register.
    const groups = resources(templates.edge, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(groups).toHaveLength(2);
    for (const group of groups) expect(tagValue(group, EKS_CLUSTER_NAME_TAG)).toBe(clusterName);
    expect(clusterName).toBe(environment.stage.cluster.clusterName);
  });

  test("the service-linked role may delete load balancers, listeners and security groups tagged with the cluster's name, so ours are not", () => {
    // Source: AmazonEKSServiceRolePolicy v27 (iam-dataset commit 2073fa52, 2026-08-21): DeleteLoadBalancer,
    // DeleteListener, DeleteRule, DeleteTargetGroup and ec2:DeleteSecurityGroup are allowed on anything whose
    // eks:eks-cluster-name tag has any value. CloudFormation owns our load balancer: nothing of it but the
    // target groups (which the policy above wanted tagged) may carry the tag.
    for (const type of ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::Listener', 'AWS::EC2::SecurityGroup'])
      for (const resource of resources(templates.edge, type)) expect(tagValue(resource, EKS_CLUSTER_NAME_TAG)).toBeUndefined();
  });

  test('Auto Mode serves TargetGroupBinding as eks.amazonaws.com/v1 with targetType required, and ip targets need an ip target group', () => {
    // Source: awsdocs/amazon-eks-user-guide latest/ug/automode/auto-configure-nlb.adoc (commit 1eb6aa42), table
    // "TargetGroupBinding": the API group moves from elbv2.k8s.aws/v1beta1 to eks.amazonaws.com/v1 and
    // spec.targetType becomes required; auto-multi-cluster-target-groups.adoc (commit ed85f8a2) repeats the
    // group. An ip binding registers pod IPs, which only a target group of type ip accepts.
    const bindings = ofKind('TargetGroupBinding');
    expect(bindings.map((b) => b.metadata.name).sort()).toEqual(['langfuse-web', 'litellm']);
    for (const binding of bindings) {
      expect(binding.apiVersion).toBe('eks.amazonaws.com/v1');
      expect(binding.spec.targetType).toBe('ip');
    }
    for (const group of resources(templates.edge, 'AWS::ElasticLoadBalancingV2::TargetGroup'))
      expect(group.Properties.TargetType).toBe('ip');
  });

  test('a binding registers the pods behind a port of its Service, which must be the port the target group health-checks', () => {
    // Source: kubernetes-sigs aws-load-balancer-controller docs, guide/targetgroupbinding (the controller Auto
    // Mode's load balancing follows; auto-configure-nlb.adoc lists only the differences above): serviceRef
    // names a Service and one of its ports; with targetType ip the pods behind that port are the targets.
    const services = ofKind('Service');
    const groupPorts = resources(templates.edge, 'AWS::ElasticLoadBalancingV2::TargetGroup').map((g) => g.Properties.Port as number);
    for (const binding of ofKind('TargetGroupBinding')) {
      const service = services.find(
        (s) => s.metadata.name === binding.spec.serviceRef.name && s.metadata.namespace === binding.metadata.namespace,
      );
      expect(service).toBeDefined();
      expect(service!.spec.ports.map((p: { port: number }) => p.port)).toContain(binding.spec.serviceRef.port);
      expect(groupPorts).toContain(binding.spec.serviceRef.port);
    }
  });

  test('Auto Mode opens pod ports itself only on eks-cluster-sg* groups and ignores ipBlock, so our bindings declare no networking and the edge opens the ports', () => {
    // Source: awsdocs/amazon-eks-user-guide latest/ug/automode/auto-networking.adoc (commit 0c794893),
    // "Considerations for load balancing": networking.ingress.ipBlock is not supported, and the managed policy
    // lets EKS change only security groups named eks-cluster-sg-*; AmazonEKSLoadBalancingPolicy v10 grants
    // Authorize/RevokeSecurityGroupIngress on groups named eks-cluster-sg* or tagged with the cluster's name.
    for (const binding of ofKind('TargetGroupBinding')) expect(binding.spec.networking).toBeUndefined();
    const ingress = resources(templates.edge, 'AWS::EC2::SecurityGroupIngress');
    const [loadBalancer] = resources(templates.edge, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const lbGroup = JSON.stringify(loadBalancer!.Properties.SecurityGroups);
    for (const port of resources(templates.edge, 'AWS::ElasticLoadBalancingV2::TargetGroup').map((g) => g.Properties.Port)) {
      const rule = ingress.find((r) => r.Properties.FromPort === port && r.Properties.ToPort === port);
      expect(rule).toBeDefined();
      expect(JSON.stringify(rule!.Properties.GroupId)).toMatch(/ClusterSecurityGroupId/);
      expect(lbGroup).toContain(JSON.stringify(rule!.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]));
    }
  });

  test('Auto Mode provisions volumes only for ebs.csi.eks.amazonaws.com, with no KMS key and no tag keys the cluster role was not given', () => {
    // Source: awsdocs/amazon-eks-user-guide latest/ug/automode/create-storage-class.adoc (commit 1eb6aa42): a
    // StorageClass must name ebs.csi.eks.amazonaws.com; custom tags ("StorageClass tagging", the open-source
    // driver's tagSpecification_N parameters it links to) and a customer KMS key (kmsKeyId) need extra cluster role
    // permissions. AmazonEKSBlockStoragePolicy v1 (2024-10-30, unchanged since): CreateVolume only with
    // eks:eks-cluster-name = the cluster and tag keys from a fixed list (eks:eks-cluster-name, CSIVolumeName,
    // ebs.csi.eks.amazonaws.com/cluster, kubernetes.io/cluster/*, kubernetes.io/created-for/*, Name,
    // KubernetesCluster), and ec2:CreateTags only as part of CreateVolume/CreateSnapshot (ec2:CreateAction).
    const classes = ofKind('StorageClass');
    expect(classes).toHaveLength(1);
    for (const storageClass of classes) {
      expect(storageClass.provisioner).toBe('ebs.csi.eks.amazonaws.com');
      expect(Object.keys(storageClass.parameters ?? {})).not.toContain('kmsKeyId');
    }
    const claims = ofKind('StatefulSet').flatMap((s) => s.spec.volumeClaimTemplates ?? []);
    for (const claim of [...claims, ...ofKind('PersistentVolumeClaim')])
      expect(claim.spec.storageClassName).toBe(classes[0]!.metadata.name);
  });

  test('volumes carry the environment and backup tags, which the cluster role may add on CreateVolume and only with these values', () => {
    // Source: docs.aws.amazon.com/eks/latest/userguide/auto-learn-iam.html, "Custom AWS tags for EKS Auto
    // resources" (read 2026-12-06; awsdocs/amazon-eks-user-guide auto-learn-iam): the managed policies do not
    // permit user-defined tags; the page's Storage statement adds ec2:CreateVolume/CreateSnapshot on volume/* and
    // snapshot/* where aws:RequestTag/eks:eks-cluster-name = ${aws:PrincipalTag/eks:eks-cluster-name}. We grant
    // CreateVolume only (no VolumeSnapshotClass, so Auto Mode takes no snapshots of ours), with the cluster's name
    // literally and our two tag values required. Not verifiable offline: that Auto Mode's driver applies
    // tagSpecification_N exactly as the open-source driver does (the page says "StorageClass tagging" and links it).
    const [storageClass] = ofKind('StorageClass');
    const tags = Object.entries(storageClass!.parameters as Record<string, string>)
      .filter(([k]) => /^tagSpecification_\d+$/.test(k))
      .map(([, v]) => v.split('='));
    expect(tags).toEqual([
      ['genai:environment', env],
      ['genai:backup', env],
    ]);
    const roleArn = JSON.stringify(cluster!.Properties.RoleArn);
    const [roleId] = roleArn.match(/ClusterRole[0-9A-F]+/) ?? [];
    const grants = resources(templates.cluster, 'AWS::IAM::Policy')
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId!))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Resource['Properties'][])
      .filter((s) => JSON.stringify(s.Action).includes('ec2:CreateVolume'));
    expect(grants).toHaveLength(1);
    const [grant] = grants;
    expect(grant!.Action).toBe('ec2:CreateVolume');
    expect(JSON.stringify(grant!.Resource)).toContain(':volume/*');
    expect(grant!.Condition.StringEquals).toEqual({
      [`aws:RequestTag/${EKS_CLUSTER_NAME_TAG}`]: clusterName,
      ...Object.fromEntries(tags.map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    });
    // Denies a volume with any other tag key (a team tag someone adds to the StorageClass later, say).
    const keys = grant!.Condition['ForAllValues:StringLike']['aws:TagKeys'] as string[];
    expect(keys).toEqual(expect.arrayContaining(tags.map(([k]) => k)));
    expect(keys).not.toContain('*');
    expect(JSON.stringify(grants)).not.toContain('ec2:CreateTags');
  });

  test('volumes and network interfaces Auto Mode creates carry eks:eks-cluster-name = the cluster, the tag the teardown deletes by', () => {
    // Source: AmazonEKSBlockStoragePolicy v1 (CreateVolume), AmazonEKSNetworkingPolicy v3 of 2026-08-21
    // (CreateNetworkInterface) and AmazonEKSComputePolicy v7 of 2026-05-18 (RunInstances/CreateFleet) all require
    // aws:RequestTag/eks:eks-cluster-name = the session's cluster name. AmazonEKSServiceRolePolicy v27 deletes
    // volumes and interfaces tagged eks:eks-cluster-name with any value; our teardown narrows that to this cluster.
    const statements = resources(templates.cluster, 'AWS::IAM::Policy').flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Resource['Properties'][],
    );
    for (const action of ['ec2:DeleteVolume', 'ec2:DeleteNetworkInterface']) {
      const byTag = statements.filter((s) => s.Action === action).map((s) => s.Condition.StringEquals);
      expect(byTag).toContainEqual({ [`aws:ResourceTag/${EKS_CLUSTER_NAME_TAG}`]: clusterName });
      for (const condition of byTag)
        expect(Object.values(condition)).toEqual([expect.stringMatching(new RegExp(`^(${clusterName}|owned)$`))]);
    }
  });
});

/** The objects a KubernetesManifest resource applies, each CloudFormation intrinsic kept as its JSON text. */
function appliedObjects(template: Template, idPrefix: string): Manifest[] {
  return Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
    .filter(([id]) => id.startsWith(idPrefix))
    .flatMap(([, resource]) => {
      const manifest = resource.Properties.Manifest as string | { 'Fn::Join': [string, unknown[]] };
      const text =
        typeof manifest === 'string'
          ? manifest
          : manifest['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : JSON.stringify(JSON.stringify(p)).slice(1, -1))).join('');
      return JSON.parse(text) as Manifest[];
    });
}

describe.each(ENVIRONMENT_NAMES)('EKS Auto Mode contract: tagged nodes (%s)', (env) => {
  // Sources (read 2026-12-06): EKS user guide pages create-node-class, create-node-pool, set-builtin-node-pools and
  // auto-learn-iam on docs.aws.amazon.com/eks/latest/userguide/ (create-node-class.adoc also at awsdocs commit
  // 6121ad5a, critical-workload.adoc at commit 4d52b4d0); AmazonEKSComputePolicy v6 (iam-dataset commit 0328eaca,
  // 2026-04-17) and AmazonEKSServiceRolePolicy (iam-dataset commit 0e749069); aws-cdk-lib 2.276.0 aws-eks-v2 cluster.js.
  const { templates, config: envConfig } = synthEnvironment(env);
  const [cluster] = resources(templates.cluster, 'AWS::EKS::Cluster');
  const clusterName = cluster!.Properties.Name as string;
  const nodes = appliedObjects(templates.cluster, 'NodesChart');
  const nodeClass = nodes.find((m) => m.kind === 'NodeClass')!;
  const nodePool = nodes.find((m) => m.kind === 'NodePool')!;
  const roleId = (JSON.stringify(cluster!.Properties.RoleArn).match(/ClusterRole[0-9A-F]+/) ?? [])[0]!;
  const clusterRoleStatements = resources(templates.cluster, 'AWS::IAM::Policy')
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Resource['Properties'][]);

  test('the built-in general-purpose pool is off (its nodes use the default class, which takes no tags) and system stays on', () => {
    // set-builtin-node-pools: both built-in pools use the default NodeClass, on-demand C/M/R instances of generation 5+,
    // general-purpose amd64 only; system carries a CriticalAddonsOnly taint; at least one built-in pool must stay on
    // for EKS to provision the default class. create-node-pool: the built-in pools cannot be changed, only switched.
    // aws-eks-v2 2.276 sets computeConfig.nodeRoleArn (its own ClusternodePoolRole) unless nodePools is empty.
    expect(cluster!.Properties.ComputeConfig).toEqual({
      Enabled: true,
      NodePools: ['system'],
      NodeRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^ClusterClusternodePoolRole/), 'Arn'] },
    });
  });

  test("our NodeClass names the cluster's node role by name, so the access entry EKS made with the cluster lets its nodes join", () => {
    // create-node-class, "Node Class Specification": spec.role is the node IAM role's name; "Considerations": EKS
    // creates an access entry for the node role when the cluster is created, and a class with another role needs an
    // EC2 access entry with AmazonEKSAutoNodePolicy (which we would have to create, and which a duplicate would break).
    const nodeRoleId = (cluster!.Properties.ComputeConfig.NodeRoleArn['Fn::GetAtt'] as string[])[0]!;
    expect(JSON.parse(nodeClass.spec.role)).toEqual({ Ref: nodeRoleId });
    for (const entry of resources(templates.cluster, 'AWS::EKS::AccessEntry'))
      expect(JSON.stringify(entry.Properties.PrincipalArn)).not.toContain(nodeRoleId);
  });

  test('places nodes in the private workloads subnets and the cluster security group, by id, never by a tag a public subnet could carry', () => {
    // create-node-class: subnetSelectorTerms and securityGroupSelectorTerms are required; a term selects by id or tags.
    // The data stores admit the cluster security group (ClusterTo* ingress rules), as they did for the built-in class.
    const subnets = (nodeClass.spec.subnetSelectorTerms as { id: string }[]).map((t) => JSON.stringify(JSON.parse(t.id)));
    expect(subnets).toHaveLength(envConfig.network.availabilityZones.length);
    for (const subnet of subnets) expect(subnet).toMatch(/WorkloadsSubnet/);
    expect(nodeClass.spec.securityGroupSelectorTerms.map((t: { id: string }) => JSON.parse(t.id))).toEqual([
      { 'Fn::GetAtt': [expect.stringMatching(/^Cluster[0-9A-F]+$/), 'ClusterSecurityGroupId'] },
    ]);
    for (const term of [...nodeClass.spec.subnetSelectorTerms, ...nodeClass.spec.securityGroupSelectorTerms])
      expect(Object.keys(term)).toEqual(['id']);
  });

  test('nodes carry the environment tag, which the cluster role may add on launch only with that value beside the managed keys', () => {
    // auto-learn-iam, "Custom AWS tags for EKS Auto resources": the managed policies permit no user-defined tags; the
    // page's Compute statement adds ec2:CreateFleet, RunInstances and CreateLaunchTemplate where aws:RequestTag/
    // eks:eks-cluster-name is the session's cluster and node-class and node-pool name tags are present.
    // AmazonEKSComputePolicy v6 launches only with tag keys eks:eks-cluster-name, eks:kubernetes-node-class-name,
    // eks:kubernetes-node-pool-name and kubernetes.io/cluster/* (ForAllValues), and allows ec2:CreateTags only as part
    // of those three calls (ec2:CreateAction). So our grant adds the launch calls, never CreateTags.
    expect(nodeClass.spec.tags).toEqual({ 'genai:environment': env });
    const grants = clusterRoleStatements.filter((s) => JSON.stringify(s.Action).includes('ec2:RunInstances'));
    expect(grants).toHaveLength(1);
    const [grant] = grants;
    expect([...grant!.Action].sort()).toEqual(['ec2:CreateFleet', 'ec2:CreateLaunchTemplate', 'ec2:RunInstances']);
    expect(grant!.Condition.StringEquals).toEqual({
      [`aws:RequestTag/${EKS_CLUSTER_NAME_TAG}`]: clusterName,
      'aws:RequestTag/genai:environment': env,
    });
    // Denies a launch with any other tag key (a team tag added to the NodeClass later) or another environment's value.
    expect(grant!.Condition['ForAllValues:StringLike']['aws:TagKeys']).toEqual([
      EKS_CLUSTER_NAME_TAG,
      'eks:kubernetes-node-class-name',
      'eks:kubernetes-node-pool-name',
      'kubernetes.io/cluster/*',
      'genai:environment',
    ]);
    expect(JSON.stringify(clusterRoleStatements)).not.toContain('ec2:CreateTags');
  });

  test('our pool launches what general-purpose did and names our class; the class is not called default', () => {
    // set-builtin-node-pools (instance choice above); create-node-pool, "Sample NodePool": karpenter.sh/v1 NodePool,
    // nodeClassRef { group eks.amazonaws.com, kind NodeClass, name }, requirements on the listed well-known labels.
    expect(nodeClassSchema.parse(nodeClass).metadata.name).not.toBe('default');
    expect(nodePoolSchema.parse(nodePool).spec.template.spec.nodeClassRef.name).toBe(nodeClass.metadata.name);
    expect(nodePool.spec.template.spec.requirements).toEqual(
      expect.arrayContaining([
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
      ]),
    );
  });

  test('every pod the platform runs asks for our pool by its karpenter.sh/nodepool label, the secrets operator included', () => {
    // critical-workload.adoc: a workload is placed on a pool with nodeSelector karpenter.sh/nodepool: <pool name>.
    const built = charts(config(env));
    const manifests = [built.base, built.clickhouse, built.langfuse, built.litellm, ...(built.openWebUi ? [built.openWebUi] : [])].flatMap(
      (chart) => Testing.synth(chart) as Manifest[],
    );
    const podSpecs = manifests.flatMap((m) => {
      if (['Deployment', 'StatefulSet', 'Job'].includes(m.kind)) return [[`${m.kind}/${m.metadata.name}`, m.spec.template.spec]];
      if (m.kind === 'CronJob') return [[`${m.kind}/${m.metadata.name}`, m.spec.jobTemplate.spec.template.spec]];
      return [];
    });
    expect(podSpecs.length).toBeGreaterThan(4);
    for (const [name, spec] of podSpecs) expect([name, spec.nodeSelector]).toEqual([name, { [NODE_POOL_LABEL]: nodePool.metadata.name }]);
    const [operator] = resources(templates.platform, 'Custom::AWSCDK-EKS-HelmChart');
    expect(JSON.parse(operator!.Properties.Values as string).global.nodeSelector).toEqual({ [NODE_POOL_LABEL]: nodePool.metadata.name });
  });

  test("our nodes are removed like the built-in pools' on destroy: launched tagged with the cluster's name, the pool deleted before the cluster", () => {
    // AmazonEKSComputePolicy v6: every RunInstances/CreateFleet/CreateLaunchTemplate carries eks:eks-cluster-name =
    // the cluster; AmazonEKSServiceRolePolicy (commit 0e749069) lets EKS terminate instances and delete launch
    // templates tagged eks:eks-cluster-name (any value) or operated by eks.amazonaws.com. Our class launches through the
    // same policy, so its instances carry the tag; the NetworkTeardown waits for their interfaces after the cluster.
    // The chart depends on the cluster's kubectl barrier: CloudFormation deletes it (kubectl delete) before the cluster.
    const [, resource] = Object.entries(templates.cluster.findResources('Custom::AWSCDK-EKS-KubernetesResource')).find(([id]) =>
      id.startsWith('NodesChart'),
    )!;
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ClusterKubectlReadyBarrier/)]));
    expect(resource.DeletionPolicy).toBe('Delete');
  });
});

describe.each(ENVIRONMENT_NAMES)('EKS Auto Mode contract: network policies (%s)', (env) => {
  const built = charts(config(env));
  const manifests = [built.base, built.clickhouse, built.langfuse, built.litellm, ...(built.openWebUi ? [built.openWebUi] : [])].flatMap(
    (chart) => Testing.synth(chart) as Manifest[],
  );
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
  const namespacesWithPods = [
    ...new Set(manifests.filter((m) => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(m.kind)).map((m) => m.metadata.namespace)),
  ];

  test('Auto Mode enforces NetworkPolicy only once the amazon-vpc-cni ConfigMap turns its controller on', () => {
    // Source: EKS user guide "Use Network Policies with EKS Auto Mode" (docs.aws.amazon.com/eks/latest/userguide/
    // auto-net-pol.html, read 2026-12-06): step 1 applies ConfigMap kube-system/amazon-vpc-cni with
    // enable-network-policy-controller "true"; step 2's NodeClass field networkPolicy: DefaultAllow is the default,
    // under which a pod no policy selects is not isolated. Standard (layer 3/4) policies with ipBlock, namespace and pod
    // selectors are supported. So the ConfigMap is ours, and isolation comes from our own default-deny policies.
    expect(manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'amazon-vpc-cni')).toMatchObject({
      metadata: { namespace: 'kube-system' },
      data: { 'enable-network-policy-controller': 'true' },
    });
  });

  test("denies by default, in both directions, in every namespace where our pods run and in the secrets operator's", () => {
    for (const namespace of [...namespacesWithPods, 'external-secrets']) {
      const deny = policies.find((p) => p.metadata.namespace === namespace && p.metadata.name === 'default-deny');
      expect([namespace, deny?.spec]).toEqual([namespace, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }]);
    }
  });

  test('names sources and destinations only as standard peers: ipBlock, or namespace plus pod selectors', () => {
    // Source: auto-net-pol.html (read 2026-12-06), "Layer 3 and 4 isolation": Auto Mode enforces the standard
    // Kubernetes NetworkPolicy API; DNS-based (domain name) policies are a separate Auto Mode kind we do not use.
    for (const policy of policies) {
      for (const rule of [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])]) {
        for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
          expect(Object.keys(peer).sort()).toEqual(
            expect.arrayContaining(peer.ipBlock ? ['ipBlock'] : ['namespaceSelector', 'podSelector']),
          );
        }
      }
    }
    expect(policies.map((p) => p.apiVersion)).toEqual(policies.map(() => 'networking.k8s.io/v1'));
  });
});

describe('EKS Auto Mode contract: several bindings (dev with a web domain)', () => {
  const bindings = allManifests(withWebDomain(config('dev'))).filter((m) => m.kind === 'TargetGroupBinding');

  test('a target group takes one binding in the cluster and a binding never changes its target group, while a Service may back several', () => {
    // Source: kubernetes-sigs/aws-load-balancer-controller webhooks/elbv2/targetgroupbinding_validator.go (stored
    // commit 0a27108f, read 2026-11-29): creating a binding is refused when another binding anywhere in the cluster
    // names the same targetGroupARN, an update may not change targetGroupARN or targetType, and nothing limits how
    // many bindings name one Service (the controller itself makes a target group per Ingress and Service, issue
    // #2843). Auto Mode's load balancing is not open source; we assume it keeps these rules: the "TargetGroupBinding"
    // table of auto-configure-alb.adoc (commit 1eb6aa42) names only the API group, the required targetType and the
    // unsupported networking.ingress.from as differences from the open-source controller.
    // So the public bindings get names of their own: reusing the internal ones' would swap their target group.
    const arns = bindings.map((b) => b.spec.targetGroupARN);
    expect(new Set(arns).size).toBe(arns.length);
    const names = bindings.map((b) => `${b.metadata.namespace}/${b.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
    const services = bindings.map((b) => `${b.metadata.namespace}/${b.spec.serviceRef.name}:${b.spec.serviceRef.port}`).sort();
    // LiteLLM's Service backs both load balancers; Langfuse's only the public one (no internal binding with a domain).
    expect(services).toEqual(['langfuse/langfuse-web:3000', 'litellm/litellm:4000', 'litellm/litellm:4000']);
    expect(bindings.find((b) => b.metadata.name === 'litellm')!.spec.targetGroupARN).toBe('<litellm-target-group-arn>');
    expect(bindings.find((b) => b.metadata.name === 'langfuse-web-public')!.spec.targetGroupARN).toBe('<web-langfuse-target-group-arn>');
  });
});
