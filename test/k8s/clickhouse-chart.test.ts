import { Testing } from 'cdk8s';
import { XMLParser } from 'fast-xml-parser';
import { clickhouseReplicaHosts } from '../../k8s/clickhouse-chart';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from '../../k8s/renderers/checksum';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from './support/charts';

describe.each(ENVIRONMENT_NAMES)('ClickHouseChart (%s)', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).clickhouse) as Manifest[];
  const sts = find(manifests, 'StatefulSet', 'clickhouse');
  const container = sts.spec.template.spec.containers[0];
  const configMap = find(manifests, 'ConfigMap', 'clickhouse-config');

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('runs the configured replicas on encrypted gp3 volumes of the configured size', () => {
    expect(sts.spec.replicas).toBe(cfg.workloads.clickhouse.replicas);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'ebs-gp3-encrypted',
      resources: { requests: { storage: `${cfg.workloads.clickhouse.volumeSizeGi}Gi` } },
    });
  });

  test('deletes volumes with the StatefulSet only in ephemeral environments', () => {
    const policy = cfg.ephemeral ? 'Delete' : 'Retain';
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: policy, whenScaled: policy });
  });

  test('declares the S3 disk with environment credentials and points it at the ClickHouse bucket', () => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(configMap.data['config.xml']);
    expect(xml.clickhouse.storage_configuration.disks.s3).toMatchObject({ type: 's3', use_environment_credentials: 1 });
    expect(envOf(container).CLICKHOUSE_S3_ENDPOINT).toBe('https://<clickhouse-bucket>.s3.us-east-1.amazonaws.com/data/$(POD_NAME)/');
    expect(envOf(container).CLICKHOUSE_PASSWORD).toBe('secret:clickhouse-credentials/CLICKHOUSE_PASSWORD');
  });

  test('rolls the pods when the XML changes', () => {
    expect(sts.spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION]).toBe(configChecksum(configMap.data));
  });

  test('has a headless Service publishing not-ready peers and a client Service', () => {
    expect(find(manifests, 'Service', 'clickhouse-headless').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(find(manifests, 'Service', 'clickhouse').spec.ports.map((p: Manifest) => p.port)).toEqual([8123, 9000]);
  });

  test('runs Keeper only when replicated', () => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(configMap.data['config.xml']);
    if (cfg.workloads.clickhouse.replicas > 1) {
      expect(xml.clickhouse.keeper_server.raft_configuration.server).toHaveLength(3);
      expect(container.command.join(' ')).toContain('KEEPER_SERVER_ID');
      expect(find(manifests, 'PodDisruptionBudget', 'clickhouse').spec.maxUnavailable).toBe(1);
    } else {
      expect(xml.clickhouse.keeper_server).toBeUndefined();
      expect(container.command[0]).toBe('/usr/bin/clickhouse-server');
    }
  });
});

describe('clickhouseReplicaHosts', () => {
  test('names each pod behind the headless Service', () => {
    expect(clickhouseReplicaHosts(3)).toEqual([
      'clickhouse-0.clickhouse-headless.langfuse.svc.cluster.local',
      'clickhouse-1.clickhouse-headless.langfuse.svc.cluster.local',
      'clickhouse-2.clickhouse-headless.langfuse.svc.cluster.local',
    ]);
  });
});
