import { BACKUP_TAG, ENVIRONMENT_TAG, clickhouseVolumeTags, nodeTags } from '../../../lib/shared/cost-tags';

describe('clickhouseVolumeTags', () => {
  test("tags each ClickHouse volume with its environment (cost) and for the environment's backup selection", () => {
    expect(clickhouseVolumeTags('prod')).toEqual({
      tagSpecification_1: `${ENVIRONMENT_TAG}=prod`,
      tagSpecification_2: `${BACKUP_TAG}=prod`,
    });
  });

  test("never tags one environment's volumes for another environment's backups", () => {
    expect(Object.values(clickhouseVolumeTags('dev'))).not.toContain(`${BACKUP_TAG}=prod`);
  });
});

describe('nodeTags', () => {
  test('tags each node with its environment only: nodes are shared by every team, so no team tag', () => {
    expect(nodeTags('prod')).toEqual({ [ENVIRONMENT_TAG]: 'prod' });
  });

  test('never marks a node for backup selection (nodes hold nothing to restore)', () => {
    expect(Object.keys(nodeTags('prod'))).not.toContain(BACKUP_TAG);
  });
});
