/**
 * LiteLLM proxy, as pinned in k8s/versions.ts (ghcr.io/berriai/litellm-non_root:v1.108.12): what the proxy
 * and its image do, and our rendered config.yaml, chart and LiteLLM stand-in checked against it.
 *
 * Upstream: github.com/BerriAI/litellm, read 2026-11-29. The repository is too large to check out here, so
 * the source files were read as the stored copies of its main line (the newest is later than v1.108.12)
 * plus older ones; a fact is stated only where every copy read agrees, and release notes date the
 * behaviours that changed. The facts are restated in our own words from the files each test names.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { LANGFUSE_INTERNAL_URL, NAMES } from '../../k8s/endpoints';
import { LITELLM_UID, litellmMigrationJobName } from '../../k8s/litellm-chart';
import { LITELLM_KEY_HEADER, LITELLM_LIVENESS_PATH, LITELLM_PORT, LITELLM_READINESS_PATH } from '../../lib/shared/litellm';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from '../k8s/support/charts';
import { FakeLiteLlm, liteLlmError, resolveVirtualKey } from '../support/fake-litellm';

const rendered = ENVIRONMENT_NAMES.map((env) => {
  const manifests = Testing.synth(charts(config(env)).litellm) as Manifest[];
  const configYaml: string = find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml'];
  const deployment = find(manifests, 'Deployment', NAMES.litellm.deployment);
  const job = find(manifests, 'Job', litellmMigrationJobName());
  return { env, manifests, configYaml, config: parse(configYaml) as Manifest, deployment, job };
});
/** Every LiteLLM pod spec we render: the gateway and the migration Job, in every environment. */
const pods = rendered.flatMap(({ env, deployment, job }) => [
  { name: `${env} Deployment`, pod: deployment.spec.template.spec as Manifest },
  { name: `${env} migration Job`, pod: job.spec.template.spec as Manifest },
]);
const container = (pod: Manifest): Manifest => pod.containers[0];

const KEY = 'sk-consumer-key-0001';
const JWT = 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig';

