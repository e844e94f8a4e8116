import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { actionsOf, arnOf, identityStatements, logicalId, resourcesOf, type Synthesized, synthesize } from "./synth.js";

/** Functions, event wiring, IAM, the HMAC secret, the backfill state machine and the alarms. */
describe("pipeline", () => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthesize();
  });
  const functions = () => ({
    startTranscription: synth.stack.transcription.start,
    transcriptionFailed: synth.stack.transcription.failed,
    anonymize: synth.stack.anonymizer.anonymize,
  });
  const fnProperties = (construct: Parameters<typeof logicalId>[0]) => synth.template.toJSON().Resources[logicalId(construct)].Properties;

  describe("functions", () => {
    it("are three Node.js 22 arm64 functions with source maps and their own log group", () => {
      // + the release function (tests/infra/release.test.ts) + CDK's S3 notifications handler
      synth.template.resourceCountIs("AWS::Lambda::Function", 3 + 1 + 1);
      for (const [name, wrapper] of Object.entries(functions())) {
        const properties = fnProperties(wrapper.function);
        expect(properties.Runtime, name).toBe("nodejs22.x");
        expect(properties.Architectures, name).toEqual(["arm64"]);
        expect(properties.Handler, name).toBe("index.handler");
        expect(properties.Environment.Variables.NODE_OPTIONS, name).toBe("--enable-source-maps");
        expect(properties.LoggingConfig.LogGroup, name).toEqual({ Ref: logicalId(wrapper.logGroup) });
        expect(properties.TracingConfig, `${name}: tracing is opt-in`).toBeUndefined();
      }
    });

    it("keep their logs 30 days, encrypted with the stack key", () => {
      const key = arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key"));
      for (const wrapper of Object.values(functions())) {
        expect(synth.template.toJSON().Resources[logicalId(wrapper.logGroup)].Properties).toMatchObject({ RetentionInDays: 30, KmsKeyId: key });
      }
    });

    it("turn on active tracing when tracing=true", () => {
      // Act
      const traced = synthesize({ tracing: "true" });

      // Assess
      for (const wrapper of [traced.stack.anonymizer.anonymize, traced.stack.transcription.start, traced.stack.transcription.failed]) {
        expect(traced.template.toJSON().Resources[logicalId(wrapper.function)].Properties.TracingConfig).toEqual({ Mode: "Active" });
      }
      traced.template.hasResourceProperties("AWS::StepFunctions::StateMachine", { TracingConfiguration: { Enabled: true } });
    });

    it("get the environment the handlers read", () => {
      const { startTranscription, transcriptionFailed, anonymize } = functions();
      const key = arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key"));
      expect(fnProperties(startTranscription.function).Environment.Variables).toEqual({
        TRANSCRIPTS_BUCKET: { Ref: logicalId(synth.stack.buckets.transcripts) },
        KMS_KEY_ID: key,
        MAX_SPEAKER_LABELS: "2",
        CHANNEL_IDENTIFICATION: "false",
        NODE_OPTIONS: "--enable-source-maps",
      });
      expect(fnProperties(transcriptionFailed.function).Environment.Variables).toEqual({
        OUTPUT_BUCKET: { Ref: logicalId(synth.stack.buckets.anonymized) },
        KMS_KEY_ID: key,
        NODE_OPTIONS: "--enable-source-maps",
      });
      expect(fnProperties(anonymize.function).Environment.Variables).toEqual({
        OUTPUT_BUCKET: { Ref: logicalId(synth.stack.buckets.anonymized) },
        KMS_KEY_ID: key,
        TOKUMEI_POLICY: JSON.stringify({ mode: "mask" }),
        TOKUMEI_HMAC_SECRET_ARN: { Ref: logicalId(synth.stack.anonymizer.hmacSecret) },
        TOKUMEI_KUROMOJI_DICT: "/var/task/dict",
        TOKUMEI_COMPREHEND: "false",
        TOKUMEI_ROLES: "spk_0=agent,spk_1=customer,ch_0=agent,ch_1=customer",
        NODE_OPTIONS: "--enable-source-maps",
      });
    });

    it("pass mode, speaker settings and Comprehend from context", () => {
      // Act
      const custom = synthesize({ mode: "pseudonymize", maxSpeakerLabels: "5", channelIdentification: "true", comprehend: "true", roles: "ch_1=agent,ch_0=customer" });

      // Assess
      const variables = (construct: Parameters<typeof logicalId>[0]) => custom.template.toJSON().Resources[logicalId(construct)].Properties.Environment.Variables;
      expect(variables(custom.stack.transcription.start.function)).toMatchObject({ MAX_SPEAKER_LABELS: "5", CHANNEL_IDENTIFICATION: "true" });
      expect(variables(custom.stack.anonymizer.anonymize.function)).toMatchObject({
        TOKUMEI_POLICY: JSON.stringify({ mode: "pseudonymize" }),
        TOKUMEI_COMPREHEND: "true",
        TOKUMEI_ROLES: "ch_1=agent,ch_0=customer",
      });
    });

    it("refuses a roles setting that is not speaker=role pairs", () => {
      expect(() => synthesize({ roles: "spk_0=boss" })).toThrow(/roles must be speaker=role pairs/);
    });
  });

  describe("event wiring", () => {
    it("feeds both SQS-driven functions with partial batch failure reporting", () => {
      const pairs = [
        [synth.stack.transcription.queue.queue, synth.stack.transcription.start.function],
        [synth.stack.anonymizer.queue.queue, synth.stack.anonymizer.anonymize.function],
      ] as const;
      synth.template.resourceCountIs("AWS::Lambda::EventSourceMapping", 2);
      for (const [queue, fn] of pairs) {
        synth.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
          EventSourceArn: arnOf(queue),
          FunctionName: { Ref: logicalId(fn) },
          FunctionResponseTypes: ["ReportBatchItemFailures"],
        });
      }
      synth.template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        EventSourceArn: arnOf(synth.stack.anonymizer.queue.queue),
        BatchSize: 5,
        ScalingConfig: { MaximumConcurrency: 10 },
      });
    });

    it("sends only FAILED Transcribe jobs of the pipeline to transcription-failed, with a dead-letter queue", () => {
      synth.template.hasResourceProperties("AWS::Events::Rule", {
        EventPattern: {
          source: ["aws.transcribe"],
          "detail-type": ["Transcribe Job State Change"],
          detail: { TranscriptionJobStatus: ["FAILED"], TranscriptionJobName: [{ prefix: "tokumei-" }] },
        },
        State: "ENABLED",
        Targets: [
          Match.objectLike({
            Arn: arnOf(synth.stack.transcription.failed.function),
            DeadLetterConfig: { Arn: arnOf(synth.stack.transcription.failedDeadLetterQueue) },
          }),
        ],
      });
      expect(fnProperties(synth.stack.transcription.failed.function).DeadLetterConfig).toEqual({
        TargetArn: arnOf(synth.stack.transcription.failedDeadLetterQueue),
      });
    });
  });

  describe("IAM", () => {
    it("has no statement with Action '*' or a whole-service wildcard such as transcribe:*", () => {
      for (const { statement, policy } of identityStatements(synth.template)) {
        for (const action of actionsOf(statement)) {
          expect(action, policy).not.toBe("*");
          expect(action, policy).not.toMatch(/^[a-z0-9-]+:\*$/);
        }
      }
    });

    it("uses Resource '*' only for actions that have no resource-level permissions", () => {
      const allowed = new Set([
        // Step Functions logging (CloudWatch Logs vended delivery)
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:DescribeLogGroups",
        "logs:DescribeResourcePolicies",
        "logs:GetLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:UpdateLogDelivery",
        // CDK's S3 notifications custom resource
        "s3:PutBucketNotification",
      ]);
      for (const { statement, policy } of identityStatements(synth.template)) {
        if (!resourcesOf(statement).includes("*")) continue;
        for (const action of actionsOf(statement)) expect(allowed.has(action), `${policy}: ${action} on *`).toBe(true);
      }
    });

    it("limits StartTranscriptionJob to tokumei- jobs writing into the transcripts bucket with the stack key", () => {
      const transcribe = identityStatements(synth.template).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith("transcribe:")));
      expect(transcribe).toHaveLength(1);
      const [{ statement, roles }] = transcribe as [(typeof transcribe)[number]];
      expect(actionsOf(statement)).toEqual(["transcribe:StartTranscriptionJob"]);
      expect(roles).toEqual([logicalId(synth.stack.transcription.start.role)]);
      expect(JSON.stringify(statement.Resource)).toMatch(/:transcription-job\/tokumei-\*"/);
      expect(statement.Condition).toEqual({
        StringEquals: {
          "transcribe:OutputBucketName": { Ref: logicalId(synth.stack.buckets.transcripts) },
          "transcribe:OutputEncryptionKMSKeyId": arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key")),
        },
      });
    });

    it("grants Comprehend DetectEntities/BatchDetectEntities only when enabled, and only to the anonymizer", () => {
      const comprehendOf = (s: Synthesized) =>
        identityStatements(s.template).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith("comprehend:")));
      expect(comprehendOf(synth)).toEqual([]);

      // Act
      const enabled = synthesize({ comprehend: "true" });

      // Assess
      const statements = comprehendOf(enabled);
      expect(statements).toHaveLength(1);
      expect(actionsOf(statements[0]!.statement).sort()).toEqual(["comprehend:BatchDetectEntities", "comprehend:DetectEntities"]);
      expect(statements[0]!.roles).toEqual([logicalId(enabled.stack.anonymizer.anonymize.role)]);
    });

    it("writes to the anonymized bucket only under datasets/, anonymized/, audit/, quarantine/ (and releases/, see release.test.ts)", () => {
      const anonymized = logicalId(synth.stack.buckets.anonymized);
      const puts = identityStatements(synth.template).filter(
        ({ statement }) => actionsOf(statement).includes("s3:PutObject") && JSON.stringify(statement.Resource).includes(anonymized),
      );
      const suffixes = puts.flatMap(({ statement }) => resourcesOf(statement).map((r) => JSON.stringify(r).match(/"(\/[^"]*)"\]\]\}$/)?.[1]));
      expect(new Set(suffixes)).toEqual(new Set(["/datasets/*", "/anonymized/*", "/audit/*", "/quarantine/*", "/quarantine/transcribe/*", "/releases/*"]));
    });
  });

  describe("HMAC secret", () => {
    it("is encrypted with the stack key and readable only by the anonymizer", () => {
      const secret = synth.stack.anonymizer.hmacSecret;
      const anonymizerRole = logicalId(synth.stack.anonymizer.anonymize.role);
      synth.template.hasResourceProperties("AWS::SecretsManager::Secret", {
        KmsKeyId: arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key")),
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      });
      synth.template.hasResourceProperties("AWS::SecretsManager::ResourcePolicy", {
        SecretId: { Ref: logicalId(secret) },
        ResourcePolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "secretsmanager:GetSecretValue",
              Principal: { AWS: "*" },
              Condition: { ArnNotEquals: { "aws:PrincipalArn": arnOf(synth.stack.anonymizer.anonymize.role) } },
            }),
          ]),
        },
      });
      const readers = identityStatements(synth.template).filter(({ statement }) => actionsOf(statement).includes("secretsmanager:GetSecretValue"));
      expect(readers.flatMap(({ roles }) => roles)).toEqual([anonymizerRole]);
    });
  });

  describe("backfill", () => {
    it("is a Standard state machine with a Distributed Map over an S3 prefix per source, at most 20 invocations at once", () => {
      const machine = Object.values(synth.template.findResources("AWS::StepFunctions::StateMachine"))[0];
      expect(machine?.Properties).toMatchObject({
        StateMachineType: "STANDARD",
        LoggingConfiguration: { Level: "ALL", IncludeExecutionData: false },
        EncryptionConfiguration: { Type: "CUSTOMER_MANAGED_KMS_KEY" },
      });
      // The definition is a Fn::Join of strings and references; references become placeholders for parsing.
      const parts = (machine?.Properties.DefinitionString["Fn::Join"][1] ?? []) as unknown[];
      const definition = JSON.parse(parts.map((p) => (typeof p === "string" ? p : "REF")).join(""));
      const maps = Object.values(definition.States as Record<string, Record<string, any>>).filter((s) => s.Type === "Map");
      expect(maps).toHaveLength(2);
      for (const map of maps) {
        expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
        expect(map.ItemReader).toEqual({ Resource: "arn:REF:states:::s3:listObjectsV2", Arguments: { Bucket: "REF", Prefix: "{% $states.input.prefix %}" } });
        expect(map.MaxConcurrency).toBe(20);
        const task = map.ItemProcessor.States[map.ItemProcessor.StartAt];
        expect(task.Resource).toBe("arn:REF:states:::lambda:invoke");
        expect(task.Arguments.Payload.Records[0]).toMatchObject({ eventSource: "aws:sqs", body: expect.stringContaining("$encodeUrlComponent($states.input.Key)") });
      }
      expect(JSON.stringify(parts)).toContain(JSON.stringify(arnOf(synth.stack.anonymizer.anonymize.function)));
    });

    it("may list only the raw and transcripts buckets", () => {
      const role = logicalId(synth.stack.backfill.stateMachine.role);
      const list = identityStatements(synth.template).filter(
        ({ statement, roles }) => roles.includes(role) && actionsOf(statement).some((a) => a.startsWith("s3:")),
      );
      expect(list.map(({ statement }) => actionsOf(statement))).toEqual([["s3:ListBucket"]]);
      expect(resourcesOf(list[0]!.statement)).toEqual([arnOf(synth.stack.buckets.raw), arnOf(synth.stack.buckets.transcripts)]);
    });
  });

  describe("alarms", () => {
    it("alarm on 3 dead-letter queues, errors and throttles of 3 functions, failed Transcribe jobs and failed backfills", () => {
      synth.template.resourceCountIs("AWS::CloudWatch::Alarm", 3 + 3 * 2 + 1 + 1);
      const deadLetterQueues = [
        synth.stack.transcription.queue.deadLetterQueue,
        synth.stack.transcription.failedDeadLetterQueue,
        synth.stack.anonymizer.queue.deadLetterQueue,
      ];
      for (const queue of deadLetterQueues) {
        synth.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
          MetricName: "ApproximateNumberOfMessagesVisible",
          Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": [logicalId(queue), "QueueName"] } }],
          ComparisonOperator: "GreaterThanThreshold",
          Threshold: 0,
        });
      }
      for (const metric of ["Errors", "Throttles"]) {
        for (const wrapper of Object.values(functions())) {
          synth.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
            Namespace: "AWS/Lambda",
            MetricName: metric,
            Dimensions: [{ Name: "FunctionName", Value: { Ref: logicalId(wrapper.function) } }],
            ComparisonOperator: "GreaterThanThreshold",
            Threshold: 0,
          });
        }
      }
      synth.template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "AWS/Events",
        MetricName: "MatchedEvents",
        Dimensions: [{ Name: "RuleName", Value: { Ref: logicalId(synth.stack.transcription.failedRule) } }],
      });
      synth.template.hasResourceProperties("AWS::CloudWatch::Alarm", { Namespace: "AWS/States", MetricName: "ExecutionsFailed" });
    });

    it("notify the encrypted alarm topic, and the configured address", () => {
      const topic = { Ref: logicalId(synth.stack.monitoring.topic) };
      for (const alarm of Object.values(synth.template.findResources("AWS::CloudWatch::Alarm"))) expect(alarm.Properties.AlarmActions).toEqual([topic]);
      synth.template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: arnOf(synth.stack.node.findChild("EncryptionKey").node.findChild("Key")) });
      synth.template.resourceCountIs("AWS::SNS::Subscription", 0);

      // Act
      const withEmail = synthesize({ alarmEmail: "ops@example.com" });

      // Assess
      withEmail.template.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@example.com" });
    });
  });
});
