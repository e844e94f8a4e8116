import { Arn, ArnFormat, Duration, Stack, Validations } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { arnPrefix, bucketObjects, wildcardResource } from "../nag-findings.js";
import { PREFIXES } from "./data-buckets.js";
import { EncryptedQueueDestination } from "./encrypted-queue-destination.js";
import { QueueWithDeadLetter } from "./queue-with-dead-letter.js";
import { TokumeiFunction } from "./tokumei-function.js";

/** Transcription jobs the pipeline starts are named `tokumei-…` (functions/start-transcription.ts). */
export const TRANSCRIPTION_JOB_PREFIX = "tokumei-";

export interface TranscriptionProps {
  readonly key: kms.IKey;
  readonly raw: s3.IBucket;
  readonly transcripts: s3.IBucket;
  /** Where quarantine records go (quarantine/). */
  readonly anonymized: s3.IBucket;
  readonly startEntry: string;
  readonly failedEntry: string;
  readonly maxSpeakerLabels: number;
  readonly channelIdentification: boolean;
  readonly maxReceiveCount: number;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
}

/**
 * Audio -> Amazon Transcribe. An object created under incoming/audio/ is announced on a queue (with a
 * dead-letter queue) consumed by start-transcription, which starts a ja-JP job writing KMS-encrypted JSON to the
 * transcripts bucket. A job that ends FAILED raises an EventBridge event that transcription-failed turns into a
 * quarantine record; events it cannot handle land in a dead-letter queue.
 *
 * Transcribe reads the media and writes its output with the caller's permissions, so the start function's role
 * holds s3:GetObject on incoming/audio/, s3:PutObject on the transcripts bucket and use of the key; its
 * StartTranscriptionJob is limited to `tokumei-` jobs whose output goes to that bucket under that key.
 */
export class Transcription extends Construct {
  readonly queue: QueueWithDeadLetter;
  readonly start: TokumeiFunction;
  readonly failed: TokumeiFunction;
  /** Transcribe events and asynchronous invocations of transcription-failed that could not be handled. */
  readonly failedDeadLetterQueue: sqs.Queue;
  readonly failedRule: events.Rule;

