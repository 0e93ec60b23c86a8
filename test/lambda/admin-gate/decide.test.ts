import { decide } from '../../../lambda/admin-gate/decide';

const rule = { gatedClientNames: ['admin-gate', 'langfuse'], adminGroup: 'genai-platform-admins' };

describe('admin gate decision', () => {
  test('admits anyone to an ungated client such as Open WebUI', () => {
    expect(decide({ clientName: 'open-webui', groups: [] }, rule)).toEqual({ admit: true });
  });

  test.each(['admin-gate', 'langfuse'])('admits a member of the admin group to %s', (clientName) => {
    expect(decide({ clientName, groups: ['staff', 'genai-platform-admins'] }, rule)).toEqual({ admit: true });
  });

  test.each(['admin-gate', 'langfuse'])('refuses someone outside the admin group on %s', (clientName) => {
    expect(decide({ clientName, groups: ['staff'] }, rule)).toEqual({
      admit: false,
      reason: `not in genai-platform-admins for client ${clientName}`,
    });
  });

  test('refuses when the client is unknown, whatever the groups', () => {
    expect(decide({ clientName: undefined, groups: ['genai-platform-admins'] }, rule)).toEqual({
      admit: false,
      reason: 'unknown app client',
    });
  });

  test('compares group names exactly (no prefix or case match)', () => {
    expect(decide({ clientName: 'admin-gate', groups: ['GENAI-PLATFORM-ADMINS', 'genai-platform-admins-old'] }, rule).admit).toBe(false);
  });
});
