import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readSecretString } from '../../../lambda/db-bootstrap/secrets';
import { startMoto, type LocalMoto } from '../../support/moto';

let moto: LocalMoto;
let client: SecretsManagerClient;

beforeAll(async () => {
  moto = await startMoto();
  client = new SecretsManagerClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
});

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

describe('readSecretString', () => {
  test('returns the SecretString of a secret', async () => {
    const { ARN } = await client.send(new CreateSecretCommand({ Name: 'text-secret', SecretString: '{"a":1}' }));
    await expect(readSecretString(client, ARN!)).resolves.toBe('{"a":1}');
  });

  test('names the secret and the service error when it cannot be read', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf';
    await expect(readSecretString(client, arn)).rejects.toThrow(new RegExp(`^Could not read secret ${arn}: ResourceNotFoundException: `));
  });

  test('rejects a binary secret, which the bootstrap cannot use', async () => {
    const { ARN } = await client.send(new CreateSecretCommand({ Name: 'binary-secret', SecretBinary: Buffer.from([1, 2, 3]) }));
    await expect(readSecretString(client, ARN!)).rejects.toThrow(
      `Secret ${ARN} has no SecretString; expected JSON written by Secrets Manager or RDS`,
    );
  });
});