  constructor(scope: Construct, id: string, props: TranscriptionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const jobArn = (name: string): string =>
      Arn.format({ service: "transcribe", resource: "transcription-job", resourceName: name, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, stack);
    const tokumeiJobs = wildcardResource(`${arnPrefix(this, "transcribe")}:transcription-job/${TRANSCRIPTION_JOB_PREFIX}*`);

    // start-transcription
    const startTimeout = Duration.seconds(30);
    this.start = new TokumeiFunction(this, "Start", {
      entry: props.startEntry,
      description: "tokumei start-transcription: SQS (S3 audio events) -> Transcribe StartTranscriptionJob",
      memorySize: 256,
      timeout: startTimeout,
      key: props.key,
      logRetention: props.logRetention,
      tracing: props.tracing,
      environment: {
        TRANSCRIPTS_BUCKET: props.transcripts.bucketName,
        KMS_KEY_ID: props.key.keyArn,
        MAX_SPEAKER_LABELS: String(props.maxSpeakerLabels),
        CHANNEL_IDENTIFICATION: String(props.channelIdentification),
      },
    });
    this.queue = new QueueWithDeadLetter(this, "Queue", {
      key: props.key,
      visibilityTimeout: Duration.seconds(startTimeout.toSeconds() * 6),
      maxReceiveCount: props.maxReceiveCount,
    });
    props.raw.addEventNotification(s3.EventType.OBJECT_CREATED, new EncryptedQueueDestination(this.queue.queue, props.key), { prefix: PREFIXES.audio });
    this.start.function.addEventSource(
      new SqsEventSource(this.queue.queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(5), reportBatchItemFailures: true }),
    );
    const startPolicy = new iam.Policy(this, "StartPolicy", {
      statements: [
        new iam.PolicyStatement({
          sid: "StartTokumeiJobsIntoTheTranscriptsBucket",
          actions: ["transcribe:StartTranscriptionJob"],
          resources: [jobArn(`${TRANSCRIPTION_JOB_PREFIX}*`)],
          conditions: {
            StringEquals: {
              "transcribe:OutputBucketName": props.transcripts.bucketName,
              "transcribe:OutputEncryptionKMSKeyId": props.key.keyArn,
            },
          },
        }),
        new iam.PolicyStatement({
          sid: "TranscribeReadsTheMediaAsTheCaller",
          actions: ["s3:GetObject"],
          resources: [props.raw.arnForObjects(`${PREFIXES.audio}*`)],
        }),
        new iam.PolicyStatement({
          sid: "TranscribeWritesTheTranscriptAsTheCaller",
          actions: ["s3:PutObject"],
          resources: [props.transcripts.arnForObjects(`${PREFIXES.transcripts}*`)],
        }),
        new iam.PolicyStatement({
          sid: "UseTheStackKeyForMediaAndTranscripts",
          actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
          resources: [props.key.keyArn],
        }),
      ],
    });
    startPolicy.attachToRole(this.start.role);
    Validations.of(startPolicy).acknowledge(
      {
        id: tokumeiJobs,
        reason:
          "Job names are derived from each object's key and ETag at run time; the statement is limited to tokumei- jobs and, by condition, to output into the transcripts bucket encrypted with the stack key.",
      },
      {
        id: bucketObjects(props.raw, PREFIXES.audio),
        reason: "Transcribe reads any recording dropped under incoming/audio/ with the caller's permissions; object names are not known in advance.",
      },
      {
        id: bucketObjects(props.transcripts, PREFIXES.transcripts),
        reason: "Transcribe writes transcripts/<job name>.json (and a write-access check object) with the caller's permissions; job names are made at run time.",
      },
    );

    // transcription-failed
    this.failedDeadLetterQueue = new sqs.Queue(this, "FailedDeadLetter", {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.failed = new TokumeiFunction(this, "Failed", {
      entry: props.failedEntry,
      description: "tokumei transcription-failed: EventBridge Transcribe FAILED -> quarantine record",
      memorySize: 256,
      timeout: Duration.seconds(30),
      key: props.key,
      logRetention: props.logRetention,
      tracing: props.tracing,
      deadLetterQueue: this.failedDeadLetterQueue,
      environment: {
        OUTPUT_BUCKET: props.anonymized.bucketName,
        KMS_KEY_ID: props.key.keyArn,
      },
    });
    const failedPolicy = new iam.Policy(this, "FailedPolicy", {
      statements: [
        new iam.PolicyStatement({
          sid: "WriteQuarantineRecordsOfFailedJobs",
          actions: ["s3:PutObject"],
          resources: [props.anonymized.arnForObjects(`${PREFIXES.quarantineTranscribe}*`)],
        }),
        // Quarantine records are SSE-KMS objects; failed async invocations go to the KMS-encrypted dead-letter queue.
        new iam.PolicyStatement({
          sid: "EncryptQuarantineRecordsAndDeadLetters",
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: [props.key.keyArn],
        }),
      ],
    });
    failedPolicy.attachToRole(this.failed.role);
    Validations.of(failedPolicy).acknowledge({
      id: bucketObjects(props.anonymized, PREFIXES.quarantineTranscribe),
      reason: "One quarantine record per failed job, quarantine/transcribe/<job name>.json; job names are made at run time.",
    });

    this.failedRule = new events.Rule(this, "FailedRule", {
      description: "tokumei: a Transcribe job of the pipeline ended FAILED",
      eventPattern: {
        source: ["aws.transcribe"],
        detailType: ["Transcribe Job State Change"],
        detail: {
          TranscriptionJobStatus: ["FAILED"],
          TranscriptionJobName: events.Match.prefix(TRANSCRIPTION_JOB_PREFIX),
        },
      },
      targets: [
        new targets.LambdaFunction(this.failed.function, {
          deadLetterQueue: this.failedDeadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
  }
}
