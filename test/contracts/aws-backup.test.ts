/**
 * AWS Backup and the EBS volumes it selects: how a backup selection picks resources, and how the ClickHouse volumes
 * come to carry the tag it picks them by. Checked against the synthesized prod data stack and the tag helper the
 * ClickHouse StorageClass is to use.
 *
 * Sources (read 2026-12-06, restated in our own words):
 * - docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupSelection.html: Conditions hold StringEquals, StringLike,
 *   StringNotEquals, StringNotLike; several conditions must all match (AND); with nothing to select by, AWS Backup
 *   selects every supported and opted-in resource. CloudFormation's AWS::Backup::BackupSelection
 *   BackupSelectionResourceType page says the same.
 * - repost.aws/knowledge-center/backup-assign-resources: Resources and Conditions of one selection combine with AND
 *   (its example: EBS volumes ARN pattern plus aws:ResourceTag conditions).
 * - github.com/awsdocs/amazon-eks-user-guide latest/ug/automode/create-storage-class.adoc (commit 4d52b4d0,
 *   2024-12-18): Auto Mode's block storage (provisioner ebs.csi.eks.amazonaws.com) supports StorageClass tagging for
 *   custom tags on dynamically provisioned volumes, once the cluster IAM role may tag (auto-learn-iam.adoc, "Custom
 *   AWS tags for EKS Auto resources": ec2:CreateVolume on volume/* with the cluster-name request tag).
 * - github.com/kubernetes/website content/en/examples/storage/storageclass/storageclass-aws-ebs.yaml (release-1.32):
 *   the EBS CSI StorageClass parameters tagSpecification_1, _2, ... each hold one "key=value" tag.
 * Not verified here: that Auto Mode's provisioner reads tagSpecification_N exactly as the EBS CSI driver does (the
 * Auto Mode page names "StorageClass Tagging" without restating the syntax).
 */
import { BACKUP_TAG, ENVIRONMENT_TAG, clickhouseVolumeTags } from '../../lib/shared/cost-tags';
import { synthEnvironment } from '../support/app';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('AWS Backup contract (prod)', () => {
  const { config, templates } = synthEnvironment('prod');
  const selections: Json[] = Object.values(templates.data.findResources('AWS::Backup::BackupSelection')).map(
    (s: Json) => s.Properties.BackupSelection,
  );

  test('selects the ClickHouse volumes by EBS volume ARN AND the backup tag, never by tag alone (which would take every resource type)', () => {
    const volumes = selections.find((s) => s.SelectionName === 'tagged-volumes');
    expect(JSON.stringify(volumes.Resources)).toContain(':volume/*');
    expect(volumes.Conditions).toEqual({ StringEquals: [{ ConditionKey: `aws:ResourceTag/${BACKUP_TAG}`, ConditionValue: config.name }] });
    expect(volumes.ListOfTags).toBeUndefined();
  });

  test('every selection names what it takes: none falls back to "every supported resource"', () => {
    for (const selection of selections) expect(selection.Resources?.length ?? 0).toBeGreaterThan(0);
  });

  test('the StorageClass tags the selection relies on are tagSpecification_N parameters, one key=value each', () => {
    const parameters = clickhouseVolumeTags(config.name);
    for (const [name, value] of Object.entries(parameters)) {
      expect(name).toMatch(/^tagSpecification_\d+$/);
      expect(value).toMatch(/^[^=]+=[^=]+$/);
    }
    expect(Object.values(parameters)).toEqual([`${ENVIRONMENT_TAG}=${config.name}`, `${BACKUP_TAG}=${config.name}`]);
  });
});
