/**
 * How a trace in Langfuse comes to name its environment, team and consumer without anyone tagging it.
 * Dependency-free on purpose: the tenants reconciler (lambda/) and the tests import it.
 *
 * The chain, as read in LiteLLM's main line and Langfuse v3.194.1 (test/contracts/litellm.test.ts states each
 * link): the `tags` list in a key's metadata and in its team's metadata is merged into every request's
 * metadata tags; the `langfuse_otel` callback writes those tags to the span as `langfuse.trace.tags`; Langfuse
 * makes them the trace's tags, which its UI and dashboards filter on. The key alias is the consumer name
 * (lib/shared/tenants.ts), so `consumer:<name>` also names the key; a rotated-out key keeps its tags.
 *
 * Tags go in `metadata.tags`, never in the top-level `tags` field of /key/generate, /key/update, /team/new or
 * /team/update: LiteLLM moves that field into metadata only for Enterprise licence holders and refuses it
 * otherwise, while `metadata` is stored as sent.
 */

/** The metadata field, on keys and teams alike, whose list LiteLLM merges into each request's tags. */
export const METADATA_TAGS_FIELD = 'tags';

/** Tag names the platform writes itself; a free-form label may not use them. */
export const ATTRIBUTION_TAG_NAMES = ['environment', 'team', 'consumer'] as const;

export type AttributionTagName = (typeof ATTRIBUTION_TAG_NAMES)[number];

/** One tag as LiteLLM and Langfuse carry it: a plain `name:value` string. */
export function attributionTag(name: string, value: string): string {
  return `${name}:${value}`;
}

function labelTags(labels: Readonly<Record<string, string>>): string[] {
  const reserved = Object.keys(labels).filter((name) => (ATTRIBUTION_TAG_NAMES as readonly string[]).includes(name));
  if (reserved.length > 0) {
    throw new Error(`tags: ${reserved.join(', ')} is set by the platform (use another label name)`);
  }
  return Object.keys(labels)
    .sort()
    .map((name) => attributionTag(name, labels[name] as string));
}

/** `metadata.tags` of a team: its environment and alias, then its free-form labels in name order. */
export function teamAttributionTags(environment: string, team: string, labels: Readonly<Record<string, string>> = {}): string[] {
  return [attributionTag('environment', environment), attributionTag('team', team), ...labelTags(labels)];
}

/**
 * `metadata.tags` of a consumer's key. It repeats the team's tags so a trace stays attributed even if the team's
 * metadata is not read (LiteLLM drops a tag already present, so the merged list holds each tag once).
 * `labels` are the team's labels overlaid with the consumer's own.
 */
export function keyAttributionTags(
  environment: string,
  team: string,
  consumer: string,
  labels: Readonly<Record<string, string>> = {},
): string[] {
  return [
    attributionTag('environment', environment),
    attributionTag('team', team),
    attributionTag('consumer', consumer),
    ...labelTags(labels),
  ];
}
