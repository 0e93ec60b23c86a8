import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { REFUSAL } from '../../../lambda/admin-gate/decide';
import { createHandler } from '../../../lambda/admin-gate/handler';

const NAMES: Record<string, string> = { c1: 'open-webui', c2: 'admin-gate' };

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

function harness(lookup: (pool: string, id: string) => Promise<string> = (_p, id) => Promise.resolve(NAMES[id]!)) {
  const logs: string[] = [];
  const handler = createHandler({
    rule: { gatedClientNames: ['admin-gate'], adminGroup: 'admins' },
    clientName: lookup,
    log: (m) => logs.push(m),
  });
  return { handler, logs };
}

describe('admin gate handler', () => {
  test('returns the event unchanged when it admits', async () => {
    const { handler } = harness();
    const input = event('c2', ['admins']);
    await expect(handler(input)).resolves.toBe(input);
  });

  test('lets anyone through on an ungated client', async () => {
    const { handler } = harness();
    await expect(handler(event('c1', []))).resolves.toBeDefined();
  });

  test('throws, so Cognito issues no token, when a non-admin asks for the admin client; logs the user id, not the e-mail', async () => {
    const { handler, logs } = harness();
    await expect(handler(event('c2', ['staff']))).rejects.toThrow(REFUSAL);
    expect(logs).toEqual(['refused TokenGeneration_HostedAuth for user u-123: not in admins for client admin-gate']);
    expect(logs.join()).not.toContain('a@example.com');
  });

  test('treats an event without groups as no group (refused on the admin client)', async () => {
    const { handler } = harness();
    await expect(handler(event('c2', undefined))).rejects.toThrow(REFUSAL);
  });

  test('refuses when the client name cannot be read (fails closed)', async () => {
    const { handler, logs } = harness(() => Promise.reject(Object.assign(new Error('denied'), { name: 'AccessDeniedException' })));
    await expect(handler(event('c1', ['admins']))).rejects.toThrow(REFUSAL);
    expect(logs[0]).toBe('refused TokenGeneration_HostedAuth: could not read app client c1: AccessDeniedException');
  });

  test('refuses an event without a client id', async () => {
    const { handler } = harness();
    await expect(handler(event(undefined, ['admins']))).rejects.toThrow(REFUSAL);
  });
});
