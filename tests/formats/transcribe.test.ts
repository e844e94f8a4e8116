import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { parseTranscribe, secondsToMs } from "../../shared/formats/transcribe.js";
import { readEventJson } from "../helpers/fixtures.js";

const SALES = "conversations/sales-call-diarized.json";
const STEREO = "conversations/support-call-stereo.json";

/** A mutable copy of a sample, for variants. */
function sample(relPath: string): Record<string, any> {
  return readEventJson<Record<string, any>>(relPath);
}

function word(id: number | undefined, content: string, start: string, end: string, label?: Record<string, string>) {
  return {
    ...(id !== undefined ? { id } : {}),
    type: "pronunciation",
    alternatives: [{ confidence: "0.99", content }],
    start_time: start,
    end_time: end,
    ...label,
  };
}

function punct(id: number | undefined, content: string, label?: Record<string, string>) {
  return {
    ...(id !== undefined ? { id } : {}),
    type: "punctuation",
    alternatives: [{ confidence: "0.0", content }],
    ...label,
  };
}

function output(results: Record<string, unknown>, status = "COMPLETED") {
  return { jobName: "job-1", accountId: "111122223333", status, results: { transcripts: [{ transcript: "" }], ...results } };
}

describe("parseTranscribe: diarized sample with audio_segments", () => {
  const roleMap = { spk_0: "agent", spk_1: "customer" } as const;

  it("builds one utterance per audio segment, with job name, source and segmentation", () => {
    // Prepare
    const json = sample(SALES);

    // Act
    const conversation = parseTranscribe(json, { file: "sales-call-diarized.json", roleMap });

    // Assess
    expect(conversation.conversationId).toBe("sales-call-20241105-0001");
    expect(conversation.source).toBe("call");
    expect(conversation.utterances).toHaveLength(21);
    expect(conversation.metadata).toEqual({
      format: "transcribe",
      file: "sales-call-diarized.json",
      jobName: "sales-call-20241105-0001",
      segmentation: "audio_segments",
    });
    expect(conversation.utterances.map((u) => u.index)).toEqual([...Array(21).keys()]);
    expect(conversation.utterances.map((u) => u.speaker).slice(0, 4)).toEqual(["spk_0", "spk_1", "spk_0", "spk_1"]);
  });

  it.each([
    [0, "spk_0", "agent", 520, 5830, "お電話ありがとうございます。ミナトシステムズ営業部の山口でございます。"],
    [3, "spk_1", "customer", 18830, 21660, "株式会社北斗物産の佐々木と申します。"],
    [6, "spk_0", "agent", 34560, 40760, "かしこまりました。スタンダードプランですと、一ユーザーあたり月額二千九百八十円です。"],
    [13, "spk_1", "customer", 76480, 79780, "携帯で、〇九〇、えー、三八二七の一六五四です。"],
    [17, "spk_1", "customer", 91270, 94070, "sasakiアットマークexampleドットjpです。"],
    [20, "spk_0", "agent", 104660, 108650, "本日はお電話ありがとうございました。失礼いたします。"],
  ] as const)("utterance %i: %s (%s) %i-%i ms", (index, speaker, role, startMs, endMs, text) => {
    // Prepare
    const json = sample(SALES);

    // Act
    const conversation = parseTranscribe(json, { file: "sales-call-diarized.json", roleMap });

    // Assess
    expect(conversation.utterances[index]).toEqual({ index, speaker, role, startMs, endMs, text });
  });

  it("joins items without spaces, so no utterance holds a space", () => {
    // Prepare
    const json = sample(SALES);

    // Act
    const conversation = parseTranscribe(json, { file: "sales-call-diarized.json" });

    // Assess
    expect(conversation.utterances.filter((u) => u.text.includes(" "))).toEqual([]);
  });

  it("leaves role undefined without a roleMap", () => {
    // Prepare
    const json = sample(SALES);

    // Act
    const conversation = parseTranscribe(json, { file: "sales-call-diarized.json" });

    // Assess
    expect(conversation.utterances.every((u) => u.role === undefined)).toBe(true);
  });

  it("uses conversationId from the options over the job name", () => {
    // Prepare
    const json = sample(SALES);

    // Act
    const conversation = parseTranscribe(json, { file: "x.json", conversationId: "call-42" });

    // Assess
    expect(conversation.conversationId).toBe("call-42");
  });
});

