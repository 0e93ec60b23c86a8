/**
 * Open WebUI, as pinned in k8s/versions.ts (ghcr.io/open-webui/open-webui:0.11.0): how the release reads its
 * environment, and our rendered chart checked against it.
 *
 * Upstream, read 2026-11-29. The application repository is too large to check out here and its stored copies are
 * of unknown versions, so the environment contract is taken from the project's own reference for this release:
 *   DOCS = github.com/open-webui/docs docs/reference/env-configuration.mdx at commit 1eea3847 (2026-08-20), which
 *          states it is "up-to-date with Open WebUI release version v0.11.0"; line ranges below are in that file.
 *   HELM = github.com/open-webui/helm-charts at commit fabf1139 ("feat: release v0.11.0", appVersion 0.11.0).
 * Where a behaviour is only in the source, the test names the stored source copy it was read in and says that it
 * is not the tagged file. Facts are restated in our own words.
 */
import { Testing } from 'cdk8s';
import { OPEN_WEBUI_HEALTH, OPEN_WEBUI_UID } from '../../k8s/open-webui-chart';
import {
  LITELLM_MCP_URL,
  OPEN_WEBUI_END_USER_HEADER,
  OPEN_WEBUI_USER_HEADERS,
  OPEN_WEBUI_WRITABLE_PATHS,
} from '../../k8s/renderers/open-webui-env';
import { IMAGES } from '../../k8s/versions';
import { CACHE_IDENTITIES } from '../../lib/shared/cache';
import { FakeOpenWebUiRoles } from '../support/fake-open-webui-roles';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from '../k8s/support/charts';

/**
 * Every Open WebUI variable the chart may set, with the DOCS line range that documents it for v0.11.0, and whether
 * it is a ConfigVar (persisted in the database after the first start).
 */
const DOCUMENTED: Readonly<Record<string, { readonly lines: readonly [number, number]; readonly configVar: boolean }>> = {
  ENABLE_PERSISTENT_CONFIG: { lines: [614, 623], configVar: false },
  WEBUI_URL: { lines: [76, 94], configVar: true },
  ENABLE_SIGNUP: { lines: [102, 108], configVar: true },
  ENABLE_LOGIN_FORM: { lines: [159, 165], configVar: true },
  ENABLE_PASSWORD_AUTH: { lines: [181, 199], configVar: false },
  WEBUI_ADMIN_EMAIL: { lines: [121, 136], configVar: false },
  WEBUI_ADMIN_PASSWORD: { lines: [137, 152], configVar: false },
  WEBUI_ADMIN_NAME: { lines: [153, 158], configVar: false },
  DEFAULT_USER_ROLE: { lines: [262, 272], configVar: true },
  ENABLE_OLLAMA_API: { lines: [1144, 1150], configVar: true },
  ENABLE_OPENAI_API: { lines: [1195, 1201], configVar: true },
  OPENAI_API_BASE_URLS: { lines: [1209, 1215], configVar: true },
  OPENAI_API_KEYS: { lines: [1229, 1235], configVar: true },
  OPENAI_API_CONFIGS: { lines: [1236, 1243], configVar: true },
  TOOL_SERVER_CONNECTIONS: { lines: [1563, 1605], configVar: true },
  ENABLE_FORWARD_USER_INFO_HEADERS: { lines: [2027, 2046], configVar: false },
  WEBUI_SESSION_COOKIE_SECURE: { lines: [2180, 2185], configVar: false },
  WEBUI_AUTH_COOKIE_SECURE: { lines: [2205, 2216], configVar: false },
  WEBUI_SECRET_KEY: { lines: [2282, 2333], configVar: false },
  ENABLE_VERSION_UPDATE_CHECK: { lines: [2345, 2356], configVar: false },
  VECTOR_DB: { lines: [2478, 2527], configVar: false },
  PGVECTOR_DB_URL: { lines: [2955, 2960], configVar: false },
  PGVECTOR_CREATE_EXTENSION: { lines: [2967, 2978], configVar: false },
  RAG_EMBEDDING_ENGINE: { lines: [3629, 3639], configVar: true },
  RAG_EMBEDDING_MODEL: { lines: [3640, 3646], configVar: true },
  RAG_OPENAI_API_BASE_URL: { lines: [4006, 4012], configVar: true },
  RAG_OPENAI_API_KEY: { lines: [4013, 4019], configVar: true },
  ENABLE_OAUTH_SIGNUP: { lines: [5776, 5782], configVar: true },
  OAUTH_MERGE_ACCOUNTS_BY_EMAIL: { lines: [5817, 5824], configVar: true },
  OAUTH_CLIENT_ID: { lines: [6207, 6212], configVar: true },
  OAUTH_CLIENT_SECRET: { lines: [6213, 6218], configVar: true },
  OPENID_PROVIDER_URL: { lines: [6219, 6233], configVar: true },
  OPENID_REDIRECT_URI: { lines: [6241, 6247], configVar: true },
  OAUTH_SCOPES: { lines: [6248, 6254], configVar: true },
  ENABLE_OAUTH_ROLE_MANAGEMENT: { lines: [6305, 6311], configVar: true },
  OAUTH_ROLES_CLAIM: { lines: [6344, 6350], configVar: true },
  OAUTH_ALLOWED_ROLES: { lines: [6351, 6357], configVar: true },
  OAUTH_ADMIN_ROLES: { lines: [6358, 6364], configVar: true },
  STORAGE_PROVIDER: { lines: [7080, 7089], configVar: false },
  S3_BUCKET_NAME: { lines: [7109, 7113], configVar: false },
  S3_REGION_NAME: { lines: [7130, 7134], configVar: false },
  DATABASE_URL: { lines: [7342, 7381], configVar: false },
  DATABASE_POOL_SIZE: { lines: [7532, 7576], configVar: false },
  DATABASE_POOL_MAX_OVERFLOW: { lines: [7577, 7588], configVar: false },
  DATABASE_POOL_RECYCLE: { lines: [7601, 7612], configVar: false },
  REDIS_URL: { lines: [7665, 7752], configVar: false },
  REDIS_KEY_PREFIX: { lines: [7782, 7786], configVar: false },
  ENABLE_WEBSOCKET_SUPPORT: { lines: [7891, 7909], configVar: false },
  WEBSOCKET_MANAGER: { lines: [7910, 7928], configVar: false },
  WEBSOCKET_REDIS_URL: { lines: [7929, 7947], configVar: false },
};

