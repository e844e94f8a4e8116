import { FullBatchFailureError } from "@aws-lambda-powertools/batch";
import { BatchDetectEntitiesCommand, ComprehendClient } from "@aws-sdk/client-comprehend";
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAnonymizeHandler } from "../../functions/anonymize.js";
import { parsePolicy } from "../../shared/anonymize/policy.js";
import { createEngine } from "../../shared/engine.js";
import { datasetKey } from "../../shared/dataset/keys.js";
import { CONVERSATIONS, UTTERANCES } from "../../shared/dataset/schema.js";
import { ConfigError } from "../../shared/errors.js";
import { outputKeys, processObject } from "../../shared/pipeline.js";
import { AnonymizedUtteranceRowSchema, AuditRecordSchema, QuarantineRecordSchema } from "../../shared/schema/audit.js";
import { ENGINE_VERSION } from "../../shared/version.js";
import { MemoryStorage } from "../pipeline/memory-storage.js";
import { readEvent } from "../helpers/fixtures.js";
import {
  batchOf,
  CHAT_SAMPLE,
  captureOutput,
  emittedMetrics,
  getTestEvent,
  objectBody,
  parquetRows,
  readable,
  s3Message,
  TRANSCRIPT_SAMPLE,
} from "./helpers.js";

const s3 = mockClient(S3Client);
const secretsManager = mockClient(SecretsManagerClient);
const comprehend = mockClient(ComprehendClient);

const REGION = "ap-northeast-1";
const OUTPUT_BUCKET = "tokumei-anonymized-111122223333";
const KMS_KEY_ID = "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ENV = { OUTPUT_BUCKET, KMS_KEY_ID };
/** The clock is a day after the sample events' time: the partition must come from the event. */
const NOW = () => new Date("2024-11-06T00:30:00.000Z");
const EVENT_DAY = "2024-11-05";

/** Every key the pipeline writes for an anonymized input, in write order: datasets, JSONL, audit last. */
function anonymizedKeys(inputKey: string, source: "call" | "chat"): string[] {
  const parts = { dt: EVENT_DAY, source, inputKey };
  return [datasetKey(UTTERANCES, parts), datasetKey(CONVERSATIONS, parts), outputKeys(inputKey).utterances, outputKeys(inputKey).audit];
}

/** The chatbot log sample and every piece of personal data in it, in the forms it takes there. */
const CHAT = readEvent("conversations/chatbot-log.jsonl");
const CHAT_PII = ["080-2468-1357", "小林美咲", "小林", "美咲", "222-0033", "新横浜", "港北区", "サンプルマンション", "h.tanaka.1985@example.com", "h.tanaka"];

let output: ReturnType<typeof captureOutput>;

