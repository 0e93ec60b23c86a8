import { decide, type ClientRegistry } from '../../../lambda/admin-gate/decide';

const rule = { adminGroup: 'genai-platform-admins' };
/** The pool's clients by id: admin-gate and langfuse gated, open-webui open. */
const registry: ClientRegistry = { gated: ['id-admin-gate', 'id-langfuse'], open: ['id-open-webui'] };
const ADMIN = ['staff', 'genai-platform-admins'];

describe('admin gate decision', () => {
  test('admits anyone to an open client such as Open WebUI', () => {
    expect(decide({ clientId: 'id-open-webui', registry, groups: [] }, rule)).toEqual({ admit: true });
  });

  test.each(['id-admin-gate', 'id-langfuse'])('admits a member of the admin group to the gated client %s', (clientId) => {
    expect(decide({ clientId, registry, groups: ADMIN }, rule)).toEqual({ admit: true });
  });

  test.each(['id-admin-gate', 'id-langfuse'])('denies someone outside the admin group on the gated client %s', (clientId) => {
    expect(decide({ clientId, registry, groups: ['staff'] }, rule)).toEqual({
      admit: false,
      reason: `not in genai-platform-admins for gated client ${clientId}`,
    });
  });

  test('denies a client id the registry does not list (a client added in the console), even to an admin', () => {
    expect(decide({ clientId: 'id-new-in-console', registry, groups: ADMIN }, rule)).toEqual({
      admit: false,
      reason: 'unknown app client id-new-in-console',
    });
  });

  test('denies everyone, admins and open clients included, when the registry could not be read', () => {
    for (const clientId of ['id-open-webui', 'id-admin-gate']) {
      expect(decide({ clientId, registry: undefined, groups: ADMIN }, rule)).toEqual({
        admit: false,
        reason: 'app client registry unreadable',
      });
    }
  });

  test.each([undefined, ''])('denies an event whose client id is %p', (clientId) => {
    expect(decide({ clientId, registry, groups: ADMIN }, rule)).toEqual({ admit: false, reason: 'no app client id in the event' });
  });

  test('compares group names exactly (no prefix or case match)', () => {
    expect(
      decide({ clientId: 'id-admin-gate', registry, groups: ['GENAI-PLATFORM-ADMINS', 'genai-platform-admins-old'] }, rule).admit,
    ).toBe(false);
  });

  test('compares client ids exactly: a prefix, a case change or a name of a gated client is not an open client', () => {
    for (const clientId of ['id-open-webu', 'ID-OPEN-WEBUI', 'open-webui', 'id-open-webui ']) {
      expect(decide({ clientId, registry, groups: [] }, rule).admit).toBe(false);
    }
  });
});
