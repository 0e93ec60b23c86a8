/**
 * Tags the platform's cost reports, budgets and backups select on. Dependency-free on purpose: the stacks, the charts
 * (the StorageClass's volume tags) and the tests import it.
 */

/** The cost allocation tag every resource of an environment carries: `genai:environment=<env>`. */
export const ENVIRONMENT_TAG = 'genai:environment';

/**
 * The tag AWS Backup selects ClickHouse's EBS volumes by: `genai:backup=<env>` on the volumes the EBS CSI driver
 * creates for the ClickHouse StorageClass (see `clickhouseVolumeTags`).
 */
export const BACKUP_TAG = 'genai:backup';

/**
 * The tags the ClickHouse StorageClass must put on every volume it provisions, as StorageClass parameters: the EBS
 * CSI driver reads `tagSpecification_<n>` parameters as `key=value` tags for the volume it creates.
 */
export function clickhouseVolumeTags(environment: string): Record<string, string> {
  return {
    tagSpecification_1: `${ENVIRONMENT_TAG}=${environment}`,
    tagSpecification_2: `${BACKUP_TAG}=${environment}`,
  };
}

/**
 * The EC2 tags our Auto Mode NodeClass puts on every node it launches (k8s/nodes-chart.ts), which the cluster role may
 * add on launch and nothing else (lib/cluster-stack.ts).
 */
export function nodeTags(environment: string): Record<string, string> {
  return { [ENVIRONMENT_TAG]: environment };
}
