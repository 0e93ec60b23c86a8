import { parseGateEnvironment } from '../../../lambda/admin-gate/environment';

describe('admin gate environment', () => {
  test('reads the admin group and the comma-separated gated client names', () => {
    expect(parseGateEnvironment({ ADMIN_GROUP: 'admins', GATED_CLIENT_NAMES: 'admin-gate, langfuse' })).toEqual({
      adminGroup: 'admins',
      gatedClientNames: ['admin-gate', 'langfuse'],
    });
  });

  test('refuses a missing admin group', () => {
    expect(() => parseGateEnvironment({ GATED_CLIENT_NAMES: 'admin-gate' })).toThrow('ADMIN_GROUP is not set');
  });

  test('refuses an empty client list', () => {
    expect(() => parseGateEnvironment({ ADMIN_GROUP: 'admins', GATED_CLIENT_NAMES: ' , ' })).toThrow(
      'GATED_CLIENT_NAMES lists no app client',
    );
  });
});
