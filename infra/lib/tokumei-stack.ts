import { join } from "node:path";
import { CfnOutput, Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import type * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import type { TokumeiConfig } from "../config.js";
import { Anonymizer } from "./constructs/anonymizer.js";
import { Backfill } from "./constructs/backfill.js";
import { DataBuckets, PREFIXES } from "./constructs/data-buckets.js";
import { DatasetCatalog } from "./constructs/dataset-catalog.js";
import { EncryptionKey } from "./constructs/encryption-key.js";
import { Monitoring } from "./constructs/monitoring.js";
import { ReviewReport } from "./constructs/review-report.js";
import { Release } from "./constructs/release.js";
import { PROJECT_ROOT } from "./constructs/tokumei-function.js";
import { Transcription } from "./constructs/transcription.js";

/** The Lambda entry files, resolved from this file so `cdk synth` works from any directory. */
export const FUNCTION_ENTRIES = {
  anonymize: join(PROJECT_ROOT, "functions", "anonymize.ts"),
  startTranscription: join(PROJECT_ROOT, "functions", "start-transcription.ts"),
  transcriptionFailed: join(PROJECT_ROOT, "functions", "transcription-failed.ts"),
  reviewReport: join(PROJECT_ROOT, "functions", "review-report.ts"),
  release: join(PROJECT_ROOT, "functions", "release.ts"),
} as const;

export interface TokumeiStackProps extends StackProps {
  readonly config: TokumeiConfig;
}

/**
 * The whole pipeline in one stack: key, buckets, the transcription and anonymization paths (S3 → SQS → Lambda),
 * the Glue/Athena catalog, the backfill state machine, the 匿名加工 release function and the alarms.
 */
export class TokumeiStack extends Stack {
  readonly buckets: DataBuckets;
  readonly transcription: Transcription;
  readonly anonymizer: Anonymizer;
  readonly catalog: DatasetCatalog;
  readonly backfill: Backfill;
  readonly release: Release;
  readonly monitoring: Monitoring;
  /** The review-report function, when `reviewReport` is on. */
  readonly reviewReport: ReviewReport | undefined;

  constructor(scope: Construct, id: string, props: TokumeiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    const { key } = new EncryptionKey(this, "EncryptionKey", { alias: config.kmsKeyAlias });
    this.buckets = new DataBuckets(this, "Buckets", {
      key,
      retentionDays: config.retentionDays,
      chatRetentionDays: config.chatRetentionDays,
      resultsRetentionDays: config.resultsRetentionDays,
      accessLogRetentionDays: config.accessLogRetentionDays,
      noncurrentVersionRetentionDays: config.noncurrentVersionRetentionDays,
    });
    const { raw, transcripts, anonymized, athenaResults, accessLogs } = this.buckets;

    this.transcription = new Transcription(this, "Transcription", {
      key,
      raw,
      transcripts,
      anonymized,
      startEntry: FUNCTION_ENTRIES.startTranscription,
      failedEntry: FUNCTION_ENTRIES.transcriptionFailed,
      maxSpeakerLabels: config.maxSpeakerLabels,
      channelIdentification: config.channelIdentification,
      maxReceiveCount: config.maxReceiveCount,
      logRetention,
      tracing: config.tracing,
    });
    this.anonymizer = new Anonymizer(this, "Anonymizer", {
      key,
      raw,
      transcripts,
      anonymized,
      entry: FUNCTION_ENTRIES.anonymize,
      mode: config.mode,
      comprehend: config.comprehend,
      roles: config.roles,
      memorySize: config.anonymizeMemoryMb,
      timeout: Duration.seconds(config.anonymizeTimeoutSeconds),
      batchSize: config.anonymizeBatchSize,
      maxConcurrency: config.anonymizeMaxConcurrency,
      maxReceiveCount: config.maxReceiveCount,
      logRetention,
      tracing: config.tracing,
    });
    this.catalog = new DatasetCatalog(this, "Catalog", {
      key,
      anonymized,
      athenaResults,
      projectionStartDate: config.projectionStartDate,
    });
    this.backfill = new Backfill(this, "Backfill", {
      key,
      anonymizer: this.anonymizer.anonymize.function,
      raw,
      transcripts,
      maxConcurrency: config.backfillMaxConcurrency,
      logRetention,
      tracing: config.tracing,
    });
    this.reviewReport = config.reviewReport
      ? new ReviewReport(this, "ReviewReport", {
          key,
          raw,
          transcripts,
          entry: FUNCTION_ENTRIES.reviewReport,
          comprehend: config.comprehend,
          memorySize: config.anonymizeMemoryMb,
          timeout: Duration.seconds(config.anonymizeTimeoutSeconds),
          logRetention,
          tracing: config.tracing,
        })
      : undefined;
    this.release = new Release(this, "Release", {
      key,
      anonymized,
      entry: FUNCTION_ENTRIES.release,
      memorySize: config.releaseMemoryMb,
      logRetention,
      tracing: config.tracing,
    });
    this.monitoring = new Monitoring(this, "Monitoring", {
      key,
      deadLetterQueues: {
        Transcription: this.transcription.queue.deadLetterQueue,
        TranscriptionFailed: this.transcription.failedDeadLetterQueue,
        Anonymize: this.anonymizer.queue.deadLetterQueue,
      },
      functions: {
        StartTranscription: this.transcription.start.function,
        TranscriptionFailed: this.transcription.failed.function,
        Anonymize: this.anonymizer.anonymize.function,
      },
      transcriptionFailedRule: this.transcription.failedRule,
      backfill: this.backfill.stateMachine,
      alarmEmail: config.alarmEmail,
    });

    Validations.of(accessLogs).acknowledge({
      id: "AwsSolutions-S1",
      reason: "This is the server access log target of the other buckets; logging it into itself would log its own log deliveries without end.",
    });

    // CDK's singleton that applies S3 notification configurations at deploy time (a CloudFormation custom resource).
    const notificationsHandler = this.node.children.find((child) => child.node.id.startsWith("BucketNotificationsHandler"));
    if (notificationsHandler) {
      Validations.of(notificationsHandler.node.findChild("Role")).acknowledge({
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        reason:
          "Role of CDK's BucketNotificationsHandler custom resource, which runs only during deployments to put the buckets' notification configuration; CDK offers no way to replace its basic logging policy.",
      });
    }

    new CfnOutput(this, "RawBucketName", { value: raw.bucketName, description: `Drop recordings under ${PREFIXES.audio} and chat logs under ${PREFIXES.chat}` });
    new CfnOutput(this, "AnonymizedBucketName", { value: anonymized.bucketName, description: "datasets/, audit/ and quarantine/" });
    new CfnOutput(this, "GlueDatabaseName", { value: this.catalog.databaseName });
    new CfnOutput(this, "AthenaWorkGroupName", { value: this.catalog.workGroup.ref });
    new CfnOutput(this, "QueryPolicyArn", {
      value: this.catalog.queryPolicy.managedPolicyArn,
      description: "Attach to the roles or groups of the people who query the datasets",
    });
    new CfnOutput(this, "BackfillStateMachineArn", { value: this.backfill.stateMachine.stateMachineArn });
    new CfnOutput(this, "ReleaseFunctionName", {
      value: this.release.release.function.functionName,
      description: "Invoke with the release settings as payload to write a 匿名加工 release under releases/",
    });
    new CfnOutput(this, "AlarmTopicArn", { value: this.monitoring.topic.topicArn });
    if (this.reviewReport) {
      new CfnOutput(this, "ReviewReportFunctionName", {
        value: this.reviewReport.report.function.functionName,
        description: `Invoke with {"inputKey":"${PREFIXES.chat}…"} or {"inputKey":"${PREFIXES.transcripts}….json"}; the page (raw text) goes to ${PREFIXES.review} of the raw bucket`,
      });
    }
  }
}
