/**
 * What the edge, the charts and the tests must agree on about the LiteLLM gateway.
 * Dependency-free on purpose: lib/, constructs/, k8s/, lambda/ and bin/ all import it.
 */

/** Port the LiteLLM container listens on, the Service exposes and the load balancer targets. */
export const LITELLM_PORT = 4000;

/** Liveness (process up, no dependency checks): what the load balancer and kubelet probe. */
export const LITELLM_LIVENESS_PATH = '/health/liveliness';

/** Readiness (database and cache reachable). */
export const LITELLM_READINESS_PATH = '/health/readiness';

/**
 * The header the edge writes the caller's virtual key into. LiteLLM reads it natively (no
 * `litellm_key_header_name` setting), accepts the bare `sk-...` key and prefers it to `Authorization`
 * (test/contracts/litellm.test.ts).
 */
export const LITELLM_KEY_HEADER = 'x-litellm-api-key';
