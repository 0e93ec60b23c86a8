/**
 * Open WebUI's S3 storage provider: which S3 calls it makes, so its role may make exactly those.
 *
 * Source: open-webui/open-webui backend/open_webui/storage/provider.py, S3StorageProvider, as stored at commit
 * 39cee9ab3e57f795235bda3c34c851923c04b7db and in a 2026 derivative of it (read 2026-11-29; neither is confirmed to
 * be the tag k8s/versions.ts pins, and all agree on these calls). upload_file hands the file to boto3's upload_file
 * (PutObject, or a multipart upload above boto3's threshold, aborted when a part fails), then put_object_tagging only
 * when S3_ENABLE_TAGGING is true; get_file uses boto3's download_file (HeadObject and GetObject); delete_file calls
 * delete_object; delete_all_files calls list_objects_v2 on the bucket and delete_object per key. backend/open_webui/
 * config.py: S3_ENABLE_TAGGING defaults to false. IAM: multipart parts are authorised by s3:PutObject, HeadObject by
 * s3:GetObject, ListObjectsV2 by s3:ListBucket; a DeleteObject without a version id needs no s3:DeleteObjectVersion.
 */
import { Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { dev } from '../../lib/config/environments/dev';
import { parseEnvironment } from '../../lib/config/load-config';
import { DataStack } from '../../lib/data-stack';
import { NetworkStack } from '../../lib/network-stack';
import { testApp } from '../support/app';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from '../k8s/support/charts';
import { Testing } from 'cdk8s';

/** IAM actions behind the calls the provider makes with S3_ENABLE_TAGGING off. */
const OBJECT_ACTIONS = ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'];

describe('Open WebUI contract: S3 storage', () => {
  const environment = parseEnvironment({ ...dev, openWebUi: { ...dev.openWebUi, enabled: true } });
  const stage = new Stage(testApp(), environment.name, { env: { account: environment.account, region: environment.region } });
  const network = new NetworkStack(stage, 'Network', { config: environment });
  const data = Template.fromStack(new DataStack(stage, 'Data', { config: environment, vpc: network.vpc }));
  const [, policy] = Object.entries(data.findResources('AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('OpenWebUiAccess'))!;
  const statements = policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[];
  const actions = statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('s3:'));

  test("its role may make the provider's calls on its bucket (upload, multipart abort, download, delete, list), nothing more", () => {
    expect(actions.sort()).toEqual([...OBJECT_ACTIONS, 's3:ListBucket'].sort());
  });

  test.each(ENVIRONMENT_NAMES)('object tagging stays off, so the role needs no s3:PutObjectTagging (%s)', (env) => {
    const manifests = Testing.synth(charts(config(env)).openWebUi!) as Manifest[];
    const container: Manifest = find(manifests, 'Deployment', 'open-webui').spec.template.spec.containers[0];
    expect(envOf(container)).not.toHaveProperty('S3_ENABLE_TAGGING');
    expect(actions).not.toContain('s3:PutObjectTagging');
  });
});
