/**
 * Key and channel names each application writes in Valkey at its pinned release, as read upstream
 * (test/contracts/elasticache.test.ts names the files). Built from our own settings where the application prefixes
 * them, so a changed prefix changes these names too.
 */
import { LANGFUSE_CACHE_KEY_PREFIX, OPEN_WEBUI_CACHE_KEY_PREFIX } from '../../lib/shared/cache';
import { rateLimitKeys } from './litellm-isolation';

export interface ApplicationNames {
  /** Keys the application reads and writes. */
  readonly keys: readonly string[];
  /** Channels it publishes or subscribes to. */
  readonly channels: readonly string[];
  /** Channel patterns it PSUBSCRIBEs to. */
  readonly channelPatterns: readonly string[];
}

/**
 * LiteLLM, unprefixed: the v3 limiter's window and counters per descriptor (test/support/litellm-isolation.ts), the
 * router's cool-downs (`deployment:<model id>:cooldown`, litellm/router_utils/cooldown_cache.py) and the spend
 * update buffers (litellm/constants.py, REDIS_*_BUFFER_KEY), main-line copies.
 */
export const LITELLM_NAMES: ApplicationNames = {
  keys: [
    ...rateLimitKeys('api_key', '88e2b5a0c7d1f4e6'),
    ...rateLimitKeys('team', 'platform'),
    ...rateLimitKeys('end_user', 'ada@example.com'),
    'deployment:claude-sonnet:0:cooldown',
    'litellm_spend_update_buffer',
    'litellm_daily_spend_update_buffer',
    'litellm_daily_team_spend_update_buffer',
  ],
  channels: [],
  channelPatterns: [],
};

/**
 * Langfuse v3.194.1 with REDIS_KEY_PREFIX set: BullMQ keys `<prefix>:<queue>:<suffix>` (queue names from
 * packages/shared/src/server/queues.ts), and the cache client's keys with the prefix glued on by ioredis keyPrefix
 * (`api-key:<hash>`, `prompt:<project>:...`, `rate-limit:<resource>:<org>`).
 */
export const LANGFUSE_NAMES: ApplicationNames = {
  keys: [
    ...['wait', 'active', 'id', 'meta', 'events', 'delayed', '1234'].map((s) => `${LANGFUSE_CACHE_KEY_PREFIX}:ingestion-queue:${s}`),
    `${LANGFUSE_CACHE_KEY_PREFIX}:otel-ingestion-queue:wait`,
    `${LANGFUSE_CACHE_KEY_PREFIX}:trace-upsert:wait`,
    `${LANGFUSE_CACHE_KEY_PREFIX}api-key:5f2b7c`,
    `${LANGFUSE_CACHE_KEY_PREFIX}prompt:project-1:0:summarise`,
    `${LANGFUSE_CACHE_KEY_PREFIX}rate-limit:public-api:org-1`,
  ],
  channels: [],
  channelPatterns: [],
};

/**
 * Open WebUI with REDIS_KEY_PREFIX set: the websocket pools and cleanup lock, token revocation, tasks
 * (backend/open_webui/socket/main.py, utils/auth.py, tasks.py in the stored copies read), its task commands channel,
 * and Socket.IO's channel `socketio` (python-socketio's default name, which Open WebUI does not prefix), with the
 * per-room channels `socketio#<namespace>#<room>` later releases PSUBSCRIBE to as `socketio#*`.
 */
export const OPEN_WEBUI_NAMES: ApplicationNames = {
  keys: [
    `${OPEN_WEBUI_CACHE_KEY_PREFIX}:session_pool`,
    `${OPEN_WEBUI_CACHE_KEY_PREFIX}:usage_pool`,
    `${OPEN_WEBUI_CACHE_KEY_PREFIX}:models`,
    `${OPEN_WEBUI_CACHE_KEY_PREFIX}:usage_cleanup_lock`,
    `${OPEN_WEBUI_CACHE_KEY_PREFIX}:auth:token:4c1d:revoked`,
    `${OPEN_WEBUI_CACHE_KEY_PREFIX}:tasks`,
    `${OPEN_WEBUI_CACHE_KEY_PREFIX}:tasks:item:chat-1`,
    `${OPEN_WEBUI_CACHE_KEY_PREFIX}:ydoc:documents:note:1`,
  ],
  channels: [`${OPEN_WEBUI_CACHE_KEY_PREFIX}:tasks:commands`, 'socketio', 'socketio#/#user:42'],
  channelPatterns: ['socketio#*'],
};