beforeEach(() => {
  s3.reset();
  secretsManager.reset();
  comprehend.reset();
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

afterAll(() => {
  s3.restore();
  secretsManager.restore();
  comprehend.restore();
});

function handlerWith(env: Record<string, string> = ENV) {
  return createAnonymizeHandler({
    s3: new S3Client({ region: REGION }),
    secrets: () => new SecretsManagerClient({ region: REGION }),
    comprehend: () => new ComprehendClient({ region: REGION, maxAttempts: 1 }),
    env,
    now: NOW,
  });
}

/** Every PutObject, its input without the body, in call order. */
function putInputs() {
  return s3.commandCalls(PutObjectCommand).map((call) => {
    const { Body: _body, ...input } = call.args[0].input;
    return input;
  });
}

/** The body of the PutObject to `key`. */
function putObjectBody(key: string): string | Uint8Array {
  const call = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key);
  if (!call) throw new Error(`no PutObject to ${key}`);
  return call.args[0].input.Body as string | Uint8Array;
}

/** The body of the PutObject to `key`, as text (JSON and JSONL objects). */
function putBody(key: string): string {
  const body = putObjectBody(key);
  return typeof body === "string" ? body : new TextDecoder().decode(body);
}

/** Every object written, as searchable text (Parquet read back into rows). */
async function allPutBodies(): Promise<string> {
  const texts: string[] = [];
  for (const call of s3.commandCalls(PutObjectCommand)) {
    const { Key, Body } = call.args[0].input;
    texts.push(`${Key}\n${await readable(Key!, Body as string | Uint8Array)}`);
  }
  return texts.join("\n");
}

describe("anonymize handler: a chat log put in the raw bucket", () => {
  it("reads the decoded key from the event's bucket and writes rows, then the audit record, with SSE-KMS", async () => {
    // Prepare
    s3.on(GetObjectCommand, { Bucket: CHAT_SAMPLE.bucket, Key: CHAT_SAMPLE.key }).resolves({ Body: objectBody(CHAT) });
    const keys = outputKeys(CHAT_SAMPLE.key);

    // Act
    const response = await handlerWith()(getTestEvent("sqs-s3-put-chat"));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: CHAT_SAMPLE.bucket, Key: CHAT_SAMPLE.key }]);
    const [utterances, conversations] = anonymizedKeys(CHAT_SAMPLE.key, "chat");
    expect(utterances).toBe("datasets/utterances/dt=2024-11-05/source=chat/incoming__chat__2024-11-05__-A.jsonl-53b12fb8178348a8.parquet");
    expect(putInputs()).toEqual([
      { Bucket: OUTPUT_BUCKET, Key: utterances, ContentType: "application/vnd.apache.parquet", ServerSideEncryption: "aws:kms", SSEKMSKeyId: KMS_KEY_ID },
      { Bucket: OUTPUT_BUCKET, Key: conversations, ContentType: "application/vnd.apache.parquet", ServerSideEncryption: "aws:kms", SSEKMSKeyId: KMS_KEY_ID },
      {
        Bucket: OUTPUT_BUCKET,
        Key: "anonymized/incoming/chat/2024-11-05/営業 チャット+A.jsonl.jsonl",
        ContentType: "application/x-ndjson",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: KMS_KEY_ID,
      },
      {
        Bucket: OUTPUT_BUCKET,
        Key: "audit/incoming/chat/2024-11-05/営業 チャット+A.jsonl.audit.json",
        ContentType: "application/json",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: KMS_KEY_ID,
      },
    ]);
    expect(putInputs().map((input) => input.Key)).toEqual([utterances, conversations, keys.utterances, keys.audit]);
  });

  it("writes masked rows (Parquet and JSONL) and an audit record of counts", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });
    const keys = outputKeys(CHAT_SAMPLE.key);
    const [utterancesParquet, conversationsParquet] = anonymizedKeys(CHAT_SAMPLE.key, "chat");

    // Act
    await handlerWith()(getTestEvent("sqs-s3-put-chat"));

    // Assess
    const parquet = await parquetRows(putObjectBody(utterancesParquet!) as Uint8Array);
    expect(parquet).toHaveLength(12);
    expect(parquet.map((r) => r["text"])).toEqual(expect.arrayContaining(["<PERSON_1>です。電話は<PHONE_1>です。"]));
    expect(new Set(parquet.map((r) => r["input_key"]))).toEqual(new Set([CHAT_SAMPLE.key]));
    expect((await parquetRows(putObjectBody(conversationsParquet!) as Uint8Array)).map((r) => r["conversation_id"])).toHaveLength(2);
    const rows = putBody(keys.utterances)
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => AnonymizedUtteranceRowSchema.parse(JSON.parse(line)));
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r.text)).toEqual(
      expect.arrayContaining(["<PERSON_1>です。電話は<PHONE_1>です。", "〒<POSTAL_CODE_1> <ADDRESS_1>にお願いします。", "<EMAIL_1> です"]),
    );
    expect(AuditRecordSchema.parse(JSON.parse(putBody(keys.audit)))).toEqual({
      inputKey: CHAT_SAMPLE.key,
      status: "anonymized",
      format: "chat-jsonl",
      encoding: "utf-8",
      conversations: 2,
      utterances: 12,
      entities: { PERSON: 1, PHONE: 1, POSTAL_CODE: 1, ADDRESS: 1, EMAIL: 1 },
      engineVersion: ENGINE_VERSION,
      policyHash: createEngine().policyHash,
      mode: "mask",
      outputs: [utterancesParquet, conversationsParquet, keys.utterances],
      processedAt: "2024-11-06T00:30:00.000Z",
    });
  });

  it("puts none of the input's personal data in any object, log line or metric", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });

    // Act
    await handlerWith()(getTestEvent("sqs-s3-put-chat"));

    // Assess
    const written = await allPutBodies();
    expect(written.match(/<PHONE_1>/g)).toHaveLength(2); // once in the Parquet rows, once in the JSONL
    expect(written).toContain('"text":"<PERSON_1>です。電話は<PHONE_1>です。"');
    for (const value of CHAT_PII) expect(written).not.toContain(value);
    const printed = output.text();
    expect(printed).toContain("input anonymized");
    for (const value of CHAT_PII) expect(printed).not.toContain(value);
  });

  it("emits utterances, entities per type and files as EMF metrics in namespace Tokumei", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });

    // Act
    await handlerWith()(getTestEvent("sqs-s3-put-chat"));

    // Assess
    expect(emittedMetrics(output.json())).toEqual([
      { name: "AnonymizedFiles", value: 1, dimensions: {} },
      { name: "Entities", value: 1, dimensions: { EntityType: "ADDRESS" } },
      { name: "Entities", value: 1, dimensions: { EntityType: "EMAIL" } },
      { name: "Entities", value: 1, dimensions: { EntityType: "PERSON" } },
      { name: "Entities", value: 1, dimensions: { EntityType: "PHONE" } },
      { name: "Entities", value: 1, dimensions: { EntityType: "POSTAL_CODE" } },
      { name: "Utterances", value: 12, dimensions: {} },
    ]);
  });

  it("omits SSEKMSKeyId when no key is configured, still asking for SSE-KMS", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });

    // Act
    await handlerWith({ OUTPUT_BUCKET })(getTestEvent("sqs-s3-put-chat"));

    // Assess
    expect(putInputs().map(({ ServerSideEncryption, SSEKMSKeyId }) => ({ ServerSideEncryption, SSEKMSKeyId }))).toEqual(
      Array(4).fill({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: undefined }),
    );
  });

  it("reads the object named inside an SNS envelope", async () => {
    // Prepare
    const key = "incoming/chat/2024-11-05/問い合わせ 履歴+B.jsonl";
    s3.on(GetObjectCommand, { Bucket: "tokumei-raw-111122223333", Key: key }).resolves({ Body: objectBody(CHAT) });

    // Act
    const response = await handlerWith()(getTestEvent("sqs-sns-s3-put"));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(putInputs().map((input) => input.Key)).toEqual(anonymizedKeys(key, "chat"));
  });
});

