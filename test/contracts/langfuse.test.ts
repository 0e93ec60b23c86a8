/**
 * Langfuse, as pinned in k8s/versions.ts: what the web and worker containers read and need at that release,
 * checked against our rendered manifests and the data stack that feeds them.
 *
 * Upstream: github.com/langfuse/langfuse, tag v3.194.1 (commit a75766c1, "chore: release v3.194.1"):
 * web/src/env.mjs, worker/src/env.ts, packages/shared/src/env.ts, web/entrypoint.sh, web/Dockerfile,
 * worker/Dockerfile, packages/shared/clickhouse/scripts/up.sh, packages/shared/src/server/redis/redis.ts;
 * and langfuse/langfuse-docs pages/self-hosting/configuration/index.mdx (read 2026-09).
 * Facts restated in our own words.
 */
import { SECRET_SPECS } from '../../constructs/platform-secrets';
import { IMAGES } from '../../k8s/versions';
import { CACHE_IDENTITIES } from '../../lib/shared/cache';
import { synthEnvironment } from '../support/app';
import { ENTRA_SSO, withWebDomain } from '../support/web-config';
import { LANGFUSE_CALLBACK_PATHS } from '../../constructs/workforce-identity';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { dev } from '../../lib/config/environments/dev';
import { parseEnvironment } from '../../lib/config/load-config';
import { ENVIRONMENT_NAMES, allManifests, config, envOf, find, type Manifest } from '../k8s/support/charts';

type Container = 'web' | 'worker';
const BOTH: readonly Container[] = ['web', 'worker'];

/**
 * Which container reads each variable we set, at v3.194.1. Both containers parse the shared schema
 * (packages/shared/src/env.ts); the web adds web/src/env.mjs and runs web/entrypoint.sh, the worker adds
 * worker/src/env.ts. HOSTNAME and PORT are the Next.js server's and the worker's bind address and port.
 */
const READ_BY: Readonly<Record<string, readonly Container[]>> = {
  DATABASE_URL: BOTH,
  NEXTAUTH_URL: BOTH,
  NEXTAUTH_SECRET: ['web'],
  SALT: BOTH,
  ENCRYPTION_KEY: BOTH,
  CLICKHOUSE_URL: BOTH,
  CLICKHOUSE_USER: BOTH,
  CLICKHOUSE_PASSWORD: BOTH,
  CLICKHOUSE_CLUSTER_ENABLED: BOTH,
  CLICKHOUSE_MIGRATION_URL: ['web'],
  REDIS_HOST: BOTH,
  REDIS_PORT: BOTH,
  REDIS_AUTH: BOTH,
  REDIS_USERNAME: BOTH,
  REDIS_KEY_PREFIX: BOTH,
  REDIS_TLS_ENABLED: BOTH,
  LANGFUSE_S3_EVENT_UPLOAD_BUCKET: BOTH,
  LANGFUSE_S3_EVENT_UPLOAD_REGION: BOTH,
  LANGFUSE_S3_EVENT_UPLOAD_PREFIX: BOTH,
  LANGFUSE_S3_MEDIA_UPLOAD_BUCKET: BOTH,
  LANGFUSE_S3_MEDIA_UPLOAD_REGION: BOTH,
  LANGFUSE_S3_MEDIA_UPLOAD_PREFIX: BOTH,
  LANGFUSE_S3_BATCH_EXPORT_ENABLED: ['worker'],
  LANGFUSE_S3_BATCH_EXPORT_BUCKET: ['worker'],
  LANGFUSE_S3_BATCH_EXPORT_REGION: ['worker'],
  LANGFUSE_S3_BATCH_EXPORT_PREFIX: ['worker'],
  TELEMETRY_ENABLED: ['web'],
  LANGFUSE_ENABLE_EXPERIMENTAL_FEATURES: ['web'],
  AUTH_DISABLE_SIGNUP: ['web'],
  LANGFUSE_INIT_ORG_ID: ['web'],
  LANGFUSE_INIT_ORG_NAME: ['web'],
  LANGFUSE_INIT_PROJECT_ID: ['web'],
  LANGFUSE_INIT_PROJECT_NAME: ['web'],
  LANGFUSE_INIT_PROJECT_PUBLIC_KEY: ['web'],
  LANGFUSE_INIT_PROJECT_SECRET_KEY: ['web'],
  LANGFUSE_INIT_USER_EMAIL: ['web'],
  LANGFUSE_INIT_USER_NAME: ['web'],
  LANGFUSE_INIT_USER_PASSWORD: ['web'],
  HOSTNAME: BOTH,
  PORT: BOTH,
  // Single sign-on (web/src/env.mjs; providers registered in web/src/server/auth.ts).
  AUTH_COGNITO_CLIENT_ID: ['web'],
  AUTH_COGNITO_CLIENT_SECRET: ['web'],
  AUTH_COGNITO_ISSUER: ['web'],
  AUTH_CUSTOM_CLIENT_ID: ['web'],
  AUTH_CUSTOM_CLIENT_SECRET: ['web'],
  AUTH_CUSTOM_ISSUER: ['web'],
  AUTH_CUSTOM_NAME: ['web'],
  AUTH_CUSTOM_SCOPE: ['web'],
  AUTH_DISABLE_USERNAME_PASSWORD: ['web'],
  LANGFUSE_DEFAULT_ORG_ID: ['web'],
  LANGFUSE_DEFAULT_ORG_ROLE: ['web'],
};

