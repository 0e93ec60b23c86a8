import { problemsOf } from '../../support/config-problems';
import { loadAccountSettings, loadEnvironment, parseEnvironment } from '../../../lib/config/load-config';
import type { EnvironmentInput } from '../../../lib/config/schema';
import { ENVIRONMENTS } from '../../../lib/config/environments';

const valid: EnvironmentInput = { name: 'test', ephemeral: true, region: 'us-east-1' };

describe('loadEnvironment', () => {
  test('loads dev with its defaults filled in', () => {
    const dev = loadEnvironment('dev');
    expect(dev).toMatchObject({
      name: 'dev',
      ephemeral: true,
      deletionProtection: false,
      network: { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 },
      database: { minCapacity: 0, readers: 0 },
      cache: { replicas: 0, multiAz: false },
    });
    // The default Claude groups plus the embedding model Open WebUI's document search uses.
    expect(dev.models.map((m) => m.name)).toEqual(['claude-3-7-sonnet', 'claude-sonnet-4', 'claude-opus-4', 'titan-embed-text-v2']);
  });

  test('fills observability defaults: unmuted, no subscribers, thresholds set, a budget alerting at 80% and 100%', () => {
    expect(parseEnvironment(valid).observability).toEqual({
      mute: false,
      alarmEmails: [],
      chat: { slack: [], teams: [] },
      alarms: {
        gateway5xxPercent: 5,
        gateway4xxPercent: 25,
        noTrafficMinutes: 60,
        web5xxCount: 10,
        authorizerErrors: 5,
        bedrockThrottles: 10,
        auroraCapacityPercent: 95,
        valkeyMemoryPercent: 80,
        clickhouseVolumePercent: 90,
        teamBudgetPercent: 80,
        teamErrorPercent: 10,
      },
      monthlyBudgetUsd: 1000,
      budgetAlertPercents: [80, 100],
    });
  });

  test('loads prod as three zones with redundancy and deletion protection', () => {
    const prod = loadEnvironment('prod');
    expect(prod).toMatchObject({
      ephemeral: false,
      deletionProtection: true,
      network: { natGateways: 3 },
      database: { readers: 1 },
      cache: { multiAz: true, replicas: 2 },
    });
    expect(prod.network.availabilityZones).toHaveLength(3);
  });

  test('gives every environment a way into its cluster by default: the operator role and, for a private endpoint, the tunnel', () => {
    expect(parseEnvironment(valid).cluster).toMatchObject({
      endpointAccess: { mode: 'private' },
      operatorRole: true,
      endpointTunnel: true,
    });
    // A retained environment may rely on its own network path (VPN, Direct Connect) and a named role instead.
    const retained = { ...valid, ephemeral: false, deletionProtection: true };
    const cluster = { operatorRole: false, endpointTunnel: false, adminRoleArns: ['arn:aws:iam::123456789012:role/Ops'] };
    expect(parseEnvironment({ ...retained, cluster }).cluster).toMatchObject(cluster);
    // An ephemeral one may drop the tunnel only with a public endpoint restricted to its CIDRs.
    const publicEndpoint = {
      endpointAccess: { mode: 'public-and-private' as const, publicCidrs: ['203.0.113.0/24'] },
      endpointTunnel: false,
    };
    expect(parseEnvironment({ ...valid, cluster: publicEndpoint }).cluster.endpointTunnel).toBe(false);
  });

  test('rejects an unknown environment name, listing the known ones', () => {
    expect(() => loadEnvironment('no-such-env')).toThrow(
      `env: unknown environment "no-such-env" (allowed: ${Object.keys(ENVIRONMENTS).join(', ')})`,
    );
  });

  test('does not treat inherited object keys as environments', () => {
    expect(() => loadEnvironment('constructor')).toThrow('env: unknown environment "constructor"');
  });

  test('takes account and region from the CDK environment when the overlay is silent', () => {
    const config = parseEnvironment(
      { name: 'test', ephemeral: true, network: { availabilityZones: ['eu-west-1a', 'eu-west-1b'] } },
      { account: '123456789012', region: 'eu-west-1' },
    );
    expect(config).toMatchObject({ account: '123456789012', region: 'eu-west-1' });
  });

  test('prefers the overlay over the CDK environment', () => {
    expect(parseEnvironment({ ...valid, account: '111111111111' }, { account: '222222222222', region: 'eu-west-1' })).toMatchObject({
      account: '111111111111',
      region: 'us-east-1',
    });
  });
});