describe('LiteLLM contract', () => {
  test('LiteLLM accepts a bare key in x-litellm-api-key and prefers it to Authorization', () => {
    // Source: litellm/proxy/auth/user_api_key_auth.py, get_api_key(): the x-litellm-api-key header
    // (SpecialHeaders.custom_litellm_api_key) is read first and kept as sent unless it carries a Bearer/Basic
    // prefix; Authorization is read only when that header is absent. Docs: "Pass LiteLLM Key in custom header".
    expect(LITELLM_KEY_HEADER).toBe('x-litellm-api-key');
    expect(resolveVirtualKey({ [LITELLM_KEY_HEADER]: KEY, authorization: JWT })).toBe(KEY);
    expect(resolveVirtualKey({ [LITELLM_KEY_HEADER]: `Bearer ${KEY}`, authorization: JWT })).toBe(KEY);
  });

  test.each(rendered)(
    'litellm_key_header_name would make LiteLLM blank the bare key the edge writes, so the $env config leaves it unset',
    ({ config: cfg }) => {
      // Source: litellm/proxy/auth/user_api_key_auth.py, _user_api_key_auth_builder() and
      // get_api_key_from_custom_header(): with general_settings.litellm_key_header_name set, that header's value
      // replaces the key found before and goes through _get_bearer_token(), which returns "" unless the value
      // starts with "Bearer " (or "Basic "); a missing header also gives "".
      expect(cfg.general_settings).not.toHaveProperty('litellm_key_header_name');
      expect(resolveVirtualKey({ [LITELLM_KEY_HEADER]: KEY }, LITELLM_KEY_HEADER)).toBe('');
    },
  );

  test("a missing or malformed key is a 401 with LiteLLM's OpenAI-style error body, and the stand-in answers the same", async () => {
    // Source: litellm/proxy/auth/user_api_key_auth.py ("No api key passed in." when no header carries a key,
    // "Malformed API Key passed in. Ensure Key has `Bearer ` prefix." when the key is ""),
    // litellm/proxy/auth/auth_exception_handler.py (wrapped as ProxyException type auth_error, param "None",
    // code 401, message prefixed "Authentication Error, "), litellm/proxy/_types.py (ProxyException stores
    // code as a string) and proxy_server.py's handler (status int(code), body {"error": {...}}).
    const fake = await FakeLiteLlm.start({ masterKey: 'sk-master', keys: { [KEY]: { models: [] } }, models: ['m'] });
    try {
      const none = await fetch(`${fake.url}/v1/models`);
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({
        error: { message: 'Authentication Error, No api key passed in.', type: 'auth_error', param: 'None', code: '401' },
      });
      const bare = await fetch(`${fake.url}/v1/models`, { headers: { authorization: KEY } });
      expect(bare.status).toBe(401);
      expect(await bare.json()).toEqual(
        liteLlmError(401, 'Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.', 'auth_error'),
      );
    } finally {
      await fake.stop();
    }
  });

  test.each(pods)('the -non_root image runs as nobody (uid 65534): the $name runs as that user', ({ pod }) => {
    // Source: docker/Dockerfile.non_root (runtime stage ends with `USER nobody` on cgr.dev/chainguard/wolfi-base,
    // after chown -R nobody:nogroup /app ...); uid 65534 is nobody in Wolfi. The gid of `nogroup` was not
    // confirmed; every path the pod writes is an emptyDir owned through fsGroup, so it does not matter.
    expect(LITELLM_UID).toBe(65534);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 });
  });

  test.each(pods)(
    'on a read-only root filesystem LiteLLM writes only where its environment points, each on an emptyDir ($name)',
    ({ pod }) => {
      // Source: docs/my-website/docs/proxy/prod.md "Read-only File System" (LITELLM_MIGRATION_DIR must name a
      // writable directory) and docker-compose.hardened.yml (read_only with tmpfs at /app/cache, /app/migrations,
      // /.npm, /nonexistent; XDG_CACHE_HOME, PRISMA_BINARY_CACHE_DIR, NPM_CONFIG_CACHE, LITELLM_MIGRATION_DIR
      // pointing there). /tmp is writable as everywhere else.
      const c = container(pod);
      expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
      const emptyDirs = new Set(pod.volumes.filter((v: Manifest) => v.emptyDir).map((v: Manifest) => v.name));
      const writable: string[] = c.volumeMounts.filter((m: Manifest) => emptyDirs.has(m.name)).map((m: Manifest) => m.mountPath);
      const env = envOf(c);
      for (const name of ['LITELLM_MIGRATION_DIR', 'XDG_CACHE_HOME', 'PRISMA_BINARY_CACHE_DIR', 'NPM_CONFIG_CACHE']) {
        const path = env[name] as string;
        expect(writable.some((dir) => path === dir || path.startsWith(`${dir}/`))).toBe(true);
      }
      expect(writable).toEqual(expect.arrayContaining(['/tmp', '/app/cache', '/app/migrations', '/.npm', '/nonexistent']));
    },
  );

  test.each(rendered)(
    'migrations run once in a Job that fails when they fail; serving pods never migrate ($env)',
    ({ deployment, job }) => {
      // Source: litellm/proxy/prisma_migration.py (the standalone migration entrypoint runs the CLI with
      // --skip_server_startup and --enforce_prisma_migration_check); release notes: the flag arrived as
      // "Make DB migration failure exit opt-in" (PR #23675, v1.82) and became the default in v1.104.0
      // (PR #44206); prod.md "Use Helm PreSync Hook for Database Migrations" (DISABLE_SCHEMA_UPDATE=true on pods).
      const migrate = container(job.spec.template.spec);
      expect(migrate.args).toEqual(expect.arrayContaining(['--skip_server_startup', '--enforce_prisma_migration_check']));
      expect(envOf(migrate).DISABLE_SCHEMA_UPDATE).toBe('false');
      expect(envOf(container(deployment.spec.template.spec)).DISABLE_SCHEMA_UPDATE).toBe('true');
      expect(migrate.image).toBe(container(deployment.spec.template.spec).image);
    },
  );

  test.each(rendered)('the proxy needs a master key starting with sk- and a salt key ($env)', ({ manifests, config: cfg, deployment }) => {
    // Source: prod.md ("master_key ... ensure it starts with 'sk-'"; "Set LiteLLM Salt Key", used to encrypt
    // credentials in the database); release notes v1.104.0 (the proxy refuses to start with an unset, empty or
    // publicly known master key, PR #42019).
    expect(cfg.general_settings.master_key).toBe('os.environ/LITELLM_MASTER_KEY');
    const template = find(manifests, 'ExternalSecret', NAMES.litellm.secret).spec.target.template.data;
    expect(template.LITELLM_MASTER_KEY).toMatch(/^sk-\{\{ \.\w+ \}\}$/);
    expect(template.LITELLM_SALT_KEY).toMatch(/^sk-\{\{ \.\w+ \}\}$/);
    const env = envOf(container(deployment.spec.template.spec));
    expect(env.LITELLM_MASTER_KEY).toBe(`secret:${NAMES.litellm.secret}/LITELLM_MASTER_KEY`);
    expect(env.LITELLM_SALT_KEY).toBe(`secret:${NAMES.litellm.secret}/LITELLM_SALT_KEY`);
  });

  test.each(rendered)(
    'every os.environ/NAME in config.yaml is set in the gateway and the migration Job ($env)',
    ({ configYaml, deployment, job }) => {
      // Source: docs/my-website/docs/proxy/configs.md (a value written "os.environ/NAME" is read from the
      // process environment when the proxy loads the config), so the name must exist in the container.
      const names = [...configYaml.matchAll(/os\.environ\/([A-Z0-9_]+)/g)].map((m) => m[1] as string);
      expect(names.length).toBeGreaterThan(0);
      for (const owner of [deployment, job]) {
        const env = envOf(container(owner.spec.template.spec));
        expect(names.filter((name) => env[name] === undefined)).toEqual([]);
      }
    },
  );

  test.each(rendered)('langfuse_otel exports to the in-cluster Langfuse, never to Langfuse Cloud ($env)', ({ config: cfg, deployment }) => {
    // Source: litellm/integrations/langfuse/langfuse_otel.py (needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY;
    // endpoint {host}/api/public/otel from LANGFUSE_OTEL_HOST, added in PR #14013, else LANGFUSE_HOST, else
    // Langfuse Cloud US); docs/my-website/docs/observability/langfuse_otel_integration.md. Langfuse v3.194.1
    // serves web/src/pages/api/public/otel/v1/traces.
    expect(cfg.litellm_settings.callbacks).toEqual(['langfuse_otel']);
    const env = envOf(container(deployment.spec.template.spec));
    expect(env.LANGFUSE_OTEL_HOST).toBe(LANGFUSE_INTERNAL_URL);
    expect(env.LANGFUSE_HOST).toBe(LANGFUSE_INTERNAL_URL);
    expect(env.LANGFUSE_PUBLIC_KEY).toMatch(/^secret:/);
    expect(env.LANGFUSE_SECRET_KEY).toMatch(/^secret:/);
  });

  test.each(rendered)(
    'redact_user_api_key_info would strip key alias, team alias and user from traces, so it is off ($env)',
    ({ config: cfg }) => {
      // Source: litellm/litellm_core_utils/redact_messages.py, redact_user_api_key_info(): when the setting is
      // true, every metadata key starting with "user_api_key" (user_api_key_alias, user_api_key_team_alias,
      // user_api_key_user_id, ...) is dropped before logging callbacks run. Per-team attribution in Langfuse OSS
      // rests on those fields (Langfuse v3.194.1 keeps a span's attributes in observation metadata and maps
      // user.id to the trace user: packages/shared/src/server/otel/OtelIngestionProcessor.ts).
      expect(cfg.litellm_settings.redact_user_api_key_info ?? false).toBe(false);
    },
  );

  test.each(rendered)(
    'set_verbose is deprecated and LITELLM_MODE=PRODUCTION turns off .env loading ($env)',
    ({ config: cfg, deployment }) => {
      // Source: litellm/_logging.py and litellm/utils.py (set_verbose logs a deprecation warning pointing to
      // LITELLM_LOG); prod.md "Disable 'load_dotenv'" (LITELLM_MODE=PRODUCTION) and its LITELLM_LOG=ERROR advice.
      expect(cfg.litellm_settings).not.toHaveProperty('set_verbose');
      expect(envOf(container(deployment.spec.template.spec))).toMatchObject({ LITELLM_MODE: 'PRODUCTION', LITELLM_LOG: 'ERROR' });
    },
  );

  test.each(rendered)('Redis is given as host, port and password, not redis_url ($env)', ({ config: cfg }) => {
    // Source: prod.md "Use Redis 'port','host', 'password'. NOT 'redis_url'" (redis_url is markedly slower).
    expect(cfg.router_settings).toMatchObject({
      redis_host: 'os.environ/REDIS_HOST',
      redis_port: 'os.environ/REDIS_PORT',
      redis_password: 'os.environ/REDIS_PASSWORD',
    });
    expect(cfg.router_settings).not.toHaveProperty('redis_url');
  });

  test.each(rendered)(
    'the gateway listens on its --port and is probed on the dependency-free liveliness route ($env)',
    ({ deployment }) => {
      // Source: litellm/proxy/_types.py, LiteLLMRoutes.public_routes (/health/liveliness and /health/readiness
      // need no key); docs/my-website/docs/proxy/health.md (liveliness only says the process is up, readiness
      // also checks the database and cache); prod.md (start the proxy with --port).
      const c = container(deployment.spec.template.spec);
      expect(c.args).toEqual(expect.arrayContaining(['--port', String(LITELLM_PORT)]));
      expect(c.ports).toEqual([expect.objectContaining({ containerPort: LITELLM_PORT })]);
      expect(c.livenessProbe.httpGet.path).toBe(LITELLM_LIVENESS_PATH);
      expect(c.readinessProbe.httpGet.path).toBe(LITELLM_READINESS_PATH);
    },
  );
});