/** Read by the AWS SDK inside both containers, not by Langfuse's schemas. */
const AWS_SDK_ENV = ['AWS_REGION'];

/** What stops a container from starting when absent, at v3.194.1. */
const REQUIRED: Readonly<Record<Container, readonly string[]>> = {
  // web/src/env.mjs (NEXTAUTH_SECRET is required because the image sets NODE_ENV=production), the shared
  // schema (ClickHouse URL, user, password; the event bucket), and up.sh run by web/entrypoint.sh.
  web: [
    'DATABASE_URL',
    'NEXTAUTH_URL',
    'NEXTAUTH_SECRET',
    'SALT',
    'CLICKHOUSE_URL',
    'CLICKHOUSE_USER',
    'CLICKHOUSE_PASSWORD',
    'CLICKHOUSE_MIGRATION_URL',
    'LANGFUSE_S3_EVENT_UPLOAD_BUCKET',
  ],
  // worker/src/env.ts and the shared schema.
  worker: ['DATABASE_URL', 'CLICKHOUSE_URL', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD', 'LANGFUSE_S3_EVENT_UPLOAD_BUCKET'],
};

/** Variables that Langfuse documents as required although the schema leaves them optional (configuration/index.mdx). */
const DOCUMENTED_REQUIRED_BOTH = ['ENCRYPTION_KEY', 'SALT', 'NEXTAUTH_URL', 'REDIS_HOST', 'REDIS_AUTH', 'CLICKHOUSE_CLUSTER_ENABLED'];

/** Variables no schema, entrypoint or script of v3.194.1 reads (`git grep` over the tag). */
const NOT_AT_THIS_VERSION = ['LANGFUSE_S3_MEDIA_UPLOAD_ENABLED'];

const SECRET_VALUES = [
  'DATABASE_URL',
  'NEXTAUTH_SECRET',
  'SALT',
  'ENCRYPTION_KEY',
  'CLICKHOUSE_PASSWORD',
  'REDIS_AUTH',
  'LANGFUSE_INIT_PROJECT_SECRET_KEY',
  'LANGFUSE_INIT_USER_PASSWORD',
  'AUTH_COGNITO_CLIENT_SECRET',
  'AUTH_CUSTOM_CLIENT_SECRET',
];

/** Each environment as committed, and dev with a web domain, where Langfuse signs in through the workforce IdP. */
const VARIANTS: readonly [string, EnvironmentConfig][] = [
  ...ENVIRONMENT_NAMES.map((env) => [env, config(env)] as [string, EnvironmentConfig]),
  ['dev with a domain, Cognito', withWebDomain(config('dev'))],
  ['dev with a domain, Entra ID', withWebDomain(config('dev'), ENTRA_SSO)],
];

describe.each(VARIANTS)('Langfuse v3.194.1 (%s)', (_label, environment) => {
  const manifests = allManifests(environment);
  const deployments: Record<Container, Manifest> = {
    web: find(manifests, 'Deployment', 'langfuse-web'),
    worker: find(manifests, 'Deployment', 'langfuse-worker'),
  };
  const containerOf = (c: Container) => deployments[c].spec.template.spec.containers[0];
  const envs: Record<Container, Record<string, string>> = { web: envOf(containerOf('web')), worker: envOf(containerOf('worker')) };

  test('web and worker run the pinned release, the same one', () => {
    // Source: package.json and web/package.json at tag v3.194.1 (version 3.194.1).
    expect(containerOf('web').image).toBe('docker.io/langfuse/langfuse:3.194.1');
    expect(containerOf('worker').image).toBe('docker.io/langfuse/langfuse-worker:3.194.1');
    expect(IMAGES.langfuseWeb.tag).toBe(IMAGES.langfuseWorker.tag);
  });

  test.each(BOTH)('every variable the %s container requires at start-up is set', (c) => {
    // Source: web/src/env.mjs, worker/src/env.ts, packages/shared/src/env.ts (non-optional entries), and
    // packages/shared/clickhouse/scripts/up.sh, which web/entrypoint.sh runs and which exits without them.
    for (const name of REQUIRED[c]) expect([name, envs[c][name] !== undefined]).toEqual([name, true]);
    for (const name of DOCUMENTED_REQUIRED_BOTH) expect([name, envs[c][name] !== undefined]).toEqual([name, true]);
  });

  test.each(BOTH)('every variable the %s container gets is one it reads at this release', (c) => {
    // Source: the same schemas. A variable a container does not read is silently ignored, so it can only mislead.
    for (const name of Object.keys(envs[c])) {
      const readers = READ_BY[name];
      expect([name, AWS_SDK_ENV.includes(name) || (readers?.includes(c) ?? false)]).toEqual([name, true]);
    }
  });

  test('no container gets a variable that does not exist at this release', () => {
    // Source: `git grep LANGFUSE_S3_MEDIA_UPLOAD_ENABLED v3.194.1` finds nothing; media upload works whenever
    // LANGFUSE_S3_MEDIA_UPLOAD_BUCKET is set (web/src/features/media/server/mediaService.ts).
    for (const c of BOTH) for (const name of NOT_AT_THIS_VERSION) expect(envs[c][name]).toBeUndefined();
    expect(envs.web.LANGFUSE_S3_MEDIA_UPLOAD_BUCKET).toBeDefined();
  });

  test('batch exports are configured in the worker only; sign-in, telemetry and initialisation in the web only', () => {
    // Source: LANGFUSE_S3_BATCH_EXPORT_* appear only in worker/src/env.ts; NEXTAUTH_SECRET, TELEMETRY_ENABLED,
    // LANGFUSE_ENABLE_EXPERIMENTAL_FEATURES, AUTH_* and LANGFUSE_INIT_* only in web/src/env.mjs.
    for (const [name, readers] of Object.entries(READ_BY)) {
      if (readers.length === 1) {
        const other: Container = readers[0] === 'web' ? 'worker' : 'web';
        expect([name, other, envs[other][name]]).toEqual([name, other, undefined]);
      }
    }
    expect(envs.worker.LANGFUSE_S3_BATCH_EXPORT_ENABLED).toBe('true');
  });

  test('credentials and keys reach the containers from the synced Secret, never as plain values', () => {
    // Source: configuration/index.mdx (DATABASE_URL, NEXTAUTH_SECRET, SALT, ENCRYPTION_KEY are secrets); the
    // values come from Secrets Manager through the ExternalSecret, so manifests hold only references.
    for (const c of BOTH) {
      for (const name of SECRET_VALUES.filter((n) => envs[c][n] !== undefined)) {
        expect([c, name, envs[c][name]]).toEqual([c, name, `secret:langfuse-env/${name}`]);
      }
    }
  });

  test('S3 prefixes end with a slash and no static AWS keys are set', () => {
    // Source: configuration/index.mdx (a prefix, if given, must end with `/`); without ACCESS_KEY_ID/SECRET the
    // S3 client falls back to the AWS SDK default chain (packages/shared/src/server/services/StorageService.ts).
    // Every S3 prefix; REDIS_KEY_PREFIX is a key prefix with rules of its own (below).
    for (const c of BOTH) {
      const s3Prefixes = Object.entries(envs[c]).filter(([n]) => /^LANGFUSE_S3_.*_PREFIX$/.test(n));
      expect(s3Prefixes.length).toBeGreaterThan(0);
      for (const [name, value] of s3Prefixes) {
        expect([name, value.endsWith('/')]).toEqual([name, true]);
      }
      expect(Object.keys(envs[c]).filter((n) => /ACCESS_KEY|SECRET_ACCESS/.test(n))).toEqual([]);
    }
  });

  test('Redis is reached over TLS with host, port and AUTH, in single-node (not cluster) mode', () => {
    // Source: packages/shared/src/server/redis/redis.ts and env.ts: REDIS_TLS_ENABLED defaults to false and
    // switches ioredis to TLS when true; with REDIS_HOST set and cluster/sentinel off, one connection to that host.
    for (const c of BOTH) {
      expect(envs[c]).toMatchObject({ REDIS_TLS_ENABLED: 'true', REDIS_AUTH: 'secret:langfuse-env/REDIS_AUTH' });
      expect(envs[c].REDIS_HOST).toBeTruthy();
      expect(envs[c].REDIS_CLUSTER_ENABLED).toBeUndefined();
    }
  });

  test("Redis is reached as Langfuse's own Valkey user, every queue and cache key under the prefix that user is confined to", () => {
    // Source: packages/shared/src/env.ts lines 40-45 (REDIS_AUTH, REDIS_USERNAME, REDIS_KEY_PREFIX: "used by BullMQ queues via
    // their native prefix option and by the singleton cache instance via ioredis keyPrefix"); server/redis/redis.ts:
    // createNewRedisInstance passes username and password to every connection, getQueuePrefix returns the prefix as
    // each queue's and worker's BullMQ prefix outside cluster mode, the cache client and both rate limiters
    // (web/src/features/public-api/server/RateLimitService.ts, web-callouts/server/rateLimit.ts) take it as keyPrefix.
    // BullMQ v5.76.3 (taskforcesh/bullmq, commit 0bf1b4d3) splits keys on ':' into prefix, queue and id
    // (src/classes/flow-producer.ts), so the prefix must not hold a colon.
    for (const c of BOTH) {
      expect(envs[c]).toMatchObject({
        REDIS_USERNAME: 'secret:langfuse-env/REDIS_USERNAME',
        REDIS_KEY_PREFIX: CACHE_IDENTITIES.langfuse.keyPrefix,
      });
      expect(envs[c].REDIS_KEY_PREFIX).not.toContain(':');
      expect(CACHE_IDENTITIES.langfuse.keyPatterns).toEqual([`${envs[c].REDIS_KEY_PREFIX}*`]);
    }
  });

  test('both images run as uid and gid 1001, and the pod runs as that user', () => {
    // Source: web/Dockerfile (user nextjs, uid 1001; group nodejs, gid 1001) and worker/Dockerfile (user and
    // group expressjs, 1001) at v3.194.1; both switch to that user before the entrypoint.
    for (const c of BOTH) {
      expect(deployments[c].spec.template.spec.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001 });
    }
  });

  test('the paths the servers write to are writable under a read-only root filesystem', () => {
    // Source: web/Dockerfile copies the Next.js standalone server to /app and starts ./web/server.js, whose
    // runtime cache is web/.next/cache under /app; both images use /tmp for scratch. Not verified: whether the
    // Prisma CLI that web/entrypoint.sh runs writes anywhere else (no Langfuse or Prisma document says).
    const writable = (c: Container, path: string) => containerOf(c).volumeMounts.some((m: Manifest) => !m.readOnly && m.mountPath === path);
    for (const c of BOTH) {
      expect(containerOf(c).securityContext.readOnlyRootFilesystem).toBe(true);
      expect([c, writable(c, '/tmp')]).toEqual([c, true]);
    }
    expect(writable('web', '/app/web/.next/cache')).toBe(true);
  });

  test('the web serves health and readiness on 3000 and the worker health on 3030', () => {
    // Source: web/src/pages/api/public/health.ts and ready.ts; worker/src/api/index.ts (`/health`) mounted under
    // `/api` in worker/src/app.ts; ports from web/Dockerfile (PORT 3000) and worker/src/env.ts (default 3030).
    const web = containerOf('web');
    const worker = containerOf('worker');
    expect([web.livenessProbe.httpGet.path, web.readinessProbe.httpGet.path]).toEqual(['/api/public/health', '/api/public/ready']);
    expect(worker.livenessProbe.httpGet.path).toBe('/api/health');
    expect([envs.web.PORT, envs.worker.PORT]).toEqual(['3000', '3030']);
  });
});

