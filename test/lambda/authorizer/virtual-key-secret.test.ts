import { parseVirtualKeySecret } from '../../../lambda/authorizer/virtual-key-secret';

describe('parseVirtualKeySecret', () => {
  test.each<[string, string | undefined, string | undefined]>([
    ['accepts a bare key', 'sk-AbC123_-xyz789', 'sk-AbC123_-xyz789'],
    ['accepts the JSON form', '{"virtualKey":"sk-AbC123_-xyz789"}', 'sk-AbC123_-xyz789'],
    ['rejects a missing value (binary secret)', undefined, undefined],
    ['rejects an empty string', '', undefined],
    ['rejects a key without the sk- prefix', 'AbC123_-xyz789', undefined],
    ['rejects a key that is too short', 'sk-abc', undefined],
    ['rejects a key with a trailing newline', 'sk-AbC123_-xyz789\n', undefined],
    ['rejects a key that could inject a header', 'sk-AbC123_-xyz789\r\nx-admin: 1', undefined],
    ['rejects a key with spaces', 'sk-AbC123 xyz789', undefined],
    ['rejects JSON with another field name', '{"key":"sk-AbC123_-xyz789"}', undefined],
    ['rejects JSON with extra fields', '{"virtualKey":"sk-AbC123_-xyz789","team":"x"}', undefined],
    ['rejects JSON whose key is not a string', '{"virtualKey":42}', undefined],
    ['rejects JSON whose key is malformed', '{"virtualKey":"master-key"}', undefined],
    ['rejects broken JSON', '{"virtualKey":', undefined],
    ['rejects a JSON array', '["sk-AbC123_-xyz789"]', undefined],
    ['rejects a JSON string', '"sk-AbC123_-xyz789"', undefined],
  ])('%s', (_name, input, expected) => {
    expect(parseVirtualKeySecret(input)).toBe(expected);
  });
});
