import { CustomResource, Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { pascalCase } from './names';
import { POSTGRES_PORT } from './aurora-postgres';
import { lambdaEntry, nodeFunctionBasics } from './bundled-code';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** One application's database. */
export interface ApplicationDatabase {
  /** Name of the database and of its login role. */
  readonly name: string;
  /**
   * Extensions the bootstrap creates in the database as the master user, for an application role that
   * may not create them itself (pgvector is not a trusted extension).
   * @default none
   */
  readonly extensions?: readonly string[];
}

export interface ApplicationDatabasesProps {
  readonly cluster: rds.DatabaseCluster;
  readonly clusterSecurityGroup: ec2.ISecurityGroup;
  readonly vpc: ec2.IVpc;
  /** Where the bootstrap function runs; it needs a route to Secrets Manager. */
  readonly subnets: ec2.SubnetSelection;
  /** One database and one login role of the same name per entry. */
  readonly databases: readonly ApplicationDatabase[];
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
}

/**
 * One database and one least-privileged login role per application, created at deploy time by a
 * custom resource, so the master credentials stay with this function and never reach a pod.
 * Each role's generated password lives in its own secret: `{ username, password, dbname }`.
 */
export class ApplicationDatabases extends Construct {
  readonly userSecrets: Readonly<Record<string, secretsmanager.ISecret>>;

  constructor(scope: Construct, id: string, props: ApplicationDatabasesProps) {
    super(scope, id);
    const invalid = props.databases.flatMap((db) => [db.name, ...(db.extensions ?? [])]).filter((name) => !IDENTIFIER.test(name));
    if (invalid.length > 0) {
      throw new Error(
        `databases: ${invalid.map((n) => `"${n}"`).join(', ')} not valid PostgreSQL identifiers (lowercase letters, digits, _; at most 63)`,
      );
    }
    if (!props.cluster.secret) {
      throw new Error('cluster: has no master secret (create it with Credentials.fromGeneratedSecret)');
    }

    this.userSecrets = Object.fromEntries(
      props.databases.map(({ name }) => [
        name,
        new secretsmanager.Secret(this, `${pascalCase(name)}User`, {
          description: `Aurora login for the ${name} application: { username, password, dbname }`,
          encryptionKey: props.encryptionKey,
          removalPolicy: props.removalPolicy,
          generateSecretString: {
            secretStringTemplate: Stack.of(this).toJsonString({ username: name, dbname: name }),
            generateStringKey: 'password',
            passwordLength: 32,
            // Passwords end up inside connection URLs: letters and digits only.
            excludePunctuation: true,
            includeSpace: false,
          },
        }),
      ]),
    );

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Database bootstrap function: PostgreSQL to Aurora, HTTPS to Secrets Manager',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Secrets Manager API');
    securityGroup.connections.allowTo(props.clusterSecurityGroup, ec2.Port.tcp(POSTGRES_PORT), 'Bootstrap to Aurora');

    const onEvent = new lambda.Function(this, 'Function', {
      // The runtime ships the AWS SDK v3; pg-native is an optional binding pg never loads here.
      ...nodeFunctionBasics(lambdaEntry('db-bootstrap'), { external: ['pg-native'] }),
      timeout: Duration.minutes(5),
      memorySize: 256,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [securityGroup],
      environment: {
        // Lambda's bundle of RDS CA certificates, so the TLS connection is verified.
        NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        NODE_OPTIONS: '--enable-source-maps',
      },
      logGroup: new logs.LogGroup(this, 'FunctionLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    });
    props.cluster.secret.grantRead(onEvent);
    for (const secret of Object.values(this.userSecrets)) secret.grantRead(onEvent);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    });

    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ApplicationDatabases',
      properties: {
        MasterSecretArn: props.cluster.secret.secretArn,
        // Extensions only where asked for, so databases without any keep their properties (no update).
        Databases: props.databases.map(({ name, extensions = [] }) => ({
          Name: name,
          UserSecretArn: this.userSecrets[name]!.secretArn,
          ...(extensions.length > 0 ? { Extensions: [...extensions] } : {}),
        })),
      },
    });
    // The writer must be up before the function can log in.
    resource.node.addDependency(props.cluster);
  }
}
