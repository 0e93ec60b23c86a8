import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { AuroraPostgresProps } from '../../constructs/aurora-postgres';

/** A small, throwaway AuroraPostgres in its own VPC and key, as the construct and contract tests build it. */
export function auroraTestProps(stack: Stack, overrides: Partial<AuroraPostgresProps> = {}): AuroraPostgresProps {
  return {
    vpc: new ec2.Vpc(stack, 'Vpc'),
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    engineVersion: '16.13',
    minCapacity: 0,
    maxCapacity: 2,
    autoPause: Duration.minutes(5),
    readers: 0,
    backupRetention: Duration.days(1),
    deletionProtection: false,
    enhancedMonitoring: true,
    encryptionKey: new kms.Key(stack, 'Key'),
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: logs.RetentionDays.ONE_WEEK,
    clusterIdentifier: 'genai-test-postgres',
    ...overrides,
  };
}
