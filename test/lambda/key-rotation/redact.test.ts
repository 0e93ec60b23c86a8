import { REDACTED, jsonLog, redact, redactedError } from '../../../lambda/key-rotation/redact';

describe('redact', () => {
  test('hides every sk- run and each known secret, whatever its shape', () => {
    expect(redact('Key sk-AbC_d-123456 not found; master abcdefgh1234', ['abcdefgh1234'])).toBe(
      `Key ${REDACTED} not found; master ${REDACTED}`,
    );
  });

  test('leaves text without keys as it is', () => {
    expect(redact('LiteLLM POST /key/update answered 400: alias taken')).toBe('LiteLLM POST /key/update answered 400: alias taken');
  });

  test('a log line and an error never carry a key, even one passed by mistake', () => {
    const lines: string[] = [];
    jsonLog((line) => lines.push(line))('setSecret.issued', { consumer: 'app-one', leaked: 'sk-0123456789abcdef' });
    expect(lines).toEqual([`{"event":"setSecret.issued","consumer":"app-one","leaked":"${REDACTED}"}`]);
    const err = redactedError(new Error('Key sk-0123456789abcdef not found.'));
    expect(err.message).toBe(`Key ${REDACTED} not found.`);
    expect(err.stack).not.toContain('sk-0123456789abcdef');
  });
});
