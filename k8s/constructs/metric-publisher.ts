import type { k8s } from 'cdk8s-plus-30';
import { IMAGES, imageRef } from '../versions';
import { plainEnv, restrictedContainerSecurityContext } from './pod-security';

/** A CloudWatch metric a job publishes itself: one dimension, whose value is the environment name. */
export interface PublishedMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimension: string;
  readonly unit: string;
}

export interface MetricPublisherProps {
  readonly metric: PublishedMetric;
  /** The data point: `1` (an event happened) or the number an earlier container wrote to this file. */
  readonly value: { readonly constant: 1 } | { readonly file: string };
  readonly region: string;
  readonly environment: string;
  readonly resources: k8s.ResourceRequirements;
  readonly volumeMounts: readonly k8s.VolumeMount[];
}

/** The shell the publisher runs: one put-metric-data, its arguments from the environment only. */
export function publishScript(value: MetricPublisherProps['value']): string {
  const point = 'file' in value ? '"$(cat "$RESULT_FILE")"' : '1';
  return `set -eu
exec aws cloudwatch put-metric-data --namespace "$METRIC_NAMESPACE" --metric-name "$METRIC_NAME" \\
  --dimensions "$METRIC_DIMENSION=$ENVIRONMENT" --unit "$METRIC_UNIT" --value ${point}`;
}

/**
 * The `publish` container of a job that reports to CloudWatch: the pinned AWS CLI image, PSS-restricted, credentials
 * from the pod's service account (its role may put metrics into the metric's namespace only).
 */
export function metricPublisher(props: MetricPublisherProps): k8s.Container {
  return {
    name: 'publish',
    image: imageRef(IMAGES.awsCli),
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', publishScript(props.value)],
    env: plainEnv({
      HOME: '/tmp',
      AWS_REGION: props.region,
      AWS_PAGER: '',
      METRIC_NAMESPACE: props.metric.namespace,
      METRIC_NAME: props.metric.metricName,
      METRIC_DIMENSION: props.metric.dimension,
      METRIC_UNIT: props.metric.unit,
      ENVIRONMENT: props.environment,
      ...('file' in props.value ? { RESULT_FILE: props.value.file } : {}),
    }),
    securityContext: restrictedContainerSecurityContext(),
    resources: props.resources,
    volumeMounts: [...props.volumeMounts],
  };
}
