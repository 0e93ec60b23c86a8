import { Stack, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { nodeFunctionBasics } from './bundled-code';

export interface LiteLlmAdminFunctionProps {
  /** Entry file of the handler (bundled by esbuild). */
  readonly entry: string;
  readonly description: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** LiteLLM inside the VPC: `http://<internal load balancer>:<port>`. */
  readonly litellmUrl: string;
  /** Port of `litellmUrl`, opened in the function's security group. */
  readonly litellmPort: number;
  /**
   * The group the internal load balancer admits (GatewayLoadBalancer.clientSecurityGroup); the function joins it.
   * @default - none: the function reaches LiteLLM only while the load balancer is open to the whole VPC
   */
  readonly litellmClientSecurityGroup?: ec2.ISecurityGroup;
  readonly masterKey: secretsmanager.ISecret;
  /** Key of the master-key and consumer secrets. */
  readonly secretsKey: kms.IKey;
  readonly timeout: Duration;
  readonly environment?: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A function that calls LiteLLM's admin API with the master key: inside the VPC, reaching only the
 * internal load balancer's port and HTTPS (Secrets Manager). The reconciler and the key rotation share it.
 */
export class LiteLlmAdminFunction extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: LiteLlmAdminFunctionProps) {
    super(scope, id);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.description}: LiteLLM admin API in the VPC, HTTPS to Secrets Manager`,
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(props.litellmPort), 'LiteLLM internal load balancer');
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Secrets Manager API');

    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      // The runtime ships the AWS SDK v3.
      ...nodeFunctionBasics(props.entry),
      memorySize: 256,
      timeout: props.timeout,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup, ...(props.litellmClientSecurityGroup ? [props.litellmClientSecurityGroup] : [])],
      environment: {
        LITELLM_URL: props.litellmUrl,
        MASTER_KEY_SECRET_ARN: props.masterKey.secretArn,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup: new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    });
    // Statements on the function's role, not grants: a grant on the data stack's key would write this
    // stack's role into that key's policy and make the data stack depend on this one.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'ReadMasterKey', actions: ['secretsmanager:GetSecretValue'], resources: [props.masterKey.secretArn] }),
    );
    this.allowSecretsKey(props.secretsKey, ['kms:Decrypt']);
  }

  /** Use of the secrets key through Secrets Manager only. */
  allowSecretsKey(key: kms.IKey, actions: readonly string[]): void {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }
}
