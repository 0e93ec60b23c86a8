/**
 * CloudFormation outputs of the data stack that `npm run restore-plan` reads: the names of what holds the
 * environment's data. Dependency-free on purpose: the data stack writes them, bin/ reads them.
 */
export const DATA_OUTPUTS = {
  auroraCluster: 'AuroraClusterIdentifier',
  backupVault: 'BackupVaultName',
  backupRole: 'BackupRoleArn',
  langfuseBucket: 'LangfuseBucketName',
  clickhouseBucket: 'ClickHouseBucketName',
  clickhouseBackupBucket: 'ClickHouseBackupBucketName',
  openWebUiBucket: 'OpenWebUiBucketName',
} as const;

/** The data stack's CloudFormation name (lib/platform-stage.ts). */
export function dataStackName(environment: string): string {
  return `genai-${environment}-data`;
}
