import { Testing } from 'cdk8s';
import { restrictedCronJob, type RestrictedCronJobProps } from '../../../k8s/constructs/restricted-cron-job';

const PROPS: RestrictedCronJobProps = {
  name: 'nightly',
  labels: { app: 'nightly' },
  schedule: '0 3 * * *',
  startingDeadlineSeconds: 60,
  successfulJobsHistoryLimit: 1,
  backoffLimit: 0,
  activeDeadlineSeconds: 600,
  serviceAccount: 'nightly',
  uid: 65534,
  volumes: [{ name: 'tmp', emptyDir: {} }],
  containers: [{ name: 'work', image: 'busybox:1.37' }],
};

function render(props: RestrictedCronJobProps) {
  const chart = Testing.chart();
  restrictedCronJob(chart, 'CronJob', props);
  const [cronJob] = Testing.synth(chart);
  return cronJob;
}

describe('restrictedCronJob', () => {
  test('never overlaps, runs in UTC, and labels the CronJob, its Jobs and their pods alike', () => {
    const cronJob = render(PROPS);
    expect(cronJob.spec).toMatchObject({
      schedule: '0 3 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      failedJobsHistoryLimit: 3,
    });
    expect([
      cronJob.metadata.labels,
      cronJob.spec.jobTemplate.metadata.labels,
      cronJob.spec.jobTemplate.spec.template.metadata.labels,
    ]).toEqual([PROPS.labels, PROPS.labels, PROPS.labels]);
  });

  test('runs its pods as the given non-root user under PSS restricted, with no API token and no restart in place', () => {
    const pod = render(PROPS).spec.jobTemplate.spec.template.spec;
    expect(pod).toMatchObject({
      restartPolicy: 'Never',
      serviceAccountName: 'nightly',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
    });
  });

  test('adds init containers only when given', () => {
    expect(render(PROPS).spec.jobTemplate.spec.template.spec.initContainers).toBeUndefined();
    const withInit = render({ ...PROPS, initContainers: [{ name: 'first', image: 'busybox:1.37' }] });
    expect(withInit.spec.jobTemplate.spec.template.spec.initContainers.map((c: { name: string }) => c.name)).toEqual(['first']);
  });
});