describe("parseTranscribe: speaker_labels", () => {
  it("gives the same utterances from speaker_labels when audio_segments are absent", () => {
    // Prepare
    const withSegments = parseTranscribe(sample(SALES), { file: "s.json" });
    const json = sample(SALES);
    delete json.results.audio_segments;

    // Act
    const conversation = parseTranscribe(json, { file: "s.json" });

    // Assess
    expect(conversation.metadata["segmentation"]).toBe("speaker_labels");
    expect(conversation.utterances).toEqual(withSegments.utterances);
  });

  it("joins segment items to results.items by time and attaches the punctuation that follows", () => {
    // Prepare
    const json = output({
      speaker_labels: {
        speakers: 2,
        segments: [
          {
            start_time: "0.5",
            end_time: "1.9",
            speaker_label: "spk_0",
            items: [
              { start_time: "0.5", end_time: "0.9", speaker_label: "spk_0" },
              { start_time: "1.0", end_time: "1.9", speaker_label: "spk_0" },
            ],
          },
          {
            start_time: "2.4",
            end_time: "2.8",
            speaker_label: "spk_1",
            items: [{ start_time: "2.40", end_time: "2.80", speaker_label: "spk_1" }],
          },
        ],
      },
      items: [
        word(undefined, "お電話", "0.5", "0.9"),
        punct(undefined, "、"),
        word(undefined, "ありがとう", "1.0", "1.9"),
        punct(undefined, "。"),
        word(undefined, "はい", "2.4", "2.8"),
        punct(undefined, "？"),
      ],
    });

    // Act
    const conversation = parseTranscribe(json, { file: "inline.json", roleMap: { spk_1: "customer" } });

    // Assess
    expect(conversation.utterances).toEqual([
      { index: 0, speaker: "spk_0", startMs: 500, endMs: 1900, text: "お電話、ありがとう。" },
      { index: 1, speaker: "spk_1", role: "customer", startMs: 2400, endMs: 2800, text: "はい？" },
    ]);
  });

  it("throws when a segment item matches no item by time", () => {
    // Prepare
    const json = output({
      speaker_labels: {
        segments: [
          { start_time: "0.5", end_time: "0.9", speaker_label: "spk_0", items: [{ start_time: "0.5", end_time: "0.8" }] },
        ],
      },
      items: [word(undefined, "秘密の山田", "0.5", "0.9")],
    });

    // Act
    const act = () => parseTranscribe(json, { file: "bad.json" });

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow("bad.json: speaker_labels.segments[0].items[0] matches no item in results.items by time");
  });
});

