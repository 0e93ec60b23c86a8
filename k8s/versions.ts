import { SECRETS_OPERATOR } from './identities';

/**
 * Every pinned image and Helm chart the platform runs, in one place.
 * Bump a version here, run `npx tsx bin/render-manifests.ts`, and review the manifest diff.
 */

/** An image reference split so tests can check the tag is pinned. */
export interface PinnedImage {
  readonly repository: string;
  readonly tag: string;
}

export function imageRef(image: PinnedImage): string {
  return `${image.repository}:${image.tag}`;
}

export const IMAGES = {
  /**
   * LiteLLM proxy, 1.108 LTS line; the same image runs the migration Job so schema and gateway never drift.
   * Seen (read 2026-11-29): the GitHub release v1.108.12 "1.108.12 (LTS)" of BerriAI/litellm, as mirrored
   * by newreleases.io/project/github/BerriAI/litellm/release/v1.108.12; its notes sign
   * ghcr.io/berriai/litellm:v1.108.12 and give the same command for litellm-non_root. So the non-root tag is
   * shown only indirectly (same release, same tag scheme: other projects pin litellm-non_root:v1.101.0 ..
   * v1.104.0 by digest); no registry listing of this exact tag was read. A later LTS patch, v1.108.17, exists.
   * The `-non_root` build (docker/Dockerfile.non_root) runs as `nobody`. Contract: test/contracts/litellm.test.ts.
   */
  litellm: { repository: 'ghcr.io/berriai/litellm-non_root', tag: 'v1.108.12' },
  /**
   * Langfuse v3 (web). Seen: tag v3.194.1 of github.com/langfuse/langfuse (commit a75766c1, "chore: release
   * v3.194.1", 2026-06-22; package.json version 3.194.1). v4 needs ClickHouse >= 25.12 (v4.0.0
   * docker-compose.dev.yml) and a data migration; kept on v3 deliberately. Contract: test/contracts/langfuse.test.ts.
   */
  langfuseWeb: { repository: 'docker.io/langfuse/langfuse', tag: '3.194.1' },
  /** Langfuse v3 worker; always the same release as the web image. */
  langfuseWorker: { repository: 'docker.io/langfuse/langfuse-worker', tag: '3.194.1' },
  /**
   * ClickHouse 25.8 LTS; Langfuse v3 supports ClickHouse >= 24.3. Seen: release v25.8.33.6-lts
   * (github.com/ClickHouse/ClickHouse docs/changelogs/v25.8.33.6-lts.md). Contract: test/contracts/clickhouse.test.ts.
   */
  clickhouse: { repository: 'docker.io/clickhouse/clickhouse-server', tag: '25.8.33.6' },
  /**
   * AWS CLI v2, publishes ClickHouse volume use to CloudWatch. Seen (read 2026-11-29): release 2.36.15 of
   * github.com/aws/aws-cli (.changes/2.36.15.json, commit 616abc43); public.ecr.aws/aws-cli/aws-cli:2.36.15 is
   * pinned elsewhere by digest sha256:310813a7eae8fd88da1cc9c37970e3500b0ff3984479e1012f0a6fd44e453f63 (a BerriAI
   * LiteLLM CI script). No registry listing was read. Its docker/Dockerfile (Amazon Linux 2, entrypoint aws) sets
   * no USER, so it would run as root: the CronJob runs it as an unprivileged uid. Contract: test/contracts/cloudwatch.test.ts.
   */
  awsCli: { repository: 'public.ecr.aws/aws-cli/aws-cli', tag: '2.36.15' },
  /**
   * Open WebUI 0.11.0, the employees' chat. Seen (read 2026-11-29): github.com/open-webui/helm-charts at commit
   * fabf1139 "feat: release v0.11.0" (2026-07-30), charts/open-webui/Chart.yaml appVersion 0.11.0, whose
   * templates default the image to ghcr.io/open-webui/open-webui:<appVersion> (no "v"); and github.com/open-webui/docs
   * docs/reference/env-configuration.mdx (commit 1eea3847, 2026-08-20) "up-to-date with release v0.11.0", linking
   * the GitHub release tag v0.11.0. A later 0.12.4 exists on PyPI (package list, 2026-10) but neither its source
   * nor its docs could be read here, so the pin stays on the release whose behaviour was read.
   * The image runs as root by default; the chart runs it as a non-root user. Contract: test/contracts/open-webui.test.ts.
   */
  openWebUi: { repository: 'ghcr.io/open-webui/open-webui', tag: '0.11.0' },
} as const satisfies Record<string, PinnedImage>;

/** A Helm chart the CDK app installs with `cluster.addHelmChart`. */
export interface PinnedHelmChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  readonly release: string;
  readonly namespace: string;
}

export const HELM_CHARTS = {
  /**
   * External Secrets Operator. Seen: tag `helm-chart-2.9.0` of github.com/external-secrets/external-secrets
   * (commit cc5bfbc2, 2026-08-08; `deploy/charts/external-secrets/Chart.yaml` version 2.9.0, appVersion v2.9.0).
   * Its CRDs serve external-secrets.io/v1 only (v1beta1 is not served unless `crds.unsafeServeV1Beta1`).
   * It installs its own CRDs, so it must be applied before the base chart's SecretStores.
   * Values and CRD fields we rely on: test/contracts/external-secrets.test.ts.
   */
  externalSecrets: {
    repository: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    version: '2.9.0',
    release: 'external-secrets',
    namespace: SECRETS_OPERATOR.namespace,
  },
} as const satisfies Record<string, PinnedHelmChart>;
