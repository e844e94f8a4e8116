import { describe, expect, it } from "vitest";
import type { AnonymizedUtterance } from "../../shared/engine.js";
import { InputFormatError } from "../../shared/errors.js";
import {
  fieldMasker,
  fixedPiece,
  jsonLine,
  maskPieces,
  maskRequired,
  nameLabels,
  ParticipantNumbers,
  PseudoIds,
  replaceSurfaces,
  speakerNumbers,
  stringifyLike,
  surfaceReplacements,
  textPiece,
  unixToIso,
} from "../../shared/formats/keep-format-kit.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { testEngine } from "./keep-format-helpers.js";

const where = { file: "room.json", label: "message 1" };

/** An anonymized utterance built by hand: replace each [start, end) of `text` by its placeholder. */
function anonymizedOf(text: string, spans: Array<[number, number, string]>): AnonymizedUtterance {
  let out = "";
  let at = 0;
  const entities = spans.map(([start, end, placeholder]) => {
    out += text.slice(at, start);
    const outStart = out.length;
    out += placeholder;
    at = end;
    return { entity: "PHONE" as const, operator: "replace" as const, start, end, outStart, outEnd: out.length };
  });
  out += text.slice(at);
  return { index: 0, text: out, entities };
}

describe("maskPieces", () => {
  it("carries each piece through the replacements", () => {
    // Prepare
    const pieces = [textPiece("電話は"), fixedPiece("\n"), textPiece("090-1234-5678です")];
    const anonymized = anonymizedOf("電話は\n090-1234-5678です", [[4, 17, "<PHONE_1>"]]);

    // Act
    const masked = maskPieces(pieces, anonymized, where);

    // Assess
    expect(masked).toEqual(["電話は", "\n", "<PHONE_1>です"]);
  });

  it("gives a replacement that straddles two pieces wholly to the first", () => {
    // Prepare: one number split by markup (<b>090-1234</b>-5678)
    const pieces = [textPiece("TEL 090-1234"), textPiece("-5678 まで")];
    const anonymized = anonymizedOf("TEL 090-1234-5678 まで", [[4, 17, "<PHONE_1>"]]);

    // Act
    const masked = maskPieces(pieces, anonymized, where);

    // Assess
    expect(masked).toEqual(["TEL <PHONE_1>", " まで"]);
  });

  it("handles redaction (empty replacements) and pieces that are all replaced", () => {
    // Prepare
    const pieces = [textPiece("山田"), textPiece("です")];
    const anonymized = anonymizedOf("山田です", [[0, 2, ""]]);

    // Act
    const masked = maskPieces(pieces, anonymized, where);

    // Assess
    expect(masked).toEqual(["", "です"]);
  });

  it("refuses an anonymized text that does not belong to the pieces", () => {
    // Prepare
    const pieces = [textPiece("短い")];
    const anonymized = anonymizedOf("もっと長い別の文章です", [[0, 3, "<PERSON_1>"]]);

    // Act
    const act = () => maskPieces(pieces, anonymized, where);

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow("room.json: message 1: anonymized text does not match the input");
  });
});

describe("surfaces and names", () => {
  it("maps each detected surface to its replacement, skipping one-character surfaces", () => {
    // Prepare
    const anonymized = {
      conversation: { conversationId: "c", source: "chat", utterances: [], metadata: {} } as Conversation,
      utterances: [anonymizedOf("林です。090-1234-5678", [[0, 1, "<PERSON_1>"], [4, 17, "<PHONE_1>"]])],
      counts: {},
      quasiIdentifiers: { ageBand: null, prefecture: null, birthYearBand: null },
    };

    // Act
    const surfaces = surfaceReplacements(["林です。090-1234-5678"], anonymized);

    // Assess
    expect([...surfaces]).toEqual([["090-1234-5678", "<PHONE_1>"]]);
    expect(replaceSurfaces("TEL:090-1234-5678 / 090-1234-5678", surfaces)).toBe("TEL:<PHONE_1> / <PHONE_1>");
  });

  it("labels full names and their parts; the first person keeps a shared part", () => {
    // Act
    const names = nameLabels([
      { names: ["山田 太郎", "t.yamada"], label: "speaker_1" },
      { names: ["山田 花子", null, "花"], label: "user_2" },
    ]);

    // Assess
    expect([...names]).toEqual([
      ["山田 太郎", "<SPEAKER_1>"],
      ["山田", "<SPEAKER_1>"],
      ["太郎", "<SPEAKER_1>"],
      ["t.yamada", "<SPEAKER_1>"],
      ["山田 花子", "<USER_2>"],
      ["花子", "<USER_2>"],
    ]);
  });

  it("fieldMasker replaces known values, then names (longest first), then calls maskField", () => {
    // Prepare
    const calls: string[] = [];
    const maskField = (value: string): string => {
      calls.push(value);
      return value.replace(/渋谷/g, "<LOCATION_1>");
    };
    const mask = fieldMasker(maskField, 0, new Map([["山田", "<PERSON_1>"]]), nameLabels([{ names: ["山田 太郎"], label: "speaker_1" }]));

    // Act
    const masked = [mask("山田 太郎と山田が渋谷へ"), mask("  ")];

    // Assess
    expect(masked).toEqual(["<SPEAKER_1>と<PERSON_1>が<LOCATION_1>へ", "  "]);
    expect(calls).toEqual(["<SPEAKER_1>と<PERSON_1>が渋谷へ"]);
  });

  it("maskRequired falls back to the type when masking changed nothing", () => {
    // Act / Assess
    expect(maskRequired("Yokohama, 14, Japan", (value) => value, "LOCATION")).toBe("<LOCATION>");
    expect(maskRequired("203.0.113.45", () => "<IP_ADDRESS_1>", "IP_ADDRESS")).toBe("<IP_ADDRESS_1>");
    expect(maskRequired("", () => "x", "EMAIL")).toBe("");
  });
});