describe("parseTranscribe: channel identification", () => {
  it("merges both channels by start time and splits on channel change and on a pause over 1.5 s", () => {
    // Prepare
    const json = sample(STEREO);

    // Act
    const conversation = parseTranscribe(json, {
      file: "support-call-stereo.json",
      roleMap: { ch_0: "agent", ch_1: "customer" },
    });

    // Assess
    expect(conversation.metadata["segmentation"]).toBe("channel_labels");
    expect(conversation.utterances).toHaveLength(14);
    expect(conversation.utterances.map((u) => u.speaker)).toEqual([
      "ch_0", "ch_1", "ch_0", "ch_1", "ch_1", "ch_0", "ch_1", "ch_0", "ch_1", "ch_0", "ch_1", "ch_0", "ch_1", "ch_0",
    ]);
    expect(conversation.utterances[3]).toEqual({
      index: 3, speaker: "ch_1", role: "customer", startMs: 19780, endMs: 21620, text: "ちょっと待ってくださいね。",
    });
    expect(conversation.utterances[4]).toEqual({
      index: 4, speaker: "ch_1", role: "customer", startMs: 25580, endMs: 28420, text: "えーと、会員番号は七三〇五二一八四です。",
    });
    expect(conversation.utterances[6]?.text).toBe("一六〇の〇〇二三です。");
    expect(conversation.utterances[0]?.role).toBe("agent");
  });

  it.each([
    ["a pause of exactly 1.5 s keeps one utterance", "2.5", 1],
    ["a pause of 1.501 s splits", "2.501", 2],
  ])("%s", (_name, secondStart, expectedCount) => {
    // Prepare
    const items = [word(undefined, "はい", "0.0", "1.0", { channel_label: "ch_0" }), punct(undefined, "。"), word(undefined, "どうぞ", secondStart, "3.0", { channel_label: "ch_0" })];
    const json = output({
      channel_labels: { channels: [{ channel_label: "ch_0", items }, { channel_label: "ch_1", items: [] }], number_of_channels: 2 },
      items,
    });

    // Act
    const conversation = parseTranscribe(json, { file: "inline.json" });

    // Assess
    expect(conversation.utterances).toHaveLength(expectedCount);
    expect(conversation.utterances.map((u) => u.text).join("")).toBe("はい。どうぞ");
  });

  it("interleaves channels by start time", () => {
    // Prepare
    const ch0 = [word(undefined, "ご用件", "0.0", "0.5"), word(undefined, "は", "0.5", "0.6"), punct(undefined, "？"), word(undefined, "承知", "2.0", "2.4"), punct(undefined, "。")];
    const ch1 = [word(undefined, "解約", "1.0", "1.4"), word(undefined, "です", "1.4", "1.7"), punct(undefined, "。")];
    const json = output({
      channel_labels: { channels: [{ channel_label: "ch_0", items: ch0 }, { channel_label: "ch_1", items: ch1 }], number_of_channels: 2 },
      items: [...ch0, ...ch1],
    });

    // Act
    const conversation = parseTranscribe(json, { file: "inline.json" });

    // Assess
    expect(conversation.utterances).toEqual([
      { index: 0, speaker: "ch_0", startMs: 0, endMs: 600, text: "ご用件は？" },
      { index: 1, speaker: "ch_1", startMs: 1000, endMs: 1700, text: "解約です。" },
      { index: 2, speaker: "ch_0", startMs: 2000, endMs: 2400, text: "承知。" },
    ]);
  });
});

describe("parseTranscribe: audio_segments, transcript fallback, silence", () => {
  it("joins the referenced items by id, punctuation attached without spaces", () => {
    // Prepare
    const json = output({
      items: [
        word(0, "お電話", "0.5", "0.9", { speaker_label: "spk_0" }),
        word(1, "ありがとう", "0.9", "1.5", { speaker_label: "spk_0" }),
        word(2, "ござい", "1.5", "1.8", { speaker_label: "spk_0" }),
        word(3, "ます", "1.8", "2.1", { speaker_label: "spk_0" }),
        punct(4, "。", { speaker_label: "spk_0" }),
      ],
      audio_segments: [
        { id: 0, transcript: "お電話 ありがとう ございます 。", start_time: "0.5", end_time: "2.1", speaker_label: "spk_0", items: [0, 1, 2, 3, 4] },
      ],
    });

    // Act
    const conversation = parseTranscribe(json, { file: "inline.json" });

    // Assess
    expect(conversation.utterances).toEqual([
      { index: 0, speaker: "spk_0", startMs: 500, endMs: 2100, text: "お電話ありがとうございます。" },
    ]);
  });

  it("throws when an audio segment refers to a missing item id", () => {
    // Prepare
    const json = output({
      items: [word(0, "はい", "0.5", "0.9")],
      audio_segments: [{ id: 0, transcript: "はい", start_time: "0.5", end_time: "0.9", speaker_label: "spk_0", items: [0, 7] }],
    });

    // Act
    const act = () => parseTranscribe(json, { file: "bad.json" });

    // Assess
    expect(act).toThrow("bad.json: results.audio_segments[0] refers to item id 7, which results.items lacks");
  });

  it("falls back to the single transcript as one utterance", () => {
    // Prepare
    const json = output({
      transcripts: [{ transcript: "はい、承知しました。" }],
      items: [word(undefined, "はい", "0.25", "0.5"), punct(undefined, "、"), word(undefined, "承知", "0.6", "1.0"), word(undefined, "しました", "1.0", "1.75"), punct(undefined, "。")],
    });

    // Act
    const conversation = parseTranscribe(json, { file: "mono.json" });

    // Assess
    expect(conversation.metadata["segmentation"]).toBe("transcript");
    expect(conversation.utterances).toEqual([
      { index: 0, speaker: "unknown", startMs: 250, endMs: 1750, text: "はい、承知しました。" },
    ]);
  });

  it.each([
    ["no labels", {}],
    ["empty audio_segments", { audio_segments: [] }],
    ["empty speaker segments", { speaker_labels: { speakers: 0, segments: [] } }],
    ["empty channels", { channel_labels: { channels: [{ channel_label: "ch_0", items: [] }, { channel_label: "ch_1", items: [] }], number_of_channels: 2 } }],
  ])("silence (items: []) with %s gives zero utterances", (_name, extra) => {
    // Prepare
    const json = output({ items: [], ...extra });

    // Act
    const conversation = parseTranscribe(json, { file: "silence.json" });

    // Assess
    expect(conversation.utterances).toEqual([]);
    expect(conversation.conversationId).toBe("job-1");
  });
});

