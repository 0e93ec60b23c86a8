import { Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Addresses subscribed by email; each must confirm the subscription AWS mails it. @default none */
  readonly emails?: readonly string[];
  /** Services that publish to the topic, e.g. cloudwatch.amazonaws.com, budgets.amazonaws.com. */
  readonly publishers: readonly string[];
  readonly removalPolicy: RemovalPolicy;
  /** Days KMS waits before deleting the key once the stack is gone. @default 7 */
  readonly keyPendingWindowDays?: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SERVICE = /^[a-z0-9-]+\.amazonaws\.com$/;

/**
 * The SNS topic alarms and budgets notify, encrypted with its own customer key. An AWS service can
 * publish to an encrypted topic only if the key lets it generate data keys, so each publisher is
 * named both in the topic policy and in the key policy.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const emails = props.emails ?? [];
    const badEmail = emails.find((e) => !EMAIL.test(e));
    if (badEmail !== undefined) throw new Error(`emails: "${badEmail}" is not an email address (name@example.com)`);
    if (props.publishers.length === 0) throw new Error('publishers: needs at least one service principal (e.g. cloudwatch.amazonaws.com)');
    const badService = props.publishers.find((p) => !SERVICE.test(p));
    if (badService !== undefined) throw new Error(`publishers: "${badService}" is not a service principal (<service>.amazonaws.com)`);

    this.key = new kms.Key(this, 'Key', {
      description: 'Alarm and budget notifications topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(props.keyPendingWindowDays ?? 7),
    });
    this.topic = new sns.Topic(this, 'Topic', { masterKey: this.key, enforceSSL: true });

    for (const service of props.publishers) {
      const principal = new iam.ServicePrincipal(service);
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Publish${service.split('.')[0]}`,
          principals: [principal],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [principal],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          // Only on behalf of this account's alarms and budgets (confused-deputy guard).
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
    }
    for (const email of emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
}
