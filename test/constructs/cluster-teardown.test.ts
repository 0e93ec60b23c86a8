import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ClusterTeardown, type ClusterTeardownProps } from '../../constructs/cluster-teardown';
import { testApp } from '../support/app';

function build(overrides: Partial<ClusterTeardownProps> = {}) {
  const stack = new Stack(testApp(), 'Test');
  const props: ClusterTeardownProps = {
    clusterName: 'genai-dev',
    vpcId: 'vpc-0123456789abcdef0',
    mode: 'network',
    deleteOrphans: true,
    timeout: Duration.minutes(12),
    logRetention: logs.RetentionDays.ONE_WEEK,
    removalPolicy: RemovalPolicy.DESTROY,
    ...overrides,
  };
  return { stack, construct: () => new ClusterTeardown(stack, 'Teardown', props) };
}

describe('ClusterTeardown', () => {
  test('passes its settings to the handler as strings', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('Custom::ClusterTeardown', {
      ClusterName: 'genai-dev',
      VpcId: 'vpc-0123456789abcdef0',
      Mode: 'network',
      DeleteOrphans: 'true',
      TimeoutSeconds: '720',
    });
  });

  test("may delete only volumes and interfaces carrying the cluster's ownership tags, interfaces only in its VPC", () => {
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    const [policy] = Object.values(
      template.findResources('AWS::IAM::Policy', {
        Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DescribeClusterLeftovers' })]) } },
      }),
    );
    const statements = policy!.Properties.PolicyDocument.Statement as {
      Sid: string;
      Action: string;
      Condition?: Record<string, Record<string, string>>;
    }[];
    for (const statement of statements.filter((s) => s.Action === 'ec2:DeleteVolume' || s.Action === 'ec2:DeleteNetworkInterface')) {
      const tagKeys = Object.keys(statement.Condition?.StringEquals ?? {});
      expect(tagKeys).toHaveLength(1);
      expect(tagKeys[0]).toMatch(/^aws:ResourceTag\//);
      if (statement.Action === 'ec2:DeleteNetworkInterface') expect(statement.Condition?.ArnEquals?.['ec2:Vpc']).toBeDefined();
    }
    expect(statements.map((s) => s.Sid)).toEqual(
      expect.arrayContaining([
        'DeleteClusterVolumes0',
        'DeleteClusterVolumes3',
        'DeleteClusterInterfaces0',
        'DeleteClusterInterfaces1',
        'ReadOwnStackStatus',
      ]),
    );
    expect(statements.map((s) => s.Sid)).not.toContain('DeleteClusterInterfaces2');
  });

  test('runs outside the VPC, so it never holds a network interface of its own', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 900,
      VpcConfig: Match.absent(),
    });
  });

  test.each<[string, Partial<ClusterTeardownProps>, string]>([
    [
      'a wait longer than one Lambda run',
      { timeout: Duration.minutes(15) },
      'timeout: 900s is outside 1 to 840 seconds (one Lambda run, with margin)',
    ],
    [
      'a token as cluster name',
      { clusterName: '${Token[TOKEN.1]}' },
      'clusterName: "${Token[TOKEN.1]}" must be a literal EKS cluster name, not a token',
    ],
  ])('rejects %s and builds nothing', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Teardown')?.node.children ?? []).toHaveLength(0);
  });
});