describe("parseTranscribe: permissive schema", () => {
  it("accepts redacted items without confidence and unknown keys", () => {
    // Prepare
    const json = {
      ...output({
        language_identification: [{ code: "ja-JP", score: "0.99" }],
        items: [
          { type: "pronunciation", alternatives: [{ content: "[PII]", redactions: [{ type: "NAME", category: "PII", confidence: "0.99" }] }], start_time: "0.1", end_time: "0.5", vocabulary_filter_match: false },
          word(undefined, "です", "0.5", "0.8"),
        ],
        transcripts: [{ transcript: "[PII]です" }],
      }),
      isRedacted: true,
      somethingNew: { nested: 1 },
    };

    // Act
    const conversation = parseTranscribe(json, { file: "redacted.json" });

    // Assess
    expect(conversation.utterances.map((u) => u.text)).toEqual(["[PII]です"]);
  });
});

describe("parseTranscribe: errors", () => {
  it("rejects a job whose status is FAILED", () => {
    // Prepare
    const json = { jobName: "job-9", status: "FAILED", results: { transcripts: [], items: [] } };

    // Act
    const act = () => parseTranscribe(json, { file: "failed.json" });

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow("failed.json: Transcribe job status is FAILED, expected COMPLETED");
  });

  it("does not echo a status that is not an enum-like value", () => {
    // Prepare
    const json = { jobName: "job-9", status: "電話 090-1111-2222", results: { transcripts: [], items: [] } };

    // Act
    const act = () => parseTranscribe(json, { file: "odd.json" });

    // Assess
    expect(act).toThrow("odd.json: Transcribe job status is not COMPLETED, expected COMPLETED");
  });

  it.each([
    ["no results", { jobName: "j", status: "COMPLETED" }, "results: Invalid input"],
    ["items missing", { jobName: "j", status: "COMPLETED", results: { transcripts: [] } }, "results.items: Invalid input"],
    ["bad item type", output({ items: [{ type: "word", alternatives: [{ content: "x" }] }] }), "results.items[0].type"],
    ["times as numbers", output({ items: [{ type: "pronunciation", alternatives: [{ content: "x" }], start_time: 1.5, end_time: 2 }] }), "results.items[0].start_time"],
  ])("rejects %s with the path of the problem", (_name, json, expected) => {
    // Act
    const act = () => parseTranscribe(json, { file: "shape.json" });

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow(expected);
  });
});

describe("secondsToMs", () => {
  it.each([
    ["0", 0],
    ["4.87", 4870],
    ["0.0004", 0],
    ["12.3456", 12346],
    [undefined, undefined],
  ])("%s s → %s ms", (seconds, ms) => {
    // Act
    const result = secondsToMs(seconds);

    // Assess
    expect(result).toBe(ms);
  });
});
