import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Tenants, builtinConsumersFor, type BuiltinConsumer } from '../../constructs/tenants';
import { RECONCILE_CONTEXT_KEY } from '../../constructs/tenants-reconciler';
import { CLIENT_ID_PATTERN } from '../../lambda/authorizer/config';
import { loadEnvironment, parseEnvironment } from '../../lib/config/load-config';
import { createStacks } from '../../lib/create-stacks';
import { CONSUMER_SECRET_TAG, TEAM_SECRET_TAG, virtualKeySecretPrefix, type DesiredTenants } from '../../lib/shared/tenants';
import { OPEN_WEBUI_CONSUMER, builtinKeySecretName, builtinKeySecretPrefix } from '../../lib/shared/web';
import { SKIP_BUNDLING, synthEnvironment, testApp } from '../support/app';

type Resource = { Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };

/** The DesiredTenants JSON of the custom resource, with every CloudFormation reference replaced by `<ref>`. */
function desiredOf(resource: Resource): DesiredTenants {
  const value = resource.Properties.DesiredTenants as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof value === 'string' ? value : value['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<ref>')).join('');
  return JSON.parse(text) as DesiredTenants;
}

describe('Tenants in the platform stack', () => {
  describe.each(['dev', 'prod'])('%s', (name) => {
    const { config, templates } = synthEnvironment(name);
    const platform = templates.platform;
    const consumers = config.tenants.consumers;
    // The client consumers' secrets (the built-in consumer's name is a join too, under builtin-keys/).
    const keySecrets = Object.fromEntries(
      Object.entries(
        platform.findResources('AWS::SecretsManager::Secret', { Properties: { Name: Match.objectLike({ 'Fn::Join': Match.anyValue() }) } }),
      ).filter(([, r]) => !JSON.stringify(r.Properties.Name).includes('builtin-keys/')),
    );

    test('one KMS-encrypted secret per consumer, named <prefix><client id> and tagged with consumer and team', () => {
      expect(Object.keys(keySecrets)).toHaveLength(consumers.length);
      for (const consumer of consumers) {
        platform.hasResourceProperties('AWS::SecretsManager::Secret', {
          Name: {
            'Fn::Join': [
              '',
              [`genai-gateway/${name}/virtual-keys/`, { 'Fn::GetStackOutput': Match.objectLike({ StackName: `genai-${name}-edge` }) }],
            ],
          },
          KmsKeyId: {
            'Fn::GetStackOutput': Match.objectLike({ StackName: `genai-${name}-data`, OutputName: Match.stringLikeRegexp('DataKey') }),
          },
          Tags: Match.arrayWith([
            { Key: CONSUMER_SECRET_TAG, Value: consumer.name },
            { Key: TEAM_SECRET_TAG, Value: consumer.team },
          ]),
        });
      }
    });

    test(`key secrets ${name === 'dev' ? 'go with the stack' : 'are retained'}`, () => {
      for (const secret of Object.values(keySecrets) as Resource[]) {
        expect(secret.DeletionPolicy).toBe(config.ephemeral ? 'Delete' : 'Retain');
      }
    });

    test('the reconciler receives every team (with its MCP grant) and consumer, with limits as numbers and no key', () => {
      const [resource] = Object.values(platform.findResources('Custom::LiteLlmTenants')) as Resource[];
      const desired = desiredOf(resource!);
      expect(desired.environment).toBe(name);
      expect(desired.teams.map((t) => t.alias)).toEqual(config.tenants.teams.map((t) => t.name));
      // Client consumers; Open WebUI's built-in consumer, when the stack passes it, is checked below.
      expect(desired.consumers.filter((c) => c.name !== OPEN_WEBUI_CONSUMER).map((c) => [c.name, c.team, c.clientId, c.secretArn])).toEqual(
        consumers.map((c) => [c.name, c.team, '<ref>', '<ref>']),
      );
      const first = config.tenants.teams[0]!;
      expect(desired.teams[0]).toEqual({
        alias: first.name,
        // A team with a guardrail is granted only the guarded copies of its models.
        models: first.guardrail ? first.models.map((m) => `${m}.guard-${first.guardrail}`) : first.models,
        ...(first.mcpServers.length > 0 ? { mcpServers: first.mcpServers } : {}),
        tags: first.tags,
        ...(first.maxBudgetUsd !== undefined ? { maxBudgetUsd: first.maxBudgetUsd } : {}),
        ...(first.budgetDuration !== undefined ? { budgetDuration: first.budgetDuration } : {}),
        ...(first.tpmLimit !== undefined ? { tpmLimit: first.tpmLimit } : {}),
        ...(first.rpmLimit !== undefined ? { rpmLimit: first.rpmLimit } : {}),
        ...(first.maxParallelRequests !== undefined ? { maxParallelRequests: first.maxParallelRequests } : {}),
      });
      expect(JSON.stringify(resource!.Properties)).not.toMatch(/sk-[A-Za-z0-9_-]{16,}/);
    });

    test('the reconciler runs after LiteLLM is applied', () => {
      const [resource] = Object.values(platform.findResources('Custom::LiteLlmTenants')) as Resource[];
      expect(resource!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^LitellmChart/)]));
    });

    test('the admin functions reach only the internal load balancer port in the VPC and HTTPS', () => {
      const groups = platform.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('LiteLLM admin API') },
      });
      expect(Object.keys(groups)).toHaveLength(2);
      for (const group of Object.values(groups) as Resource[]) {
        expect(group.Properties.SecurityGroupEgress).toEqual([
          expect.objectContaining({
            IpProtocol: 'tcp',
            FromPort: 80,
            ToPort: 80,
            CidrIp: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: `genai-${name}-network` }) },
          }),
          expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }),
        ]);
      }
    });

    test('only the reconciler writes the key secrets, and only those', () => {
      const policies = Object.values(platform.findResources('AWS::IAM::Policy')) as Resource[];
      const writes = policies.flatMap((p) =>
        (p.Properties.PolicyDocument as { Statement: { Sid?: string; Action: string[]; Resource: unknown }[] }).Statement.filter((s) =>
          [s.Action].flat().includes('secretsmanager:PutSecretValue'),
        ),
      );
      const named = writes.filter((s) => s.Sid === 'WriteConsumerKeys');
      expect(named).toHaveLength(1);
      // Every secret tagged with a consumer: the client consumers' and any built-in consumer's.
      const tagged = Object.keys(
        platform.findResources('AWS::SecretsManager::Secret', {
          Properties: { Tags: Match.arrayWith([Match.objectLike({ Key: CONSUMER_SECRET_TAG })]) },
        }),
      );
      expect(tagged.length).toBeGreaterThanOrEqual(consumers.length);
      expect([named[0]!.Resource].flat()).toEqual(expect.arrayContaining(tagged.map((id) => ({ Ref: id }))));
      expect([named[0]!.Resource].flat()).toHaveLength(tagged.length);
    });

    test(`every key rotates every ${config.tenants.keyRotationDays} days, never at creation, after the reconciler`, () => {
      const schedules = Object.values(platform.findResources('AWS::SecretsManager::RotationSchedule')) as Resource[];
      expect(schedules).toHaveLength(consumers.length);
      for (const schedule of schedules) {
        expect(schedule.Properties).toMatchObject({
          RotationRules: { ScheduleExpression: `rate(${config.tenants.keyRotationDays} days)` },
          RotateImmediatelyOnUpdate: false,
        });
        expect(schedule.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^TenantsReconciler[0-9A-F]{8}$/)]));
      }
    });

    test("only this account's secrets may invoke the rotation function", () => {
      platform.hasResourceProperties('AWS::Lambda::Permission', {
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
      expect(
        Object.values(
          platform.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'secretsmanager.amazonaws.com' } }),
        ).every((p) => p.Properties.SourceAccount !== undefined),
      ).toBe(true);
    });

    test('a rotated-out key keeps working past every cache that may hold it (25 minutes with a 300 s authorizer cache)', () => {
      expect(config.edge.authorizerCacheTtlSeconds).toBe(300);
      platform.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'Virtual key rotation',
        Environment: { Variables: Match.objectLike({ GRACE_SECONDS: '1500' }) },
      });
    });
  });

  test('a deploy with -c reconcile=<id> changes only the RunId property, so CloudFormation runs the reconciler again', () => {
    const stage = createStacks(testApp({ ...SKIP_BUNDLING, [RECONCILE_CONTEXT_KEY]: '1764400000' }), loadEnvironment('dev'));
    const [forced] = Object.values(Template.fromStack(stage.platform).findResources('Custom::LiteLlmTenants')) as Resource[];
    const [plain] = Object.values(synthEnvironment('dev').templates.platform.findResources('Custom::LiteLlmTenants')) as Resource[];
    expect(forced!.Properties).toEqual({ ...plain!.Properties, RunId: '1764400000' });
  });
});

