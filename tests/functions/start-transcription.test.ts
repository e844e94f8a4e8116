import { createHash } from "node:crypto";
import { FullBatchFailureError } from "@aws-lambda-powertools/batch";
import {
  ConflictException,
  LimitExceededException,
  StartTranscriptionJobCommand,
  TranscribeClient,
} from "@aws-sdk/client-transcribe";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEnv, StartTranscriptionEnvSchema } from "../../functions/lib/config.js";
import { mediaFormatOf, transcriptionJobName } from "../../functions/lib/transcribe-job.js";
import { createStartTranscriptionHandler } from "../../functions/start-transcription.js";
import { ConfigError } from "../../shared/errors.js";
import { batchOf, captureOutput, emittedMetrics, getTestEvent, s3Message } from "./helpers.js";

const transcribe = mockClient(TranscribeClient);

const RAW_BUCKET = "tokumei-raw-111122223333";
const TRANSCRIPTS_BUCKET = "tokumei-transcripts-111122223333";
const KMS_KEY_ID = "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ENV = { TRANSCRIPTS_BUCKET, KMS_KEY_ID };

/** The audio sample: its decoded key, ETag, and the job name they give. */
const AUDIO_KEY = "incoming/audio/2024-11-05/営業 録音+A.wav";
const AUDIO_ETAG = "9b2cf535f27731c974343645a3985328";
const AUDIO_JOB = `tokumei-A-${createHash("sha256").update(`${AUDIO_KEY}\n${AUDIO_ETAG}`, "utf8").digest("hex")}`;

let output: ReturnType<typeof captureOutput>;

beforeEach(() => {
  transcribe.reset();
  output = captureOutput();
});

afterEach(() => {
  output.restore();
});

afterAll(() => {
  transcribe.restore();
});

function handlerWith(env: Record<string, string> = ENV) {
  return createStartTranscriptionHandler({ transcribe: new TranscribeClient({ region: "ap-northeast-1" }), env });
}

function startInputs() {
  return transcribe.commandCalls(StartTranscriptionJobCommand).map((call) => call.args[0].input);
}

describe("transcriptionJobName", () => {
  it("is a readable prefix and the SHA-256 of key and ETag", () => {
    // Prepare: the audio sample
    // Act
    const name = transcriptionJobName(AUDIO_KEY, AUDIO_ETAG);

    // Assess
    expect(name).toBe(AUDIO_JOB);
    expect(name).toBe("tokumei-A-78f1b13e58807f7cef781e47d999a20df8e4f96ae766a21619c1b69c0df27abe");
  });

  it("is the same for a redelivery and different for new content or another key", () => {
    // Prepare
    const names = [
      transcriptionJobName(AUDIO_KEY, AUDIO_ETAG),
      transcriptionJobName(AUDIO_KEY, `"${AUDIO_ETAG}"`),
      transcriptionJobName(AUDIO_KEY, "0cc175b9c0f1b6a831c399e269772661"),
      transcriptionJobName("incoming/audio/2024-11-05/営業 録音 A.wav", AUDIO_ETAG),
    ];

    // Act
    const distinct = new Set(names);

    // Assess
    expect(names[1]).toBe(names[0]);
    expect(distinct.size).toBe(3);
  });

  it.each([
    ["incoming/audio/call-0001.wav", /^tokumei-call-0001-[0-9a-f]{64}$/],
    ["incoming/audio/山田様 折り返し.mp3", /^tokumei-[0-9a-f]{64}$/],
    ["incoming/audio/2024 11 05 (1).m4a", /^tokumei-2024-11-05-1-[0-9a-f]{64}$/],
    ["incoming/audio/..hidden...flac", /^tokumei-hidden-[0-9a-f]{64}$/],
    [`incoming/audio/${"x".repeat(300)}.ogg`, new RegExp(`^tokumei-${"x".repeat(80)}-[0-9a-f]{64}$`)],
    [`incoming/audio/${"録".repeat(300)}a.webm`, /^tokumei-a-[0-9a-f]{64}$/],
  ])("names %s with allowed characters only, at most 200", (key, pattern) => {
    // Prepare: the table row
    // Act
    const name = transcriptionJobName(key, "etag");

    // Assess
    expect(name).toMatch(pattern);
    expect(name).toMatch(/^[0-9a-zA-Z._-]{1,200}$/);
  });
});

