import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { classifySecretError, createSecretsManagerSource, SecretSourceError } from '../../../lambda/authorizer/secrets-manager-source';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('classifySecretError', () => {
  test.each<[string, unknown, string]>([
    ['a missing secret', named('ResourceNotFoundException'), 'not_found'],
    ['a secret scheduled for deletion', named('InvalidRequestException'), 'not_found'],
    ['access denied', named('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }), 'denied'],
    ['a KMS decryption failure', named('DecryptionFailure'), 'denied'],
    ['throttling', named('ThrottlingException', { $retryable: { throttling: true } }), 'transient'],
    ['an internal service error', named('InternalServiceError', { $metadata: { httpStatusCode: 500 } }), 'transient'],
    ['any 5xx', named('SomethingNew', { $metadata: { httpStatusCode: 503 } }), 'transient'],
    ['a client-side timeout', named('TimeoutError'), 'transient'],
    ['a refused connection', named('Error', { code: 'ECONNREFUSED' }), 'transient'],
    ['a validation error', named('ValidationException', { $metadata: { httpStatusCode: 400 } }), 'fatal'],
    ['a thrown string', 'boom', 'fatal'],
    ['undefined', undefined, 'fatal'],
  ])('classifies %s', (_name, err, kind) => {
    expect(classifySecretError(err).kind).toBe(kind);
  });
});

describe('createSecretsManagerSource', () => {
  test('asks for the secret by name and returns its string', async () => {
    const send = jest.fn().mockResolvedValue({ SecretString: 'sk-x' });
    await expect(createSecretsManagerSource({ send } as never)('prefix/client')).resolves.toBe('sk-x');
    const command = send.mock.calls[0][0] as GetSecretValueCommand;
    expect(command).toBeInstanceOf(GetSecretValueCommand);
    expect(command.input).toEqual({ SecretId: 'prefix/client' });
  });

  test('returns undefined for binary secrets', async () => {
    const send = jest.fn().mockResolvedValue({ SecretBinary: new Uint8Array([1]) });
    await expect(createSecretsManagerSource({ send } as never)('p/c')).resolves.toBeUndefined();
  });

  test('rejects with a classified error', async () => {
    const send = jest.fn().mockRejectedValue(named('ThrottlingException'));
    const err = await createSecretsManagerSource({ send } as never)('p/c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretSourceError);
    expect(err).toMatchObject({ kind: 'transient', code: 'ThrottlingException' });
  });
});