describe('Langfuse secrets as the data stack generates them', () => {
  const data = synthEnvironment('dev').templates.data;
  const generated = (description: string) =>
    Object.values(data.findResources('AWS::SecretsManager::Secret')).find((s) => s.Properties.Description === description)?.Properties
      .GenerateSecretString;

  test('ENCRYPTION_KEY is exactly 64 lowercase hex characters', () => {
    // Source: packages/shared/src/env.ts and web/src/env.mjs (ENCRYPTION_KEY must be 64 characters) and
    // packages/shared/src/encryption/encryption.ts (decoded as hex into a 256-bit key).
    const spec = generated(SECRET_SPECS.langfuseEncryptionKey.description);
    expect(spec).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true, ExcludeUppercase: true, IncludeSpace: false });
    const excluded = new Set(String(spec.ExcludeCharacters));
    const alphabet = [...'0123456789abcdefghijklmnopqrstuvwxyz'].filter((ch) => !excluded.has(ch)).join('');
    expect(alphabet).toBe('0123456789abcdef');
  });

  test('the ClickHouse password has no character the migration URL would need escaped', () => {
    // Source: packages/shared/clickhouse/scripts/up.sh puts CLICKHOUSE_PASSWORD into a URL query string
    // unescaped; web/entrypoint.sh warns about & = # ? % + @ and space.
    expect(generated(SECRET_SPECS.clickhousePassword.description)).toMatchObject({ ExcludePunctuation: true, IncludeSpace: false });
  });

  test('the cache Langfuse connects to speaks TLS and runs without cluster mode', () => {
    // Source: packages/shared/src/server/redis/redis.ts: TLS only with REDIS_TLS_ENABLED=true (set in both
    // containers); REDIS_CLUSTER_ENABLED (unset) would be needed for a cluster-mode endpoint.
    const groups = Object.values(data.findResources('AWS::ElastiCache::ReplicationGroup'));
    expect(groups).toHaveLength(1);
    expect(groups[0]!.Properties).toMatchObject({ TransitEncryptionEnabled: true });
    expect(groups[0]!.Properties.NumNodeGroups ?? 1).toBe(1);
    expect(groups[0]!.Properties.ClusterMode ?? 'disabled').not.toBe('enabled');
  });
});

