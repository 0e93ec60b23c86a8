import { Aspects, Stack, Stage } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ControlTowerBaseline } from '../../lib/compliance/control-tower-baseline';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { parseEnvironment } from '../../lib/config/load-config';
import type { EnvironmentConfig, EnvironmentInput } from '../../lib/config/schema';
import { EdgeStack } from '../../lib/edge-stack';
import { acknowledgeWebEntrance } from '../../lib/nag-acknowledgements';
import { NetworkStack } from '../../lib/network-stack';
import { removalPolicyFor } from '../../lib/removal';
import { testApp } from './app';

import { TEST_DOMAIN } from './web-config';

export { TEST_DOMAIN };

/** An environment's overlay with a web domain (and optional web settings) on top. */
export function withDomain(name: string, web: Partial<NonNullable<EnvironmentInput['web']>> = {}): EnvironmentConfig {
  const input = ENVIRONMENTS[name]!;
  return parseEnvironment({ ...input, web: { ...input.web, domain: TEST_DOMAIN, ...web } });
}

/**
 * The edge stack in a stage of its own, on the real network stack, with the data stack's key and log bucket stood in
 * for: the edge's template does not depend on the rest of the stage, and the whole app builds only once every
 * workload's AWS values are wired.
 */
export function edgeStage(config: EnvironmentConfig, app = testApp()): { stage: Stage; edge: EdgeStack } {
  const stage = new Stage(app, config.name, { env: { account: config.account, region: config.region } });
  const network = new NetworkStack(stage, 'Network', { config });
  const data = new Stack(stage, 'Data');
  const edge = new EdgeStack(stage, 'Edge', {
    config,
    vpc: network.vpc,
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
    clusterName: `genai-${config.name}`,
    secretsKey: new kms.Key(data, 'Key'),
    accessLogBucket: new s3.Bucket(data, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED }),
  });
  Aspects.of(stage).add(new ControlTowerBaseline({ removalPolicy: removalPolicyFor(config) }));
  acknowledgeWebEntrance(edge);
  return { stage, edge };
}
