/**
 * LiteLLM's admin API as the tenants reconciler and the key rotation use it: the request and response shapes of
 * the team and key routes, key hashing, alias uniqueness, expiry, authentication, errors and readiness.
 * Each test checks the requests OUR client (lambda/tenants/litellm-admin.ts) sends and the answers OUR stand-in
 * (test/support/fake-litellm-admin.ts) gives against the fact it names.
 *
 * Sources, read 2026-11-29 through the code index, restated in our own words. The pinned image is
 * ghcr.io/berriai/litellm-non_root:v1.108.12 (k8s/versions.ts); the v1.108.12 tag itself could not be read, so
 * these are the closest stored copies of BerriAI/litellm and forks of it:
 * - KEYS: BerriAI/litellm litellm/proxy/management_endpoints/key_management_endpoints.py at commit
 *   00670428e1ec49f6f79eee1e58df7be472b719ab (main line, newer than v1.108.12).
 * - TEAMS: litellm/proxy/management_endpoints/team_endpoints.py in the fork rophy/litellm at commit
 *   ab32e103d2dd42469a4665b6cd93ab6f31639396 (a recent main line), cross-checked with the older BerriAI/litellm
 *   copies at 0026911a and 2bc560d3 where they overlap (new/update/delete/info/list behave the same).
 * - UTILS: litellm/proxy/utils.py (_hash_token_if_needed, get_data, insert_data, handle_exception_on_proxy) and
 *   litellm/proxy/_types.py (ProxyException keeps str(message) and the code as a string), copies from the index.
 * - HEALTH: BerriAI/litellm litellm/proxy/health_endpoints/_health_endpoints.py at commit
 *   017076dffce066e5c8acb9363a69f4549bb07377.
 * - GRANTS (read 2026-12-06): a third-party operations note, "API shapes (read from LiteLLM source, main @
 *   2026-07-21)", found by content in the code index (no repository named): which team routes return the
 *   object_permission relation and how /team/update merges it. Not confirmed at the v1.108.12 tag.
 */
import { keyHash, LiteLlmAdmin, LiteLlmAdminError } from '../../lambda/tenants/litellm-admin';
import { FakeLiteLlmAdmin, sha256 } from '../support/fake-litellm-admin';

const MASTER = 'sk-master-contract-0001';
const KEY = 'sk-contract-key-value-0002';

interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: Record<string, unknown>;
}

let fake: FakeLiteLlmAdmin;
let sent: SentRequest[];
let client: LiteLlmAdmin;

beforeEach(async () => {
  fake = await FakeLiteLlmAdmin.start({ masterKey: MASTER, now: () => Date.parse('2026-11-29T10:00:00Z') });
  sent = [];
  const recording: typeof fetch = async (input, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: input instanceof Request ? input.url : input.toString(),
      headers: { ...(init?.headers as Record<string, string>) },
      ...(typeof init?.body === 'string' ? { body: JSON.parse(init.body) as Record<string, unknown> } : {}),
    });
    return fetch(input, init);
  };
  client = new LiteLlmAdmin({ baseUrl: fake.url, masterKey: MASTER, fetch: recording });
});

afterEach(async () => {
  await fake.stop();
});

const last = () => sent[sent.length - 1]!;