describe("speaker numbers", () => {
  it("numbers speakers as the engine does (first utterance order, spk_/ch_ labels skipped)", () => {
    // Prepare
    const speakers = ["佐藤 花子", "spk_0", "山田 太郎", "佐藤 花子", "U04ABCD1234"];
    const conversation: Conversation = {
      conversationId: "c",
      source: "chat",
      metadata: {},
      utterances: speakers.map((speaker, index) => ({ index, speaker, text: "了解です。" })),
    };

    // Act
    const numbers = speakerNumbers(speakers);
    const engineSpeakers = testEngine().anonymizeConversation(conversation).conversation.utterances.map((u) => u.speaker);

    // Assess
    expect([...numbers]).toEqual([["佐藤 花子", 1], ["山田 太郎", 2], ["U04ABCD1234", 3]]);
    expect(engineSpeakers).toEqual(speakers.map((speaker) => (numbers.has(speaker) ? `speaker_${numbers.get(speaker)}` : speaker)));
  });

  it("gives participants who are only mentioned the next numbers", () => {
    // Prepare
    const numbers = new ParticipantNumbers(speakerNumbers(["山田", "佐藤"]));

    // Act / Assess
    expect([numbers.of("鈴木"), numbers.of("佐藤"), numbers.of("高橋"), numbers.of("鈴木")]).toEqual([3, 2, 4, 3]);
  });

  it("PseudoIds numbers ids in order of first use, numbers and strings alike", () => {
    // Prepare
    const ids = new PseudoIds();

    // Act / Assess
    expect([ids.of("U024BE7LH"), ids.of(378123), ids.of("378123"), ids.of("U024BE7LH")]).toEqual([1, 2, 2, 1]);
    expect([ids.has(378123), ids.has("x")]).toEqual([true, false]);
  });
});

describe("JSON helpers", () => {
  it.each([
    ["top-level element", [1], 3],
    ["nested key", [1, "account", "name"], 6],
    ["key after a string with brackets and escapes", [2, "b"], 9],
    ["missing path", [5], undefined],
    ["wrong kind", ["a"], undefined],
  ] as const)("jsonLine: %s", (_name, path, line) => {
    // Prepare
    const text = '[\n {"a": 1},\n {\n  "x": "[{\\"}",\n  "account": {\n   "name": "山田"}\n },\n {"a": "}",\n  "b": 2}\n]';

    // Act / Assess
    expect(jsonLine(text, path)).toBe(line);
  });

  it.each([
    ["compact stays compact", '[{"a":0}]', '[{"a":1}]'],
    ["four spaces and a final newline", '[\n    {"a": 0}\n]\n', '[\n    {\n        "a": 1\n    }\n]\n'],
    ["tabs and CRLF", '[\r\n\t{"a": 0}\r\n]\r\n', '[\n\t{\n\t\t"a": 1\n\t}\n]\r\n'],
  ])("stringifyLike: %s", (_name, original, expected) => {
    // Act / Assess
    expect(stringifyLike([{ a: 1 }], original)).toBe(expected);
  });

  it.each([
    [1717375950, "2024-06-03T00:52:30.000Z"],
    ["1717375950.000200", "2024-06-03T00:52:30.000Z"],
    ["not a time", undefined],
    [-5, undefined],
    [null, undefined],
  ])("unixToIso(%s)", (value, iso) => {
    // Act / Assess
    expect(unixToIso(value)).toBe(iso);
  });
});
