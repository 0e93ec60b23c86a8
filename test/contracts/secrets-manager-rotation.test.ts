/**
 * AWS Secrets Manager rotation by Lambda function, and the LiteLLM admin calls a rotation of a virtual key
 * makes: what Secrets Manager sends and expects, checked against our rotation function
 * (lambda/key-rotation/) and the KeyRotation construct's template; and what the rotation relies on in
 * LiteLLM v1.108.12 (k8s/versions.ts) beyond the admin routes of test/contracts/litellm-admin.test.ts.
 *
 * Sources, read 2026-11-29, restated in our own words:
 * - AWS Secrets Manager User Guide: https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda.html,
 *   .../rotate-secrets_how.html, .../rotating-secrets-required-permissions-function.html.
 * - aws-samples/aws-secrets-manager-rotation-lambdas at b4b8eca63e1f61bbcfb18c291b640f4fc3b0deb8,
 *   SecretsManagerRotationTemplate/lambda_function.py (AWS's template for custom rotation functions).
 * - @aws-sdk/client-secrets-manager 3.1162.0 (aws-sdk-js-v3, the version package-lock.json installs),
 *   dist-types/models/models_0.d.ts: PutSecretValueRequest, RotateSecretRequest, UpdateSecretVersionStageRequest.
 * - getmoto/moto issue #8403 and pull requests #8504/#8547: a user's report of what real Secrets Manager puts in
 *   the AWSPENDING version, and moto's change to match it.
 * - BerriAI/litellm litellm/proxy/management_endpoints/key_management_endpoints.py (main-line copy at commit
 *   00670428e1ec49f6f79eee1e58df7be472b719ab, newer than v1.108.12; the tag itself could not be read) and
 *   litellm/proxy/auth/user_api_key_auth.py, litellm/proxy/utils.py (copies found through the code index).
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { KeyRotation } from '../../constructs/key-rotation';
import { keyHash, httpLiteLlm } from '../../lambda/key-rotation/litellm-keys';
import { checkStages, createRotationHandler, parseRotationEvent, ROTATION_STEPS } from '../../lambda/key-rotation/rotation';
import { secretVersions, type SecretState } from '../../lambda/key-rotation/secret-versions';
import { CONSUMER_SECRET_TAG, MANAGED_BY_METADATA_KEY, managedByValue } from '../../lib/shared/tenants';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:genai-gateway/dev/virtual-keys/client1-AbCdEf';
const TOKEN = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const CURRENT_VERSION = 'c0ffee00-0000-4000-8000-000000000001';
const OLD_KEY = 'sk-old-key-of-app-one-0001';
const NEW_KEY = 'sk-new-key-of-app-one-0002';
const MASTER = 'sk-master-key-0003';

/** A Secrets Manager client that answers from a map of versions and records what it was sent. */
function recordingSecretsManager(versions: Record<string, { stages: string[]; value?: string }>, rotationEnabled = true) {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const input = command.input;
    sent.push({ command: command.constructor.name, input });
    switch (command.constructor.name) {
      case 'DescribeSecretCommand':
        return {
          ARN,
          Name: 'genai-gateway/dev/virtual-keys/client1',
          RotationEnabled: rotationEnabled,
          VersionIdsToStages: Object.fromEntries(Object.entries(versions).map(([id, v]) => [id, [...v.stages]])),
          Tags: [{ Key: CONSUMER_SECRET_TAG, Value: 'app-one' }],
        };
      case 'GetSecretValueCommand': {
        const entry = Object.entries(versions).find(
          ([id, v]) => v.stages.includes(input.VersionStage as string) && (input.VersionId === undefined || input.VersionId === id),
        );
        if (!entry || entry[1].value === undefined) throw Object.assign(new Error('no value'), { name: 'ResourceNotFoundException' });
        return { VersionId: entry[0], SecretString: entry[1].value };
      }
      case 'PutSecretValueCommand':
        versions[input.ClientRequestToken as string] = { stages: input.VersionStages as string[], value: input.SecretString as string };
        return {};
      case 'UpdateSecretVersionStageCommand': {
        // As Secrets Manager does when AWSCURRENT moves: the version it leaves becomes AWSPREVIOUS.
        const stage = input.VersionStage as string;
        for (const v of Object.values(versions))
          v.stages = v.stages.filter((s) => s !== stage && !(stage === 'AWSCURRENT' && s === 'AWSPREVIOUS'));
        versions[input.MoveToVersionId as string]!.stages.push(stage);
        if (stage === 'AWSCURRENT') versions[input.RemoveFromVersionId as string]!.stages.push('AWSPREVIOUS');
        return {};
      }
      default:
        throw new Error(`unexpected ${command.constructor.name}`);
    }
  };
  return { client: { send } as never, sent };
}

