/**
 * Where a Control Tower proactive control does not hold, and why. The one place exceptions live: CI fails on any
 * finding not listed here, and a test fails on any entry here that no longer matches a finding.
 */
export interface ControlTowerException {
  /** The control id, as in its rule's message: `CT.S3.PR.11`. */
  readonly control: string;
  /**
   * Construct paths under the environment's stage, as `Data/Buckets/ClickHouse/Resource`; `*` matches within one path
   * segment, `**` across segments. Each pattern must match a finding in every environment the exception applies to.
   */
  readonly resources: readonly string[];
  /** `all`: every environment. `ephemeral`: only environments destroyed every evening, for cost or teardown. */
  readonly environments: 'all' | 'ephemeral';
  readonly reason: string;
}

export const CONTROL_TOWER_EXCEPTIONS: readonly ControlTowerException[] = [];
