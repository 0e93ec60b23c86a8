import { NODE_POOL_LABEL, PLATFORM_NODE_CLASS, PLATFORM_NODE_POOL, platformNodeSelector } from '../../../lib/shared/node-pool';

describe('node pool facts', () => {
  test("a pod asks for our pool by the label Auto Mode puts on each node: the pool's name", () => {
    expect(platformNodeSelector()).toEqual({ 'karpenter.sh/nodepool': 'genai-platform' });
    expect(NODE_POOL_LABEL).toBe('karpenter.sh/nodepool');
  });

  test("never names a built-in pool or class, whose nodes take no tags (and 'default' is the built-in class)", () => {
    expect(['system', 'general-purpose']).not.toContain(PLATFORM_NODE_POOL);
    expect(PLATFORM_NODE_CLASS).not.toBe('default');
  });

  test('gives each call its own object, so a chart changing its copy changes no other pod', () => {
    const first = platformNodeSelector();
    first.other = 'x';
    expect(platformNodeSelector()).toEqual({ [NODE_POOL_LABEL]: PLATFORM_NODE_POOL });
  });
});
