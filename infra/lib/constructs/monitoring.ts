import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";

export interface MonitoringProps {
  readonly key: kms.IKey;
  /** Dead-letter queues by a short name: any message in one is an alarm. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Functions by a short name: errors and throttles are alarms. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The rule matching FAILED Transcribe jobs: every match is an alarm. */
  readonly transcriptionFailedRule: events.IRule;
  readonly backfill: sfn.IStateMachine;
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string | undefined;
}

/**
 * Alarms on what needs a person: a message in a dead-letter queue, a function error or throttle, a failed
 * Transcribe job, a failed backfill. All notify one KMS-encrypted, TLS-only SNS topic.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "AlarmTopic", { displayName: "tokumei alarms", masterKey: props.key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    // CloudWatch publishes to the encrypted topic with the key.
    props.key.grant(new iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey");

    const period = Duration.minutes(1);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string): void => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        alarmDescription: description,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(this.topic));
      this.alarms.push(created);
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`${name}DeadLetterDepth`, queue.metricApproximateNumberOfMessagesVisible({ period, statistic: "Maximum" }), `tokumei: messages in the ${name} dead-letter queue`);
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period, statistic: "Sum" }), `tokumei: ${name} function errors`);
      alarm(`${name}Throttles`, fn.metricThrottles({ period, statistic: "Sum" }), `tokumei: ${name} function throttles`);
    }
    alarm(
      "TranscriptionJobsFailed",
      new cloudwatch.Metric({
        namespace: "AWS/Events",
        metricName: "MatchedEvents",
        dimensionsMap: { RuleName: props.transcriptionFailedRule.ruleName },
        period,
        statistic: "Sum",
      }),
      "tokumei: a Transcribe job ended FAILED (see quarantine/)",
    );
    alarm("BackfillFailed", props.backfill.metricFailed({ period, statistic: "Sum" }), "tokumei: a backfill execution failed");
  }
}
