import { Aws, CustomResource, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ownershipTags } from '../lib/shared/cluster-ownership';
import { lambdaEntry, nodeFunctionBasics } from './bundled-code';

export interface ClusterTeardownProps {
  /** Literal cluster name: tag keys such as kubernetes.io/cluster/<name> must be known at synth. */
  readonly clusterName: string;
  readonly vpcId: string;
  /**
   * `volumes`: wait for the cluster's EBS volumes to go (after the workloads are deleted).
   * `network`: wait for the cluster's network interfaces to go (after the cluster is deleted).
   */
  readonly mode: 'volumes' | 'network';
  /** Delete detached volumes and interfaces of the cluster; only where nothing is kept on purpose. */
  readonly deleteOrphans: boolean;
  /** Longest wait before the destroy fails with a listing of what is left. At most 14 minutes. */
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A custom resource that does nothing on deploy and, when deleted during `cdk destroy`, waits
 * (bounded) until EKS Auto Mode's own volumes or network interfaces are gone, deleting detached ones.
 * Make the resources it must outlive depend on it: they are deleted first.
 */
export class ClusterTeardown extends Construct {
  readonly resource: CustomResource;
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: ClusterTeardownProps) {
    super(scope, id);
    const seconds = props.timeout.toSeconds();
    if (seconds < 1 || seconds > 840) throw new Error(`timeout: ${seconds}s is outside 1 to 840 seconds (one Lambda run, with margin)`);
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,99}$/.test(props.clusterName)) {
      throw new Error(`clusterName: "${props.clusterName}" must be a literal EKS cluster name, not a token`);
    }

    const onEvent = (this.function = new lambda.Function(this, 'Function', {
      ...nodeFunctionBasics(lambdaEntry('cluster-teardown')),
      // Outside the VPC on purpose: its own network interface would be one more thing blocking VPC deletion.
      timeout: Duration.minutes(15),
      memorySize: 256,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      logGroup: new logs.LogGroup(this, 'FunctionLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    }));
    onEvent.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DescribeClusterLeftovers',
        actions: ['ec2:DescribeVolumes', 'ec2:DescribeNetworkInterfaces'],
        // Describe calls support no resource-level permissions.
        resources: ['*'],
      }),
    );
    onEvent.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadOwnStackStatus',
        actions: ['cloudformation:DescribeStacks'],
        resources: [Stack.of(this).stackId],
      }),
    );
    const arn = (type: string) => `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:${type}/*`;
    ownershipTags(props.clusterName, 'volume').forEach(({ key, value }, i) => {
      onEvent.addToRolePolicy(
        new iam.PolicyStatement({
          sid: `DeleteClusterVolumes${i}`,
          actions: ['ec2:DeleteVolume'],
          resources: [arn('volume')],
          conditions: { StringEquals: { [`aws:ResourceTag/${key}`]: value } },
        }),
      );
    });
    ownershipTags(props.clusterName, 'network-interface').forEach(({ key, value }, i) => {
      onEvent.addToRolePolicy(
        new iam.PolicyStatement({
          sid: `DeleteClusterInterfaces${i}`,
          actions: ['ec2:DeleteNetworkInterface'],
          resources: [arn('network-interface')],
          conditions: {
            StringEquals: { [`aws:ResourceTag/${key}`]: value },
            ArnEquals: { 'ec2:Vpc': `arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:vpc/${props.vpcId}` },
          },
        }),
      );
    });

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ClusterTeardown',
      properties: {
        ClusterName: props.clusterName,
        VpcId: props.vpcId,
        Mode: props.mode,
        DeleteOrphans: String(props.deleteOrphans),
        TimeoutSeconds: String(seconds),
      },
    });
  }
}