describe("mediaFormatOf", () => {
  it.each([
    ["a.wav", "wav"],
    ["a.mp3", "mp3"],
    ["a.m4a", "m4a"],
    ["a.flac", "flac"],
    ["a.ogg", "ogg"],
    ["a.webm", "webm"],
    ["a.mp4", "mp4"],
    ["dir/営業 録音+A.WAV", "wav"],
    ["a.amr", undefined],
    ["a.txt", undefined],
    ["wav", undefined],
    ["dir.wav/a", undefined],
  ])("%s → %s", (key, format) => {
    // Prepare: the table row
    // Act
    const found = mediaFormatOf(key);

    // Assess
    expect(found).toBe(format);
  });
});

describe("StartTranscriptionEnvSchema", () => {
  it("defaults to two speakers and no channel identification", () => {
    // Prepare
    const env = { TRANSCRIPTS_BUCKET };

    // Act
    const config = parseEnv(StartTranscriptionEnvSchema, env);

    // Assess
    expect(config).toEqual({ TRANSCRIPTS_BUCKET, MAX_SPEAKER_LABELS: 2, CHANNEL_IDENTIFICATION: false });
  });

  it.each([
    [{ TRANSCRIPTS_BUCKET, MAX_SPEAKER_LABELS: "1" }, "invalid environment: MAX_SPEAKER_LABELS"],
    [{ TRANSCRIPTS_BUCKET, MAX_SPEAKER_LABELS: "31" }, "invalid environment: MAX_SPEAKER_LABELS"],
    [{ TRANSCRIPTS_BUCKET, CHANNEL_IDENTIFICATION: "yes" }, "invalid environment: CHANNEL_IDENTIFICATION"],
    [{ KMS_KEY_ID }, "invalid environment: TRANSCRIPTS_BUCKET"],
  ])("rejects %o", (env, message) => {
    // Prepare: the table row
    // Act
    const act = () => parseEnv(StartTranscriptionEnvSchema, env);

    // Assess
    expect(act).toThrow(new ConfigError(message));
  });
});

