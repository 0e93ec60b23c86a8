import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** What DescribeSecret says about the secret being rotated. */
export interface SecretState {
  readonly arn: string;
  readonly name: string;
  readonly rotationEnabled: boolean;
  /** Version id → its staging labels. */
  readonly versions: Readonly<Record<string, readonly string[]>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** The Secrets Manager calls of a rotation, on one secret. */
export interface SecretVersions {
  describe(secretId: string): Promise<SecretState>;
  /**
   * The string of a version, by stage (and version id when given); undefined when that version has no value,
   * as the AWSPENDING version Secrets Manager creates before createSecret (ResourceNotFoundException).
   */
  read(secretId: string, stage: string, versionId?: string): Promise<string | undefined>;
  /** PutSecretValue with the rotation's token as version id, labelled AWSPENDING only. */
  putPending(secretId: string, token: string, value: string): Promise<void>;
  /** Moves AWSCURRENT from `from` to `to`; Secrets Manager then labels `from` AWSPREVIOUS. */
  moveCurrent(secretId: string, to: string, from: string): Promise<void>;
}

export function versionWith(state: SecretState, stage: string): string | undefined {
  return Object.entries(state.versions).find(([, stages]) => stages.includes(stage))?.[0];
}

export function secretVersions(client: Pick<SecretsManagerClient, 'send'>): SecretVersions {
  return {
    async describe(secretId) {
      const out = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      return {
        arn: out.ARN ?? secretId,
        name: out.Name ?? '',
        rotationEnabled: out.RotationEnabled === true,
        versions: out.VersionIdsToStages ?? {},
        tags: Object.fromEntries((out.Tags ?? []).flatMap((t) => (t.Key !== undefined ? [[t.Key, t.Value ?? '']] : []))),
      };
    },
    async read(secretId, stage, versionId) {
      try {
        // The stage is always named: a version id alone would also read a version that lost its label.
        const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage, VersionId: versionId }));
        return out.SecretString;
      } catch (err) {
        if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        throw err;
      }
    },
    async putPending(secretId, token, value) {
      await client.send(
        new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: value, VersionStages: [AWSPENDING] }),
      );
    },
    async moveCurrent(secretId, to, from) {
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: AWSCURRENT,
          MoveToVersionId: to,
          RemoveFromVersionId: from,
        }),
      );
    },
  };
}
