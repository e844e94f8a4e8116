import { type Duration, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { KUROMOJI_DICT_PATH, kuromojiCommandHooks } from "../kuromoji-bundle.js";
import { bucketObjects, wildcardResource } from "../nag-findings.js";
import { PREFIXES } from "./data-buckets.js";
import { TokumeiFunction } from "./tokumei-function.js";

export interface ReviewReportProps {
  readonly key: kms.IKey;
  readonly raw: s3.IBucket;
  readonly transcripts: s3.IBucket;
  readonly entry: string;
  /** Amazon Comprehend as an extra entity source, as the anonymizer has it. */
  readonly comprehend: boolean;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
}

/**
 * The opt-in review-report function: invoked directly with `{ "inputKey": … }`, it reads one chat log
 * (incoming/chat/ of the raw bucket) or transcript (transcripts/ of the transcripts bucket) and writes an HTML
 * page with the masked text beside the original to review/ of the RAW bucket. The page holds raw personal
 * data, so the function may write nowhere else: nothing to the anonymized bucket, no other prefix. It masks
 * with typed placeholders whatever the stack's mode, because the HMAC key of pseudonymize mode stays readable
 * by the anonymizer alone.
 */
export class ReviewReport extends Construct {
  readonly report: TokumeiFunction;

  constructor(scope: Construct, id: string, props: ReviewReportProps) {
    super(scope, id);

    this.report = new TokumeiFunction(this, "Function", {
      entry: props.entry,
      description: "tokumei review-report: direct invocation {inputKey} -> HTML review page (raw text) under review/ of the raw bucket",
      memorySize: props.memorySize,
      timeout: props.timeout,
      key: props.key,
      logRetention: props.logRetention,
      tracing: props.tracing,
      commandHooks: kuromojiCommandHooks(),
      environment: {
        RAW_BUCKET: props.raw.bucketName,
        TRANSCRIPTS_BUCKET: props.transcripts.bucketName,
        KMS_KEY_ID: props.key.keyArn,
        TOKUMEI_POLICY: JSON.stringify({ mode: "mask" }),
        TOKUMEI_KUROMOJI_DICT: KUROMOJI_DICT_PATH,
        TOKUMEI_COMPREHEND: String(props.comprehend),
      },
    });

    const dataPolicy = new iam.Policy(this, "DataPolicy", {
      statements: [
        new iam.PolicyStatement({
          sid: "ReadChatLogsAndTranscripts",
          actions: ["s3:GetObject"],
          resources: [props.raw.arnForObjects(`${PREFIXES.chat}*`), props.transcripts.arnForObjects(`${PREFIXES.transcripts}*`)],
        }),
        new iam.PolicyStatement({
          sid: "WriteReviewReportsToTheRawBucketOnly",
          actions: ["s3:PutObject"],
          resources: [props.raw.arnForObjects(`${PREFIXES.review}*`)],
        }),
        new iam.PolicyStatement({ sid: "UseTheStackKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.key.keyArn] }),
      ],
    });
    dataPolicy.attachToRole(this.report.role);
    Validations.of(dataPolicy).acknowledge(
      {
        id: bucketObjects(props.raw, PREFIXES.chat),
        reason: "A reviewer names any chat log under incoming/chat/ in the invocation; object names are not known in advance.",
      },
      {
        id: bucketObjects(props.transcripts, PREFIXES.transcripts),
        reason: "A reviewer names any call transcript, transcripts/<job name>.json, in the invocation; job names are made at run time.",
      },
      {
        id: bucketObjects(props.raw, PREFIXES.review),
        reason: "Writes review/<input key>.html for whichever input the reviewer names; the key mirrors the input's key, known only at run time.",
      },
    );

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
      comprehendPolicy.attachToRole(this.report.role);
      Validations.of(comprehendPolicy).acknowledge({
        id: wildcardResource("*"),
        reason: "The review page must show what the anonymizer masks, Comprehend findings included; DetectEntities with the built-in model has no resource-level permissions.",
      });
    }
  }
}
