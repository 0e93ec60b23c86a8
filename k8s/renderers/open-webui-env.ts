/**
 * Open WebUI's environment: what the chart sets, as plain values and as keys of the synced Secret. Pure: no CDK.
 *
 * Every variable here is read by the pinned release (k8s/versions.ts); test/contracts/open-webui.test.ts names where.
 * Most of them are "PersistentConfig" settings, which Open WebUI reads from the environment only until a value is
 * saved in its database; ENABLE_PERSISTENT_CONFIG=False makes the environment win on every start, so the config here
 * stays the truth (an admin's change in the UI lasts until the next restart).
 */
import { OPEN_WEBUI_CACHE_KEY_PREFIX } from '../../lib/shared/cache';
import { LITELLM_INTERNAL_URL } from '../endpoints';

export { OPEN_WEBUI_END_USER_HEADER, OPEN_WEBUI_USER_HEADERS } from '../../lib/shared/web';

/** Where Open WebUI writes under a read-only root filesystem; each gets an emptyDir. */
export const OPEN_WEBUI_WRITABLE_PATHS = {
  /** DATA_DIR of the image: uploads cache, plugin cache, the bundled model caches the image ships there. */
  data: '/app/backend/data',
  /** STATIC_DIR: on start it copies the frontend's favicon and splash images here. */
  static: '/app/backend/open_webui/static',
  tmp: '/tmp',
  /** HOME: the image's /root is not the pod user's. */
  home: '/home/open-webui',
} as const;

/**
 * The headless admin account Open WebUI creates on start-up while its database has no user (WEBUI_ADMIN_*). Upstream
 * makes the only user of a database an admin, whatever the identity provider says; this account takes that place
 * before anyone can sign in, so every person is a second user whose role comes from the groups claim. Nobody signs in
 * as it: the password form and API are off, and the address is not deliverable.
 */
export const OPEN_WEBUI_BOOTSTRAP_ADMIN = { email: 'platform-bootstrap@genai-platform.internal', name: 'Platform bootstrap' } as const;

/** Pool per pod (SQLAlchemy QueuePool): replicas x (size + overflow) stays far below Aurora's max_connections. */
export const OPEN_WEBUI_DB_POOL = { size: 5, maxOverflow: 5, recycleSeconds: 300 } as const;

/** Keys of the synced Secret; each is a template over Secrets Manager values in the chart. */
export const OPEN_WEBUI_SECRET_ENV = {
  databaseUrl: 'DATABASE_URL',
  vectorDbUrl: 'PGVECTOR_DB_URL',
  redisUrl: 'REDIS_URL',
  websocketRedisUrl: 'WEBSOCKET_REDIS_URL',
  openAiKeys: 'OPENAI_API_KEYS',
  ragOpenAiKey: 'RAG_OPENAI_API_KEY',
  secretKey: 'WEBUI_SECRET_KEY',
  adminPassword: 'WEBUI_ADMIN_PASSWORD',
  oauthClientSecret: 'OAUTH_CLIENT_SECRET',
  toolServers: 'TOOL_SERVER_CONNECTIONS',
} as const;

export interface OpenWebUiEnvInput {
  readonly region: string;
  /** WEBUI_URL: what employees open; the OIDC redirect URI is built on it. */
  readonly url: string;
  readonly bucket: string;
  /** Cookies only over HTTPS: true behind the web load balancer, false on a localhost port-forward. */
  readonly secureCookies: boolean;
  readonly sso: {
    readonly discoveryUrl: string;
    readonly clientId: string;
    readonly groupsClaim: string;
    readonly adminGroup: string;
  };
  /** Chat models offered (the team's models without the embedding model). */
  readonly chatModels: readonly string[];
  /** Model group LiteLLM serves embeddings from; absent: the image's bundled SentenceTransformers model. */
  readonly embeddingModel?: string;
  /** Offer the gateway's MCP tools (the team is granted MCP servers). */
  readonly mcpTools: boolean;
}

export interface OpenWebUiEnv {
  /** Plain variables, in a stable order. */
  readonly plain: Readonly<Record<string, string>>;
  /** Keys the synced Secret must hold, in a stable order. */
  readonly secretKeys: readonly string[];
}

/** LiteLLM's OpenAI-compatible base URL inside the cluster. */
export const LITELLM_OPENAI_BASE_URL = `${LITELLM_INTERNAL_URL}/v1`;
/** LiteLLM's MCP gateway (streamable HTTP) inside the cluster. */
export const LITELLM_MCP_URL = `${LITELLM_INTERNAL_URL}/mcp`;

/**
 * TOOL_SERVER_CONNECTIONS as a template over the built-in key (`{{ .<keyAlias> }}`): one MCP connection to
 * LiteLLM's gateway, which lists only the tools of the servers the key's team is granted. The key is a
 * secret, so the whole JSON goes into the synced Secret.
 */
