import { BatchDetectEntitiesCommand, ComprehendClient } from "@aws-sdk/client-comprehend";
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createReviewReportHandler, reviewReportKey } from "../../functions/review-report.js";
import { ConfigError, InputFormatError } from "../../shared/errors.js";
import { RAW_DATA_WARNING } from "../../shared/report/render-report.js";
import { readEvent, readEventJson } from "../helpers/fixtures.js";
import { captureOutput, emittedMetrics, objectBody } from "./helpers.js";

const s3 = mockClient(S3Client);
const comprehend = mockClient(ComprehendClient);

const REGION = "ap-northeast-1";
const RAW_BUCKET = "tokumei-raw-111122223333";
const TRANSCRIPTS_BUCKET = "tokumei-transcripts-111122223333";
const KMS_KEY_ID = "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ENV = { RAW_BUCKET, TRANSCRIPTS_BUCKET, KMS_KEY_ID, TOKUMEI_POLICY: '{"mode":"mask"}' };
const NOW = () => new Date("2024-11-06T00:30:00.000Z");

/** The sample direct invocations under events/aws/. */
const CHAT_EVENT = readEventJson<{ inputKey: string }>("aws/review-report-chat.json");
const TRANSCRIPT_EVENT = readEventJson<{ inputKey: string; roles: Record<string, string> }>("aws/review-report-transcript.json");

/** A chat log with one phone number and one e-mail address (invented). */
const CHAT_LOG = '{"sender": "guest", "message": "電話は080-2468-1357、メールは <m.kobayashi@example.com> です"}\n{"sender": "bot", "message": "承知しました"}\n';
const CHAT_PII = ["080-2468-1357", "m.kobayashi@example.com"];

let output: ReturnType<typeof captureOutput>;