describe("anonymize handler: messages with nothing to do", () => {
  it("acknowledges an s3:TestEvent without touching S3", async () => {
    // Prepare
    const event = getTestEvent("sqs-s3-test-event");

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3.calls()).toHaveLength(0);
    expect(output.json().some((line) => line["message"] === "s3:TestEvent acknowledged")).toBe(true);
  });

  it("skips events other than ObjectCreated, folder markers and Transcribe's write-access probe", async () => {
    // Prepare
    const event = batchOf(
      s3Message(CHAT_SAMPLE.bucket, "incoming/chat/old.jsonl", "x", "ObjectRemoved:Delete"),
      s3Message(CHAT_SAMPLE.bucket, "incoming/chat/2024-11-06/", "x"),
      s3Message(TRANSCRIPT_SAMPLE.bucket, ".write_access_check_file.temp", "x"),
      s3Message(TRANSCRIPT_SAMPLE.bucket, "transcripts/.write_access_check_file.temp", "x"),
    );

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(s3.calls()).toHaveLength(0);
  });
});

describe("anonymize handler: failures", () => {
  it("quarantines bad JSON: a quarantine record is written and the message is not a batch failure", async () => {
    // Prepare
    const key = "incoming/chat/broken.json";
    s3.on(GetObjectCommand).resolves({ Body: objectBody('{"messages": [{"text": "電話は080-2468-1357"') });
    const event = batchOf(s3Message(CHAT_SAMPLE.bucket, key, "x"));

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(putInputs()).toEqual([
      {
        Bucket: OUTPUT_BUCKET,
        Key: "quarantine/incoming/chat/broken.json.json",
        ContentType: "application/json",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: KMS_KEY_ID,
      },
    ]);
    const record = QuarantineRecordSchema.parse(JSON.parse(putBody("quarantine/incoming/chat/broken.json.json")));
    expect(record).toMatchObject({ inputKey: key, status: "quarantined", errorType: "InputFormatError", processedAt: "2024-11-06T00:30:00.000Z" });
    expect(await allPutBodies()).not.toContain("080-2468-1357");
    expect(output.text()).not.toContain("080-2468-1357");
    expect(emittedMetrics(output.json())).toEqual([{ name: "QuarantinedFiles", value: 1, dimensions: {} }]);
  });

  it("gives transcript speakers their roles from TOKUMEI_ROLES", async () => {
    // Prepare: the diarized sales call as Transcribe wrote it
    s3.on(GetObjectCommand).resolves({ Body: objectBody(readEvent("conversations/sales-call-diarized.json")) });
    s3.on(PutObjectCommand).resolves({});

    // Act
    const response = await handlerWith({ ...ENV, TOKUMEI_ROLES: "spk_0=agent,spk_1=customer" })(getTestEvent("sqs-s3-put-transcript"));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const rows = putBody(outputKeys(TRANSCRIPT_SAMPLE.key).utterances).trim().split("\n").map((line) => JSON.parse(line) as { speaker: string; role?: string });
    expect(new Set(rows.map((r) => `${r.speaker}=${r.role}`))).toEqual(new Set(["spk_0=agent", "spk_1=customer"]));
  });

  it("refuses to start with a TOKUMEI_ROLES that is not speaker=role pairs, failing the batch (nothing lost)", async () => {
    // Act
    const act = handlerWith({ ...ENV, TOKUMEI_ROLES: "spk_0=boss" })(getTestEvent("sqs-s3-put-chat"));

    // Assess
    await expect(act).rejects.toThrow(/TOKUMEI_ROLES/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("reports a throttled GetObject as that message's failure and still processes the others", async () => {
    // Prepare
    s3.on(GetObjectCommand, { Key: CHAT_SAMPLE.key }).resolves({ Body: objectBody(CHAT) });
    s3.on(GetObjectCommand, { Key: TRANSCRIPT_SAMPLE.key }).rejects(
      new S3ServiceException({ name: "SlowDown", $fault: "server", $metadata: { httpStatusCode: 503, requestId: "R1" }, message: "Please reduce your request rate." }),
    );
    const event = batchOf(getTestEvent("sqs-s3-put-chat").Records[0]!, getTestEvent("sqs-s3-put-transcript").Records[0]!);

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "message-2" }] });
    expect(putInputs().map((input) => input.Key)).toEqual(anonymizedKeys(CHAT_SAMPLE.key, "chat"));
    const failure = output.json().find((line) => line["message"] === "object failed; the message will be retried");
    expect(failure).toMatchObject({ messageId: "message-2", key: TRANSCRIPT_SAMPLE.key, errorName: "SlowDown", httpStatusCode: 503, requestId: "R1" });
  });

  it("does not quarantine an input it could not read", async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "Access Denied" }));
    const event = batchOf(getTestEvent("sqs-s3-put-chat").Records[0]!, getTestEvent("sqs-s3-test-event").Records[0]!);

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "message-1" }] });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("fails a message whose PutObject fails (nothing is acknowledged half-written)", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });
    s3.on(PutObjectCommand).rejects(new S3ServiceException({ name: "InternalError", $fault: "server", $metadata: { httpStatusCode: 500 }, message: "We encountered an internal error." }));
    const event = batchOf(getTestEvent("sqs-s3-put-chat").Records[0]!, getTestEvent("sqs-s3-test-event").Records[0]!);

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "message-1" }] });
    expect(putInputs().map((input) => input.Key)).toEqual(anonymizedKeys(CHAT_SAMPLE.key, "chat").slice(0, 1));
  });

  it("throws when every message fails, so the whole batch returns to the queue", async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: "SlowDown", $fault: "server", $metadata: { httpStatusCode: 503 }, message: "Please reduce your request rate." }));

    // Act
    const act = handlerWith()(getTestEvent("sqs-s3-put-chat"));

    // Assess
    await expect(act).rejects.toBeInstanceOf(FullBatchFailureError);
  });

  it("fails a message that is not an S3 notification, logging its id but not its body", async () => {
    // Prepare
    const bad = { ...getTestEvent("sqs-s3-put-chat").Records[0]!, body: "お客様の電話は080-2468-1357" };
    const event = batchOf(getTestEvent("sqs-s3-test-event").Records[0]!, bad);

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "message-2" }] });
    expect(output.json().find((line) => line["message"] === "invalid SQS message")).toMatchObject({
      messageId: "message-2",
      errorName: "InputFormatError",
      reason: "SQS message message-2 is not an S3 event notification: body (custom)",
    });
    expect(output.text()).not.toContain("080-2468-1357");
  });

  it("fails the whole invocation on an invalid environment, naming the variable", async () => {
    // Prepare
    const handler = handlerWith({ KMS_KEY_ID });

    // Act
    const act = handler(getTestEvent("sqs-s3-put-chat"));

    // Assess
    await expect(act).rejects.toThrow(new ConfigError("invalid environment: OUTPUT_BUCKET"));
    expect(s3.calls()).toHaveLength(0);
  });
});