/** A fetch that records each LiteLLM call and answers from `answer`. */
function recordingFetch(answer: (url: URL, body: unknown) => { status: number; body: unknown }) {
  const calls: { method: string; url: string; headers: Record<string, string>; body: unknown }[] = [];
  // The adapter always passes a string URL and a string body.
  const doFetch = async (url: string, init?: RequestInit) => {
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method: init?.method ?? 'GET', url, headers: init?.headers as Record<string, string>, body });
    const out = answer(new URL(url), body);
    return new Response(JSON.stringify(out.body), { status: out.status });
  };
  return { fetch: doFetch as unknown as typeof fetch, calls };
}

const managedKey = (alias: string, extra: Record<string, unknown> = {}) => ({
  key_alias: alias,
  team_id: 'team-uuid-1',
  models: ['claude-sonnet'],
  max_budget: 20,
  budget_duration: '30d',
  tpm_limit: 10000,
  rpm_limit: 60,
  max_parallel_requests: 4,
  metadata: { [MANAGED_BY_METADATA_KEY]: managedByValue('dev'), tags: ['environment:dev'] },
  expires: null,
  ...extra,
});

function rotation(sm: { client: never }, litellm: { fetch: typeof fetch }, logs: string[] = []) {
  return createRotationHandler({
    secrets: secretVersions(sm.client),
    litellm: httpLiteLlm({ baseUrl: 'http://litellm.internal:4000', masterKey: async () => MASTER, fetch: litellm.fetch }),
    graceSeconds: 1500,
    now: () => Date.parse('2026-11-29T10:00:00Z'),
    newKey: () => NEW_KEY,
    log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
  });
}

const state = (versions: Record<string, string[]>, rotationEnabled = true): SecretState => ({
  arn: ARN,
  name: 'genai-gateway/dev/virtual-keys/client1',
  rotationEnabled,
  versions,
  tags: { [CONSUMER_SECRET_TAG]: 'app-one' },
});

