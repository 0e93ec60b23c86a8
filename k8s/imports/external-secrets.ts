/**
 * Minimal typed wrappers for the External Secrets Operator CRDs this project uses.
 *
 * Source of truth: the CRDs shipped with the external-secrets Helm chart pinned in `k8s/versions.ts`
 * (tag helm-chart-2.9.0: `config/crds/bases/external-secrets.io_externalsecrets.yaml` and
 * `..._secretstores.yaml`, also in `deploy/crds/bundle.yaml`; API group external-secrets.io, version v1).
 * `cdk8s import` needs the network, so only the fields used here are typed; the zod schemas below restate
 * the same subset so tests can validate rendered objects (unknown fields are rejected, as the CRD's
 * structural schema would prune them).
 */
import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';

export const EXTERNAL_SECRETS_API_VERSION = 'external-secrets.io/v1';

/** A field of a Secrets Manager secret. */
export interface SecretsManagerRef {
  /** Secret ARN or name. */
  readonly key: string;
  /** JSON key inside the secret; the whole value when absent. */
  readonly property?: string;
}

export interface ExternalSecretData {
  /** Name the value has inside the template (`{{ .secretKey }}`) or in the target Secret. */
  readonly secretKey: string;
  readonly remoteRef: SecretsManagerRef;
}

export interface ExternalSecretSpec {
  readonly refreshInterval: string;
  readonly secretStoreRef: { readonly kind: 'SecretStore'; readonly name: string };
  readonly target: {
    readonly name: string;
    readonly creationPolicy: 'Owner' | 'Orphan' | 'Merge' | 'None';
    readonly deletionPolicy?: 'Delete' | 'Merge' | 'Retain';
    readonly template?: {
      readonly engineVersion: 'v2';
      readonly mergePolicy?: 'Replace' | 'Merge';
      readonly type?: string;
      readonly data: Readonly<Record<string, string>>;
    };
  };
  readonly data: readonly ExternalSecretData[];
}

export interface ExternalSecretProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: ExternalSecretSpec;
}

export class ExternalSecret extends ApiObject {
  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id, { apiVersion: EXTERNAL_SECRETS_API_VERSION, kind: 'ExternalSecret', metadata: props.metadata, spec: props.spec });
  }
}

export interface SecretStoreSpec {
  readonly provider: {
    readonly aws: {
      readonly service: 'SecretsManager' | 'ParameterStore';
      readonly region: string;
      /**
       * AssumeRoleWithWebIdentity as the named service account of the store's own namespace, with the role its
       * `eks.amazonaws.com/role-arn` annotation names. Absent: the controller's own credentials (it has none here).
       */
      readonly auth: { readonly jwt: { readonly serviceAccountRef: { readonly name: string } } };
    };
  };
}

export interface SecretStoreProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: SecretStoreSpec;
}

/** A namespaced store: ExternalSecrets of its own namespace only may use it. */
export class SecretStore extends ApiObject {
  constructor(scope: Construct, id: string, props: SecretStoreProps) {
    super(scope, id, { apiVersion: EXTERNAL_SECRETS_API_VERSION, kind: 'SecretStore', metadata: props.metadata, spec: props.spec });
  }
}

const objectMeta = z.looseObject({
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
    .max(253),
});
const duration = z.string().regex(/^(\d+(ns|us|µs|ms|s|m|h))+$/);

/** The subset of the ExternalSecret v1 CRD schema this project relies on. */
export const externalSecretSchema = z.strictObject({
  apiVersion: z.literal(EXTERNAL_SECRETS_API_VERSION),
  kind: z.literal('ExternalSecret'),
  metadata: objectMeta.extend({ namespace: z.string().min(1) }),
  spec: z.strictObject({
    refreshInterval: duration,
    secretStoreRef: z.strictObject({ kind: z.literal('SecretStore'), name: z.string().min(1) }),
    target: z.strictObject({
      name: z.string().min(1),
      creationPolicy: z.enum(['Owner', 'Orphan', 'Merge', 'None']),
      deletionPolicy: z.enum(['Delete', 'Merge', 'Retain']).optional(),
      template: z
        .strictObject({
          engineVersion: z.literal('v2'),
          mergePolicy: z.enum(['Replace', 'Merge']).optional(),
          type: z.string().optional(),
          data: z.record(z.string(), z.string()),
        })
        .optional(),
    }),
    data: z
      .array(
        z.strictObject({
          secretKey: z.string().regex(/^[-._a-zA-Z0-9]+$/),
          remoteRef: z.strictObject({ key: z.string().min(1), property: z.string().min(1).optional() }),
        }),
      )
      .min(1),
  }),
});

/** The subset of the SecretStore v1 CRD schema this project relies on: jwt auth is required, a namespace in it is not allowed. */
export const secretStoreSchema = z.strictObject({
  apiVersion: z.literal(EXTERNAL_SECRETS_API_VERSION),
  kind: z.literal('SecretStore'),
  metadata: objectMeta.extend({ namespace: z.string().min(1) }),
  spec: z.strictObject({
    provider: z.strictObject({
      aws: z.strictObject({
        service: z.enum(['SecretsManager', 'ParameterStore']),
        region: z.string().min(1),
        auth: z.strictObject({
          jwt: z.strictObject({
            serviceAccountRef: z.strictObject({
              name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/),
            }),
          }),
        }),
      }),
    }),
  }),
});
