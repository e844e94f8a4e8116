import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { KUROMOJI_DICT_PATH, kuromojiCommandHooks } from "../kuromoji-bundle.js";
import { bucketObjects, wildcardResource } from "../nag-findings.js";
import { PREFIXES } from "./data-buckets.js";
import { EncryptedQueueDestination } from "./encrypted-queue-destination.js";
import { QueueWithDeadLetter } from "./queue-with-dead-letter.js";
import { TokumeiFunction } from "./tokumei-function.js";

/** What the anonymizer writes into the anonymized bucket, and nothing else. */
const OUTPUT_PREFIXES = [PREFIXES.datasets, PREFIXES.anonymizedJsonl, PREFIXES.audit, PREFIXES.quarantine] as const;

export interface AnonymizerProps {
  readonly key: kms.IKey;
  readonly raw: s3.IBucket;
  readonly transcripts: s3.IBucket;
  readonly anonymized: s3.IBucket;
  readonly entry: string;
  /** Default anonymization mode, passed as the policy (TOKUMEI_POLICY). */
  readonly mode: "mask" | "pseudonymize";
  /** Amazon Comprehend as an extra entity source. */
  readonly comprehend: boolean;
  /** Speaker label → role pairs for transcripts (TOKUMEI_ROLES). */
  readonly roles: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly batchSize: number;
  readonly maxConcurrency: number;
  readonly maxReceiveCount: number;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
}

/**
 * Chat logs and transcripts -> anonymized Parquet. Objects created under incoming/chat/ of the raw bucket and
 * transcripts/*.json of the transcripts bucket are announced on one queue (with a dead-letter queue) consumed by
 * the anonymize function, which reports partial batch failures. The function ships kuromoji with its dictionary,
 * reads only those inputs, writes only datasets/, anonymized/, audit/ and quarantine/, and is the only principal
 * that may read the HMAC key of pseudonymize mode (the secret's resource policy denies everyone else).
 */
export class Anonymizer extends Construct {
  readonly queue: QueueWithDeadLetter;
  readonly anonymize: TokumeiFunction;
  readonly hmacSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: AnonymizerProps) {
    super(scope, id);

    this.hmacSecret = new secretsmanager.Secret(this, "HmacKey", {
      description: "tokumei: HMAC key of pseudonymize mode (仮名加工). Rotating it changes every pseudonym.",
      encryptionKey: props.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.anonymize = new TokumeiFunction(this, "Anonymize", {
      entry: props.entry,
      description: "tokumei anonymize: SQS (S3 chat/transcript events) -> Parquet datasets, audit and quarantine records",
      memorySize: props.memorySize,
      timeout: props.timeout,
      key: props.key,
      logRetention: props.logRetention,
      tracing: props.tracing,
      commandHooks: kuromojiCommandHooks(),
      environment: {
        OUTPUT_BUCKET: props.anonymized.bucketName,
        KMS_KEY_ID: props.key.keyArn,
        TOKUMEI_POLICY: JSON.stringify({ mode: props.mode }),
        TOKUMEI_HMAC_SECRET_ARN: this.hmacSecret.secretArn,
        TOKUMEI_KUROMOJI_DICT: KUROMOJI_DICT_PATH,
        TOKUMEI_COMPREHEND: String(props.comprehend),
        TOKUMEI_ROLES: props.roles,
      },
    });
    const role = this.anonymize.role;

    this.queue = new QueueWithDeadLetter(this, "Queue", {
      key: props.key,
      visibilityTimeout: Duration.seconds(props.timeout.toSeconds() * 6),
      maxReceiveCount: props.maxReceiveCount,
    });
    const destination = new EncryptedQueueDestination(this.queue.queue, props.key);
    props.raw.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix: PREFIXES.chat });
    // Transcribe also writes a write-access check object next to its output; only the JSON is a transcript.
    props.transcripts.addEventNotification(s3.EventType.OBJECT_CREATED, destination, { prefix: PREFIXES.transcripts, suffix: ".json" });
    this.anonymize.function.addEventSource(
      new SqsEventSource(this.queue.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: Duration.seconds(5),
        maxConcurrency: props.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    const dataPolicy = new iam.Policy(this, "DataPolicy", {
      statements: [
        new iam.PolicyStatement({
          sid: "ReadChatLogsAndTranscripts",
          actions: ["s3:GetObject"],
          resources: [props.raw.arnForObjects(`${PREFIXES.chat}*`), props.transcripts.arnForObjects(`${PREFIXES.transcripts}*`)],
        }),
        new iam.PolicyStatement({
          sid: "WriteDatasetsJsonlAuditAndQuarantine",
          actions: ["s3:PutObject"],
          resources: OUTPUT_PREFIXES.map((prefix) => props.anonymized.arnForObjects(`${prefix}*`)),
        }),
        new iam.PolicyStatement({ sid: "UseTheStackKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.key.keyArn] }),
      ],
    });
    dataPolicy.attachToRole(role);
    this.hmacSecret.grantRead(role);
    this.hmacSecret.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "OnlyTheAnonymizerReadsTheKey",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ["secretsmanager:GetSecretValue"],
        resources: ["*"],
        conditions: { ArnNotEquals: { "aws:PrincipalArn": role.roleArn } },
      }),
    );

    Validations.of(dataPolicy).acknowledge(
      {
        id: bucketObjects(props.raw, PREFIXES.chat),
        reason: "Reads any chat log dropped under incoming/chat/; object names are not known in advance.",
      },
      {
        id: bucketObjects(props.transcripts, PREFIXES.transcripts),
        reason: "Reads the Transcribe output of any job, transcripts/<job name>.json; job names are made at run time.",
      },
      ...OUTPUT_PREFIXES.map((prefix) => ({
        id: bucketObjects(props.anonymized, prefix),
        reason: `Writes ${prefix} objects whose keys (Hive partitions, per-input names) are derived from each input at run time.`,
      })),
    );
    Validations.of(this.hmacSecret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "The HMAC key must stay stable for pseudonyms to link records across conversations (仮名加工情報); re-keying is a deliberate operation followed by a re-anonymizing backfill, not a schedule.",
    });

    if (props.comprehend) {
      const comprehendPolicy = new iam.Policy(this, "ComprehendPolicy", {
        statements: [
          new iam.PolicyStatement({
            sid: "DetectEntities",
            actions: ["comprehend:DetectEntities", "comprehend:BatchDetectEntities"],
            resources: ["*"],
          }),
        ],
      });
      comprehendPolicy.attachToRole(role);
      Validations.of(comprehendPolicy).acknowledge({
        id: wildcardResource("*"),
        reason: "comprehend:DetectEntities and BatchDetectEntities with the built-in model support no resource-level permissions.",
      });
    }
  }
}
