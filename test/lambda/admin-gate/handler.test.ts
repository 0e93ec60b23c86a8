import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { REFUSAL, type ClientRegistry } from '../../../lambda/admin-gate/decide';
import { createHandler } from '../../../lambda/admin-gate/handler';

/** What the deployment writes: admin-gate (c2) and langfuse (c3) gated, open-webui (c1) open. */
const REGISTRY: ClientRegistry = { gated: ['c2', 'c3'], open: ['c1'] };

/** An event shaped like Cognito's V1 pre-token-generation event (test/contracts/cognito.test.ts). */
function event(clientId: string | undefined, groups: string[] | undefined): PreTokenGenerationTriggerEvent {
  return {
    version: '1',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: 'u-123',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: clientId as string },
    request: {
      userAttributes: { email: 'a@example.com' },
      groupConfiguration: groups === undefined ? (undefined as never) : { groupsToOverride: groups },
    },
    response: { claimsOverrideDetails: {} },
  };
}

function harness(clients: () => Promise<ClientRegistry> = () => Promise.resolve(REGISTRY)) {
  const logs: string[] = [];
  const handler = createHandler({ rule: { adminGroup: 'admins' }, clients, log: (m) => logs.push(m) });
  return { handler, logs };
}

describe('admin gate handler', () => {
  test('returns the event unchanged when it admits an admin to a gated client', async () => {
    const { handler } = harness();
    const input = event('c2', ['admins']);
    await expect(handler(input)).resolves.toBe(input);
  });

  test('lets anyone through on an open client', async () => {
    const { handler } = harness();
    await expect(handler(event('c1', []))).resolves.toBeDefined();
  });

  test('denies a non-admin on a gated client: throws, so Cognito issues no token; logs the user id, not the e-mail', async () => {
    const { handler, logs } = harness();
    await expect(handler(event('c3', ['staff']))).rejects.toThrow(REFUSAL);
    expect(logs).toEqual(['refused TokenGeneration_HostedAuth for user u-123: not in admins for gated client c3']);
    expect(logs.join()).not.toContain('a@example.com');
  });

  test('denies a non-admin on the admin-gate client after someone renamed it to open-webui: names are never read', async () => {
    // A rename changes ClientName only; the id, and so the registry, stay. The handler has no way to read a name.
    const { handler } = harness();
    await expect(handler(event('c2', ['staff']))).rejects.toThrow(REFUSAL);
  });

  test('denies a client id the registry does not list (a client added outside the deployment), admins included', async () => {
    const { handler, logs } = harness();
    await expect(handler(event('c9', ['admins']))).rejects.toThrow(REFUSAL);
    expect(logs).toEqual(['refused TokenGeneration_HostedAuth for user u-123: unknown app client c9']);
  });

  test('denies everyone, open clients included, when the registry cannot be read (fails closed)', async () => {
    const { handler, logs } = harness(() => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })));
    await expect(handler(event('c1', ['admins']))).rejects.toThrow(REFUSAL);
    expect(logs).toEqual([
      'refused TokenGeneration_HostedAuth for app client c1: could not read the client registry: AccessDeniedException',
      'refused TokenGeneration_HostedAuth for user u-123: app client registry unreadable',
    ]);
  });

  test('treats an event without groups as no group (denied on a gated client)', async () => {
    const { handler } = harness();
    await expect(handler(event('c2', undefined))).rejects.toThrow(REFUSAL);
  });

  test('denies an event without a client id', async () => {
    const { handler } = harness();
    await expect(handler(event(undefined, ['admins']))).rejects.toThrow(REFUSAL);
  });
});