describe("anonymize handler: pseudonymize mode", () => {
  const SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:tokumei/hmac-AbCdEf";
  const HMAC_KEY = "k".repeat(16) + "0123456789abcdef0123456789";
  const POLICY = '{"mode": "pseudonymize"}';

  it("reads the HMAC key from Secrets Manager once per container and tokenizes like the local engine", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: HMAC_KEY });
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });
    const handler = handlerWith({ ...ENV, TOKUMEI_POLICY: POLICY, TOKUMEI_HMAC_SECRET_ARN: SECRET_ARN });
    const local = new MemoryStorage({ [CHAT_SAMPLE.key]: CHAT });
    const localEngine = createEngine({ policy: parsePolicy(POLICY), secrets: { hmacKey: Buffer.from(HMAC_KEY, "utf8") } });
    await processObject(CHAT_SAMPLE.key, local, localEngine, { now: NOW, partitionTime: new Date("2024-11-05T01:02:03.456Z") });

    // Act
    await handler(getTestEvent("sqs-s3-put-chat"));
    await handler(getTestEvent("sqs-s3-put-chat"));

    // Assess
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: SECRET_ARN }]);
    const rows = putBody(outputKeys(CHAT_SAMPLE.key).utterances);
    expect(rows).toBe(local.text(outputKeys(CHAT_SAMPLE.key).utterances));
    expect(rows).toMatch(/<PHONE:[0-9a-f]{10}>/);
    expect(JSON.parse(putBody(outputKeys(CHAT_SAMPLE.key).audit))).toMatchObject({ mode: "pseudonymize" });
    expect(output.text()).not.toContain(HMAC_KEY);
  });

  it("refuses a key shorter than 32 bytes and writes nothing", async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: "too-short" });
    const handler = handlerWith({ ...ENV, TOKUMEI_POLICY: POLICY, TOKUMEI_HMAC_SECRET_ARN: SECRET_ARN });

    // Act
    const act = handler(getTestEvent("sqs-s3-put-chat"));

    // Assess
    await expect(act).rejects.toThrow(new ConfigError("the HMAC secret is too short: use at least 32 bytes"));
    expect(s3.calls()).toHaveLength(0);
  });

  it("asks for the secret ARN when the policy needs a key", async () => {
    // Prepare
    const handler = handlerWith({ ...ENV, TOKUMEI_POLICY: POLICY });

    // Act
    const act = handler(getTestEvent("sqs-s3-put-chat"));

    // Assess
    await expect(act).rejects.toThrow(new ConfigError("the policy pseudonymizes with HMAC: set TOKUMEI_HMAC_SECRET_ARN"));
  });

  it("tries the secret again on the next invocation after a failed read", async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }))
      .resolves({ SecretString: HMAC_KEY });
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT) });
    const handler = handlerWith({ ...ENV, TOKUMEI_POLICY: POLICY, TOKUMEI_HMAC_SECRET_ARN: SECRET_ARN });

    // Act
    const first = handler(getTestEvent("sqs-s3-put-chat"));
    await expect(first).rejects.toThrow("Rate exceeded");
    const second = await handler(getTestEvent("sqs-s3-put-chat"));

    // Assess
    expect(second).toEqual({ batchItemFailures: [] });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe("anonymize handler: Amazon Comprehend", () => {
  it("sends the utterances to BatchDetectEntities when TOKUMEI_COMPREHEND=true", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody('{"text": "来週伺います。"}\n') });
    comprehend.on(BatchDetectEntitiesCommand).resolves({ ResultList: [{ Index: 0, Entities: [] }], ErrorList: [] });

    // Act
    const response = await handlerWith({ ...ENV, TOKUMEI_COMPREHEND: "true" })(getTestEvent("sqs-s3-put-chat"));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(comprehend.commandCalls(BatchDetectEntitiesCommand).map((c) => c.args[0].input)).toEqual([
      { TextList: ["来週伺います。"], LanguageCode: "ja" },
    ]);
  });

  it("does not call Comprehend by default", async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: objectBody('{"text": "来週伺います。"}\n') });

    // Act
    await handlerWith()(getTestEvent("sqs-s3-put-chat"));

    // Assess
    expect(comprehend.calls()).toHaveLength(0);
  });
});
