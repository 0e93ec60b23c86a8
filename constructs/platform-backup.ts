import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** What AWS Backup copies, once a day at 03:00 UTC, and how long it keeps it. */
export interface PlatformBackupProps {
  /** Environment name: in the vault and plan names. */
  readonly environment: string;
  /** Days a recovery point is kept (AWS Backup deletes it after). */
  readonly retentionDays: number;
  /** The Aurora cluster to back up. */
  readonly auroraClusterArn: string;
  /**
   * EBS volumes to back up, selected by a tag their StorageClass puts on them (ClickHouse's data volumes).
   * @default - no volumes
   */
  readonly volumeTag?: { readonly key: string; readonly value: string };
}

/** AWS Backup keeps a recovery point at least this long (and the plan would be pointless below a day). */
const MIN_RETENTION_DAYS = 1;
const MAX_RETENTION_DAYS = 36_500;

/**
 * A backup vault with its own customer managed key, a daily plan with the configured retention, and selections for
 * Aurora (by ARN) and the ClickHouse volumes (EBS volumes carrying a tag). Everything is retained: recovery points
 * outlive the environment on purpose, and a vault that holds any cannot be deleted anyway. The vault's name carries
 * the stack's own id, so a rebuilt environment never collides with a vault its predecessor left.
 */
export class PlatformBackup extends Construct {
  readonly key: kms.Key;
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly role: iam.Role;
  readonly selections: readonly backup.CfnBackupSelection[];

  constructor(scope: Construct, id: string, props: PlatformBackupProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9]{1,11}$/.test(props.environment)) {
      throw new Error(`environment: "${props.environment}" is not an environment name (lowercase letters and digits, 2-12 characters)`);
    }
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < MIN_RETENTION_DAYS || props.retentionDays > MAX_RETENTION_DAYS) {
      throw new Error(
        `retentionDays: ${props.retentionDays} must be a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}`,
      );
    }
    if (props.volumeTag && (!/^[\w.:/=+@-]{1,128}$/.test(props.volumeTag.key) || props.volumeTag.key.startsWith('aws:'))) {
      throw new Error(`volumeTag.key: "${props.volumeTag.key}" is not a user tag key (letters, digits and _ . : / = + - @, not aws:)`);
    }

    this.key = new kms.Key(this, 'Key', {
      description: `GenAI platform ${props.environment}: AWS Backup vault`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // Vault names take at most 50 characters: the stack id's last 12 hex digits, not all of it.
    const stackSuffix = Fn.select(4, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: Fn.join('-', [`genai-${props.environment}-backups`, stackSuffix]),
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: `genai-${props.environment}-daily`,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'daily',
          backupVault: this.vault,
          scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
          // Start within an hour, finish within a day; AWS Backup's defaults (8 h, 7 days) would let a run slip a day.
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(24),
          deleteAfter: Duration.days(props.retentionDays),
        }),
      ],
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup for ${props.environment}: back up and restore the selected Aurora cluster and volumes`,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });

    const selections = [
      new backup.CfnBackupSelection(this, 'Aurora', {
        backupPlanId: this.plan.backupPlanId,
        backupSelection: { selectionName: 'aurora', iamRoleArn: this.role.roleArn, resources: [props.auroraClusterArn] },
      }),
    ];
    if (props.volumeTag) {
      selections.push(
        new backup.CfnBackupSelection(this, 'Volumes', {
          backupPlanId: this.plan.backupPlanId,
          backupSelection: {
            selectionName: 'tagged-volumes',
            iamRoleArn: this.role.roleArn,
            // Resources and Conditions are ANDed: EBS volumes, and only those carrying the tag.
            resources: [`arn:${Aws.PARTITION}:ec2:${Aws.REGION}:${Aws.ACCOUNT_ID}:volume/*`],
            // Typed `any` in CDK, so written as CloudFormation spells it (CDK does not capitalize untyped JSON).
            conditions: {
              StringEquals: [{ ConditionKey: `aws:ResourceTag/${props.volumeTag.key}`, ConditionValue: props.volumeTag.value }],
            },
          },
        }),
      );
    }
    this.selections = selections;
  }
}
