import { describe, expect, it } from "vitest";
import {
  decodeS3Key,
  parseS3SqsRecord,
  parseTranscribeJobStateChange,
  S3SqsRecordSchema,
} from "../../functions/lib/events.js";
import { InputFormatError } from "../../shared/errors.js";
import { CHAT_SAMPLE, getTestEvent, getTranscribeFailedEvent, TRANSCRIPT_SAMPLE } from "./helpers.js";

describe("decodeS3Key", () => {
  it.each([
    ["plain ASCII", "incoming/chat/log.jsonl", "incoming/chat/log.jsonl"],
    ["+ is a space", "red+flower.jpg", "red flower.jpg"],
    ["%2B is a literal +", "a%2Bb.json", "a+b.json"],
    ["+ and %2B together", "%E5%96%B6%E6%A5%AD+%E9%8C%B2%E9%9F%B3%2BA.json", "営業 録音+A.json"],
    ["the reference example", "calls/2024-05/%E5%96%B6%E6%A5%AD+%E9%8C%B2%E9%9F%B3%2BA%231.wav", "calls/2024-05/営業 録音+A#1.wav"],
    ["a literal % is decoded once only", "100%2525.json", "100%25.json"],
    ["an encoded space (%20) is a space too", "a%20b.json", "a b.json"],
    ["a 4-byte character", "%F0%9F%90%B1.png", "🐱.png"],
    ["slashes stay", "transcripts/tokumei-A-0f.json", "transcripts/tokumei-A-0f.json"],
  ])("%s: %s → %s", (_case, raw, decoded) => {
    // Prepare: the table row
    // Act
    const key = decodeS3Key(raw);

    // Assess
    expect(key).toBe(decoded);
  });

  it.each([["%E5%96"], ["100%.json"], ["%ZZ"]])("rejects malformed encoding %s with an InputFormatError", (raw) => {
    // Prepare: the table row
    // Act
    const act = () => decodeS3Key(raw);

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow("S3 event key is not valid URL encoding");
  });
});