export function toolServerConnectionsTemplate(keyAlias: string): string {
  return JSON.stringify([
    {
      type: 'mcp',
      url: LITELLM_MCP_URL,
      path: '',
      auth_type: 'bearer',
      key: `{{ .${keyAlias} }}`,
      config: {
        enable: true,
        // Every signed-in employee may use it; what it reaches is bounded by the team's MCP grant in LiteLLM.
        access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
      },
      info: { id: 'gateway', name: 'Gateway tools', description: 'MCP tools the platform gateway grants to the chat' },
    },
  ]);
}

export function openWebUiEnv(input: OpenWebUiEnvInput): OpenWebUiEnv {
  if (input.chatModels.length === 0) {
    throw new Error('chatModels: is empty (the Open WebUI team needs at least one chat model)');
  }
  const bool = (b: boolean) => (b ? 'True' : 'False');
  const plain: Record<string, string> = {
    ENABLE_PERSISTENT_CONFIG: 'False',
    WEBUI_URL: input.url,
    // Sign-in only through the identity provider: no local accounts, no password form, no password API.
    ENABLE_SIGNUP: 'False',
    ENABLE_LOGIN_FORM: 'False',
    ENABLE_PASSWORD_AUTH: 'False',
    ENABLE_OAUTH_SIGNUP: 'True',
    // Taken before anyone signs in, so nobody becomes admin by being first (OPEN_WEBUI_BOOTSTRAP_ADMIN).
    WEBUI_ADMIN_EMAIL: OPEN_WEBUI_BOOTSTRAP_ADMIN.email,
    WEBUI_ADMIN_NAME: OPEN_WEBUI_BOOTSTRAP_ADMIN.name,
    // An email from the provider never takes over an existing account.
    OAUTH_MERGE_ACCOUNTS_BY_EMAIL: 'False',
    OPENID_PROVIDER_URL: input.sso.discoveryUrl,
    OAUTH_CLIENT_ID: input.sso.clientId,
    OAUTH_SCOPES: 'openid email profile',
    OPENID_REDIRECT_URI: `${input.url}/oauth/oidc/callback`,
    // Admins are the members of the admin group; everyone else the provider signs in is a user.
    ENABLE_OAUTH_ROLE_MANAGEMENT: 'True',
    OAUTH_ROLES_CLAIM: input.sso.groupsClaim,
    OAUTH_ADMIN_ROLES: input.sso.adminGroup,
    // Any group admits: newer releases refuse a user whose groups match neither list.
    OAUTH_ALLOWED_ROLES: '*',
    DEFAULT_USER_ROLE: 'user',
    WEBUI_SESSION_COOKIE_SECURE: bool(input.secureCookies),
    WEBUI_AUTH_COOKIE_SECURE: bool(input.secureCookies),
    // Aurora, with pgvector in the same database (the bootstrap created the extension; the role cannot).
    DATABASE_POOL_SIZE: String(OPEN_WEBUI_DB_POOL.size),
    DATABASE_POOL_MAX_OVERFLOW: String(OPEN_WEBUI_DB_POOL.maxOverflow),
    DATABASE_POOL_RECYCLE: String(OPEN_WEBUI_DB_POOL.recycleSeconds),
    VECTOR_DB: 'pgvector',
    PGVECTOR_CREATE_EXTENSION: 'false',
    // Uploads in S3 through the pod's IAM role (no static keys).
    STORAGE_PROVIDER: 's3',
    S3_BUCKET_NAME: input.bucket,
    S3_REGION_NAME: input.region,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    // Replicas share sessions and websocket rooms through Valkey, under the one key prefix its Valkey user may touch.
    REDIS_KEY_PREFIX: OPEN_WEBUI_CACHE_KEY_PREFIX,
    ENABLE_WEBSOCKET_SUPPORT: 'True',
    WEBSOCKET_MANAGER: 'redis',
    // Models only from LiteLLM, with the built-in key; the list is the team's chat models.
    ENABLE_OLLAMA_API: 'False',
    ENABLE_OPENAI_API: 'True',
    OPENAI_API_BASE_URLS: LITELLM_OPENAI_BASE_URL,
    OPENAI_API_CONFIGS: JSON.stringify({ '0': { enable: true, model_ids: [...input.chatModels] } }),
    // Who is asking reaches LiteLLM (spend per employee) and every tool server.
    ENABLE_FORWARD_USER_INFO_HEADERS: 'True',
    ...(input.embeddingModel
      ? { RAG_EMBEDDING_ENGINE: 'openai', RAG_EMBEDDING_MODEL: input.embeddingModel, RAG_OPENAI_API_BASE_URL: LITELLM_OPENAI_BASE_URL }
      : {}),
    ENABLE_VERSION_UPDATE_CHECK: 'False',
    HOME: OPEN_WEBUI_WRITABLE_PATHS.home,
  };
  const S = OPEN_WEBUI_SECRET_ENV;
  const secretKeys = [
    S.databaseUrl,
    S.vectorDbUrl,
    S.redisUrl,
    S.websocketRedisUrl,
    S.openAiKeys,
    ...(input.embeddingModel ? [S.ragOpenAiKey] : []),
    S.secretKey,
    S.adminPassword,
    S.oauthClientSecret,
    ...(input.mcpTools ? [S.toolServers] : []),
  ];
  return { plain, secretKeys };
}