beforeEach(() => {
  s3.reset();
  comprehend.reset();
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

afterAll(() => {
  s3.restore();
  comprehend.restore();
});

function handlerWith(env: Record<string, string> = ENV) {
  return createReviewReportHandler({
    s3: new S3Client({ region: REGION }),
    comprehend: () => new ComprehendClient({ region: REGION, maxAttempts: 1 }),
    env,
    now: NOW,
  });
}

/** The PutObject calls, with their bodies as text. */
function puts() {
  return s3.commandCalls(PutObjectCommand).map((call) => {
    const { Body, ...input } = call.args[0].input;
    return { input, body: String(Body) };
  });
}

describe("review-report handler", () => {
  it("reads a chat log from the raw bucket and writes its review page to review/ of the raw bucket, SSE-KMS", async () => {
    // Arrange
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT_LOG) });

    // Act
    const result = await handlerWith()(CHAT_EVENT);

    // Assess
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: RAW_BUCKET, Key: CHAT_EVENT.inputKey }]);
    const written = puts();
    expect(written.map((p) => p.input)).toEqual([
      {
        Bucket: RAW_BUCKET,
        Key: "review/incoming/chat/2024-11-05/営業 チャット+A.jsonl.html",
        ContentType: "text/html; charset=utf-8",
        ServerSideEncryption: "aws:kms",
        SSEKMSKeyId: KMS_KEY_ID,
      },
    ]);
    expect(result).toEqual({
      bucket: RAW_BUCKET,
      reportKey: "review/incoming/chat/2024-11-05/営業 チャット+A.jsonl.html",
      conversations: 1,
      utterances: 2,
      entities: { PHONE: 1, EMAIL: 1 },
    });
    const html = written[0]!.body;
    expect(html).toContain(RAW_DATA_WARNING);
    expect(html).toContain("<dt>Generated</dt><dd>2024-11-06T00:30:00.000Z</dd>");
    expect(html).toContain('<mark class="pii t-PHONE" title="PHONE">&lt;PHONE_1&gt;</mark>');
    expect(html).toContain('<mark class="pii t-PHONE" title="PHONE">080-2468-1357</mark>');
    // The address's angle brackets are escaped, the address itself highlighted.
    expect(html).toContain('&lt;<mark class="pii t-EMAIL" title="EMAIL">m.kobayashi@example.com</mark>&gt;');
  });

  it("reads a transcript from the transcripts bucket, applies the roles, and still writes to the raw bucket", async () => {
    // Arrange
    s3.on(GetObjectCommand).resolves({ Body: objectBody(readEvent("conversations/sales-call-diarized.json")) });

    // Act
    const result = await handlerWith()(TRANSCRIPT_EVENT);

    // Assess
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: TRANSCRIPTS_BUCKET, Key: TRANSCRIPT_EVENT.inputKey }]);
    expect(puts().map((p) => [p.input.Bucket, p.input.Key])).toEqual([[RAW_BUCKET, reviewReportKey(TRANSCRIPT_EVENT.inputKey)]]);
    expect(result.reportKey).toBe(`review/${TRANSCRIPT_EVENT.inputKey}.html`);
    expect(result.conversations).toBe(1);
    expect(result.entities.PHONE).toBeGreaterThanOrEqual(1);
    const html = puts()[0]!.body;
    expect(html).toMatch(/<td>agent<\/td><td class="masked"><span class="speaker">spk_0<\/span>/);
    expect(html).toMatch(/<td>customer<\/td><td class="masked"><span class="speaker">spk_1<\/span>/);
  });

  it("logs the key and counts and emits the ReviewReports metric, never a raw value", async () => {
    // Arrange
    s3.on(GetObjectCommand).resolves({ Body: objectBody(CHAT_LOG) });

    // Act
    await handlerWith()(CHAT_EVENT);

    // Assess
    const logs = output.json().filter((line) => line["message"] === "review report written");
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ key: CHAT_EVENT.inputKey, reportKey: reviewReportKey(CHAT_EVENT.inputKey), entities: { PHONE: 1, EMAIL: 1 } });
    expect(emittedMetrics(output.json())).toEqual([{ name: "ReviewReports", value: 1, dimensions: {} }]);
    for (const value of CHAT_PII) expect(output.text()).not.toContain(value);
  });

  it.each([
    ["no inputKey", {}, "inputKey (invalid_type)"],
    ["an audio key", { inputKey: "incoming/audio/call.wav" }, "inputKey: must start with incoming/chat/ or transcripts/"],
    ["a key in the anonymized datasets", { inputKey: "datasets/utterances/x.parquet" }, "inputKey: must start with"],
    ["a review page", { inputKey: "review/incoming/chat/x.jsonl.html" }, "inputKey: must start with"],
    ["a prefix only", { inputKey: "incoming/chat/" }, "inputKey: must start with"],
    ["a .. segment", { inputKey: "incoming/chat/../../audit/x.json" }, "inputKey: must name one object"],
    ["an unknown field", { inputKey: "incoming/chat/x.jsonl", bucket: "other" }, "(unrecognized_keys)"],
    ["an unknown role", { inputKey: "transcripts/x.json", roles: { spk_0: "boss" } }, "roles.spk_0 (invalid_value)"],
    ["not an object", "incoming/chat/x.jsonl", "(root) (invalid_type)"],
  ])("refuses an event with %s before any S3 call", async (_what, event, message) => {
    // Act
    const invocation = handlerWith()(event);

    // Assess
    await expect(invocation).rejects.toThrow(InputFormatError);
    await expect(invocation).rejects.toThrow(message);
    expect(s3.calls()).toHaveLength(0);
  });

  it("writes nothing for an unreadable input and says why, without quoting it", async () => {
    // Arrange
    s3.on(GetObjectCommand).resolves({ Body: objectBody('{"message": "電話は080-2468-1357", \n') });

    // Act
    const invocation = handlerWith()(CHAT_EVENT);

    // Assess
    await expect(invocation).rejects.toThrow(InputFormatError);
    await expect(invocation).rejects.toThrow(new RegExp(`^no review report: ${CHAT_EVENT.inputKey.replace(/[+.]/g, "\\$&")}`));
    await expect(invocation).rejects.not.toThrow(/080-2468-1357/);
    expect(puts()).toEqual([]);
    expect(output.text()).not.toContain("080-2468-1357");
  });

  it("lets an S3 read error through, logging its name only", async () => {
    // Arrange
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: "NoSuchKey", $fault: "client", $metadata: { httpStatusCode: 404, requestId: "R9" }, message: "The specified key does not exist." }));

    // Act
    const invocation = handlerWith()(CHAT_EVENT);

    // Assess
    await expect(invocation).rejects.toThrow("The specified key does not exist.");
    expect(puts()).toEqual([]);
    expect(output.json().find((l) => l["message"] === "cannot read the input")).toMatchObject({
      bucket: RAW_BUCKET,
      key: CHAT_EVENT.inputKey,
      errorName: "NoSuchKey",
      httpStatusCode: 404,
      requestId: "R9",
    });
  });

  it("refuses a pseudonymizing policy: the HMAC key is the anonymizer's alone", async () => {
    // Act
    const invocation = handlerWith({ ...ENV, TOKUMEI_POLICY: '{"mode":"pseudonymize"}' })(CHAT_EVENT);

    // Assess
    await expect(invocation).rejects.toThrow(ConfigError);
    await expect(invocation).rejects.toThrow("the review report does not pseudonymize");
    expect(s3.calls()).toHaveLength(0);
  });

  it("names a missing environment variable, not its value", async () => {
    // Act
    const invocation = handlerWith({ TRANSCRIPTS_BUCKET, KMS_KEY_ID })(CHAT_EVENT);

    // Assess
    await expect(invocation).rejects.toThrow(new ConfigError("invalid environment: RAW_BUCKET"));
  });

  it("asks Comprehend too when TOKUMEI_COMPREHEND=true, as the anonymizer does", async () => {
    // Arrange
    s3.on(GetObjectCommand).resolves({ Body: objectBody('{"text": "来週伺います。"}\n') });
    comprehend.on(BatchDetectEntitiesCommand).resolves({ ResultList: [{ Index: 0, Entities: [] }], ErrorList: [] });

    // Act
    await handlerWith({ ...ENV, TOKUMEI_COMPREHEND: "true" })(CHAT_EVENT);

    // Assess
    expect(comprehend.commandCalls(BatchDetectEntitiesCommand).map((c) => c.args[0].input)).toEqual([{ TextList: ["来週伺います。"], LanguageCode: "ja" }]);
    expect(puts()).toHaveLength(1);
  });

  it("does not call Comprehend by default", async () => {
    // Arrange
    s3.on(GetObjectCommand).resolves({ Body: objectBody('{"text": "来週伺います。"}\n') });

    // Act
    await handlerWith()(CHAT_EVENT);

    // Assess
    expect(comprehend.calls()).toHaveLength(0);
  });
});
