import { PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTranscriptionFailedHandler } from "../../functions/transcription-failed.js";
import { ConfigError, InputFormatError } from "../../shared/errors.js";
import { ENGINE_VERSION } from "../../shared/version.js";
import { captureOutput, emittedMetrics, getTranscribeFailedEvent } from "./helpers.js";

const s3 = mockClient(S3Client);

const OUTPUT_BUCKET = "tokumei-anonymized-111122223333";
const KMS_KEY_ID = "alias/tokumei";
const JOB = "tokumei-A-78f1b13e58807f7cef781e47d999a20df8e4f96ae766a21619c1b69c0df27abe";
const NOW = () => new Date("2024-11-05T01:03:20.000Z");

let output: ReturnType<typeof captureOutput>;

beforeEach(() => {
  s3.reset();
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

afterAll(() => {
  s3.restore();
});

function handlerWith(env: Record<string, string> = { OUTPUT_BUCKET, KMS_KEY_ID }) {
  return createTranscriptionFailedHandler({ s3: new S3Client({ region: "ap-northeast-1" }), env, now: NOW });
}

describe("transcription-failed handler", () => {
  it("writes the quarantine record of the failed job to quarantine/transcribe/, with SSE-KMS", async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});

    // Act
    await handlerWith()(getTranscribeFailedEvent());

    // Assess
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(1);
    const { Body, ...input } = puts[0]!;
    expect(input).toEqual({
      Bucket: OUTPUT_BUCKET,
      Key: `quarantine/transcribe/${JOB}.json`,
      ContentType: "application/json",
      ServerSideEncryption: "aws:kms",
      SSEKMSKeyId: KMS_KEY_ID,
    });
    expect(JSON.parse(Body as string)).toEqual({
      jobName: JOB,
      status: "quarantined",
      errorType: "TranscriptionFailed",
      reason:
        "The media format that you specified doesn't match the detected media format. Check the media format and try your request again.",
      failedAt: "2024-11-05T01:03:17Z",
      eventId: "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
      engineVersion: ENGINE_VERSION,
      processedAt: "2024-11-05T01:03:20.000Z",
    });
  });

  it("emits the TranscriptionFailed metric", async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});

    // Act
    await handlerWith()(getTranscribeFailedEvent());

    // Assess
    expect(emittedMetrics(output.json())).toEqual([{ name: "TranscriptionFailed", value: 1, dimensions: {} }]);
  });

  it("says so when Transcribe gave no reason", async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const event = getTranscribeFailedEvent();
    delete event.detail["FailureReason"];

    // Act
    await handlerWith()(event);

    // Assess
    const body = s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as string;
    expect(JSON.parse(body)).toMatchObject({ reason: "Transcribe gave no failure reason" });
  });

  it("ignores other job states", async () => {
    // Prepare
    const event = getTranscribeFailedEvent();
    event.detail["TranscriptionJobStatus"] = "COMPLETED";
    delete event.detail["FailureReason"];

    // Act
    await handlerWith()(event);

    // Assess
    expect(s3.calls()).toHaveLength(0);
    expect(emittedMetrics(output.json())).toEqual([]);
  });

  it("rejects an event that is not a Transcribe job state change", async () => {
    // Prepare
    const event = { ...getTranscribeFailedEvent(), source: "aws.s3" };

    // Act
    const act = handlerWith()(event);

    // Assess
    await expect(act).rejects.toThrow(new InputFormatError("not a Transcribe Job State Change event: source (invalid_value)"));
    expect(s3.calls()).toHaveLength(0);
  });

  it("lets a failed PutObject throw, so the event is retried", async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(new S3ServiceException({ name: "SlowDown", $fault: "server", $metadata: { httpStatusCode: 503 }, message: "Please reduce your request rate." }));

    // Act
    const act = handlerWith()(getTranscribeFailedEvent());

    // Assess
    await expect(act).rejects.toThrow("Please reduce your request rate.");
    expect(emittedMetrics(output.json())).toEqual([]);
  });

  it("needs OUTPUT_BUCKET", async () => {
    // Prepare
    const handler = handlerWith({ KMS_KEY_ID });

    // Act
    const act = handler(getTranscribeFailedEvent());

    // Assess
    await expect(act).rejects.toThrow(new ConfigError("invalid environment: OUTPUT_BUCKET"));
  });
});