describe('parseEnvironment rejects bad config with one exact message per problem', () => {
  test.each<[string, unknown, string[]]>([
    ['a malformed CIDR', { ...valid, network: { cidr: '10.0.0/16' } }, ['network.cidr: "10.0.0/16" is not an IPv4 CIDR (use a.b.c.d/n)']],
    [
      'a too-small CIDR',
      { ...valid, network: { cidr: '10.0.0.0/24' } },
      ['network.cidr: "10.0.0.0/24" is too small (use a prefix length between /16 and /20)'],
    ],
    [
      'a CIDR with host bits',
      { ...valid, network: { cidr: '10.0.0.1/16' } },
      ['network.cidr: "10.0.0.1/16" has host bits set (use the network address, e.g. 10.0.0.0/16)'],
    ],
    [
      'min capacity above max',
      { ...valid, database: { minCapacity: 8, maxCapacity: 4 } },
      ['database.minCapacity: 8 is above maxCapacity 4 (allowed: 0 to maxCapacity)'],
    ],
    [
      'a capacity off the half-ACU grid',
      { ...valid, database: { maxCapacity: 4.3 } },
      ['database.maxCapacity: 4.3 is not a multiple of 0.5'],
    ],
    [
      'an unknown model provider',
      { ...valid, models: [{ name: 'gpt', deployments: [{ provider: 'openai' }] }] },
      ['models[0].deployments[0].provider: "openai" is not allowed (allowed: "bedrock", "azure", "gemini")'],
    ],
    [
      'an unsupported Kubernetes version',
      { ...valid, cluster: { kubernetesVersion: '1.29' } },
      ['cluster.kubernetesVersion: "1.29" is not allowed (allowed: "1.35")'],
    ],
    [
      'a user ARN where a role is needed',
      { ...valid, cluster: { adminRoleArns: ['arn:aws:iam::123456789012:user/alice'] } },
      ['cluster.adminRoleArns[0]: is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)'],
    ],
    [
      'prod without deletion protection',
      { ...valid, ephemeral: false },
      ['deletionProtection: must be true for a non-ephemeral environment (set ephemeral: true for a throwaway environment)'],
    ],
    [
      'an environment named like the account-level stage, which the nightly destroy must never select',
      { ...valid, name: 'account' },
      ['name: "account" is reserved for the account-level stage (budgets and cost alerts; allowed: any other name)'],
    ],
    [
      'an ephemeral env with backups, whose recovery points would outlive every nightly destroy',
      { ...valid, backup: { enabled: true } },
      ['backup.enabled: must be false for an ephemeral environment (recovery points would outlive every nightly destroy)'],
    ],
    [
      'an ephemeral env with deletion protection',
      { ...valid, deletionProtection: true },
      ['deletionProtection: must be false for an ephemeral environment (the end-of-day destroy would fail)'],
    ],
    [
      'an empty zone list',
      { ...valid, network: { availabilityZones: [] } },
      ['network.availabilityZones: needs at least 2 zones (allowed: 2 or 3 zone names)'],
    ],
    [
      'a zone from another region',
      { ...valid, network: { availabilityZones: ['us-east-1a', 'eu-west-1b'] } },
      ['network.availabilityZones[1]: "eu-west-1b" is not in region us-east-1 (allowed: zones of the configured region)'],
    ],
    [
      'more NAT gateways than zones',
      { ...valid, network: { natGateways: 3 } },
      ['network.natGateways: 3 is more than the 2 zones (allowed: 1 to the number of zones)'],
    ],
    [
      'multi-AZ cache without a replica',
      { ...valid, cache: { multiAz: true } },
      ['cache.replicas: must be at least 1 when multiAz is true (a primary cannot fail over to nothing)'],
    ],
    [
      'a retention CloudWatch does not offer',
      { ...valid, network: { flowLogRetentionDays: 10 } },
      [
        'network.flowLogRetentionDays: is not a CloudWatch retention period (allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)',
      ],
    ],
    ['a misspelt field', { ...valid, netwrok: {} }, ['(root): unknown field "netwrok" (remove or fix the spelling)']],
    [
      'an uppercase environment name',
      { ...valid, name: 'Dev' },
      ['name: is not an environment name (lowercase letters and digits, 2-12 characters)'],
    ],
    [
      'a missing region',
      { name: 'test', ephemeral: true },
      [
        'region: is required: set region in the overlay (left out, it comes from CDK_DEFAULT_REGION, AWS_REGION or AWS_DEFAULT_REGION, and none is set)',
      ],
    ],
    [
      'an open public endpoint',
      { ...valid, cluster: { endpointAccess: { mode: 'public-and-private', publicCidrs: [] } } },
      ['cluster.endpointAccess.publicCidrs: needs at least one CIDR (an open public endpoint is not allowed)'],
    ],
    [
      'no way into the cluster (no operator role, no admin role)',
      { ...valid, cluster: { operatorRole: false } },
      [
        'cluster.adminRoleArns: is empty while operatorRole is false: nobody could use kubectl (allowed: at least one role ARN, or operatorRole: true)',
      ],
    ],
    [
      'an ephemeral private cluster without the tunnel',
      { ...valid, cluster: { endpointTunnel: false } },
      [
        'cluster.endpointTunnel: must be true for an ephemeral environment with a private endpoint: its VPC is new every morning, so no VPN reaches it (allowed: true, or endpointAccess public-and-private with your CIDRs)',
      ],
    ],
    [
      'a duplicated model name',
      {
        ...valid,
        models: [
          {
            name: 'claude',
            deployments: [{ provider: 'bedrock', modelId: 'anthropic.claude-sonnet-4-20250514-v1:0', region: 'us-east-1' }],
          },
          { name: 'claude', deployments: [{ provider: 'gemini', model: 'gemini-2.5-pro', apiKeySecretName: 'genai/gemini' }] },
        ],
      },
      ['models[1].name: "claude" is used twice (allowed: unique model names)'],
    ],
    [
      'ClickHouse with two replicas',
      { ...valid, workloads: { clickhouse: { replicas: 2 } } },
      ['workloads.clickhouse.replicas: must be 1 or 3 (allowed: 1 standalone, 3 replicated with Keeper)'],
    ],
    ['a non-integer count', { ...valid, cache: { replicas: 1.5 } }, ['cache.replicas: must be an integer (got 1.5)']],
    [
      'an alarm email that is not an address',
      { ...valid, observability: { alarmEmails: ['oncall'] } },
      ['observability.alarmEmails[0]: is not an email address (name@example.com)'],
    ],
    [
      'a 5xx alarm threshold above 100%',
      { ...valid, observability: { alarms: { gateway5xxPercent: 150 } } },
      ['observability.alarms.gateway5xxPercent: is above 100 (allowed: a percentage above 0, up to 100)'],
    ],
    [
      'a zero Valkey memory threshold',
      { ...valid, observability: { alarms: { valkeyMemoryPercent: 0 } } },
      ['observability.alarms.valkeyMemoryPercent: must be above 0 (allowed: a percentage above 0, up to 100)'],
    ],
    [
      'an authorizer error threshold of zero',
      { ...valid, observability: { alarms: { authorizerErrors: 0 } } },
      ['observability.alarms.authorizerErrors: 0 is below the minimum (allowed: >= 1)'],
    ],
    [
      'a zero budget',
      { ...valid, observability: { monthlyBudgetUsd: 0 } },
      ['observability.monthlyBudgetUsd: must be above 0 (allowed: US dollars above 0, up to 1000000)'],
    ],
    [
      'a budget without alerts',
      { ...valid, observability: { budgetAlertPercents: [] } },
      ['observability.budgetAlertPercents: needs at least one percentage (e.g. [80, 100])'],
    ],
    [
      'more budget alerts than AWS Budgets takes',
      { ...valid, observability: { budgetAlertPercents: [10, 20, 30, 40, 50] } },
      [
        'observability.budgetAlertPercents: has more than 4 percentages (AWS Budgets allows 5 notifications per budget; one is the forecast)',
      ],
    ],
    [
      'a budget alert listed twice',
      { ...valid, observability: { budgetAlertPercents: [80, 80] } },
      ['observability.budgetAlertPercents[1]: 80 is listed twice (allowed: distinct percentages)'],
    ],
    [
      'a misspelt observability field',
      { ...valid, observability: { alarm: {} } },
      ['observability: unknown field "alarm" (remove or fix the spelling)'],
    ],
  ])('rejects %s', (_what, input, expected) => {
    expect(problemsOf(input)).toEqual(expected);
  });

  test('lists every independent problem in one error', () => {
    const input = { ...valid, name: 'X', network: { cidr: '10.0.0.0/24' }, cluster: { kubernetesVersion: '1.20' } };
    expect(() => parseEnvironment(input as EnvironmentInput)).toThrow(
      [
        'Invalid config for environment "X":',
        '  - name: is not an environment name (lowercase letters and digits, 2-12 characters)',
        '  - network.cidr: "10.0.0.0/24" is too small (use a prefix length between /16 and /20)',
        '  - cluster.kubernetesVersion: "1.20" is not allowed (allowed: "1.35")',
      ].join('\n'),
    );
  });
});

describe('loadAccountSettings', () => {
  test('fills defaults: no subscriber, no Bedrock budget, anomalies from 100 USD', () => {
    expect(loadAccountSettings({})).toEqual({ alertEmails: [], anomalyAlertUsd: 100 });
  });

  test('lists every problem of the account settings in one message', () => {
    expect(() => loadAccountSettings({ alertEmails: ['nope'], bedrock: { monthlyBudgetUsd: 0 }, account: '12' })).toThrow(
      'Invalid config for environment "account":\n' +
        '  - account: is not an AWS account id (12 digits)\n' +
        '  - alertEmails[0]: is not an email address (name@example.com)\n' +
        '  - bedrock.monthlyBudgetUsd: must be above 0 (allowed: US dollars above 0)',
    );
  });

  test('the shipped settings load, with a Bedrock budget by the Bedrock service name', () => {
    expect(loadAccountSettings().bedrock).toMatchObject({ services: ['Amazon Bedrock'] });
  });
});
