/**
 * What the config, the LiteLLM chart and the load kit agree on about the mock model. Dependency-free: lib/, k8s/ and
 * bin/ import it.
 */

/** The model name the load kit's mock group is served under; teams list it in their models to be load-tested. */
export const LOAD_MOCK_MODEL = 'load-mock';
