import { configChecksum } from '../../../k8s/renderers/checksum';

describe('configChecksum', () => {
  test('does not depend on key order', () => {
    expect(configChecksum({ a: '1', b: '2' })).toBe(configChecksum({ b: '2', a: '1' }));
  });

  test('changes when any file changes, including which name holds which content', () => {
    const base = configChecksum({ a: '1', b: '2' });
    expect(configChecksum({ a: '1', b: '3' })).not.toBe(base);
    expect(configChecksum({ a: '2', b: '1' })).not.toBe(base);
    expect(configChecksum({ a: '12', b: '' })).not.toBe(configChecksum({ a: '1', b: '2' }));
  });

  test('is a sha256 hex digest', () => {
    expect(configChecksum({})).toMatch(/^[a-f0-9]{64}$/);
  });
});