describe("parseS3SqsRecord", () => {
  it("reads the object of an S3 put delivered through SQS, key decoded", () => {
    // Prepare
    const record = getTestEvent("sqs-s3-put-chat").Records[0]!;

    // Act
    const message = parseS3SqsRecord(record);

    // Assess
    expect(message).toEqual({
      kind: "objects",
      objects: [
        {
          bucket: CHAT_SAMPLE.bucket,
          key: CHAT_SAMPLE.key,
          size: 2143,
          eTag: "3b5e1f0a9c2d4e6f8a7b9c0d1e2f3a4b",
          versionId: "Qx7pVb3N0fZkE8uYc2RmT5sWl9HdJ4aG",
          eventName: "ObjectCreated:Put",
          eventTime: "2024-11-05T01:02:03.456Z",
        },
      ],
    });
  });

  it("reads the transcript and the audio samples", () => {
    // Prepare
    const transcript = getTestEvent("sqs-s3-put-transcript").Records[0]!;
    const audio = getTestEvent("sqs-s3-put-audio").Records[0]!;

    // Act
    const messages = [parseS3SqsRecord(transcript), parseS3SqsRecord(audio)];

    // Assess
    expect(messages.map((m) => (m.kind === "objects" ? m.objects.map((o) => [o.bucket, o.key, o.eTag]) : m.kind))).toEqual([
      [[TRANSCRIPT_SAMPLE.bucket, TRANSCRIPT_SAMPLE.key, "e1d2c3b4a5968778695a4b3c2d1e0f9a"]],
      [["tokumei-raw-111122223333", "incoming/audio/2024-11-05/営業 録音+A.wav", "9b2cf535f27731c974343645a3985328"]],
    ]);
  });

  it("acknowledges an s3:TestEvent as a test message with no objects", () => {
    // Prepare
    const record = getTestEvent("sqs-s3-test-event").Records[0]!;

    // Act
    const message = parseS3SqsRecord(record);

    // Assess
    expect(message).toEqual({ kind: "test" });
  });

  it("unwraps an SNS envelope whose Message is the S3 JSON", () => {
    // Prepare
    const record = getTestEvent("sqs-sns-s3-put").Records[0]!;

    // Act
    const message = parseS3SqsRecord(record);

    // Assess
    expect(message).toEqual({
      kind: "objects",
      objects: [
        {
          bucket: "tokumei-raw-111122223333",
          key: "incoming/chat/2024-11-05/問い合わせ 履歴+B.jsonl",
          size: 1877,
          eTag: "7c4a8d09ca3762af61e59520943dc264",
          versionId: undefined,
          eventName: "ObjectCreated:Put",
          eventTime: "2024-11-05T01:02:03.456Z",
        },
      ],
    });
  });

  it("unwraps an s3:TestEvent inside an SNS envelope", () => {
    // Prepare
    const record = getTestEvent("sqs-sns-s3-put").Records[0]!;
    const envelope = JSON.parse(record.body) as Record<string, unknown>;
    envelope["Message"] = getTestEvent("sqs-s3-test-event").Records[0]!.body;
    const wrapped = { ...record, body: JSON.stringify(envelope) };

    // Act
    const message = parseS3SqsRecord(wrapped);

    // Assess
    expect(message).toEqual({ kind: "test" });
  });

  it("accepts an event from an IPv6 client", () => {
    // Prepare
    const record = getTestEvent("sqs-s3-put-chat").Records[0]!;
    const body = JSON.parse(record.body) as { Records: [{ requestParameters: { sourceIPAddress: string } }] };
    body.Records[0].requestParameters.sourceIPAddress = "2001:db8::8a2e:370:7334";

    // Act
    const message = parseS3SqsRecord({ ...record, body: JSON.stringify(body) });

    // Assess
    expect(message.kind).toBe("objects");
  });

  it("rejects a body that is not S3 JSON, naming the message and the path but not the body", () => {
    // Prepare
    const record = { ...getTestEvent("sqs-s3-put-chat").Records[0]!, messageId: "m-1", body: "電話は080-2468-1357です" };

    // Act
    const act = () => parseS3SqsRecord(record);

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow(/^SQS message m-1 is not an S3 event notification: body \(custom\)$/);
  });

  it("rejects JSON of another shape", () => {
    // Prepare
    const record = { ...getTestEvent("sqs-s3-put-chat").Records[0]!, messageId: "m-2", body: JSON.stringify({ hello: "world" }) };

    // Act
    const act = () => parseS3SqsRecord(record);

    // Assess
    expect(act).toThrow("SQS message m-2 is not an S3 event notification: body (invalid_union)");
  });

  it("uses Powertools' SQS record schema: a record without its SQS fields is rejected", () => {
    // Prepare
    const { receiptHandle: _dropped, ...record } = getTestEvent("sqs-s3-put-chat").Records[0]!;

    // Act
    const parsed = S3SqsRecordSchema.safeParse(record);

    // Assess
    expect(parsed.success).toBe(false);
    expect(() => parseS3SqsRecord(record)).toThrow("receiptHandle (invalid_type)");
  });
});

describe("parseTranscribeJobStateChange", () => {
  it("reads the job name, status and failure reason", () => {
    // Prepare
    const event = getTranscribeFailedEvent();

    // Act
    const change = parseTranscribeJobStateChange(event);

    // Assess
    expect(change.detail).toEqual({
      TranscriptionJobName: "tokumei-A-78f1b13e58807f7cef781e47d999a20df8e4f96ae766a21619c1b69c0df27abe",
      TranscriptionJobStatus: "FAILED",
      FailureReason:
        "The media format that you specified doesn't match the detected media format. Check the media format and try your request again.",
    });
  });

  it("rejects a job name with characters Transcribe does not allow (it becomes an S3 key)", () => {
    // Prepare
    const event = getTranscribeFailedEvent();
    event.detail["TranscriptionJobName"] = "../../datasets/x";

    // Act
    const act = () => parseTranscribeJobStateChange(event);

    // Assess
    expect(act).toThrow("not a Transcribe Job State Change event: detail.TranscriptionJobName (invalid_format)");
  });
});