describe('Langfuse v3.194.1 single sign-on through the workforce identity provider', () => {
  const webEnv = (cfg: EnvironmentConfig) => envOf(find(allManifests(cfg), 'Deployment', 'langfuse-web').spec.template.spec.containers[0]);
  const cognito = webEnv(withWebDomain(config('dev')));
  const entra = webEnv(withWebDomain(config('dev'), ENTRA_SSO));

  test('the free edition registers the Cognito provider when client id, secret and issuer are all set', () => {
    // Source: langfuse/langfuse v3.194.1 web/src/server/auth.ts (CognitoProvider pushed to the static providers
    // when AUTH_COGNITO_CLIENT_ID, _CLIENT_SECRET and _ISSUER are set; not under an ee/ folder).
    for (const name of ['AUTH_COGNITO_CLIENT_ID', 'AUTH_COGNITO_CLIENT_SECRET', 'AUTH_COGNITO_ISSUER']) {
      expect([name, cognito[name] !== undefined]).toEqual([name, true]);
    }
  });

  test('the free edition registers the custom OIDC provider only when AUTH_CUSTOM_NAME is set too', () => {
    // Source: v3.194.1 web/src/server/auth.ts (CustomSSOProvider needs client id, secret, issuer and name; its scope
    // defaults to "openid email profile"); packages/shared/src/server/auth/customSsoProvider.ts (provider id "custom",
    // discovery at <issuer>/.well-known/openid-configuration).
    for (const name of ['AUTH_CUSTOM_CLIENT_ID', 'AUTH_CUSTOM_CLIENT_SECRET', 'AUTH_CUSTOM_ISSUER', 'AUTH_CUSTOM_NAME']) {
      expect([name, entra[name] !== undefined]).toEqual([name, true]);
    }
    expect(entra.AUTH_CUSTOM_SCOPE).toBe('openid email profile');
  });

  test('NextAuth calls back at /api/auth/callback/<provider id>: cognito and custom', () => {
    // Source: v3.194.1 web/src/pages/api/auth/[...nextauth].ts (NextAuth v4, web/package.json next-auth ^4.24.13);
    // the Cognito provider's id is "cognito", the custom provider's "custom" (customSsoProvider.ts).
    expect(LANGFUSE_CALLBACK_PATHS).toEqual({ cognito: '/api/auth/callback/cognito', oidc: '/api/auth/callback/custom' });
  });

  test('creating a user on first SSO sign-in fails while sign-up is disabled, so SSO keeps sign-up open and closes password sign-in', () => {
    // Source: v3.194.1 web/src/server/auth.ts (extendedPrismaAdapter.createUser throws "Sign up is disabled." when
    // AUTH_DISABLE_SIGNUP is "true"); web/src/features/auth-credentials/server/signupApiHandler.ts (password sign-up
    // refused when AUTH_DISABLE_USERNAME_PASSWORD is "true"); the credentials provider's authorize refuses likewise.
    for (const env of [cognito, entra]) {
      expect(env).toMatchObject({ AUTH_DISABLE_SIGNUP: 'false', AUTH_DISABLE_USERNAME_PASSWORD: 'true' });
    }
  });

  test('new SSO users join the default organisation with a role from its enum; ours is the headless-init organisation', () => {
    // Source: v3.194.1 web/src/env.mjs (LANGFUSE_DEFAULT_ORG_ROLE one of OWNER, ADMIN, MEMBER, VIEWER, NONE);
    // web/src/features/auth/lib/createProjectMembershipsOnSignup.ts (membership in each LANGFUSE_DEFAULT_ORG_ID
    // organisation that exists, role defaulting to VIEWER).
    expect(['OWNER', 'ADMIN', 'MEMBER', 'VIEWER', 'NONE']).toContain(cognito.LANGFUSE_DEFAULT_ORG_ROLE);
    expect(cognito.LANGFUSE_DEFAULT_ORG_ID).toBe(cognito.LANGFUSE_INIT_ORG_ID);
  });

  test('VIEWER reads projects, traces and prompts but never API keys or members; an existing membership keeps its role', () => {
    // Source (read 2026-12-06): v3.194.1 web/src/features/rbac/constants/projectAccessRights.ts (VIEWER's scopes are
    // all ":read" and exclude apiKeys:read / apiKeys:CUD and member management, which MEMBER and above hold in part)
    // and createProjectMembershipsOnSignup.ts (organisationMembership.upsert with update: {}, so a later sign-in never
    // changes a role; a membership made as ADMIN by an earlier release stays ADMIN until an owner changes it).
    const belowViewer = ['VIEWER', 'NONE'];
    for (const env of [cognito, entra]) expect(belowViewer).toContain(env.LANGFUSE_DEFAULT_ORG_ROLE);
  });

  test('headless initialisation still creates the user and project keys when password sign-in is off', () => {
    // Source: v3.194.1 web/src/initialize.ts (the init user is created with createUserEmailPassword whenever its
    // e-mail and password are set; AUTH_DISABLE_USERNAME_PASSWORD is not consulted there).
    for (const name of ['LANGFUSE_INIT_PROJECT_PUBLIC_KEY', 'LANGFUSE_INIT_PROJECT_SECRET_KEY', 'LANGFUSE_INIT_USER_EMAIL']) {
      expect([name, cognito[name] !== undefined]).toEqual([name, true]);
    }
  });

  test('account linking by e-mail stays off: a Cognito or OIDC sign-in never takes over an existing Langfuse user', () => {
    // Source: v3.194.1 web/src/server/auth.ts (allowDangerousEmailAccountLinking only when
    // AUTH_<PROVIDER>_ALLOW_ACCOUNT_LINKING is "true").
    expect(cognito.AUTH_COGNITO_ALLOW_ACCOUNT_LINKING).toBeUndefined();
    expect(entra.AUTH_CUSTOM_ALLOW_ACCOUNT_LINKING).toBeUndefined();
  });
});

