/**
 * What the data stack, the edge, the charts and the tests must agree on about Langfuse.
 * Dependency-free on purpose: every folder imports it.
 */

/** Port the Langfuse web container listens on, the Service exposes and the load balancer targets. */
export const LANGFUSE_WEB_PORT = 3000;

/** Langfuse web's public health route (no session needed): load balancer and probes. */
export const LANGFUSE_WEB_HEALTH_PATH = '/api/public/health';

/** S3 prefixes inside the Langfuse bucket (bucket policy, lifecycle rules, chart env); each ends with a slash. */
export const LANGFUSE_S3_PREFIXES = { events: 'events/', media: 'media/', exports: 'exports/' } as const;
