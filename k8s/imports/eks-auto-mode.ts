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
