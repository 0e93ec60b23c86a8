import { keySecretString, newVirtualKey, parseVirtualKeySecret } from '../../../lambda/key-rotation/key-value';

describe('newVirtualKey', () => {
  test('is sk- and 32 random bytes in URL-safe base64, as LiteLLM requires of a caller-chosen key', () => {
    expect(newVirtualKey()).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(newVirtualKey(() => Buffer.alloc(32, 0xff))).toBe(`sk-${'_'.repeat(42)}8`);
    expect(new Set(Array.from({ length: 50 }, () => newVirtualKey())).size).toBe(50);
  });

  test('is stored in the form the authorizer reads', () => {
    const key = newVirtualKey();
    expect(keySecretString(key)).toBe(`{"virtualKey":"${key}"}`);
    expect(parseVirtualKeySecret(keySecretString(key))).toBe(key);
  });
});