describe("start-transcription handler", () => {
  it("starts a ja-JP job with speaker labels, the transcript going to the transcripts bucket under KMS", async () => {
    // Prepare
    transcribe.on(StartTranscriptionJobCommand).resolves({});

    // Act
    const response = await handlerWith()(getTestEvent("sqs-s3-put-audio"));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(startInputs()).toEqual([
      {
        TranscriptionJobName: AUDIO_JOB,
        LanguageCode: "ja-JP",
        MediaFormat: "wav",
        Media: { MediaFileUri: `s3://${RAW_BUCKET}/${AUDIO_KEY}` },
        OutputBucketName: TRANSCRIPTS_BUCKET,
        OutputKey: `transcripts/${AUDIO_JOB}.json`,
        OutputEncryptionKMSKeyId: KMS_KEY_ID,
        Settings: { ShowSpeakerLabels: true, MaxSpeakerLabels: 2 },
      },
    ]);
    expect(emittedMetrics(output.json())).toEqual([{ name: "TranscriptionJobsStarted", value: 1, dimensions: {} }]);
  });

  it("uses channel identification instead of speaker labels when CHANNEL_IDENTIFICATION=true", async () => {
    // Prepare
    transcribe.on(StartTranscriptionJobCommand).resolves({});

    // Act
    await handlerWith({ ...ENV, CHANNEL_IDENTIFICATION: "true", MAX_SPEAKER_LABELS: "4" })(getTestEvent("sqs-s3-put-audio"));

    // Assess
    expect(startInputs().map((input) => input.Settings)).toEqual([{ ChannelIdentification: true }]);
  });

  it("takes MAX_SPEAKER_LABELS from the environment and omits the KMS key when none is set", async () => {
    // Prepare
    transcribe.on(StartTranscriptionJobCommand).resolves({});

    // Act
    await handlerWith({ TRANSCRIPTS_BUCKET, MAX_SPEAKER_LABELS: "5" })(getTestEvent("sqs-s3-put-audio"));

    // Assess
    const [input] = startInputs();
    expect(input?.Settings).toEqual({ ShowSpeakerLabels: true, MaxSpeakerLabels: 5 });
    expect(input).not.toHaveProperty("OutputEncryptionKMSKeyId");
  });

  it("gives a redelivered event the same job name, and treats ConflictException as done", async () => {
    // Prepare
    transcribe
      .on(StartTranscriptionJobCommand)
      .resolvesOnce({})
      .rejects(new ConflictException({ message: "The requested job name already exists.", $metadata: { httpStatusCode: 400 } }));
    const handler = handlerWith();

    // Act
    const first = await handler(getTestEvent("sqs-s3-put-audio"));
    const again = await handler(getTestEvent("sqs-s3-put-audio"));

    // Assess
    expect(first).toEqual({ batchItemFailures: [] });
    expect(again).toEqual({ batchItemFailures: [] });
    expect(startInputs().map((input) => input.TranscriptionJobName)).toEqual([AUDIO_JOB, AUDIO_JOB]);
    expect(output.json().find((line) => line["message"] === "transcription job exists; redelivered event acknowledged")).toMatchObject({
      key: AUDIO_KEY,
      jobName: AUDIO_JOB,
    });
    expect(emittedMetrics(output.json())).toEqual([{ name: "TranscriptionJobsStarted", value: 1, dimensions: {} }]);
  });

  it("skips an unsupported extension without failing and without calling Transcribe", async () => {
    // Prepare
    const event = batchOf(s3Message(RAW_BUCKET, "incoming/audio/memo.txt", "x"));

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(transcribe.calls()).toHaveLength(0);
    expect(output.json().find((line) => line["message"] === "unsupported media extension; skipped")).toMatchObject({
      bucket: RAW_BUCKET,
      key: "incoming/audio/memo.txt",
    });
  });

  it("acknowledges an s3:TestEvent", async () => {
    // Prepare
    const event = getTestEvent("sqs-s3-test-event");

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(transcribe.calls()).toHaveLength(0);
  });

  it("fails only the message whose job could not be started", async () => {
    // Prepare
    transcribe
      .on(StartTranscriptionJobCommand, { Media: { MediaFileUri: `s3://${RAW_BUCKET}/incoming/audio/b.mp3` } })
      .rejects(new LimitExceededException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }))
      .on(StartTranscriptionJobCommand, { Media: { MediaFileUri: `s3://${RAW_BUCKET}/incoming/audio/a.flac` } })
      .resolves({});
    const event = batchOf(s3Message(RAW_BUCKET, "incoming/audio/a.flac", "x"), s3Message(RAW_BUCKET, "incoming/audio/b.mp3", "x"));

    // Act
    const response = await handlerWith()(event);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "message-2" }] });
    expect(startInputs().map((input) => input.MediaFormat)).toEqual(["flac", "mp3"]);
  });

  it("throws when the only message fails", async () => {
    // Prepare
    transcribe.on(StartTranscriptionJobCommand).rejects(new LimitExceededException({ message: "Rate exceeded", $metadata: {} }));

    // Act
    const act = handlerWith()(getTestEvent("sqs-s3-put-audio"));

    // Assess
    await expect(act).rejects.toBeInstanceOf(FullBatchFailureError);
  });
});
