import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { clientNameLookup } from '../../../lambda/admin-gate/client-names';
import { startMoto, type LocalMoto } from '../../support/moto';

describe('app client name lookup (against moto)', () => {
  let moto: LocalMoto;
  let cognito: CognitoIdentityProviderClient;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    moto = await startMoto();
    cognito = new CognitoIdentityProviderClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
    poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'workforce' }))).UserPool!.Id!;
    clientId = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'admin-gate', GenerateSecret: true })))
      .UserPoolClient!.ClientId!;
  }, 30_000);

  afterAll(async () => {
    cognito?.destroy();
    await moto?.stop();
  });

  test('finds the name of the client the tokens are for', async () => {
    await expect(clientNameLookup(cognito)(poolId, clientId)).resolves.toBe('admin-gate');
  });

  test('asks Cognito once per client per cold start', async () => {
    const calls: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => (calls.push(command.constructor.name), cognito.send(command as never)),
    };
    const lookup = clientNameLookup(counting as unknown as CognitoIdentityProviderClient);
    await lookup(poolId, clientId);
    await lookup(poolId, clientId);
    expect(calls).toEqual(['DescribeUserPoolClientCommand']);
  });

  test('fails for a client that does not exist', async () => {
    await expect(clientNameLookup(cognito)(poolId, 'nope')).rejects.toThrow();
  });
});