/** Variables the chart sets that are not Open WebUI's: the AWS SDK's region and the process's home directory. */
const NOT_OPEN_WEBUI = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'HOME'];

const rendered = ENVIRONMENT_NAMES.map((env) => {
  const manifests = Testing.synth(charts(config(env)).openWebUi!) as Manifest[];
  const deployment = find(manifests, 'Deployment', 'open-webui');
  const container: Manifest = deployment.spec.template.spec.containers[0];
  const templates: Record<string, string> = find(manifests, 'ExternalSecret', 'open-webui-env').spec.target.template.data;
  return { env, manifests, pod: deployment.spec.template.spec as Manifest, container, vars: envOf(container), templates };
});

describe('Open WebUI contract: the environment', () => {
  test.each(rendered)('every variable the $env chart sets is one v0.11.0 reads', ({ vars }) => {
    // Source: DOCS, the line ranges in DOCUMENTED (one section per variable, each naming its type and default).
    const ours = Object.keys(vars).filter((name) => !NOT_OPEN_WEBUI.includes(name));
    expect(ours.filter((name) => !DOCUMENTED[name])).toEqual([]);
  });

  test.each(rendered)(
    'ConfigVar settings would keep their first value from the database, so the $env chart makes the environment win',
    ({ vars }) => {
      // Source: DOCS 19-38 ("Important Note on ConfigVar Environment Variables") and 614-623 (ENABLE_PERSISTENT_CONFIG):
      // after the first start a ConfigVar is read from the database, not the environment, unless
      // ENABLE_PERSISTENT_CONFIG is False; then the environment is applied on every start and UI changes last until a restart.
      expect(Object.keys(vars).some((name) => DOCUMENTED[name]?.configVar)).toBe(true);
      expect(vars.ENABLE_PERSISTENT_CONFIG).toBe('False');
    },
  );

  test.each(rendered)(
    'a multi-replica deployment needs PostgreSQL, Redis for state and the Redis websocket manager ($env)',
    ({ vars, templates }) => {
      // Source: DOCS 7342-7381 (DATABASE_URL: multi-replica deployments require PostgreSQL, postgresql:// URL with the
      // password URL-encoded), 7665-7752 (REDIS_URL required with several instances; rediss:// for TLS with a
      // password as ":password@"), 7910-7947 (WEBSOCKET_MANAGER=redis and WEBSOCKET_REDIS_URL, both required there).
      // Open WebUI hands the URL to redis-py's from_url, which takes `user:password@` too (redis/redis-py
      // redis/client.py, Redis.from_url docstring, main-line copy read 2026-12-06): Open WebUI's own Valkey user.
      expect(templates.DATABASE_URL).toMatch(/^postgresql:\/\/\{\{ \.dbUsername \| urlquery \}\}:\{\{ \.dbPassword \| urlquery \}\}@/);
      expect(templates.REDIS_URL).toMatch(
        /^rediss:\/\/\{\{ \.cacheUsername \| urlquery \}\}:\{\{ \.cachePassword \| urlquery \}\}@[^/]+\/0$/,
      );
      expect(templates.WEBSOCKET_REDIS_URL).toBe(templates.REDIS_URL);
      expect(vars).toMatchObject({ WEBSOCKET_MANAGER: 'redis', ENABLE_WEBSOCKET_SUPPORT: 'True' });
    },
  );

  test.each(rendered)('every Valkey key Open WebUI writes starts with the prefix its Valkey user is confined to ($env)', ({ vars }) => {
    // Source: DOCS 7782-7786 (REDIS_KEY_PREFIX, default open-webui, prefixes the keys Open WebUI stores) and the stored
    // source copies named in test/contracts/elasticache.test.ts (pools, lock, token revocation and tasks all built as
    // `<prefix>:...`). Written out, so the ACL (lib/shared/cache.ts) never depends on the default.
    expect(vars.REDIS_KEY_PREFIX).toBe(CACHE_IDENTITIES.openWebUi.keyPrefix);
    expect(CACHE_IDENTITIES.openWebUi.keyPatterns).toEqual([`${vars.REDIS_KEY_PREFIX}:*`]);
  });

  test.each(rendered)('required secrets are set: the session key shared by all replicas, database, Redis ($env)', ({ vars }) => {
    // Source: DOCS 2282-2333 (WEBUI_SECRET_KEY signs sessions and encrypts OAuth tokens; the Docker start script
    // generates one per container when it is unset, which would differ between replicas).
    for (const key of ['WEBUI_SECRET_KEY', 'DATABASE_URL', 'REDIS_URL', 'WEBSOCKET_REDIS_URL', 'OPENAI_API_KEYS']) {
      expect(vars[key]).toBe(`secret:open-webui-env/${key}`);
    }
  });
});