describe('Langfuse v3.194.1 data retention', () => {
  // Source: langfuse/langfuse v3.194.1 (commit a75766c1, read 2026-12-06, confirmed again the same day): web/src/features/entitlements/constants/
  // entitlements.ts grants "data-retention" only to the cloud Pro/Team/Enterprise plans and "self-hosted:enterprise"
  // (the oss and self-hosted:pro plans lack it); web/src/features/projects/server/projectsRouter.ts (setRetention)
  // and the admin API refuse a non-zero retention without it, and accept only 0 or at least 3 days; the retention job
  // (worker/src/ee/dataRetention/handleDataRetentionProcessingJob.ts, under ee/) deletes media files, ClickHouse rows
  // and, with LANGFUSE_ENABLE_BLOB_STORAGE_FILE_LOG, the event files. So the free edition keeps traces until deleted:
  // the platform expires what S3 holds (events/, media/) and leaves ClickHouse alone.
  test.each(['dev', 'prod'])('%s expires events and media no sooner than Langfuse itself could (3 days), or not at all', (env) => {
    const { config, templates } = synthEnvironment(env);
    const langfuse = Object.entries(templates.data.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('BucketsLangfuse'))![1];
    const rules = langfuse.Properties.LifecycleConfiguration.Rules as { Prefix?: string; ExpirationInDays?: number }[];
    const days = config.observability.traceRetentionDays;
    for (const prefix of ['events/', 'media/']) {
      const expiry = rules.find((r) => r.Prefix === prefix)?.ExpirationInDays;
      expect(expiry).toBe(days);
      if (expiry !== undefined) expect(expiry).toBeGreaterThanOrEqual(3);
    }
  });

  test('sets no LANGFUSE_INIT_PROJECT_RETENTION: headless init applies it only with the data-retention entitlement', () => {
    // Source: v3.194.1 web/src/initialize.ts: retentionDays comes from LANGFUSE_INIT_PROJECT_RETENTION only when
    // hasEntitlementBasedOnPlan(getOrganizationPlanServerSide(), "data-retention"); without a licence it is dropped
    // silently, so setting it would read as a retention that does not exist.
    for (const env of ENVIRONMENT_NAMES) {
      const manifests = allManifests(config(env));
      for (const name of ['langfuse-web', 'langfuse-worker'])
        expect(Object.keys(envOf(find(manifests, 'Deployment', name).spec.template.spec.containers[0]))).not.toContain(
          'LANGFUSE_INIT_PROJECT_RETENTION',
        );
    }
  });

  test("puts no TTL on Langfuse's trace tables: Langfuse owns that schema and deletes by project, not by TTL", () => {
    // Source: v3.194.1 packages/shared/clickhouse/migrations/clustered/*.up.sql: no migration sets a TTL on traces,
    // observations, scores or the events tables (the only TTLs were on the aggregating tables 0023 created and 0029
    // dropped, so a migration may drop and re-create a table, and a TTL we had added would go with it, unnoticed);
    // worker/src/features/batch-data-retention-cleaner/index.ts deletes per project (retentionDays > 0, settable only
    // with the entitlement) from traces, observations, scores, events_full and events_core with DELETE statements. A
    // table-wide TTL would apply one period to every project and fight the next schema migration: not built.
    for (const env of ENVIRONMENT_NAMES) {
      const text = JSON.stringify(allManifests(config(env)));
      expect(text).not.toMatch(/MODIFY TTL|ALTER TABLE/i);
      const files = find(allManifests(config(env)), 'ConfigMap', 'clickhouse-config').data as Record<string, string>;
      // The only TTL we set is on ClickHouse's own query log (system tables Langfuse never reads).
      for (const [file, content] of Object.entries(files))
        for (const table of ['traces', 'observations', 'scores', 'events_full', 'events_core'])
          expect([file, content.includes(`<table>${table}</table>`)]).toEqual([file, false]);
    }
  });

  test("rejects a trace retention below Langfuse's minimum of 3 days", () => {
    expect(() => parseEnvironment({ ...dev, observability: { ...dev.observability, traceRetentionDays: 2 } })).toThrow(
      'observability.traceRetentionDays: must be at least 3 (Langfuse keeps nothing shorter)',
    );
  });
});
