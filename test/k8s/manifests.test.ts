import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAllManifests, renderEnvironmentManifests, staleManifests } from '../../k8s/manifests';
import { ENVIRONMENT_NAMES, config } from './support/charts';

describe('review render', () => {
  const expected = renderAllManifests(ENVIRONMENT_NAMES.map(config));

  test('writes one file per chart per environment', () => {
    expect(Object.keys(expected).sort()).toEqual(
      ENVIRONMENT_NAMES.flatMap((env) =>
        ['nodes', 'base', 'clickhouse', 'langfuse', 'litellm', 'open-webui'].map((c) => `manifests/${env}/${c}.yaml`),
      ).sort(),
    );
  });

  test('is deterministic', () => {
    expect(renderEnvironmentManifests(config('dev'))).toEqual(renderEnvironmentManifests(config('dev')));
  });

  test('the committed manifests are up to date (run `npx tsx bin/render-manifests.ts` if this fails)', () => {
    const committed = Object.fromEntries(Object.keys(expected).map((p) => [p, readFileSync(join(__dirname, '..', '..', p), 'utf8')]));
    expect(staleManifests(expected, committed)).toEqual([]);
  });

  test('uses readable placeholders, never tokens', () => {
    const all = Object.values(expected).join('\n');
    expect(all).toContain('<litellm-role-arn>');
    expect(expected['manifests/prod/nodes.yaml']).toContain('role: <auto-mode-node-role-name>');
    expect(all).not.toContain('${Token[');
  });
});

describe('staleManifests', () => {
  test('names changed, missing and leftover files', () => {
    expect(staleManifests({ a: '1', b: '2', c: '3' }, { a: '1', b: 'x', d: '4' })).toEqual(['b', 'c', 'd']);
  });
});
