import {
  ATTRIBUTION_TAG_NAMES,
  METADATA_TAGS_FIELD,
  attributionTag,
  keyAttributionTags,
  teamAttributionTags,
} from '../../../lib/shared/attribution';

describe('attribution tags', () => {
  test('a team is tagged with its environment and alias, then its labels in name order', () => {
    expect(teamAttributionTags('dev', 'research', { owner: 'ana', 'cost-centre': 'cc-42' })).toEqual([
      'environment:dev',
      'team:research',
      'cost-centre:cc-42',
      'owner:ana',
    ]);
  });

  test("a key carries its team's tags and its consumer", () => {
    expect(keyAttributionTags('prod', 'finance', 'ledger-bot')).toEqual(['environment:prod', 'team:finance', 'consumer:ledger-bot']);
    expect(keyAttributionTags('prod', 'finance', 'ledger-bot', { 'cost-centre': 'cc-7' })).toEqual([
      'environment:prod',
      'team:finance',
      'consumer:ledger-bot',
      'cost-centre:cc-7',
    ]);
  });

  test('the same input always gives the same list, so the reconciler sees no change on a second run', () => {
    const labels = { b: '2', a: '1' };
    expect(keyAttributionTags('dev', 't', 'c', labels)).toEqual(keyAttributionTags('dev', 't', 'c', { a: '1', b: '2' }));
  });

  test.each(ATTRIBUTION_TAG_NAMES)('refuses a free-form label named %s', (name) => {
    expect(() => teamAttributionTags('dev', 'research', { [name]: 'x' })).toThrow(
      `tags: ${name} is set by the platform (use another label name)`,
    );
    expect(() => keyAttributionTags('dev', 'research', 'app', { [name]: 'x' })).toThrow(
      `tags: ${name} is set by the platform (use another label name)`,
    );
  });

  test('tags are name:value strings in metadata.tags', () => {
    expect(attributionTag('team', 'research')).toBe('team:research');
    expect(METADATA_TAGS_FIELD).toBe('tags');
  });
});