describe('Open WebUI contract: sign-in', () => {
  test.each(rendered)('with OAuth sign-up on, the login form must be off, and password auth may be off only then ($env)', ({ vars }) => {
    // Source: DOCS 5776-5795 (ENABLE_OAUTH_SIGNUP; "ENABLE_LOGIN_FORM must be set to False when ENABLE_OAUTH_SIGNUP is
    // set to True"), 181-199 (ENABLE_PASSWORD_AUTH=False refuses every password login; only with OAuth sign-up on),
    // 102-108 (ENABLE_SIGNUP governs local account creation).
    expect(vars).toMatchObject({
      ENABLE_OAUTH_SIGNUP: 'True',
      ENABLE_LOGIN_FORM: 'False',
      ENABLE_PASSWORD_AUTH: 'False',
      ENABLE_SIGNUP: 'False',
    });
  });

  test.each(rendered)(
    'the OIDC client is the discovery URL, client id and secret, redirect <WEBUI_URL>/oauth/oidc/callback ($env)',
    ({ vars }) => {
      // Source: DOCS 6207-6254: OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OPENID_PROVIDER_URL (the .well-known/openid-configuration
      // URL, needed for logout too), OPENID_REDIRECT_URI (default <backend>/oauth/oidc/callback), OAUTH_SCOPES (openid and
      // email required); 76-94: WEBUI_URL must be set before OAuth is used.
      expect(vars.OPENID_PROVIDER_URL).toBe('<sso-discovery-url>');
      expect(vars.OPENID_REDIRECT_URI).toBe(`${vars.WEBUI_URL}/oauth/oidc/callback`);
      expect((vars.OAUTH_SCOPES ?? '').split(' ')).toEqual(expect.arrayContaining(['openid', 'email']));
      expect(vars.OAUTH_CLIENT_SECRET).toBe('secret:open-webui-env/OAUTH_CLIENT_SECRET');
      expect(vars.OAUTH_MERGE_ACCOUNTS_BY_EMAIL).toBe('False');
    },
  );

  test.each(rendered)(
    "role management reads the groups claim: the admin group becomes admin, everyone else the default role 'user' ($env)",
    ({ env, vars }) => {
      // Source: DOCS 6305-6364 (ENABLE_OAUTH_ROLE_MANAGEMENT, OAUTH_ROLES_CLAIM, OAUTH_ALLOWED_ROLES where "*" matches any
      // role, OAUTH_ADMIN_ROLES) and 262-272 (DEFAULT_USER_ROLE, default pending). Behaviour read in stored copies of
      // backend/open_webui/utils/oauth.py (several versions, none the tagged file): a dotted claim name is a nested
      // claim; a string claim is split on OAUTH_ROLES_SEPARATOR; an admin role wins over an allowed one; a user whose
      // token has no roles at all gets DEFAULT_USER_ROLE. In the newer copies (those that also know "*"), a user whose
      // roles match neither list is refused with 403, so "*" is what lets every employee in some other group in.
      // In every copy the first user of an empty database becomes admin whatever the claim.
      const cfg = config(env);
      expect(vars).toMatchObject({
        ENABLE_OAUTH_ROLE_MANAGEMENT: 'True',
        OAUTH_ROLES_CLAIM: 'cognito:groups',
        OAUTH_ADMIN_ROLES: cfg.web.adminGroup,
        OAUTH_ALLOWED_ROLES: '*',
        DEFAULT_USER_ROLE: 'user',
      });
      // A dot in the claim name would be read as a nested claim; a comma in a role list separates roles.
      expect(vars.OAUTH_ROLES_CLAIM).not.toContain('.');
      expect(cfg.web.adminGroup).not.toContain(',');
    },
  );
});

