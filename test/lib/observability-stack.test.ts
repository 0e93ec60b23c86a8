import { Match } from 'aws-cdk-lib/assertions';
import { GATEWAY_DOWN_CHILDREN } from '../../constructs/platform-alarms';
import { snapshotOf, synthEnvironment } from '../support/app';

describe('ObservabilityStack', () => {
  describe.each(['dev', 'prod'])('%s', (name) => {
    const environment = synthEnvironment(name);
    const { config, templates } = environment;
    const observability = templates.observability;

    test('matches the snapshot', () => {
      expect(snapshotOf(observability)).toMatchSnapshot();
    });

    test('deploys last, as genai-<env>-observability', () => {
      expect(environment.stage.observability.stackName).toBe(`genai-${name}-observability`);
      expect(environment.stage.observability.dependencies.map((s) => s.node.id)).toEqual(
        expect.arrayContaining(['Platform', 'Edge', 'Data']),
      );
    });

    test('raises the ten platform alarms (eleven with the ClickHouse backup), a budget and an error alarm per team, and the composite "gateway down", notifying the topic unless muted, its children only through it', () => {
      const ids = Object.keys(observability.findResources('AWS::CloudWatch::Alarm'));
      const teams = config.tenants.teams;
      const platform = config.backup.enabled ? 11 : 10;
      expect(ids.filter((id) => id.startsWith('Alarms'))).toHaveLength(platform);
      expect(ids.filter((id) => id.startsWith('TeamAlarms'))).toHaveLength(
        teams.length + teams.filter((t) => t.maxBudgetUsd !== undefined).length,
      );
      expect(ids).toHaveLength(platform + teams.length + teams.filter((t) => t.maxBudgetUsd !== undefined).length);
      observability.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 1);
      const actions = config.observability.mute ? undefined : [{ Ref: expect.stringMatching(/^AlarmTopic/) as unknown }];
      const [composite] = Object.values(observability.findResources('AWS::CloudWatch::CompositeAlarm'));
      expect([composite!.Properties.AlarmActions, composite!.Properties.OKActions]).toEqual([actions, actions]);
      for (const [id, alarm] of Object.entries(observability.findResources('AWS::CloudWatch::Alarm'))) {
        const child = GATEWAY_DOWN_CHILDREN.some((n) => id.startsWith(`Alarms${n}`));
        expect([id, alarm.Properties.AlarmActions, alarm.Properties.OKActions]).toEqual(
          child ? [id, undefined, undefined] : [id, actions, actions],
        );
      }
    });

    test("alarms on each team's spend at the configured share of its own budget, from this environment's LiteLLM metrics", () => {
      const t = config.observability.alarms;
      const budgeted = config.tenants.teams.filter((team) => team.maxBudgetUsd !== undefined);
      expect(budgeted.length).toBeGreaterThan(0);
      for (const team of budgeted) {
        const remaining = `remaining_${team.name.replace(/-/g, '_')}`;
        observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Threshold: t.teamBudgetPercent,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Metrics: Match.arrayWith([
            Match.objectLike({ Expression: `100 * (${team.maxBudgetUsd} - ${remaining}) / ${team.maxBudgetUsd}` }),
            Match.objectLike({
              Id: remaining,
              MetricStat: Match.objectLike({
                Metric: {
                  Namespace: 'GenAIPlatform/LiteLLM',
                  MetricName: 'litellm_remaining_team_budget_metric',
                  Dimensions: [
                    { Name: 'Environment', Value: name },
                    { Name: 'team_alias', Value: team.name },
                  ],
                },
                Stat: 'Minimum',
              }),
            }),
          ]),
        });
      }
    });

    test("alarms on each team's failed-request share above the configured percentage", () => {
      const t = config.observability.alarms;
      for (const team of config.tenants.teams) {
        const id = team.name.replace(/-/g, '_');
        observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Threshold: t.teamErrorPercent,
          ComparisonOperator: 'GreaterThanThreshold',
          Metrics: Match.arrayWith([
            Match.objectLike({ Expression: `IF(requests_${id} >= 20, 100 * FILL(failed_${id}, 0) / requests_${id}, 0)` }),
          ]),
        });
      }
    });

    test("watches this environment's own resources, with the configured thresholds", () => {
      const t = config.observability.alarms;
      observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: t.auroraCapacityPercent,
        Metrics: Match.arrayWith([
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: 'ACUUtilization',
                Dimensions: [
                  { Name: 'DBInstanceIdentifier', Value: { 'Fn::GetStackOutput': Match.objectLike({ StackName: `genai-${name}-data` }) } },
                ],
              },
            }),
          }),
        ]),
      });
      observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: t.valkeyMemoryPercent,
        Metrics: Match.arrayWith([
          Match.objectLike({
            Expression: `MAX([${Array.from({ length: 1 + config.cache.replicas }, (_, i) => `node${i + 1}`).join(', ')}])`,
          }),
        ]),
      });
      observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: t.gateway5xxPercent,
        Metrics: Match.arrayWith([
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: Match.objectLike({ MetricName: '5XXError', Dimensions: Match.arrayWith([{ Name: 'Stage', Value: 'api' }]) }),
            }),
          }),
        ]),
      });
      observability.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: t.clickhouseVolumePercent,
        Metrics: [
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: {
                Namespace: 'GenAIPlatform/ClickHouse',
                MetricName: 'VolumeUsedPercent',
                Dimensions: [{ Name: 'Environment', Value: name }],
              },
            }),
          }),
        ],
      });
    });

    test('has one dashboard, named by CloudFormation', () => {
      observability.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      observability.allResourcesProperties('AWS::CloudWatch::Dashboard', { DashboardName: Match.absent() });
      observability.hasOutput('DashboardUrl', Match.anyValue());
    });

    test('holds no budget: budgets live in the account stack, which the nightly destroy never touches', () => {
      observability.resourceCountIs('AWS::Budgets::Budget', 0);
      expect(JSON.stringify(observability.toJSON())).not.toContain('budgets.amazonaws.com');
    });

    test('sends to an encrypted topic with the configured email subscriptions, and deletes its key with the stack', () => {
      observability.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      observability.resourceCountIs('AWS::SNS::Subscription', config.observability.alarmEmails.length);
      observability.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Delete',
        Properties: { PendingWindowInDays: config.ephemeral ? 7 : 30 },
      });
    });
  });

  test('dev is muted and prod is not', () => {
    expect(synthEnvironment('dev').config.observability.mute).toBe(true);
    expect(synthEnvironment('prod').config.observability.mute).toBe(false);
  });
});
