import { decide, type DecideDeps } from '../../../lambda/authorizer/decide';
import { AuthorizerFault, Denial } from '../../../lambda/authorizer/outcome';

const headers = { headers: { Authorization: 'Bearer a.b.c' } };
const verifier = (result: () => Promise<{ clientId: string; endUser?: string }>) => ({
  verify: jest.fn(async () => {
    const r = await result();
    return { endUser: r.clientId, ...r, claims: {} };
  }),
});

function deps(overrides: Partial<DecideDeps> = {}): DecideDeps {
  return {
    mode: 'inject',
    maxTokenLength: 100,
    verifier: verifier(async () => ({ clientId: 'c1' })),
    keys: { get: async () => ({ kind: 'found', virtualKey: 'sk-abcdefgh' }) },
    ...overrides,
  };
}

describe('decide', () => {
  test('allows with the client virtual key in inject mode', async () => {
    await expect(decide(headers, deps())).resolves.toEqual({ effect: 'allow', clientId: 'c1', endUser: 'c1', virtualKey: 'sk-abcdefgh' });
  });

  test('allows without reading any key in passthrough mode', async () => {
    const get = jest.fn();
    await expect(decide(headers, deps({ mode: 'passthrough', keys: { get } }))).resolves.toEqual({
      effect: 'allow',
      clientId: 'c1',
      endUser: 'c1',
    });
    expect(get).not.toHaveBeenCalled();
  });

  test("allows a browser app's user token with the person as end user and the app's key", async () => {
    const d = deps({ verifier: verifier(async () => ({ clientId: 'spa1', endUser: 'person-sub-1' })) });
    await expect(decide(headers, d)).resolves.toEqual({
      effect: 'allow',
      clientId: 'spa1',
      endUser: 'person-sub-1',
      virtualKey: 'sk-abcdefgh',
    });
  });

  test('denies a verified client that has no key with a 403', async () => {
    await expect(decide(headers, deps({ keys: { get: async () => ({ kind: 'unknown' }) } }))).resolves.toEqual({
      effect: 'deny',
      status: 403,
      reason: 'unknown_client',
      clientId: 'c1',
    });
  });

  test('denies before verification when the header is unusable', async () => {
    const d = deps();
    await expect(decide({ headers: {} }, d)).resolves.toEqual({
      effect: 'deny',
      status: 401,
      reason: 'missing_token',
      clientId: undefined,
    });
    expect(d.verifier.verify).not.toHaveBeenCalled();
  });

  test('passes verifier denials through', async () => {
    await expect(
      decide(
        headers,
        deps({
          verifier: verifier(async () => {
            throw new Denial('expired');
          }),
        }),
      ),
    ).resolves.toMatchObject({ effect: 'deny', status: 401, reason: 'expired' });
  });

  test('rejects with the fault when the key store faults', async () => {
    const keys = {
      get: async () => {
        throw new AuthorizerFault('key_access_denied', 'AccessDeniedException');
      },
    };
    await expect(decide(headers, deps({ keys }))).rejects.toMatchObject({ reason: 'key_access_denied' });
  });

  test('turns unexpected errors into an internal_error fault', async () => {
    const keys = {
      get: async () => {
        throw new TypeError('boom');
      },
    };
    await expect(decide(headers, deps({ keys }))).rejects.toEqual(
      expect.objectContaining({ reason: 'internal_error', causeName: 'TypeError' }),
    );
  });

  test('faults rather than allowing when inject mode has no key store', async () => {
    await expect(decide(headers, deps({ keys: undefined }))).rejects.toBeInstanceOf(AuthorizerFault);
  });
});