describe('Open WebUI contract: nobody becomes admin by being first', () => {
  // Source (read 2026-12-06): DOCS 121-160 (WEBUI_ADMIN_EMAIL, WEBUI_ADMIN_PASSWORD, WEBUI_ADMIN_NAME: an admin account
  // created on start-up while no user exists); the role logic and start-up order as test/support/fake-open-webui-roles.ts
  // names them (stored copies of oauth.py and main.py; none is the v0.11.0 file). Every copy makes the only user of the
  // database an admin, so the headless admin must hold that place before a person signs in.
  const employee = { email: 'first.employee@example.com', 'cognito:groups': ['employees'] };

  test.each(rendered)('the first employee to sign in after a fresh start is a user, not an admin ($env)', ({ env, vars }) => {
    const owui = new FakeOpenWebUiRoles(vars);
    owui.start();
    expect(owui.signIn('first', employee).role).toBe('user');
    // In no group at all (Cognito then omits the claim): still a user.
    expect(owui.signIn('second', { email: 'second@example.com' }).role).toBe('user');
    // The admin group's members are admins.
    expect(owui.signIn('third', { email: 'admin@example.com', 'cognito:groups': [config(env).web.adminGroup] }).role).toBe('admin');
  });

  test.each(rendered)('denies the first signer the admin role even on later sign-ins without groups ($env)', ({ vars }) => {
    const owui = new FakeOpenWebUiRoles(vars);
    owui.start();
    owui.signIn('first', { email: 'first@example.com' });
    expect(owui.signIn('first', { email: 'first@example.com' }).role).toBe('user');
  });

  test.each(rendered)(
    'without the headless admin the first employee would be admin: the variables are what prevents it ($env)',
    ({ vars }) => {
      const { WEBUI_ADMIN_PASSWORD: _p, ...withoutAdmin } = vars;
      const owui = new FakeOpenWebUiRoles(withoutAdmin);
      owui.start();
      expect(owui.signIn('first', employee).role).toBe('admin');
    },
  );

  test.each(rendered)(
    'the headless admin cannot be signed in to: no password form or API, its password a synced secret ($env)',
    ({ vars }) => {
      expect(vars).toMatchObject({ ENABLE_PASSWORD_AUTH: 'False', ENABLE_LOGIN_FORM: 'False' });
      expect(vars.WEBUI_ADMIN_PASSWORD).toBe('secret:open-webui-env/WEBUI_ADMIN_PASSWORD');
      expect(vars.WEBUI_ADMIN_EMAIL).toMatch(/@genai-platform\.internal$/);
    },
  );
});

