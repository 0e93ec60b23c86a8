/**
 * Minimal typed wrapper for the EKS Auto Mode TargetGroupBinding.
 *
 * Source of truth: the EKS user guide (github.com/awsdocs/amazon-eks-user-guide, read 2026-11-29),
 * "Enable EKS Auto Mode on existing clusters" (migrate-auto.adoc) and "Use Service Annotations to configure
 * Network Load Balancers" (auto-configure-nlb.adoc, commit 1eb6aa42): Auto Mode's built-in load balancing
 * serves TargetGroupBinding under `eks.amazonaws.com/v1`, where the open-source AWS Load Balancer Controller
 * uses `elbv2.k8s.aws/v1beta1`, and `spec.targetType` is required there. The spec fields are those of the
 * controller's TargetGroupBinding (targetGroupARN, targetType, serviceRef). `networking` is left out on
 * purpose: Auto Mode ignores its ipBlock form (auto-networking.adoc) and the edge stack opens the pod ports
 * itself. Only the fields used here are typed; the zod schema restates them for tests
 * (test/contracts/eks-auto-mode.test.ts).
 */
import { ApiObject, type ApiObjectMetadata } from 'cdk8s';
import type { Construct } from 'constructs';
import { z } from 'zod';

export const EKS_AUTO_MODE_API_VERSION = 'eks.amazonaws.com/v1';

export interface TargetGroupBindingSpec {
  readonly targetGroupARN: string;
  /** Required under Auto Mode. `ip` registers pod IPs directly (the target group must be of type ip). */
  readonly targetType: 'ip' | 'instance';
  readonly serviceRef: { readonly name: string; readonly port: number | string };
}

export interface TargetGroupBindingProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: TargetGroupBindingSpec;
}

export class TargetGroupBinding extends ApiObject {
  constructor(scope: Construct, id: string, props: TargetGroupBindingProps) {
    super(scope, id, { apiVersion: EKS_AUTO_MODE_API_VERSION, kind: 'TargetGroupBinding', metadata: props.metadata, spec: props.spec });
  }
}

export const targetGroupBindingSchema = z.strictObject({
  apiVersion: z.literal(EKS_AUTO_MODE_API_VERSION),
  kind: z.literal('TargetGroupBinding'),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().min(1) }),
  spec: z.strictObject({
    targetGroupARN: z.string().min(1),
    targetType: z.enum(['ip', 'instance']),
    serviceRef: z.strictObject({ name: z.string().min(1), port: z.union([z.number().int().min(1).max(65535), z.string().min(1)]) }),
  }),
});

/**
 * Auto Mode's NodeClass (`eks.amazonaws.com/v1`): the EC2 settings of the nodes a NodePool launches. Source: EKS user
 * guide "Create a Node Class for Amazon EKS" (create-node-class.adoc, awsdocs/amazon-eks-user-guide commit 6121ad5a,
 * and docs.aws.amazon.com/eks/latest/userguide/create-node-class.html, read 2026-12-06): `role` (the node IAM role's
 * name), `subnetSelectorTerms` and `securityGroupSelectorTerms` are required; each term selects by `id` or by
 * `tags`; `tags` are extra EC2 tags, not `kubernetes.io/cluster/*`, `karpenter.sh/*` or `eks.amazonaws.com/nodeclass`.
 * Only the fields used here are typed; the optional ones we leave at their defaults (ephemeralStorage 80Gi,
 * networkPolicy DefaultAllow, snatPolicy Random) are left out.
 */
export interface NodeClassSpec {
  readonly role: string;
  readonly subnetSelectorTerms: readonly { readonly id: string }[];
  readonly securityGroupSelectorTerms: readonly { readonly id: string }[];
  readonly tags: Readonly<Record<string, string>>;
}

export class NodeClass extends ApiObject {
  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: NodeClassSpec }) {
    super(scope, id, { apiVersion: EKS_AUTO_MODE_API_VERSION, kind: 'NodeClass', metadata: props.metadata, spec: props.spec });
  }
}

/** Tag keys Auto Mode reserves for itself on a NodeClass (create-node-class, "Node Class Specification"). */
export const RESERVED_NODE_TAG_KEYS = [
  /^kubernetes\.io\/cluster\//,
  /^karpenter\.sh\/(provisioner-name|nodepool|nodeclaim|managed-by)$/,
  /^eks\.amazonaws\.com\/nodeclass$/,
];

const selectorTerm = z.strictObject({ id: z.string().min(1) });

export const nodeClassSchema = z.strictObject({
  apiVersion: z.literal(EKS_AUTO_MODE_API_VERSION),
  kind: z.literal('NodeClass'),
  metadata: z.looseObject({
    name: z
      .string()
      .min(1)
      .refine((n) => n !== 'default', 'the built-in class is named default'),
  }),
  spec: z.strictObject({
    role: z.string().min(1),
    subnetSelectorTerms: z.array(selectorTerm).min(1),
    securityGroupSelectorTerms: z.array(selectorTerm).min(1),
    tags: z.record(
      z.string().refine((k) => !RESERVED_NODE_TAG_KEYS.some((re) => re.test(k)), 'a tag key Auto Mode reserves'),
      z.string(),
    ),
  }),
});

/** The NodePool API of Karpenter v1, which Auto Mode serves (create-node-pool, "Sample NodePool"). */
export const NODE_POOL_API_VERSION = 'karpenter.sh/v1';

export interface NodeRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Gt' | 'Lt' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface NodePoolSpec {
  readonly template: {
    readonly metadata?: { readonly labels?: Readonly<Record<string, string>> };
    readonly spec: {
      readonly nodeClassRef: { readonly group: 'eks.amazonaws.com'; readonly kind: 'NodeClass'; readonly name: string };
      readonly requirements: readonly NodeRequirement[];
    };
  };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

export class NodePool extends ApiObject {
  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: NodePoolSpec }) {
    super(scope, id, { apiVersion: NODE_POOL_API_VERSION, kind: 'NodePool', metadata: props.metadata, spec: props.spec });
  }
}

export const nodePoolSchema = z.strictObject({
  apiVersion: z.literal(NODE_POOL_API_VERSION),
  kind: z.literal('NodePool'),
  metadata: z.looseObject({
    name: z
      .string()
      .min(1)
      .refine((n) => !['system', 'general-purpose'].includes(n), 'a built-in pool name'),
  }),
  spec: z.strictObject({
    template: z.strictObject({
      metadata: z.strictObject({ labels: z.record(z.string(), z.string()) }).optional(),
      spec: z.strictObject({
        nodeClassRef: z.strictObject({ group: z.literal('eks.amazonaws.com'), kind: z.literal('NodeClass'), name: z.string().min(1) }),
        requirements: z
          .array(
            z.strictObject({
              key: z.string().min(1),
              operator: z.enum(['In', 'NotIn', 'Gt', 'Lt', 'Exists', 'DoesNotExist']),
              values: z.array(z.string()).optional(),
            }),
          )
          .min(1),
      }),
    }),
    limits: z.strictObject({ cpu: z.string().optional(), memory: z.string().optional() }).optional(),
  }),
});
