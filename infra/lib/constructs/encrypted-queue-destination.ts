import { Aws } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/**
 * An S3 notification destination for a queue encrypted with the same key as the bucket. CDK's SqsDestination
 * puts the bucket ARN into the key policy (through `grantSendMessages`), and with one key for buckets and queues
 * that is a dependency cycle (bucket → key → bucket). Here the queue policy keeps the bucket condition
 * (`aws:SourceArn`), and the key policy lets S3 use the key for this account's notifications
 * (`aws:SourceAccount`).
 */
export class EncryptedQueueDestination implements s3.IBucketNotificationDestination {
  constructor(
    private readonly queue: sqs.Queue,
    private readonly key: kms.IKey,
  ) {}

  bind(_scope: Construct, bucket: s3.IBucket): s3.BucketNotificationDestinationConfig {
    const s3Service = new iam.ServicePrincipal("s3.amazonaws.com");
    const { policyDependable } = this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [s3Service],
        actions: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        resources: [this.queue.queueArn],
        conditions: { ArnLike: { "aws:SourceArn": bucket.bucketArn }, StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [s3Service],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID } },
      }),
      true,
    );
    return {
      arn: this.queue.queueArn,
      type: s3.BucketNotificationDestinationType.QUEUE,
      // S3 checks that it may send to the queue when the notification is put: the queue policy comes first.
      dependencies: policyDependable ? [policyDependable] : [],
    };
  }
}
