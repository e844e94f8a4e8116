import { createHash } from "node:crypto";
import { LanguageCode, MediaFormat, type StartTranscriptionJobCommandInput } from "@aws-sdk/client-transcribe";
import type { StartTranscriptionEnv } from "./config.js";
import type { S3ObjectRef } from "./events.js";

/**
 * How a recording becomes a StartTranscriptionJob request: the media format from the key's extension and
 * a job name that is the same every time the same object (key + ETag) is announced.
 */

/** Extensions start-transcription accepts, and the Transcribe media format of each. */
const MEDIA_FORMATS: Readonly<Record<string, MediaFormat>> = {
  wav: MediaFormat.WAV,
  mp3: MediaFormat.MP3,
  m4a: MediaFormat.M4A,
  flac: MediaFormat.FLAC,
  ogg: MediaFormat.OGG,
  webm: MediaFormat.WEBM,
  mp4: MediaFormat.MP4,
};

/**
 * The Transcribe media format of a key, from its extension (any case); undefined when unsupported.
 *
 * @example
 * mediaFormatOf("incoming/audio/営業 録音+A.WAV"); // "wav"
 * mediaFormatOf("incoming/audio/memo.txt");       // undefined
 */
export function mediaFormatOf(key: string): MediaFormat | undefined {
  const extension = /\.([^./]+)$/.exec(key)?.[1]?.toLowerCase();
  return extension !== undefined && Object.hasOwn(MEDIA_FORMATS, extension) ? MEDIA_FORMATS[extension] : undefined;
}

/** Readable part of a job name: at most this many characters of the file name. */
const SLUG_MAX = 80;

/**
 * A deterministic Transcribe job name for an object: `tokumei-<file name slug>-<sha256(key, ETag)>`.
 * Job names allow `[0-9a-zA-Z._-]` and 200 characters; the slug keeps the file name's allowed characters
 * (others become "-", at most 80 characters; dropped when nothing is left), and the 64-hex-digit SHA-256 of
 * the decoded key and the ETag (quotes removed) makes the name unique. A redelivered event yields the same
 * name, so Transcribe answers ConflictException instead of starting a second job; new content under the same
 * key (a new ETag) gets a new job.
 *
 * @example
 * transcriptionJobName("incoming/audio/call-0001.wav", "9b2cf535f27731c974343645a3985328");
 * // "tokumei-call-0001-<64 hex digits>"
 * transcriptionJobName("incoming/audio/営業 録音+A.wav", "…"); // "tokumei-A-<64 hex digits>"
 */
export function transcriptionJobName(key: string, eTag: string): string {
  const fileName = key.slice(key.lastIndexOf("/") + 1).replace(/\.[^.]*$/, "");
  const slug = fileName
    .replace(/[^0-9a-zA-Z._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .slice(0, SLUG_MAX)
    .replace(/^[-.]+|[-.]+$/g, "");
  const hash = createHash("sha256").update(key, "utf8").update("\n").update(eTag.replace(/^"|"$/g, ""), "utf8").digest("hex");
  return slug === "" ? `tokumei-${hash}` : `tokumei-${slug}-${hash}`;
}

/**
 * The StartTranscriptionJob request for an object: Japanese, the media format from the extension, the
 * transcript to `s3://TRANSCRIPTS_BUCKET/transcripts/<job name>.json` encrypted with KMS_KEY_ID, and either
 * speaker labels (MAX_SPEAKER_LABELS) or channel identification (CHANNEL_IDENTIFICATION=true).
 *
 * @example
 * startTranscriptionInput({ bucket: "raw", key: "incoming/audio/a.wav", eTag: "e", … }, MediaFormat.WAV, env);
 * // { TranscriptionJobName: "tokumei-a-…", LanguageCode: "ja-JP", MediaFormat: "wav", Media: { MediaFileUri: "s3://raw/incoming/audio/a.wav" }, … }
 */
export function startTranscriptionInput(
  object: S3ObjectRef & { eTag: string },
  mediaFormat: MediaFormat,
  env: StartTranscriptionEnv,
): StartTranscriptionJobCommandInput & { TranscriptionJobName: string } {
  const jobName = transcriptionJobName(object.key, object.eTag);
  return {
    TranscriptionJobName: jobName,
    LanguageCode: LanguageCode.JA_JP,
    MediaFormat: mediaFormat,
    Media: { MediaFileUri: `s3://${object.bucket}/${object.key}` },
    OutputBucketName: env.TRANSCRIPTS_BUCKET,
    OutputKey: `transcripts/${jobName}.json`,
    ...(env.KMS_KEY_ID ? { OutputEncryptionKMSKeyId: env.KMS_KEY_ID } : {}),
    Settings: env.CHANNEL_IDENTIFICATION
      ? { ChannelIdentification: true }
      : { ShowSpeakerLabels: true, MaxSpeakerLabels: env.MAX_SPEAKER_LABELS },
  };
}
