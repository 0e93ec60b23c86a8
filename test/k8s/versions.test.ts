import { HELM_CHARTS, IMAGES, imageRef } from '../../k8s/versions';

describe('versions', () => {
  test('every image has an exact version tag', () => {
    for (const image of Object.values(IMAGES)) {
      expect(image.tag).toMatch(/^v?\d+\.\d+\.\d+(\.\d+)?$/);
      expect(imageRef(image)).toBe(`${image.repository}:${image.tag}`);
    }
  });

  test('Langfuse web and worker run the same release', () => {
    expect(IMAGES.langfuseWeb.tag).toBe(IMAGES.langfuseWorker.tag);
  });

  test('every Helm chart is pinned to an exact version from an HTTPS repository', () => {
    for (const chart of Object.values(HELM_CHARTS)) {
      expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(chart.repository).toMatch(/^https:\/\//);
    }
    expect(HELM_CHARTS.externalSecrets.namespace).toBe('external-secrets');
  });
});