describe('LiteLLM contract: authentication and errors of the admin routes', () => {
  test('admin calls carry the master key as `Authorization: Bearer <master key>`; anything else is a 401 auth_error', async () => {
    // Source: KEYS (every route depends on user_api_key_auth; the documented calls send "Authorization: Bearer
    // sk-1234", the master key) and test/contracts/litellm.test.ts (401 bodies of user_api_key_auth.py).
    await client.listTeams();
    expect(last().headers.authorization).toBe(`Bearer ${MASTER}`);

    const wrong = new LiteLlmAdmin({ baseUrl: fake.url, masterKey: 'sk-not-the-master' });
    const err = await wrong.listTeams().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LiteLlmAdminError);
    expect((err as LiteLlmAdminError).status).toBe(401);
    const none = await fetch(`${fake.url}/team/list`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      error: { message: 'Authentication Error, No api key passed in.', type: 'auth_error', param: 'None', code: '401' },
    });
  });

  test("errors are {error: {message, type, param, code}} with code the status as a string; the client's error keeps status and message but never a key", async () => {
    // Source: UTILS (ProxyException stores str(message) and str(code); handle_exception_on_proxy turns an
    // HTTPException into one whose message is the str() of its detail, so a detail dict reads "{'error': ...}").
    await client.newTeam({ team_alias: 't', models: [], metadata: {} });
    const team = fake.teamByAlias('t')!;
    await client.generateKey({ key: KEY, key_alias: 'app', team_id: team.team_id });
    const raw = await fetch(`${fake.url}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'sk-other-value-0003', key_alias: 'app' }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({
      error: {
        message: "Key with alias 'app' already exists. Unique key aliases across all keys are required.",
        type: 'bad_request_error',
        param: 'key_alias',
        code: '400',
      },
    });
    // The stand-in echoes nothing secret, but our client scrubs what a real proxy might echo.
    const echoing: typeof fetch = async () =>
      new Response(JSON.stringify({ error: { message: `Key not found: ${KEY} (auth ${MASTER})`, type: 'x', param: 'key', code: '404' } }), {
        status: 404,
      });
    const err = (await new LiteLlmAdmin({ baseUrl: fake.url, masterKey: MASTER, fetch: echoing })
      .updateKey({ key: KEY, max_budget: 1 })
      .catch((e: unknown) => e)) as LiteLlmAdminError;
    expect(err.status).toBe(404);
    expect(err.route).toBe('POST /key/update');
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain(MASTER);
    expect(err.message).toContain('Key not found');
  });
});

describe('LiteLLM contract: teams', () => {
  test('/team/new takes team_alias, models, budget, limits and metadata and answers the stored team with a team_id LiteLLM drew', async () => {
    // Source: TEAMS new_team (NewTeamRequest fields team_alias, models, max_budget, budget_duration, tpm_limit,
    // rpm_limit, max_parallel_requests, metadata; team_id a fresh UUID when none is sent; answers the created
    // row). The top-level `tags` field is Enterprise-only (a metadata field of the premium list), so tags go into
    // metadata.tags (lib/shared/attribution.ts).
    const request = {
      team_alias: 'research',
      models: ['claude-sonnet'],
      max_budget: 100,
      budget_duration: '30d',
      tpm_limit: 100000,
      rpm_limit: 600,
      max_parallel_requests: 10,
      metadata: { genai_managed_by: 'genai-gateway-platform/dev', tags: ['environment:dev', 'team:research'] },
    };
    const team = await client.newTeam(request);
    expect(last()).toMatchObject({ method: 'POST', body: request });
    expect(new URL(last().url).pathname).toBe('/team/new');
    expect(team.team_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(team).toMatchObject(request);
  });

  test('team_alias is not unique: a second /team/new with the same alias makes a second team', async () => {
    // Source: TEAMS new_team checks only an explicit team_id for duplicates ("Team id = ... already exists"),
    // never the alias, in both the old and the recent copies. So the reconciler must find teams by alias itself.
    await client.newTeam({ team_alias: 'dup', models: [], metadata: {} });
    await client.newTeam({ team_alias: 'dup', models: [], metadata: {} });
    expect((await client.listTeams()).filter((t) => t.team_alias === 'dup')).toHaveLength(2);
  });

  test('/team/update changes only the fields sent, a metadata sent replaces the stored one, and answers {team_id, data}; an unknown team is a 404', async () => {
    // Source: TEAMS update_team (updated_kv = the request with unset fields left out, so a null sent clears a
    // field; metadata is written as sent; answers {"team_id", "data": row}; 404 "Team not found, passed
    // team_id=..." when the row is missing).
    const team = await client.newTeam({ team_alias: 'ops', models: ['a'], max_budget: 10, metadata: { keep: 1, tags: ['x'] } });
    await client.updateTeam({ team_id: team.team_id, max_budget: 20, metadata: { tags: ['y'] } });
    expect(last().body).toEqual({ team_id: team.team_id, max_budget: 20, metadata: { tags: ['y'] } });
    expect(fake.teams.get(team.team_id)).toMatchObject({ models: ['a'], max_budget: 20, metadata: { tags: ['y'] } });
    await client.updateTeam({ team_id: team.team_id, max_budget: null });
    expect(fake.teams.get(team.team_id)!.max_budget).toBeNull();
    const err = (await client.updateTeam({ team_id: 'no-such-team', max_budget: 1 }).catch((e: unknown) => e)) as LiteLlmAdminError;
    expect(err.status).toBe(404);
    expect(err.liteLlmMessage).toContain('Team not found, passed team_id=no-such-team');
  });

  test('/team/delete takes team_ids and deletes the keys bound to those teams too; an unknown id is a 404', async () => {
    // Source: TEAMS delete_team (body {"team_ids": [...]}; every id must exist or 404 before anything is
    // deleted; the keys with those team_ids are deleted, then the teams).
    const team = await client.newTeam({ team_alias: 'gone', models: [], metadata: {} });
    await client.generateKey({ key: KEY, key_alias: 'gone-app', team_id: team.team_id });
    await client.deleteTeams([team.team_id]);
    expect(last().body).toEqual({ team_ids: [team.team_id] });
    expect(fake.teams.size).toBe(0);
    expect(fake.keys.size).toBe(0);
    expect(((await client.deleteTeams(['missing']).catch((e: unknown) => e)) as LiteLlmAdminError).status).toBe(404);
  });

  test('/team/list answers every team as one array (no pages) for the master key; /team/info answers {team_id, team_info, keys, team_memberships}', async () => {
    // Source: TEAMS list_team (GET, proxy admin: all teams, each with its keys and memberships, sorted by alias,
    // a plain list) and team_info (GET ?team_id=, 404 "Team not found, passed team id: ..." otherwise). The
    // paginated /v2/team/list exists too; one list call is enough for a platform's teams.
    const a = await client.newTeam({ team_alias: 'a', models: [], metadata: { m: 1 } });
    await client.newTeam({ team_alias: 'b', models: [], metadata: {} });
    const teams = await client.listTeams();
    expect(new URL(last().url).pathname).toBe('/team/list');
    expect(teams.map((t) => t.team_alias).sort()).toEqual(['a', 'b']);
    expect(await client.teamInfo(a.team_id)).toMatchObject({ team_id: a.team_id, team_alias: 'a', metadata: { m: 1 } });
    expect(new URL(last().url).searchParams.get('team_id')).toBe(a.team_id);
    expect(await client.teamInfo('missing')).toBeUndefined();
  });
});

describe('LiteLLM contract: MCP grants of teams', () => {
  test('/team/list and /team/new leave the object_permission relation out (only object_permission_id); /team/info and /team/update resolve it', async () => {
    // Source: GRANTS below (an operations note measuring LiteLLM main @ 2026-07-21, third-party, found by content:
    // /team/new "include omits the relation", /team/list and /v2/team/list serialise it as null with only
    // object_permission_id present, /team/info reads the team with include={"object_permission": True},
    // /team/update answers it) and the ARCHITECTURE note of the last review ("/team/list returns teams without the
    // object_permission relation"). Upstream team_endpoints.py at the v1.108.12 tag could not be read here.
    const created = await client.newTeam({ team_alias: 'g', models: [], metadata: {}, object_permission: { mcp_servers: ['docs'] } });
    expect(created.object_permission ?? null).toBeNull();
    const [listed] = await client.listTeams();
    expect(listed).toMatchObject({ team_id: created.team_id, object_permission: null, object_permission_id: expect.any(String) });
    const info = await client.teamInfo(created.team_id);
    expect(info?.object_permission).toMatchObject({ object_permission_id: listed!.object_permission_id, mcp_servers: ['docs'] });
    // A team never granted anything has no permission row at all.
    const plain = await client.newTeam({ team_alias: 'p', models: [], metadata: {} });
    expect((await client.teamInfo(plain.team_id))?.object_permission_id ?? null).toBeNull();
  });

  test('/team/update replaces the fields of object_permission it is sent and keeps the rest: an empty mcp_servers revokes every server', async () => {
    // Source: GRANTS (object_permission_utils.py merges per field: omitted fields kept, a sent list replaces the
    // stored one, null clears it) and test/contracts/litellm-mcp.test.ts (an empty team grant reaches no server).
    const team = await client.newTeam({
      team_alias: 'r',
      models: [],
      metadata: {},
      object_permission: { mcp_servers: ['docs', 'tickets'] },
    });
    await client.updateTeam({ team_id: team.team_id, max_budget: 5 });
    expect((await client.teamInfo(team.team_id))?.object_permission?.mcp_servers).toEqual(['docs', 'tickets']);
    await client.updateTeam({ team_id: team.team_id, object_permission: { mcp_servers: [] } });
    expect(last().body).toEqual({ team_id: team.team_id, object_permission: { mcp_servers: [] } });
    expect((await client.teamInfo(team.team_id))?.object_permission?.mcp_servers).toEqual([]);
  });
});

describe('LiteLLM contract: virtual keys', () => {
  test('/key/generate takes a caller-chosen sk- key, key_alias, team_id, limits and metadata; it answers the key once and its token, the SHA-256 hex of the key', async () => {
    // Source: KEYS generate_key_fn/_common_key_generation_helper (a given `key` must start with sk-; max_budget
    // and budget_duration become the key's own; the response's token is remapped to the stored token_id) and
    // UTILS insert_data (the stored token is hash_token(key), SHA-256 hex). `tags` is refused without a licence
    // ("Only premium users can add tags to keys"), so tags travel in metadata.tags.
    const team = await client.newTeam({ team_alias: 't', models: [], metadata: {} });
    const request = {
      key: KEY,
      key_alias: 'app-one',
      team_id: team.team_id,
      max_budget: 5,
      budget_duration: '30d',
      tpm_limit: 1000,
      rpm_limit: 60,
      max_parallel_requests: 2,
      metadata: { genai_managed_by: 'genai-gateway-platform/dev', tags: ['consumer:app-one'] },
    };
    const generated = await client.generateKey(request);
    expect(last().body).toEqual(request);
    expect(generated.key).toBe(KEY);
    expect(generated.token).toBe(keyHash(KEY));
    // sha256("sk-1234") as Python's hashlib computes it.
    expect(keyHash('sk-1234')).toBe('88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b');
    expect(sha256('sk-1234')).toBe(keyHash('sk-1234'));
    expect(fake.keys.get(keyHash(KEY))).toMatchObject({ key_alias: 'app-one', max_budget: 5, budget_duration: '30d', expires: null });
  });

  test('key_alias is unique across all keys: a second /key/generate or a /key/update onto a taken alias is a 400 naming the alias', async () => {
    // Source: KEYS _enforce_unique_key_alias (any other key, expired or not, holding the alias makes a
    // ProxyException 400 bad_request_error, param key_alias, "Key with alias '<alias>' already exists. ...";
    // /key/update excludes the key being updated).
    await client.generateKey({ key: KEY, key_alias: 'taken' });
    await client.generateKey({ key: 'sk-second-key-0004', key_alias: 'free' });
    for (const call of [
      () => client.generateKey({ key: 'sk-third-key-0005', key_alias: 'taken' }),
      () => client.updateKey({ key: 'sk-second-key-0004', key_alias: 'taken' }),
    ]) {
      const err = (await call().catch((e: unknown) => e)) as LiteLlmAdminError;
      expect(err.status).toBe(400);
      expect(err.liteLlmMessage).toBe("Key with alias 'taken' already exists. Unique key aliases across all keys are required.");
    }
    await client.updateKey({ key: KEY, key_alias: 'taken' });
  });

  test('/key/update names the key by value in the body; `duration` sets expires to now + duration and null makes the key never expire', async () => {
    // Source: KEYS update_key_fn (finds the row with get_data, which hashes only an sk- value, then writes it
    // back by the `key` as sent, so we always send the value) and prepare_key_update_data (duration -> expires =
    // now + duration_in_seconds; None or "-1" -> expires None). The rotation relies on this to let an old key
    // expire after a grace period.
    await client.generateKey({ key: KEY, key_alias: 'app' });
    await client.updateKey({ key: KEY, duration: '1500s' });
    expect(last().body).toEqual({ key: KEY, duration: '1500s' });
    expect(new URL(last().url).search).toBe('');
    expect(fake.keys.get(keyHash(KEY))!.expires).toBe('2026-11-29T10:25:00.000Z');
    await client.updateKey({ key: KEY, duration: null });
    expect(fake.keys.get(keyHash(KEY))!.expires).toBeNull();
  });

  test('/key/delete takes `keys` (values or hashes) or `key_aliases`; nothing found is a 404', async () => {
    // Source: KEYS delete_key_fn (body {"keys": [...]} or {"key_aliases": [...]}; delete_verification_tokens
    // hashes only sk- values, so a hash is accepted; no matching row: 404 "No keys found"; answers
    // {"deleted_keys": what was passed}).
    await client.generateKey({ key: KEY, key_alias: 'a' });
    await client.generateKey({ key: 'sk-other-0006', key_alias: 'b' });
    await client.deleteKeys({ hashes: [KEY] });
    expect(last().body).toEqual({ keys: [keyHash(KEY)] });
    await client.deleteKeys({ aliases: ['b'] });
    expect(last().body).toEqual({ key_aliases: ['b'] });
    expect(fake.keys.size).toBe(0);
    expect(((await client.deleteKeys({ aliases: ['b'] }).catch((e: unknown) => e)) as LiteLlmAdminError).status).toBe(404);
  });

  test('/key/list with return_full_object=true answers full keys whose token is the hash, in pages of at most 100, filtered by key_alias and team_id', async () => {
    // Source: KEYS list_keys (query page >= 1, size 1..100, default 10; key_alias, team_id filters;
    // return_full_object=true gives key objects, otherwise only tokens; answers keys, total_count,
    // current_page, total_pages).
    for (let i = 0; i < 205; i++) fake.seedKey(`sk-seeded-${String(i).padStart(4, '0')}`, { key_alias: `k${i}` });
    const keys = await client.listKeys();
    expect(keys).toHaveLength(205);
    expect(keys.every((k) => /^[0-9a-f]{64}$/.test(k.token))).toBe(true);
    const pages = sent.map((r) => new URL(r.url).searchParams);
    expect(pages.map((q) => q.get('page'))).toEqual(['1', '2', '3']);
    expect(pages.every((q) => q.get('size') === '100' && q.get('return_full_object') === 'true')).toBe(true);
    expect(await client.listKeys({ keyAlias: 'k7' })).toEqual([
      expect.objectContaining({ key_alias: 'k7', token: sha256('sk-seeded-0007') }),
    ]);
    expect((await fetch(`${fake.url}/key/list?size=101`, { headers: { authorization: `Bearer ${MASTER}` } })).status).toBe(422);
  });

  test("/key/info takes the key or its hash as ?key= and answers {key, info}; an unknown one is a 404 'Key not found in database'", async () => {
    // Source: KEYS info_key_fn (the key query parameter is hashed only when it starts with sk-; the token is
    // removed from info; ProxyException 404 not_found_error "Key not found in database").
    await client.generateKey({ key: KEY, key_alias: 'app' });
    expect(await client.keyInfo(KEY)).toMatchObject({ key_alias: 'app' });
    expect(new URL(last().url).searchParams.get('key')).toBe(keyHash(KEY));
    expect(await client.keyInfo(sha256('sk-unknown-0007'))).toBeUndefined();
    for (const r of sent) expect(r.url).not.toContain(KEY);
  });
});

describe('LiteLLM contract: readiness', () => {
  test("/health/readiness needs no key and answers 200 even without its database: only db 'connected' means ready", async () => {
    // Source: HEALTH health_readiness (a public route; with a database configured it answers 200
    // {"status": "healthy", "db": <"connected" | "disconnected">, ...}, the db check cached 15 s while
    // connected; 503 "Service Unhealthy" only on an exception) and lib/shared/litellm.ts LITELLM_READINESS_PATH.
    // Before the proxy listens, the load balancer has no healthy target and answers 503 itself.
    fake.failReadiness(1, 'db-disconnected');
    expect(await client.readiness()).toEqual({ httpStatus: 200, status: 'healthy', db: 'disconnected' });
    expect(last().headers.authorization).toBeUndefined();
    fake.failReadiness(1, 'unavailable');
    expect(await client.readiness()).toEqual({ httpStatus: 503 });
    expect(await client.readiness()).toEqual({ httpStatus: 200, status: 'healthy', db: 'connected' });
  });
});