describe("Tenants with a built-in consumer (Open WebUI's key)", () => {
  const config = parseEnvironment({
    name: 'test',
    region: 'us-east-1',
    ephemeral: true,
    tenants: {
      teams: [
        { name: 'platform-eng', models: ['claude-sonnet-4'], maxBudgetUsd: 50, budgetDuration: '30d' },
        { name: 'employees', models: ['claude-sonnet-4'], mcpServers: [], maxBudgetUsd: 20, budgetDuration: '30d', rpmLimit: 60 },
      ],
      consumers: [{ name: 'demo-app', team: 'platform-eng', maxBudgetUsd: 10 }],
    },
    openWebUi: { enabled: true, team: 'employees' },
  });
  // Its name ends with the first block of the stack id (new with every re-created stack), as the template writes it.
  const stackIdBlock = {
    'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }],
  };
  const builtinName = { 'Fn::Join': ['', [`${builtinKeySecretPrefix('test')}${OPEN_WEBUI_CONSUMER}-`, stackIdBlock]] };

  /** The Tenants construct alone in a stack, as the platform stack makes it. */
  function build(removalPolicy: RemovalPolicy, builtinConsumers: readonly BuiltinConsumer[] = builtinConsumersFor(config.openWebUi)) {
    const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
    const tenants = () =>
      new Tenants(stack, 'Tenants', {
        environment: 'test',
        tenants: config.tenants,
        clientIds: { 'demo-app': 'client-demo-app' },
        builtinConsumers,
        vpc: new ec2.Vpc(stack, 'Vpc'),
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        litellmUrl: 'http://internal-lb.example:4000',
        litellmPort: 4000,
        masterKey: new secretsmanager.Secret(stack, 'MasterKey'),
        secretsKey: new kms.Key(stack, 'DataKey'),
        authorizerCacheTtl: Duration.seconds(300),
        after: new Construct(stack, 'LiteLlm'),
        logRetention: logs.RetentionDays.ONE_WEEK,
        removalPolicy,
      });
    return { stack, tenants };
  }
  const template = (policy = RemovalPolicy.DESTROY) => {
    const { stack, tenants } = build(policy);
    tenants();
    return Template.fromStack(stack);
  };
  const ephemeral = template(RemovalPolicy.DESTROY);
  const builtinId = () => {
    const ids = Object.keys(ephemeral.findResources('AWS::SecretsManager::Secret', { Properties: { Name: builtinName } }));
    expect(ids).toHaveLength(1);
    return ids[0]!;
  };

  test("the config calls for Open WebUI's consumer in openWebUi.team when enabled, and for none when not", () => {
    expect(builtinConsumersFor(config.openWebUi)).toEqual([{ name: 'open-webui', team: 'employees' }]);
    expect(builtinConsumersFor({ ...config.openWebUi, enabled: false })).toEqual([]);
  });

  test('its secret is genai-gateway/<env>/builtin-keys/open-webui-<stack id block>, encrypted with the data key and tagged like the others', () => {
    ephemeral.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: builtinName,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
      Tags: Match.arrayWith([
        { Key: CONSUMER_SECRET_TAG, Value: OPEN_WEBUI_CONSUMER },
        { Key: TEAM_SECRET_TAG, Value: 'employees' },
      ]),
    });
    // The template holds no key: the secret starts with a generated placeholder the reconciler overwrites.
    expect(ephemeral.findResources('AWS::SecretsManager::Secret')[builtinId()]!.Properties).toMatchObject({ GenerateSecretString: {} });
  });

  test.each([
    [RemovalPolicy.DESTROY, 'Delete'],
    [RemovalPolicy.RETAIN, 'Retain'],
  ])("its secret follows the removal policy %s like the client consumers' (%s)", (policy, expected) => {
    const t = template(policy);
    for (const name of [builtinName, `${virtualKeySecretPrefix('test')}client-demo-app`] as unknown[]) {
      const [secret] = Object.values(t.findResources('AWS::SecretsManager::Secret', { Properties: { Name: name } })) as Resource[];
      expect(secret!.DeletionPolicy).toBe(expected);
    }
  });

  test("the reconciler issues its key like any consumer's: no client id, its team, no limits of its own, and may write its secret", () => {
    const [resource] = Object.values(ephemeral.findResources('Custom::LiteLlmTenants')) as Resource[];
    const desired = desiredOf(resource!);
    expect(desired.consumers).toEqual([
      expect.objectContaining({ name: 'demo-app', team: 'platform-eng', clientId: 'client-demo-app' }),
      { name: OPEN_WEBUI_CONSUMER, team: 'employees', secretArn: '<ref>', tags: {} },
    ]);
    ephemeral.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'WriteConsumerKeys', Resource: Match.arrayWith([{ Ref: builtinId() }]) })]),
      },
    });
  });

  test('its key never rotates: no schedule, and the rotation function gets no right on its secret', () => {
    const schedules = Object.values(ephemeral.findResources('AWS::SecretsManager::RotationSchedule')) as Resource[];
    expect(schedules).toHaveLength(config.tenants.consumers.length);
    expect(JSON.stringify(schedules)).not.toContain(builtinId());
    const rotationPolicies = Object.entries(ephemeral.findResources('AWS::IAM::Policy')).filter(([id]) => /Rotation/.test(id));
    expect(rotationPolicies.length).toBeGreaterThan(0);
    expect(JSON.stringify(rotationPolicies)).not.toContain(builtinId());
  });

  test("no token can lead the authorizer to it: outside the authorizer's prefix and its IAM grant, and client ids hold no /", () => {
    expect(builtinKeySecretPrefix('test').startsWith(virtualKeySecretPrefix('test'))).toBe(false);
    // The authorizer reads `<prefix><client id>` (lambda/authorizer/key-store.ts); a client id cannot climb out of the prefix.
    expect(CLIENT_ID_PATTERN.test('../builtin-keys/open-webui')).toBe(false);
    // The dev authorizer's grant, resolved for one account and region, matched as IAM matches a resource pattern.
    const { templates } = synthEnvironment('dev');
    const statements = Object.values(templates.edge.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: { Sid?: string; Resource: unknown }[] }).Statement,
    );
    const grant = statements.find((s) => s.Sid === 'ReadVirtualKeys')!.Resource as { 'Fn::Join': [string, unknown[]] };
    const refs: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' };
    const pattern = grant['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : refs[(p as { Ref: string }).Ref]!)).join('');
    const allowed = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;
    expect(allowed.test(arn(`${virtualKeySecretPrefix('dev')}client-demo-app`))).toBe(true);
    expect(allowed.test(arn(builtinKeySecretName('dev', OPEN_WEBUI_CONSUMER, 'a1b2c3d4')))).toBe(false);
  });

  test.each<[string, BuiltinConsumer[], string]>([
    [
      'a built-in consumer in an undeclared team',
      [{ name: OPEN_WEBUI_CONSUMER, team: 'chat' }],
      'builtinConsumers: "open-webui" is in team "chat", which tenants.teams does not declare',
    ],
    [
      'a built-in consumer named like a declared one',
      [{ name: 'demo-app', team: 'employees' }],
      'builtinConsumers: "demo-app" is also a declared consumer (a built-in consumer\'s name is reserved)',
    ],
  ])('refuses %s', (_what, builtin, message) => {
    const { tenants } = build(RemovalPolicy.DESTROY, builtin);
    expect(tenants).toThrow(message);
  });
});
