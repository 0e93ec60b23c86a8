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
import { LANGFUSE_ENVIRONMENT_VARIABLE } from '../../k8s/renderers/litellm-config';
import { keyAttributionTags, teamAttributionTags } from '../../lib/shared/attribution';
import { FakeLiteLlm, fromRenderedConfig, hashedKey, liteLlmError, resolveVirtualKey, type FakeLiteLlmKey } from '../support/fake-litellm';
import { RATE_LIMIT_MESSAGE_PREFIX } from '../support/litellm-errors';
import { OPEN_WEBUI_END_USER_HEADER, OPEN_WEBUI_USER_HEADERS } from '../../k8s/renderers/open-webui-env';
import { buildLiteLlmConfig } from '../../k8s/renderers/litellm-config';
import { placeholderAwsValues } from '../../k8s/platform-charts';
import { withWebDomain } from '../support/web-config';
import { liteLlmAnswerCorsHeaders } from '../support/litellm-cors';

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

/** The stand-in run as the dev gateway is configured, with the given keys; stopped after `use`. */
async function withGateway<T>(keys: Record<string, FakeLiteLlmKey>, use: (fake: FakeLiteLlm) => Promise<T>, chunkGapMs = 0) {
  const fake = await FakeLiteLlm.start({ ...fromRenderedConfig(rendered[0]!.configYaml), masterKey: 'sk-master', keys, chunkGapMs });
  try {
    return await use(fake);
  } finally {
    await fake.stop();
  }
}

/** A model the rendered dev config serves. */
function servedModel(): string {
  return fromRenderedConfig(rendered[0]!.configYaml).models[0] as string;
}