describe('Secrets Manager rotation contract', () => {
  test('Secrets Manager calls the function once per step with SecretId, ClientRequestToken and Step; newer events add RotationToken', () => {
    // Source: AWS User Guide rotate-secrets_lambda.html (read 2026-11-29): the request has Step, SecretId,
    // ClientRequestToken and, for rotation through an assumed role or another account, RotationToken; the
    // template's handler reads the first three and names the steps createSecret, setSecret, testSecret,
    // finishSecret (aws-samples/aws-secrets-manager-rotation-lambdas SecretsManagerRotationTemplate/lambda_function.py).
    expect(ROTATION_STEPS).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    for (const Step of ROTATION_STEPS) {
      expect(parseRotationEvent({ Step, SecretId: ARN, ClientRequestToken: TOKEN, RotationToken: 'rt-1' })).toMatchObject({ Step });
    }
    expect(() => parseRotationEvent({ Step: 'create_secret', SecretId: ARN, ClientRequestToken: TOKEN })).toThrow(
      'Invalid step parameter "create_secret" (allowed: createSecret, setSecret, testSecret, finishSecret)',
    );
    expect(() => parseRotationEvent({ Step: 'createSecret' })).toThrow('Not a rotation event: SecretId, ClientRequestToken missing');
  });

  test('the function refuses a secret with rotation off or a token not staged AWSPENDING; a token already AWSCURRENT needs nothing', () => {
    // Source: aws-samples/aws-secrets-manager-rotation-lambdas SecretsManagerRotationTemplate/lambda_function.py
    // (b4b8eca): before any step the template describes the secret and fails when RotationEnabled is false,
    // when the token is not a version id of the secret, and when that version lacks AWSPENDING; when the
    // version already carries AWSCURRENT it returns without doing anything.
    expect(() => checkStages(state({ [TOKEN]: ['AWSPENDING'] }, false), TOKEN)).toThrow(`Secret ${ARN} is not enabled for rotation`);
    expect(() => checkStages(state({ [CURRENT_VERSION]: ['AWSCURRENT'] }), TOKEN)).toThrow(
      `Secret version ${TOKEN} has no stage for rotation of secret ${ARN}`,
    );
    expect(() => checkStages(state({ [CURRENT_VERSION]: ['AWSCURRENT'], [TOKEN]: ['AWSPREVIOUS'] }), TOKEN)).toThrow(
      `Secret version ${TOKEN} not set as AWSPENDING for rotation of secret ${ARN}`,
    );
    expect(checkStages(state({ [CURRENT_VERSION]: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] }), TOKEN)).toBe('rotate');
    expect(checkStages(state({ [TOKEN]: ['AWSCURRENT', 'AWSPENDING'] }), TOKEN)).toBe('already-current');
  });

  test('RotateSecret makes the AWSPENDING version without a value; createSecret fills it with PutSecretValue under the token, once', async () => {
    // Source: getmoto/moto issue #8403 (a user comparing with real Secrets Manager: the AWSPENDING version
    // created before createSecret has no value, GetSecretValue on it fails with ResourceNotFoundException)
    // and PR #8504; the template's create_secret reads AWSPENDING for the token and only on
    // ResourceNotFoundException puts a value with ClientRequestToken=token and VersionStages=[AWSPENDING].
    // @aws-sdk/client-secrets-manager 3.1162.0 models_0.d.ts, PutSecretValueRequest.ClientRequestToken: a
    // repeated token with the same value is ignored, with another value it fails (a version never changes).
    // So createSecret puts only into an empty version: a retry never tries to change what it stored.
    const versions = {
      [CURRENT_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ virtualKey: OLD_KEY }) },
      [TOKEN]: { stages: ['AWSPENDING'] },
    };
    const sm = recordingSecretsManager(versions);
    const litellm = recordingFetch(() => ({ status: 500, body: {} }));
    const rotate = rotation(sm, litellm);

    await rotate({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: TOKEN });
    await rotate({ Step: 'createSecret', SecretId: ARN, ClientRequestToken: TOKEN });

    const puts = sm.sent.filter((s) => s.command === 'PutSecretValueCommand');
    expect(puts).toEqual([
      {
        command: 'PutSecretValueCommand',
        input: {
          SecretId: ARN,
          ClientRequestToken: TOKEN,
          SecretString: JSON.stringify({ virtualKey: NEW_KEY }),
          VersionStages: ['AWSPENDING'],
        },
      },
    ]);
    expect(litellm.calls).toEqual([]);
  });

  test('finishSecret moves AWSCURRENT with UpdateSecretVersionStage from the current version to the token', async () => {
    // Source: the template's finish_secret (b4b8eca) finds the version holding AWSCURRENT and calls
    // UpdateSecretVersionStage(VersionStage=AWSCURRENT, MoveToVersionId=token, RemoveFromVersionId=that
    // version); AWS User Guide rotate-secrets_how.html: Secrets Manager then labels the old version
    // AWSPREVIOUS; models_0.d.ts UpdateSecretVersionStageRequest: a label held by another version can only
    // be moved by naming that version in RemoveFromVersionId.
    const versions = {
      [CURRENT_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ virtualKey: OLD_KEY }) },
      [TOKEN]: { stages: ['AWSPENDING'], value: JSON.stringify({ virtualKey: NEW_KEY }) },
    };
    const sm = recordingSecretsManager(versions);
    const litellm = recordingFetch(() => ({ status: 404, body: { error: { message: 'Key not found in database' } } }));
    await rotation(sm, litellm)({ Step: 'finishSecret', SecretId: ARN, ClientRequestToken: TOKEN });
    expect(sm.sent.filter((s) => s.command === 'UpdateSecretVersionStageCommand')).toEqual([
      {
        command: 'UpdateSecretVersionStageCommand',
        input: { SecretId: ARN, VersionStage: 'AWSCURRENT', MoveToVersionId: TOKEN, RemoveFromVersionId: CURRENT_VERSION },
      },
    ]);
  });

  test('RotateImmediately=false runs testSecret alone on a pending version Secrets Manager makes; our testSecret passes it', async () => {
    // Source: @aws-sdk/client-secrets-manager 3.1162.0 models_0.d.ts, RotateSecretRequest.RotateImmediately:
    // when false, Secrets Manager runs only the testSecret step, on an AWSPENDING version it creates and
    // then removes. What that version holds is not documented: moto PR #8547 gives it the current value;
    // it may have none. The KeyRotation construct asks for exactly this (RotateImmediatelyOnUpdate false),
    // so testSecret must pass both ways: no value, nothing to test; the current key, it authenticates.
    const template = keyRotationTemplate();
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotateImmediatelyOnUpdate: false });

    const empty = recordingSecretsManager({
      [CURRENT_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ virtualKey: OLD_KEY }) },
      [TOKEN]: { stages: ['AWSPENDING'] },
    });
    const untouched = recordingFetch(() => ({ status: 500, body: {} }));
    await rotation(empty, untouched)({ Step: 'testSecret', SecretId: ARN, ClientRequestToken: TOKEN });
    expect(untouched.calls).toEqual([]);

    const copy = recordingSecretsManager({
      [CURRENT_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ virtualKey: OLD_KEY }) },
      [TOKEN]: { stages: ['AWSPENDING'], value: JSON.stringify({ virtualKey: OLD_KEY }) },
    });
    const models = recordingFetch(() => ({ status: 200, body: { object: 'list', data: [] } }));
    await rotation(copy, models)({ Step: 'testSecret', SecretId: ARN, ClientRequestToken: TOKEN });
    expect(models.calls.map((c) => [c.method, new URL(c.url).pathname, c.headers['x-litellm-api-key']])).toEqual([
      ['GET', '/v1/models', OLD_KEY],
    ]);
  });

  test("the function's role may describe, read, write and relabel the key secrets and use their KMS key; Secrets Manager may invoke it", () => {
    // Source: AWS User Guide rotating-secrets-required-permissions-function.html (read 2026-11-29): the
    // execution role needs secretsmanager:DescribeSecret, GetSecretValue, PutSecretValue and
    // UpdateSecretVersionStage on the secret; for a customer managed key also kms:Decrypt and
    // kms:GenerateDataKey (the guide adds DescribeKey, optionally conditioned on the SecretARN encryption
    // context); the function's resource policy lets secretsmanager.amazonaws.com call lambda:InvokeFunction,
    // and the guide recommends an aws:SourceAccount condition against the confused deputy. (GetRandomPassword
    // is in the guide's example; our function draws keys with node:crypto and does not need it.)
    const template = keyRotationTemplate();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }).Properties
          .PolicyDocument.Statement,
    );
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    for (const action of [
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
      'kms:Decrypt',
    ]) {
      expect(actions).toContain(action);
    }
    expect(actions.some((a) => a === 'kms:GenerateDataKey' || a === 'kms:GenerateDataKey*')).toBe(true);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
    });
  });
});

