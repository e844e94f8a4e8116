import { Aws, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";

export interface EncryptionKeyProps {
  /** Alias of the key, `alias/…`. */
  readonly alias: string;
}

/**
 * The customer-managed KMS key of the stack, with yearly rotation. It encrypts the buckets (with S3 Bucket Keys),
 * the queues, the log groups and the HMAC secret. Key policy grants beyond the account root: CloudWatch Logs
 * (for this account's log groups), S3 (to send notifications to the encrypted queues; added by CDK) and
 * EventBridge (to put undeliverable Transcribe events into the encrypted dead-letter queue).
 */
export class EncryptionKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, "Key", {
      alias: props.alias,
      description: "tokumei: raw recordings, transcripts, anonymized datasets, queues, logs and the HMAC key",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchLogsOfThisAccount",
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        resources: ["*"],
        conditions: {
          ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "EventBridgeDeadLetterQueue",
        principals: [new iam.ServicePrincipal("events.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
    );
  }
}
