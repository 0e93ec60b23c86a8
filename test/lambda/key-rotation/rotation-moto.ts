/**
 * What Secrets Manager does around a rotation function, played against moto_server, which cannot invoke a
 * function here (no container runtime) and differs from Secrets Manager in the ways worked around below.
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CONSUMER_SECRET_TAG, TEAM_SECRET_TAG, virtualKeySecretPrefix } from '../../../lib/shared/tenants';

const stageHolder = (versions: Record<string, string[]>, stage: string) => Object.entries(versions).find(([, s]) => s.includes(stage))?.[0];

async function stages(client: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  return (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
}

/**
 * A consumer's key secret as the stack and the reconciler leave it: tagged, rotation on, the key current.
 * moto turns rotation on only through RotateSecret with rules, which (without a function) makes an empty
 * version current; the reconciler's PutSecretValue then makes the key current again.
 */
export async function consumerKeySecret(
  client: SecretsManagerClient,
  opts: { environment: string; clientId: string; consumer: string; team: string; key: string; rotation?: boolean },
): Promise<string> {
  const { ARN } = await client.send(
    new CreateSecretCommand({
      Name: `${virtualKeySecretPrefix(opts.environment)}${opts.clientId}`,
      SecretString: 'placeholder-not-a-key',
      Tags: [
        { Key: CONSUMER_SECRET_TAG, Value: opts.consumer },
        { Key: TEAM_SECRET_TAG, Value: opts.team },
      ],
    }),
  );
  if (opts.rotation !== false) await client.send(new RotateSecretCommand({ SecretId: ARN, RotationRules: { AutomaticallyAfterDays: 30 } }));
  await client.send(new PutSecretValueCommand({ SecretId: ARN, SecretString: JSON.stringify({ virtualKey: opts.key }) }));
  return ARN!;
}

/**
 * Starts a rotation as RotateSecret does before invoking createSecret: a new version `token`, labelled
 * AWSPENDING, with no value, beside the untouched AWSCURRENT and AWSPREVIOUS. moto's RotateSecret without a
 * function moves AWSCURRENT (and AWSPREVIOUS) onto it, so both labels are moved back; and it refuses to
 * start while the last rotation's AWSPENDING sits on the current version, which Secrets Manager allows.
 */
export async function startRotation(client: SecretsManagerClient, secretId: string, token: string): Promise<void> {
  const before = await stages(client, secretId);
  const current = stageHolder(before, 'AWSCURRENT')!;
  const previous = stageHolder(before, 'AWSPREVIOUS');
  const pending = stageHolder(before, 'AWSPENDING');
  if (pending !== undefined) {
    await client.send(
      new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: pending }),
    );
  }
  await client.send(new RotateSecretCommand({ SecretId: secretId, ClientRequestToken: token }));
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: current,
      RemoveFromVersionId: token,
    }),
  );
  const after = await stages(client, secretId);
  const previousNow = stageHolder(after, 'AWSPREVIOUS');
  if (previousNow !== undefined && previousNow !== previous) {
    await client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSPREVIOUS',
        RemoveFromVersionId: previousNow,
        MoveToVersionId: previous,
      }),
    );
  }
  await client.send(new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSPENDING', MoveToVersionId: token }));
}

export { stages, stageHolder };