/**
 * The admin routes themselves (caller-chosen key on /key/generate, unique aliases, /key/update by value with
 * `duration`, /key/list by alias, /key/info by hash, /key/delete by hash) are stated in
 * test/contracts/litellm-admin.test.ts, whose client the rotation uses. Here: what the rotation relies on
 * beyond them.
 */
describe('LiteLLM contract: what a key rotation relies on beyond the admin routes', () => {
  /** One rotation through the real client, LiteLLM's key table kept by hash as the admin contract says. */
  const fullRotation = async () => {
    const versions: Record<string, { stages: string[]; value?: string }> = {
      [CURRENT_VERSION]: { stages: ['AWSCURRENT'], value: JSON.stringify({ virtualKey: OLD_KEY }) },
      [TOKEN]: { stages: ['AWSPENDING'] },
    };
    const sm = recordingSecretsManager(versions);
    const table = new Map<string, Record<string, unknown>>([[keyHash(OLD_KEY), managedKey('app-one')]]);
    const litellm = recordingFetch((url, body) => {
      const b = body as Record<string, unknown> & { key: string };
      switch (url.pathname) {
        case '/key/info': {
          const info = table.get(url.searchParams.get('key') ?? '');
          return info
            ? { status: 200, body: { key: url.searchParams.get('key'), info } }
            : { status: 404, body: { error: { message: 'Key not found in database' } } };
        }
        case '/key/list': {
          const keys = [...table]
            .filter(([, row]) => row.key_alias === url.searchParams.get('key_alias'))
            .map(([token, row]) => ({ token, ...row }));
          return { status: 200, body: { keys, total_count: keys.length, current_page: 1, total_pages: 1 } };
        }
        case '/key/generate': {
          const { key, ...rest } = b;
          table.set(keyHash(key), { ...rest, expires: null });
          return { status: 200, body: { key, token: keyHash(key), key_alias: rest.key_alias } };
        }
        case '/key/update': {
          const row = table.get(keyHash(b.key))!;
          if (b.key_alias !== undefined) row.key_alias = b.key_alias;
          if (b.duration !== undefined) row.expires = new Date(Date.parse('2026-11-29T10:00:00Z') + 1500_000).toISOString();
          return { status: 200, body: { key: b.key } };
        }
        default:
          return { status: 200, body: { object: 'list', data: [] } };
      }
    });
    const rotate = rotation(sm, litellm);
    for (const Step of ROTATION_STEPS) await rotate({ Step, SecretId: ARN, ClientRequestToken: TOKEN });
    return litellm.calls;
  };

  test('/key/regenerate needs an Enterprise licence for virtual keys, so the rotation issues its own key with /key/generate instead', async () => {
    // Source: BerriAI/litellm key_management_endpoints.py (00670428), regenerate_key_fn: without a premium
    // licence it refuses everything but the master key ("Regenerating Virtual Keys is an Enterprise
    // feature"); its grace_period for the old key belongs to the same licensed route.
    const calls = await fullRotation();
    const paths = calls.map((c) => new URL(c.url).pathname);
    expect(paths).not.toContainEqual(expect.stringContaining('regenerate'));
    expect(calls.filter((c) => new URL(c.url).pathname === '/key/generate').map((c) => c.body)).toEqual([
      expect.objectContaining({ key: NEW_KEY, key_alias: 'app-one', team_id: 'team-uuid-1' }),
    ]);
  });

  test('a client route accepts a valid key and refuses an expired one (expired_key); testSecret checks the pending key there, and the grace period ends the old key there', async () => {
    // Source: BerriAI/litellm litellm/proxy/auth/user_api_key_auth.py (copies read 2026-11-29 through the code
    // index): every authenticated route, /v1/models among them, refuses a key whose expires is in the past
    // with "Authentication Error - Expired Key. Key Expiry time ... and current time ..." (type expired_key;
    // status 400 in the newer copies, 403 in an older one); a key LiteLLM does not know is a 401 naming its
    // last four characters and hash. /v1/models costs nothing and lists the models the key may call.
    const calls = await fullRotation();
    const models = calls.filter((c) => new URL(c.url).pathname === '/v1/models');
    expect(models.map((c) => [c.method, c.headers['x-litellm-api-key'], c.headers.authorization])).toEqual([['GET', NEW_KEY, undefined]]);
    for (const call of calls.filter((c) => new URL(c.url).pathname !== '/v1/models'))
      expect(call.headers.authorization).toBe(`Bearer ${MASTER}`);

    const expired = recordingFetch(() => ({
      status: 400,
      body: {
        error: {
          message: `Authentication Error - Expired Key. Key Expiry time 2026-11-29 10:25:00 and current time 2026-11-29 10:26:00`,
          type: 'expired_key',
          param: 'sk-...0001',
          code: '400',
        },
      },
    }));
    const client = httpLiteLlm({ baseUrl: 'http://litellm.internal:4000', masterKey: async () => MASTER, fetch: expired.fetch });
    await expect(client.authenticate(OLD_KEY)).rejects.toThrow('LiteLLM GET /v1/models answered 400: Authentication Error - Expired Key.');
  });
});

let synthesized: Template | undefined;
/** The KeyRotation construct for one consumer secret, synthesized once for the file. */
function keyRotationTemplate(): Template {
  synthesized ??= Template.fromStack(keyRotationStack());
  return synthesized;
}

function keyRotationStack(): Stack {
  const app = new App();
  const stack = new Stack(app, 'Rotation', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const key = new kms.Key(stack, 'SecretsKey');
  const secret = new secretsmanager.Secret(stack, 'AppOne', { encryptionKey: key });
  new KeyRotation(stack, 'KeyRotation', {
    keySecrets: { 'app-one': secret },
    every: Duration.days(30),
    grace: Duration.seconds(1500),
    after: new secretsmanager.Secret(stack, 'Before'),
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    litellmUrl: 'http://litellm.internal:4000',
    litellmPort: 4000,
    masterKey: new secretsmanager.Secret(stack, 'MasterKey'),
    secretsKey: key,
    logRetention: 7,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return stack;
}
