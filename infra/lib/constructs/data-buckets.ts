import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

/** Key prefixes the pipeline reads and writes; functions, notifications and IAM use these, never literals. */
export const PREFIXES = {
  audio: "incoming/audio/",
  chat: "incoming/chat/",
  /** Where start-transcription asks Transcribe to write (`transcripts/<job name>.json`). */
  transcripts: "transcripts/",
  datasets: "datasets/",
  /** Masked utterances as JSONL, one file per input (readable without a Parquet reader). */
  anonymizedJsonl: "anonymized/",
  audit: "audit/",
  quarantine: "quarantine/",
  /** Quarantine records of failed Transcribe jobs (`quarantine/transcribe/<job name>.json`). */
  quarantineTranscribe: "quarantine/transcribe/",
  /** 匿名加工 releases (`releases/<release id>/…`), written by the release function only. */
  releases: "releases/",
  athenaResults: "athena-results/",
  /** Review reports (HTML with raw text) in the raw bucket, `review/<input key>.html`; never in the anonymized bucket. */
  review: "review/",
} as const;

export interface DataBucketsProps {
  readonly key: kms.IKey;
  /** Days raw audio, transcripts and review reports are kept. */
  readonly retentionDays: number;
  /** Days raw chat logs are kept; undefined = kept. */
  readonly chatRetentionDays?: number | undefined;
  /** Days Athena query results are kept. */
  readonly resultsRetentionDays: number;
  /** Days access logs are kept. */
  readonly accessLogRetentionDays: number;
  /** Days a noncurrent object version is kept in the versioned buckets. */
  readonly noncurrentVersionRetentionDays: number;
}

/**
 * The five buckets. Every one blocks public access, denies requests without TLS (and TLS below 1.2) and is
 * private to the account; the data buckets use the stack's KMS key with S3 Bucket Keys and log their access to
 * the access-log bucket. Raw and anonymized are versioned so an overwrite or a mistaken delete can be undone
 * for `noncurrentVersionRetentionDays`; expiry of a noncurrent version keeps retention meaningful.
 *
 * The access-log bucket is the one exception to KMS: S3 server access logging only delivers to a target
 * bucket whose default encryption is SSE-S3 (SSE-KMS targets are not supported), so it uses SSE-S3.
 */
export class DataBuckets extends Construct {
  readonly accessLogs: s3.Bucket;
  /** incoming/audio/ and incoming/chat/: what users drop in. */
  readonly raw: s3.Bucket;
  /** Amazon Transcribe output (JSON). */
  readonly transcripts: s3.Bucket;
  /** datasets/, anonymized/, audit/, quarantine/. */
  readonly anonymized: s3.Bucket;
  /** Athena query results of the workgroup. */
  readonly athenaResults: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataBucketsProps) {
    super(scope, id);
    const abortUploads: s3.LifecycleRule = { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(7) };

    this.accessLogs = new s3.Bucket(this, "AccessLogs", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [abortUploads, { id: "expire-access-logs", expiration: Duration.days(props.accessLogRetentionDays) }],
    });

    const kmsBucket = (name: string, extra: Pick<s3.BucketProps, "versioned" | "lifecycleRules">): s3.Bucket =>
      new s3.Bucket(this, name, {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: props.key,
        bucketKeyEnabled: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        serverAccessLogsBucket: this.accessLogs,
        serverAccessLogsPrefix: `${name.toLowerCase()}/`,
        removalPolicy: RemovalPolicy.RETAIN,
        ...extra,
      });
    const noncurrent: s3.LifecycleRule = {
      id: "expire-noncurrent-versions",
      noncurrentVersionExpiration: Duration.days(props.noncurrentVersionRetentionDays),
      expiredObjectDeleteMarker: true,
    };

    this.raw = kmsBucket("Raw", {
      versioned: true,
      lifecycleRules: [
        abortUploads,
        noncurrent,
        { id: "expire-raw-audio", prefix: PREFIXES.audio, expiration: Duration.days(props.retentionDays) },
        // A review report repeats the raw text of a chat log or transcript: it goes no later than the transcripts.
        { id: "expire-review-reports", prefix: PREFIXES.review, expiration: Duration.days(props.retentionDays) },
        ...(props.chatRetentionDays === undefined
          ? []
          : [{ id: "expire-raw-chat", prefix: PREFIXES.chat, expiration: Duration.days(props.chatRetentionDays) }]),
      ],
    });
    this.transcripts = kmsBucket("Transcripts", {
      versioned: false,
      lifecycleRules: [abortUploads, { id: "expire-transcripts", expiration: Duration.days(props.retentionDays) }],
    });
    this.anonymized = kmsBucket("Anonymized", { versioned: true, lifecycleRules: [abortUploads, noncurrent] });
    this.athenaResults = kmsBucket("AthenaResults", {
      versioned: false,
      lifecycleRules: [abortUploads, { id: "expire-query-results", expiration: Duration.days(props.resultsRetentionDays) }],
    });
  }
}