describe('Open WebUI contract: models, retrieval and tools', () => {
  test.each(rendered)('LiteLLM is the only model connection; its list is narrowed by index-keyed OPENAI_API_CONFIGS ($env)', ({ vars }) => {
    // Source: DOCS 1144-1150 (ENABLE_OLLAMA_API), 1209-1243 (OPENAI_API_BASE_URLS and OPENAI_API_KEYS are ;-separated
    // lists; OPENAI_API_CONFIGS is a JSON object keyed by the connection's index with enable and model_ids).
    expect(vars.ENABLE_OLLAMA_API).toBe('False');
    expect(vars.OPENAI_API_BASE_URLS).not.toContain(';');
    expect(Object.keys(JSON.parse(vars.OPENAI_API_CONFIGS as string))).toEqual(['0']);
  });

  test.each(rendered)('embeddings go to LiteLLM as an OpenAI-compatible engine, not a model downloaded at start ($env)', ({ vars }) => {
    // Source: DOCS 3629-3646 (RAG_EMBEDDING_ENGINE openai; RAG_EMBEDDING_MODEL, default a local SentenceTransformers
    // model) and 4006-4019 (RAG_OPENAI_API_BASE_URL and RAG_OPENAI_API_KEY).
    expect(vars).toMatchObject({ RAG_EMBEDDING_ENGINE: 'openai', RAG_OPENAI_API_BASE_URL: vars.OPENAI_API_BASE_URLS });
    expect(vars.RAG_OPENAI_API_KEY).toBe('secret:open-webui-env/RAG_OPENAI_API_KEY');
  });

  test.each(rendered)(
    'pgvector shares the database, leaves the extension to the bootstrap, and pads shorter vectors ($env)',
    ({ vars, templates }) => {
      // Source: DOCS 2955-2978: PGVECTOR_DB_URL (defaults to DATABASE_URL), PGVECTOR_INITIALIZE_MAX_VECTOR_LENGTH (default
      // 1536), PGVECTOR_CREATE_EXTENSION=false assumes the vector extension exists and lets a non-superuser role run.
      // Padding read in stored copies of backend/open_webui/retrieval/vector/dbs/pgvector.py (several versions, none
      // the tagged file): a vector shorter than the configured length is padded with zeros; Titan Text Embeddings V2
      // returns 1,024 dimensions, under the 1,536 default, so the length is left at its default.
      expect(vars).toMatchObject({ VECTOR_DB: 'pgvector', PGVECTOR_CREATE_EXTENSION: 'false' });
      expect(templates.PGVECTOR_DB_URL).toBe(templates.DATABASE_URL);
      expect(vars).not.toHaveProperty('PGVECTOR_INITIALIZE_MAX_VECTOR_LENGTH');
    },
  );

  test('the MCP tool server is a JSON array entry of type mcp with a bearer key, pointing at LiteLLM', () => {
    // Source: DOCS 1563-1605 (TOOL_SERVER_CONNECTIONS: a JSON array; url, path, auth_type, key, config, info; an invalid
    // array falls back to none) and docs/tutorials/integrations/mcp-notion.mdx (same commit: "type": "mcp" for a
    // streamable HTTP server); auth_type "bearer" as in DOCS' TERMINAL_SERVER_CONNECTIONS examples. Not verified:
    // that config.access_grants applies to tool servers as it does to terminal servers (documented there only).
    const dev = rendered.find((r) => r.env === 'dev');
    const connections = JSON.parse(dev?.templates.TOOL_SERVER_CONNECTIONS as string);
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ type: 'mcp', url: LITELLM_MCP_URL, auth_type: 'bearer', key: '{{ .virtualKey }}' });
  });

  test.each(rendered)(
    "with forwarding on, each call carries the user's id, name, email and role in X-OpenWebUI-User-* ($env)",
    ({ vars }) => {
      // Source: DOCS 2027-2064: ENABLE_FORWARD_USER_INFO_HEADERS adds X-OpenWebUI-User-Name, -Id, -Email and -Role to
      // OpenAI-compatible model calls, tool servers and external embedding calls; FORWARD_USER_INFO_HEADER_USER_EMAIL
      // renames the email header (left at its default, which LiteLLM is told to read).
      expect(vars.ENABLE_FORWARD_USER_INFO_HEADERS).toBe('True');
      expect(OPEN_WEBUI_USER_HEADERS).toEqual({
        name: 'X-OpenWebUI-User-Name',
        id: 'X-OpenWebUI-User-Id',
        email: 'X-OpenWebUI-User-Email',
        role: 'X-OpenWebUI-User-Role',
      });
      expect(vars).not.toHaveProperty('FORWARD_USER_INFO_HEADER_USER_EMAIL');
      expect(OPEN_WEBUI_END_USER_HEADER).toBe(OPEN_WEBUI_USER_HEADERS.email);
    },
  );

  test.each(rendered)('uploads go to S3 with the pod role: no static keys are set ($env)', ({ vars }) => {
    // Source: DOCS 7080-7134 (STORAGE_PROVIDER=s3, S3_BUCKET_NAME, S3_REGION_NAME; S3_ACCESS_KEY_ID and
    // S3_SECRET_ACCESS_KEY are optional). Fallback read in stored copies of backend/open_webui/storage/provider.py
    // (several versions, none the tagged file, all agreeing): with either key unset, the S3 client is built with region,
    // endpoint and config only, so boto3's default credential chain (the pod's IRSA web identity) signs the calls.
    expect(vars).toMatchObject({ STORAGE_PROVIDER: 's3', S3_REGION_NAME: 'us-east-1' });
    expect(vars).not.toHaveProperty('S3_ACCESS_KEY_ID');
    expect(vars).not.toHaveProperty('S3_SECRET_ACCESS_KEY');
  });
});

