import { Aws, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";
import { arnPrefix, arnRef, stateMachineNameRef, wildcardResource } from "../nag-findings.js";

export interface BackfillProps {
  readonly key: kms.IKey;
  readonly anonymizer: lambda.IFunction;
  /** Chat logs live here (under incoming/chat/). */
  readonly raw: s3.IBucket;
  /** Transcribe JSON lives here (under transcripts/). */
  readonly transcripts: s3.IBucket;
  /** Most anonymizer invocations at once. */
  readonly maxConcurrency: number;
  readonly logRetention: logs.RetentionDays;
  readonly tracing: boolean;
}

/** Marks everything the backfill makes up in the event it hands the anonymizer. */
const BACKFILL = "tokumei-backfill";

/**
 * The anonymizer's input for one listed object (JSONata, `$states.input` is a ListObjectsV2 item): the same SQS
 * record carrying an S3 ObjectCreated notification that the queue delivers, so a backfill runs exactly the
 * production path. The key is URL-encoded like S3 encodes notification keys (the handler decodes it once); the
 * event time is the object's LastModified, which a handler can use to keep the partition date of the first run.
 */
function sqsEventFor(bucket: s3.IBucket): Record<string, unknown> {
  const s3Record = [
    "{ 'eventVersion': '2.1', 'eventSource': 'aws:s3', 'awsRegion': $region, 'eventTime': $eventTime,",
    "  'eventName': 'ObjectCreated:Put', 'userIdentity': { 'principalId': $marker },",
    "  'requestParameters': { 'sourceIPAddress': 's3.amazonaws.com' },",
    "  'responseElements': { 'x-amz-request-id': $marker, 'x-amz-id-2': $states.context.Execution.Name },",
    "  's3': { 's3SchemaVersion': '1.0', 'configurationId': $marker,",
    "    'bucket': { 'name': $bucketName, 'ownerIdentity': { 'principalId': $marker }, 'arn': $bucketArn },",
    "    'object': { 'key': $encodeUrlComponent($states.input.Key), 'size': $states.input.Size, 'eTag': $states.input.Etag } } }",
  ].join(" ");
  // The object's LastModified (epoch seconds in ListObjectsV2 items) stands for the time of its original event.
  const eventTime =
    "$eventTime := $type($states.input.LastModified) = 'number' ? $fromMillis($states.input.LastModified * 1000) : ($exists($states.input.LastModified) ? $states.input.LastModified : $now())";
  const bindings = `${eventTime}; $region := '${Aws.REGION}'; $marker := '${BACKFILL}'; $bucketName := '${bucket.bucketName}'; $bucketArn := '${bucket.bucketArn}'`;
  return {
    Records: [
      {
        messageId: "{% $uuid() %}",
        receiptHandle: BACKFILL,
        body: `{% ( ${bindings}; $string({ 'Records': [ ${s3Record} ] }) ) %}`,
        attributes: {
          ApproximateReceiveCount: "1",
          ApproximateFirstReceiveTimestamp: "{% $string($millis()) %}",
          SenderId: BACKFILL,
          SentTimestamp: "{% $string($millis()) %}",
        },
        messageAttributes: {},
        md5OfBody: BACKFILL,
        eventSource: "aws:sqs",
        eventSourceARN: BACKFILL,
        awsRegion: Aws.REGION,
      },
    ],
  };
}

/**
 * Backfill or re-anonymize a whole prefix (after a policy change, a new recognizer, a re-key): a Standard state
 * machine whose Distributed Map lists the objects under the given prefix (S3 ListObjectsV2) and invokes the
 * anonymizer once per object, at most `maxConcurrency` at a time. A quarantined file is a success (its
 * quarantine record is written); a failing one fails its item after retries, and the run fails.
 *
 * Input: `{ "source": "chat" | "call", "prefix": "incoming/chat/2025/" }`: `chat` lists the raw bucket,
 * `call` the transcripts bucket (`transcripts/`).
 */
export class Backfill extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: BackfillProps) {
    super(scope, id);

    const mapOver = (name: string, bucket: s3.IBucket): sfn.DistributedMap => {
      const map = sfn.DistributedMap.jsonata(this, `${name}Map`, {
        comment: `Anonymize every object under the input prefix of the ${name.toLowerCase()} bucket`,
        itemReader: new sfn.S3ObjectsItemReader({ bucket, prefix: "{% $states.input.prefix %}" }),
        maxConcurrency: props.maxConcurrency,
        label: `${name}Backfill`,
      });
      const invoke = tasks.LambdaInvoke.jsonata(this, `Anonymize${name}Object`, {
        lambdaFunction: props.anonymizer,
        payload: sfn.TaskInput.fromObject(sqsEventFor(bucket)),
        retryOnServiceExceptions: true,
        outputs: "{% $states.result.Payload %}",
      });
      invoke.addRetry({
        errors: ["Lambda.TooManyRequestsException"],
        interval: Duration.seconds(2),
        backoffRate: 2,
        maxAttempts: 6,
        jitterStrategy: sfn.JitterType.FULL,
      });
      map.itemProcessor(invoke);
      return map;
    };

    const definition = sfn.Choice.jsonata(this, "WhichSource")
      .when(sfn.Condition.jsonata("{% $states.input.source = 'call' %}"), mapOver("Transcripts", props.transcripts))
      .when(sfn.Condition.jsonata("{% $states.input.source = 'chat' %}"), mapOver("Raw", props.raw))
      .otherwise(sfn.Fail.jsonata(this, "UnknownSource", { error: "InvalidInput", cause: 'Input must be { "source": "call" | "chat", "prefix": "…" }' }));

    const logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, "StateMachine", {
      stateMachineName: `${Stack.of(this).stackName}-backfill`,
      comment: "tokumei backfill: anonymize every object under a prefix with a Distributed Map",
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: props.tracing,
      timeout: Duration.days(2),
      // Execution data would be object keys and counts; it is kept out of the logs all the same.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(props.key),
    });
    const executions = `${arnPrefix(this, "states")}:execution:${stateMachineNameRef(this.stateMachine)}`;
    Validations.of(this.stateMachine.node.findChild("DistributedMapPolicy")).acknowledge(
      {
        id: wildcardResource(`${executions}:*`),
        reason: "The Distributed Map describes and stops the child executions of this state machine; their names are made by Step Functions.",
      },
      ...["Raw", "Transcripts"].map((name) => ({
        id: wildcardResource(`${executions}/${name}Backfill:*`),
        reason: `Redrive of the ${name}Backfill map runs of this state machine; map run ids are made by Step Functions.`,
      })),
    );
    Validations.of(this.stateMachine.role.node.findChild("DefaultPolicy")).acknowledge(
      {
        id: wildcardResource(`${arnRef(props.anonymizer)}:*`),
        reason: "Invoke of the anonymizer function and its versions/aliases (added by LambdaInvoke); no other function.",
      },
      {
        id: wildcardResource("*"),
        reason:
          "logs:CreateLogDelivery and the other CloudWatch Logs delivery actions of Step Functions logging (and, with tracing, xray:PutTraceSegments) support no resource-level permissions.",
      },
    );
    if (!props.tracing) {
      Validations.of(this.stateMachine).acknowledge({
        id: "AwsSolutions-SF2",
        reason: "X-Ray tracing is opt-in for the whole stack (context tracing=true); executions are logged at level ALL either way.",
      });
    }
  }
}
