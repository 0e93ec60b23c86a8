import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PlatformBackup, type PlatformBackupProps } from '../../constructs/platform-backup';

function build(overrides: Partial<PlatformBackupProps> = {}) {
  const stack = new Stack();
  const props: PlatformBackupProps = {
    environment: 'prod',
    retentionDays: 35,
    auroraClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:genai-prod-postgres',
    volumeTag: { key: 'genai:backup', value: 'prod' },
    ...overrides,
  };
  return { stack, construct: () => new PlatformBackup(stack, 'Backup', props) };
}

describe('PlatformBackup', () => {
  test.each<[string, Partial<PlatformBackupProps>, string]>([
    [
      'an uppercase environment',
      { environment: 'Prod' },
      'environment: "Prod" is not an environment name (lowercase letters and digits, 2-12 characters)',
    ],
    ['a zero retention', { retentionDays: 0 }, 'retentionDays: 0 must be a whole number of days from 1 to 36500'],
    ['a fractional retention', { retentionDays: 1.5 }, 'retentionDays: 1.5 must be a whole number of days from 1 to 36500'],
    [
      'an AWS-reserved volume tag',
      { volumeTag: { key: 'aws:backup', value: 'x' } },
      'volumeTag.key: "aws:backup" is not a user tag key (letters, digits and _ . : / = + - @, not aws:)',
    ],
  ])('rejects %s and builds nothing', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Backup')?.node.children ?? []).toHaveLength(0);
  });

  test('keeps daily recovery points for the configured days in a vault with its own rotating key, both retained', () => {
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'genai-prod-daily',
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'daily',
            ScheduleExpression: 'cron(0 3 * * ? *)',
            StartWindowMinutes: 60,
            CompletionWindowMinutes: 1440,
            Lifecycle: { DeleteAfterDays: 35 },
            TargetBackupVault: Match.anyValue(),
          }),
        ],
      },
    });
    template.hasResource('AWS::Backup::BackupVault', {
      DeletionPolicy: 'Retain',
      Properties: { EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupKey'), 'Arn'] } },
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
  });

  test("names the vault after the stack's own id, so a rebuilt environment never collides with a retained vault", () => {
    const { stack, construct } = build();
    construct();
    const [vault] = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupVault'));
    expect(JSON.stringify(vault!.Properties.BackupVaultName)).toContain('AWS::StackId');
    expect(JSON.stringify(vault!.Properties.BackupVaultName)).toContain('genai-prod-backups');
    // AWS Backup takes 2-50 characters (cfn-lint W1032): a 12-character environment leaves room for 12 hex digits only.
    expect(vault!.Properties.BackupVaultName['Fn::Join'][1][1]).toEqual({
      'Fn::Select': [4, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }],
    });
  });

  test('selects the Aurora cluster by ARN, and EBS volumes only when they carry the tag', () => {
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        SelectionName: 'aurora',
        Resources: ['arn:aws:rds:us-east-1:123456789012:cluster:genai-prod-postgres'],
      }),
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        SelectionName: 'tagged-volumes',
        Resources: [
          {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':volume/*'],
            ],
          },
        ],
        Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/genai:backup', ConditionValue: 'prod' }] },
      }),
    });
  });

  test('never selects every resource of the account: no wildcard resource, no selection without a condition but Aurora', () => {
    const { stack, construct } = build();
    construct();
    for (const selection of Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupSelection'))) {
      const s = selection.Properties.BackupSelection;
      expect(s.Resources).not.toContain('*');
      expect(s.ListOfTags).toBeUndefined();
      if (s.SelectionName !== 'aurora') expect(s.Conditions.StringEquals).toHaveLength(1);
    }
  });

  test('without a volume tag, backs up Aurora only', () => {
    const { stack, construct } = build({ volumeTag: undefined });
    construct();
    Template.fromStack(stack).resourceCountIs('AWS::Backup::BackupSelection', 1);
  });

  test("lets AWS Backup's role back up and restore, under the service's managed policies", () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] }),
      ManagedPolicyArns: [
        Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup'])] }),
        Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores'])] }),
      ],
    });
  });
});