describe('Open WebUI contract: upgrades', () => {
  test.each(rendered)('old and new releases never serve against one database: all pods stop before new ones start ($env)', ({ env }) => {
    // Source: docs/troubleshooting/multi-replica.mdx lines 267-300 (same DOCS commit): migrations run on every start;
    // rolling updates across a schema change are unsupported (v0.10.0 renamed a table older instances still query),
    // so every upgrade should stop all replicas, let the new version migrate, then start the rest.
    const deployment = find(rendered.find((r) => r.env === env)?.manifests ?? [], 'Deployment', 'open-webui');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('Open WebUI contract: the image', () => {
  test('the release image is ghcr.io/open-webui/open-webui tagged with the bare version', () => {
    // Source: HELM charts/open-webui/Chart.yaml (appVersion 0.11.0) and templates/_helpers.tpl lines 382-393 (the image
    // tag defaults to .Chart.AppVersion, without a "v"; "-slim" appended for the slim build).
    expect(IMAGES.openWebUi).toEqual({ repository: 'ghcr.io/open-webui/open-webui', tag: '0.11.0' });
  });

  test.each(rendered)('/health answers once the app serves and /health/db once the database answers ($env)', ({ container }) => {
    // Source: HELM charts/open-webui/values.yaml lines 238-266 (the commented probe examples: liveness and startup on
    // /health, readiness on /health/db, port "http").
    expect(container.livenessProbe.httpGet).toMatchObject({ path: OPEN_WEBUI_HEALTH.live, port: 'http' });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: OPEN_WEBUI_HEALTH.ready, port: 'http' });
  });

  test.each(rendered)(
    'the image builds as root; run non-root, its data and static directories must be writable copies ($env)',
    ({ pod, container }) => {
      // Source: docs/getting-started/advanced-topics/hardening.md lines 695-715 (same DOCS commit: the Dockerfile
      // takes UID/GID build arguments for a non-root user; /app/backend/data holds the data), DOCS 1032-1056 (DATA_DIR,
      // STATIC_DIR), HELM templates/workload-manager.yaml lines 59-79 (an init container copies the image's
      // /app/backend/data into the volume mounted there). That STATIC_DIR (backend/open_webui/static) is written at
      // start is read in stored copies of backend/open_webui/config.py, not the tagged file. The stock image, built
      // as root, is run here as a non-root user: upstream calls non-root "untested" in its Dockerfile.
      expect(pod.securityContext.runAsUser).toBe(OPEN_WEBUI_UID);
      expect(OPEN_WEBUI_UID).not.toBe(0);
      const mounts = container.volumeMounts.map((m: Manifest) => m.mountPath);
      expect(mounts).toEqual(expect.arrayContaining([OPEN_WEBUI_WRITABLE_PATHS.data, OPEN_WEBUI_WRITABLE_PATHS.static]));
      expect(pod.initContainers[0].command.join(' ')).toContain(OPEN_WEBUI_WRITABLE_PATHS.data);
    },
  );
});