const chat = (fake: FakeLiteLlm, key: string, model: string, stream = false) =>
  fetch(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { [LITELLM_KEY_HEADER]: key, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('LiteLLM contract: attribution in Langfuse', () => {
  test.each(rendered)(
    "langfuse_otel sends each request's metadata tags as the trace's tags; key and team aliases only inside one metadata string ($env)",
    ({ config: cfg }) => {
      // Source: BerriAI/litellm litellm/integrations/langfuse/langfuse_otel.py (stored copies at commits 006f4be3
      // and 00e06b86 and a later main-line copy, read 2026-11-29): _set_langfuse_specific_attributes maps
      // litellm_params.metadata["tags"] to the span attribute langfuse.trace.tags (a list, JSON-encoded);
      // litellm/integrations/opentelemetry.py set_attributes hands langfuse_otel spans to it and nothing else;
      // litellm/integrations/arize/_utils.py writes the whole standard-logging metadata (user_api_key_alias,
      // user_api_key_team_alias, ...) as one JSON attribute named "metadata". Langfuse v3.194.1
      // packages/shared/src/server/otel/OtelIngestionProcessor.ts: extractTags parses langfuse.trace.tags (a JSON
      // array string) into the trace's tags; an attribute named "metadata" is not unpacked: it stays one JSON string
      // under metadata.attributes of the trace (root span) and observation, not a key a filter can name. So
      // attribution rests on tags.
      expect(cfg.litellm_settings.callbacks).toEqual(['langfuse_otel']);
      const sent = JSON.stringify(keyAttributionTags('dev', 'research', 'notebook', { 'cost-centre': 'cc-1,2' }));
      expect(sent.startsWith('[')).toBe(true);
      expect((JSON.parse(sent) as unknown[]).map(String)).toEqual([
        'environment:dev',
        'team:research',
        'consumer:notebook',
        'cost-centre:cc-1,2',
      ]);
    },
  );

  test("LiteLLM merges the tags in a key's metadata and its team's into every request, each once, without a licence", async () => {
    // Source: BerriAI/litellm litellm/proxy/litellm_pre_call_utils.py (main-line copy at commit 001253c4, read
    // 2026-11-29): add_key_level_controls merges key metadata["tags"] into the request's metadata tags, then
    // add_litellm_data_to_request merges team metadata["tags"], both through _merge_tags (lists only, a tag already
    // present is skipped); no licence check on this path. The licence check sits on the management side:
    // key_management_endpoints.py refuses a top-level `tags` on /key/generate ("Only premium users can add tags
    // to keys") and _types.py lists "tags" in LiteLLM_ManagementEndpoint_MetadataFields_Premium for /team/new and
    // the update routes; `metadata` itself is stored as sent. Not confirmed at the v1.108.12 tag itself.
    const team = { id: 'team-uuid', alias: 'research', tags: teamAttributionTags('dev', 'research', { owner: 'ana' }) };
    const key = 'sk-notebook-0001';
    const tags = await withGateway(
      { [key]: { models: [], team, tags: keyAttributionTags('dev', 'research', 'notebook') } },
      async (fake) => {
        expect((await chat(fake, key, servedModel())).status).toBe(200);
        return fake.requests.at(-1)?.traceTags;
      },
    );
    expect(tags).toEqual(['environment:dev', 'team:research', 'consumer:notebook', 'owner:ana']);
  });

  test.each(rendered)(
    'langfuse_default_tags is read only by the classic langfuse callback, so the config leaves it out ($env)',
    ({ config: cfg }) => {
      // Source: BerriAI/litellm litellm/integrations/langfuse/langfuse.py (classic LangFuseLogger: turns the metadata
      // keys listed in litellm.langfuse_default_tags into "key:value" tags) against langfuse_otel.py, which does not
      // read the setting in any copy read (2026-11-29); docs/my-website/docs/proxy/logging.md documents it under
      // the classic `langfuse` callback.
      expect(cfg.litellm_settings).not.toHaveProperty('langfuse_default_tags');
      expect(cfg.litellm_settings.callbacks).not.toContain('langfuse');
      expect(cfg.litellm_settings).not.toHaveProperty('success_callback');
    },
  );

  test.each(rendered)(
    "LANGFUSE_TRACING_ENVIRONMENT becomes each trace's Langfuse environment; the config sets it to $env",
    ({ env, config: cfg }) => {
      // Source: BerriAI/litellm langfuse_otel.py (_set_langfuse_specific_attributes reads LANGFUSE_TRACING_ENVIRONMENT
      // on every span and sets langfuse.environment; same in every copy read 2026-11-29) and
      // litellm/proxy/proxy_server.py ProxyConfig._load_environment_variables (config `environment_variables` are
      // copied into the process environment when the config loads). Langfuse v3.194.1 OtelIngestionProcessor.ts
      // extractEnvironment reads langfuse.environment; ingestion/types.ts keeps a name of lowercase letters, digits,
      // - and _ (at most 40, a leading "langfuse" stripped) and files anything else under "default".
      expect(cfg.environment_variables).toEqual({ [LANGFUSE_ENVIRONMENT_VARIABLE]: env });
      expect(env).toMatch(/^[a-z0-9_-]{1,40}$/);
      expect(env).not.toMatch(/^langfuse/);
    },
  );
});

describe('LiteLLM contract: budgets and limits refuse with 4xx, never 5xx', () => {
  const key = 'sk-consumer-budget-01';

  test("a key whose spend has reached max_budget gets a 400 budget_exceeded with LiteLLM's message", async () => {
    // Source: BerriAI/litellm litellm/proxy/auth/auth_checks.py _virtual_key_max_budget_check (spend >= max_budget
    // raises BudgetExceededError(current_cost, max_budget)), litellm/exceptions.py (default message "Budget has been
    // exceeded! Current cost: <spend>, Max budget: <max>"), litellm/proxy/auth/auth_exception_handler.py
    // (BudgetExceededError becomes ProxyException type budget_exceeded, param None, code 400); main line read
    // 2026-11-29. docs/my-website/docs/proxy/users.md still shows an older "ExceededTokenBudget" text, so only the
    // status and type are relied on outside the stand-in.
    await withGateway({ [key]: { models: [], maxBudget: 1 } }, async (fake) => {
      fake.setSpend(key, 1);
      const res = await chat(fake, key, servedModel());
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual(
        liteLlmError(400, 'Budget has been exceeded! Current cost: 1.0, Max budget: 1.0', 'budget_exceeded', null),
      );
    });
  });

  test('every key of a team over its max_budget gets a 400 budget_exceeded naming the team id', async () => {
    // Source: BerriAI/litellm auth_checks.py _team_max_budget_check (main line read 2026-11-29): spend strictly over
    // max_budget raises BudgetExceededError with "Budget has been exceeded! Team=<team_id> Current cost: ..., Max
    // budget: ..."; handled as the key case (auth_exception_handler.py), so 400 budget_exceeded.
    const team = { id: 'team-uuid', maxBudget: 10 };
    await withGateway({ [key]: { models: [], team } }, async (fake) => {
      fake.setSpend('team:team-uuid', 10);
      expect((await chat(fake, key, servedModel())).status).toBe(200);
      fake.setSpend('team:team-uuid', 10.5);
      const res = await chat(fake, key, servedModel());
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual(
        liteLlmError(400, 'Budget has been exceeded! Team=team-uuid Current cost: 10.5, Max budget: 10.0', 'budget_exceeded', null),
      );
    });
  });

  test.each<[string, FakeLiteLlmKey, string]>([
    ['rpm_limit', { models: [], rpmLimit: 1 }, 'requests'],
    ['tpm_limit', { models: [], tpmLimit: 1 }, 'tokens'],
    ['the team rpm_limit', { models: [], team: { id: 'team-uuid', rpmLimit: 1 } }, 'requests'],
  ])('over its %s a key gets a 429 whose message starts "Rate limit exceeded for", with retry-after', async (_limit, grant, limitType) => {
    // Source: BerriAI/litellm litellm/proxy/hooks/parallel_request_limiter_v3.py (the rate limiter of the 1.7x+
    // lines; several stored copies read 2026-11-29): per key (descriptor api_key = the key's hash) and per team
    // (descriptor team = team id), a request is counted first and refused once a count is over its limit, tokens
    // being counted after each response; it raises an HTTPException 429 "Rate limit exceeded for <descriptor>:
    // <value>. ..." with retry-after = the 60 s window. litellm/proxy/common_request_processing.py
    // _handle_llm_api_exception turns an HTTPException into ProxyException(detail, type "None", param "None",
    // code 429). The text after the prefix differs between copies; only status and prefix are relied on.
    await withGateway({ [key]: grant }, async (fake) => {
      expect((await chat(fake, key, servedModel())).status).toBe(200);
      const res = await chat(fake, key, servedModel());
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('60');
      const { error } = (await res.json()) as { error: { message: string; type: string; param: string; code: string } };
      expect(error).toMatchObject({ type: 'None', param: 'None', code: '429' });
      expect(error.message.startsWith(RATE_LIMIT_MESSAGE_PREFIX)).toBe(true);
      expect(error.message).toContain(grant.team ? 'team: team-uuid' : `api_key: ${hashedKey(key)}`);
      expect(error.message).toContain(`Limit type: ${limitType}`);
    });
  });

  test('a second request in flight over max_parallel_requests gets a 429 from the same limiter', async () => {
    // Source: BerriAI/litellm parallel_request_limiter_v3.py (read 2026-11-29): max_parallel_requests is a third
    // counter of the api_key descriptor, raised on the way in and lowered when the request ends; over the limit it
    // answers as rpm does (429, type "None").
    await withGateway(
      { [key]: { models: [], maxParallelRequests: 1 } },
      async (fake) => {
        const first = await chat(fake, key, servedModel(), true);
        const second = await chat(fake, key, servedModel());
        await first.text();
        expect(first.status).toBe(200);
        expect(second.status).toBe(429);
        expect(((await second.json()) as { error: { message: string } }).error.message).toContain('Limit type: max_parallel_requests');
      },
      50,
    );
  });

  test.each<[string, FakeLiteLlmKey, string]>([
    ['key', { models: ['only-this'] }, 'key_model_access_denied'],
    ['team', { models: [], team: { id: 'team-uuid', models: ['only-this'] } }, 'team_model_access_denied'],
  ])("a model outside the %s's list is an auth error on param model, not a 5xx", async (object, grant, type) => {
    // Source: BerriAI/litellm auth_checks.py _can_object_call_model (main line read 2026-11-29): ProxyException
    // "<key|team> not allowed to access model. This <key|team> can only access models=[...]. Tried to access
    // <model>", type key_model_access_denied or team_model_access_denied, param "model", code 401 in most copies
    // read and 403 in one later one; so tests rely on "401 or 403 with that type".
    await withGateway({ [key]: grant }, async (fake) => {
      const res = await chat(fake, key, servedModel());
      expect([401, 403]).toContain(res.status);
      const { error } = (await res.json()) as { error: { message: string; type: string; param: string } };
      expect(error).toMatchObject({ type, param: 'model' });
      expect(error.message).toBe(
        `${object} not allowed to access model. This ${object} can only access models=['only-this']. Tried to access ${servedModel()}`,
      );
    });
  });
});

/**
 * How LiteLLM picks a request's end user, restated from litellm/proxy/auth/auth_utils.py,
 * get_end_user_id_from_request_body (read 2026-11-29 in two stored copies of the main line; the index does not report
 * their commits; the newer one later than v1.108.12): the standard x-litellm-customer-id and x-litellm-end-user-id
 * headers first (newer copy only), then the header named by general_settings.user_header_mappings (role customer),
 * else general_settings.user_header_name (both copies; header names compared case-insensitively, blank values
 * skipped), then the body's `user`. Docs: docs.litellm.ai/docs/proxy/customers (last updated 2026-10-09) give the same
 * order and mark user_header_name deprecated but read.
 */
function endUserOf(headers: Record<string, string>, body: Record<string, unknown>, generalSettings: Manifest): string | undefined {
  const header = (name: string) => Object.entries(headers).find(([k, v]) => k.toLowerCase() === name.toLowerCase() && v.trim() !== '')?.[1];
  const standard = header('x-litellm-customer-id') ?? header('x-litellm-end-user-id');
  if (standard !== undefined) return standard;
  const named = typeof generalSettings.user_header_name === 'string' ? header(generalSettings.user_header_name) : undefined;
  if (named !== undefined) return named;
  return typeof body.user === 'string' ? body.user : undefined;
}

describe('LiteLLM contract: end users forwarded by Open WebUI', () => {
  test.each(rendered)("with Open WebUI on, LiteLLM takes the end user from Open WebUI's email header ($env)", ({ config: cfg }) => {
    // Source: litellm/proxy/auth/auth_utils.py get_end_user_id_from_request_body (see endUserOf above); the end user
    // found there is what LiteLLM records spend against (docs.litellm.ai/docs/proxy/customers, "Tracking Customer
    // Spend"). Open WebUI sends the signed-in user's email in X-OpenWebUI-User-Email (test/contracts/open-webui.test.ts).
    expect(cfg.general_settings.user_header_name).toBe(OPEN_WEBUI_END_USER_HEADER);
    const openWebUiCall = {
      [OPEN_WEBUI_USER_HEADERS.email]: 'ada@example.com',
      [OPEN_WEBUI_USER_HEADERS.id]: '7d1c0f2e',
      authorization: 'Bearer sk-built-in',
    };
    expect(endUserOf(openWebUiCall, { model: 'claude-sonnet-4' }, cfg.general_settings)).toBe('ada@example.com');
    // Header names are matched case-insensitively (HTTP/2 and proxies lowercase them).
    expect(endUserOf({ 'x-openwebui-user-email': 'ada@example.com' }, {}, cfg.general_settings)).toBe('ada@example.com');
  });

  test('without Open WebUI the config names no end-user header, so only the body `user` (or a standard header) counts', () => {
    // Source: as above; user_header_name is read only when set to a non-blank string.
    const off = config('dev');
    const settings = buildLiteLlmConfig({
      environment: off.name,
      models: off.models,
      modelGroups: off.modelGroups,
      router: off.router,
      responseCache: off.responseCache,
    }).general_settings as Manifest;
    expect(settings).not.toHaveProperty('user_header_name');
    expect(endUserOf({ [OPEN_WEBUI_USER_HEADERS.email]: 'ada@example.com' }, { user: 'app-user-1' }, settings)).toBe('app-user-1');
  });
});

describe('LiteLLM contract: the admin UI behind the public load balancer', () => {
  const withDomain = withWebDomain(config('dev'));
  const gatewayEnv = (aws = placeholderAwsValues(withDomain)) =>
    envOf(
      container(
        find(Testing.synth(charts(withDomain, aws).litellm) as Manifest[], 'Deployment', NAMES.litellm.deployment).spec.template.spec,
      ),
    );

  test('UI single sign-on is left off: the free edition refuses SSO sign-in past five users, so no SSO client variable is set', () => {
    // Source: BerriAI/litellm litellm/proxy/management_endpoints/ui_sso.py (stored copies read 2026-11-29): setting
    // GENERIC_CLIENT_ID, GOOGLE_CLIENT_ID or MICROSOFT_CLIENT_ID turns SSO on; without a licence older copies refuse it
    // outright and newer ones once the user table holds more than five users ("You must be a LiteLLM Enterprise user
    // to use SSO for more than 5 users"); docs.litellm.ai/docs/proxy/custom_sso (2026-10-17): "SSO is free for up to
    // 5 users". Which of the two holds at exactly v1.108.12 was not read; both make it unfit for an admin team.
    for (const env of [gatewayEnv(), ...rendered.map(({ deployment }) => envOf(container(deployment.spec.template.spec)))]) {
      const sso = Object.keys(env).filter((k) => /^(GENERIC|GOOGLE|MICROSOFT)_CLIENT_(ID|SECRET)$/.test(k));
      expect(sso).toEqual([]);
    }
  });

  test('LiteLLM builds the URLs it hands out from PROXY_BASE_URL, set to the UI hostname when there is one', () => {
    // Source: BerriAI/litellm litellm/proxy/utils.py get_custom_url (stored copy read 2026-11-29): the base is
    // get_proxy_base_url() (PROXY_BASE_URL) when set, else the request's base URL, which behind a TLS-terminating
    // load balancer is the pod's plain-http address; used for reset links, agent cards and the SSO redirect.
    expect(gatewayEnv({ ...placeholderAwsValues(withDomain), litellmUiUrl: 'https://litellm.dev.genai.example.com' }).PROXY_BASE_URL).toBe(
      'https://litellm.dev.genai.example.com',
    );
    for (const { deployment } of rendered) expect(envOf(container(deployment.spec.template.spec)).PROXY_BASE_URL).toBeUndefined();
  });
});

/** dev with a browser app, Open WebUI on or off: what the chart renders for LiteLLM. */
function browserAppConfig(openWebUi: boolean) {
  const base = config('dev');
  const team = base.tenants.teams[0]!.name;
  const browser = {
    origins: ['https://dash.example.com', 'https://ops.example.com:8443'],
    redirectUrls: ['https://dash.example.com/cb'],
    logoutUrls: [],
  };
  const cfg = {
    ...base,
    openWebUi: { ...base.openWebUi, enabled: openWebUi },
    tenants: { ...base.tenants, consumers: [...base.tenants.consumers, { name: 'dashboard', team, browser, tags: {} }] },
  };
  const manifests = Testing.synth(charts(cfg).litellm) as Manifest[];
  return parse(find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml'] as string) as Manifest;
}

/**
 * The same choice without the standard headers (the older copy of auth_utils.py read for endUserOf above): the header
 * named by user_header_name, then the body's `user`.
 */
function endUserOfOlderRelease(
  headers: Record<string, string>,
  body: Record<string, unknown>,
  generalSettings: Manifest,
): string | undefined {
  const named = typeof generalSettings.user_header_name === 'string' ? generalSettings.user_header_name.toLowerCase() : undefined;
  const value = named ? Object.entries(headers).find(([k, v]) => k.toLowerCase() === named && v.trim() !== '')?.[1] : undefined;
  return value ?? (typeof body.user === 'string' ? body.user : undefined);
}

describe('LiteLLM contract: the end user of a browser app’s call is the one the edge wrote', () => {
  // What the edge writes on every forwarded route (lib/edge-stack.ts): the authorizer's end user into both standard
  // headers and into Open WebUI's header when LiteLLM reads it; a client's own values of those headers are replaced.
  const edgeWrites = (settings: Manifest, person: string): Record<string, string> => ({
    'x-litellm-customer-id': person,
    'x-litellm-end-user-id': person,
    ...(typeof settings.user_header_name === 'string' ? { [settings.user_header_name.toLowerCase()]: person } : {}),
  });
  const attacks: [string, Record<string, string>, Record<string, unknown>][] = [
    ['a forged x-litellm-customer-id', { 'X-LiteLLM-Customer-Id': 'victim' }, {}],
    ['a forged x-litellm-end-user-id', { 'x-litellm-end-user-id': 'victim' }, {}],
    ['a forged Open WebUI e-mail header', { [OPEN_WEBUI_USER_HEADERS.email]: 'victim@example.com' }, {}],
    ['a body `user`', {}, { user: 'victim' }],
    [
      'a body `user` and every header at once',
      { 'x-litellm-customer-id': 'victim', 'x-litellm-end-user-id': 'victim' },
      { user: 'victim' },
    ],
  ];

  test.each([true, false])(
    'with Open WebUI %s, LiteLLM names the edge’s end user whatever the client sent, in either release',
    (openWebUi) => {
      // Sources: auth_utils.py get_end_user_id_from_request_body (two copies, see endUserOf); spend is booked on the end
      // user the auth step found (litellm/litellm_core_utils get_end_user_id_for_cost_tracking reads
      // user_api_key_end_user_id, stored copy read 2026-12-06). API Gateway replaces a mapped header (api-gateway contract).
      const settings = browserAppConfig(openWebUi).general_settings as Manifest;
      expect(settings.user_header_name).toBe(openWebUi ? OPEN_WEBUI_END_USER_HEADER : 'x-litellm-end-user-id');
      for (const [, clientHeaders, body] of attacks) {
        const forwarded = {
          ...Object.fromEntries(Object.entries(clientHeaders).filter(([k]) => !(k.toLowerCase() in edgeWrites(settings, '')))),
          ...edgeWrites(settings, 'person-sub-1'),
        };
        expect(endUserOf(forwarded, body, settings)).toBe('person-sub-1');
        expect(endUserOfOlderRelease(forwarded, body, settings)).toBe('person-sub-1');
      }
    },
  );

  test('without the edge’s headers a client would win with any of them: why the edge writes all of them', () => {
    // With Open WebUI on, LiteLLM reads every one of these places.
    const settings = browserAppConfig(true).general_settings as Manifest;
    for (const [, clientHeaders, body] of attacks) expect(endUserOf(clientHeaders, body, settings)).toMatch(/victim/);
  });
});

/**
 * LiteLLM's CORS answers. Sources (read 2026-12-06, restated): litellm/proxy/proxy_server.py in the two stored copies
 * of the main line (commits 00163bce and 9344afb2, both older than v1.108.12) install Starlette's CORSMiddleware with
 * allow_origins ["*"], allow_credentials True, methods and headers "*". github.com/BerriAI/litellm pull request
 * #18265 (merged 2025-12-19, before v1.108.12) adds general_settings cors_allow_origins / cors_allow_credentials /
 * cors_allow_methods / cors_allow_headers: an explicit origin list, credentials off unless enabled, `*` with
 * credentials refused, the unconfigured path unchanged. Its code was not read at the pinned release (the repository is
 * too large to fetch here): verify once on a deploy that an answer to a configured origin carries that origin, not `*`.
 * encode/starlette starlette/middleware/cors.py (stored copy 0012249b): no Origin header, nothing added; `*` with no
 * cookie answers `*`; an explicit list echoes a listed origin with Vary: Origin and nothing for any other.
 */
describe('LiteLLM contract: CORS on the answers it streams back', () => {
  test('by default LiteLLM answers any origin with `*` and credentials allowed: why the platform sets its own list', () => {
    expect(liteLlmAnswerCorsHeaders({}, { Origin: 'https://evil.example.net' })).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
    });
    expect(liteLlmAnswerCorsHeaders({}, { authorization: 'Bearer x' })).toEqual({});
  });

  test('with browser apps the rendered config lists exactly their origins, without credentials', () => {
    const settings = browserAppConfig(false).general_settings as Manifest;
    expect(settings.cors_allow_origins).toEqual(['https://dash.example.com', 'https://ops.example.com:8443']);
    expect(settings.cors_allow_credentials).toBe(false);
    expect(liteLlmAnswerCorsHeaders(settings, { origin: 'https://ops.example.com:8443' })).toEqual({
      'access-control-allow-origin': 'https://ops.example.com:8443',
      vary: 'Origin',
    });
    expect(liteLlmAnswerCorsHeaders(settings, { Origin: 'https://evil.example.net', Cookie: 'a=b' })).toEqual({});
  });

  test.each(ENVIRONMENT_NAMES)('without browser apps the config leaves LiteLLM’s CORS as it was (%s)', (env) => {
    const settings = rendered.find((r) => r.env === env)!.config.general_settings as Manifest;
    expect(settings).not.toHaveProperty('cors_allow_origins');
    expect(settings).not.toHaveProperty('cors_allow_credentials');
  });
});

/**
 * End-user budgets. Sources (read 2026-12-06, restated): litellm/__init__.py (stored copies) declares
 * max_end_user_budget, and newer copies max_end_user_budget_id, as single module-wide values; the docs' "Customers"
 * section (docs.litellm.ai/docs/proxy/users) sets litellm_settings.max_end_user_budget as the budget of every `user`;
 * per end user, /customer/new (alias /end_user/new) takes a user_id and max_budget for a person known beforehand.
 * Issues #25386 (default end-user budget id not persisted, resets ignored) and #40095 (concurrent first requests of an
 * unknown end user bypass the default budget) are open in the stored threads.
 */
describe('LiteLLM contract: per-person budgets are not configured', () => {
  test.each(ENVIRONMENT_NAMES)('no default end-user budget is rendered (%s)', (env) => {
    // One value for every end user of the instance: each machine client's (its client id, the edge's end user) and every
    // Open WebUI employee's, not a per-app setting; it has no reset period of its own. Per-person budgets would need a
    // /customer/new per person before their first call, which the platform cannot enumerate for an external issuer.
    const litellmSettings = rendered.find((r) => r.env === env)!.config.litellm_settings as Manifest;
    expect(litellmSettings).not.toHaveProperty('max_end_user_budget');
    expect(litellmSettings).not.toHaveProperty('max_end_user_budget_id');
  });
});
