import { parseGateEnvironment } from '../../../lambda/admin-gate/environment';

describe('admin gate environment', () => {
  test('reads the admin group and the name of the client registry parameter', () => {
    expect(
      parseGateEnvironment({ ADMIN_GROUP: ' admins ', APP_CLIENT_REGISTRY_PARAMETER: '/genai-gateway/dev/workforce/abc/app-clients' }),
    ).toEqual({
      adminGroup: 'admins',
      clientRegistryParameter: '/genai-gateway/dev/workforce/abc/app-clients',
    });
  });

  test('refuses a missing admin group', () => {
    expect(() => parseGateEnvironment({ APP_CLIENT_REGISTRY_PARAMETER: '/p' })).toThrow('ADMIN_GROUP is not set');
  });

  test('refuses a missing or blank registry parameter name', () => {
    expect(() => parseGateEnvironment({ ADMIN_GROUP: 'admins' })).toThrow('APP_CLIENT_REGISTRY_PARAMETER is not set');
    expect(() => parseGateEnvironment({ ADMIN_GROUP: 'admins', APP_CLIENT_REGISTRY_PARAMETER: ' ' })).toThrow(
      'APP_CLIENT_REGISTRY_PARAMETER is not set',
    );
  });
});
