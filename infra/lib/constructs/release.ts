import { Duration, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { bucketObjects } from "../nag-findings.js";
import { PREFIXES } from "./data-buckets.js";
import { TokumeiFunction } from "./tokumei-function.js";

export interface ReleaseProps {
  readonly key: kms.IKey;
  /** Holds datasets/ (read) and releases/ (written). */
  readonly anonymized: s3.IBucket;
  readonly entry: string;
  readonly memorySize: number;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
}

/**
 * The 匿名加工 release step: one function, invoked directly with the release settings as its event
 * (`aws lambda invoke --function-name <ReleaseFunctionName> --payload '{"k":5}' out.json`).
 *
 * A single invocation rather than a Step Functions workflow: the k-anonymity check needs every conversation's
 * quasi-identifiers at once, and the per-release key must exist in one process's memory only. Spread over
 * states or a Map, the key (or a token mapping) would pass through the execution history, and APPI's rule for
 * 匿名加工情報 is that it is destroyed, not stored. Asynchronous retries are off: a retry would be a second
 * release.
 *
 * The function may list and read datasets/, list releases/ (to refuse a taken release id), write releases/
 * and use the stack key; nothing else, and in particular not the HMAC secret, the raw buckets or the
 * JSONL copies, audit and quarantine records.
 */
export class Release extends Construct {
  readonly release: TokumeiFunction;

  constructor(scope: Construct, id: string, props: ReleaseProps) {
    super(scope, id);
    this.release = new TokumeiFunction(this, "Release", {
      entry: props.entry,
      description: "tokumei release: datasets/ -> k-anonymous, re-tokenized releases/<id>/ (anonymized information under APPI), invoked directly",
      memorySize: props.memorySize,
      timeout: Duration.minutes(15),
      key: props.key,
      logRetention: props.logRetention,
      tracing: props.tracing,
      environment: {
        DATASET_BUCKET: props.anonymized.bucketName,
        KMS_KEY_ID: props.key.keyArn,
      },
    });
    this.release.function.configureAsyncInvoke({ retryAttempts: 0 });

    const dataPolicy = new iam.Policy(this, "DataPolicy", {
      statements: [
        new iam.PolicyStatement({
          sid: "ListDatasetsAndReleases",
          actions: ["s3:ListBucket"],
          resources: [props.anonymized.bucketArn],
          conditions: { StringLike: { "s3:prefix": [`${PREFIXES.datasets}*`, `${PREFIXES.releases}*`] } },
        }),
        new iam.PolicyStatement({
          sid: "ReadDatasets",
          actions: ["s3:GetObject"],
          resources: [props.anonymized.arnForObjects(`${PREFIXES.datasets}*`)],
        }),
        new iam.PolicyStatement({
          sid: "WriteReleases",
          actions: ["s3:PutObject"],
          resources: [props.anonymized.arnForObjects(`${PREFIXES.releases}*`)],
        }),
        new iam.PolicyStatement({ sid: "UseTheStackKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [props.key.keyArn] }),
      ],
    });
    dataPolicy.attachToRole(this.release.role);

    Validations.of(dataPolicy).acknowledge(
      {
        id: bucketObjects(props.anonymized, PREFIXES.datasets),
        reason: "Reads every Parquet file of the selected dataset partitions; their names derive from input keys at run time.",
      },
      {
        id: bucketObjects(props.anonymized, PREFIXES.releases),
        reason: "Writes the part files and manifest of a new release under releases/<release id>/; the id is made at run time.",
      },
    );
  }
}
