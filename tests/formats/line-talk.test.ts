import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { detectFormat, parseConversations } from "../../shared/formats/index.js";
import { lineTalkModule, readLineTalk } from "../../shared/formats/line-talk.js";
import type { Utterance } from "../../shared/schema/conversation.js";
import { readEvent } from "../helpers/fixtures.js";

/** The message of what `act` throws. */
function errorOf(act: () => unknown): InputFormatError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InputFormatError);
    return error as InputFormatError;
  }
  throw new Error("expected an InputFormatError");
}

/** A talk history with a header and one date line around the given message lines. */
function talk(...lines: string[]): string {
  return ["[LINE] 鈴木とのトーク履歴", "保存日時：2024/06/03 18:20", "", "2024/06/01(土)", ...lines, ""].join("\n");
}

describe("LINE talk history: the fixtures", () => {
  it("reads a 1:1 history: header, saved time, date lines, quoted multi-line messages, placeholders, a system line", () => {
    // Prepare
    const text = readEvent("formats/line-talk-1on1.txt");

    // Act
    const [conversation] = parseConversations("line-talk-1on1.txt", text);

    // Assess
    expect(conversation?.conversationId).toBe("line-talk-1on1");
    expect(conversation?.metadata).toEqual({
      format: "line-talk",
      file: "line-talk-1on1.txt",
      chat: "one-to-one",
      headerLanguage: "ja",
      messages: 11,
      skippedMessages: 0,
      systemMessages: 1,
      savedAt: "2024-06-03T18:20:00",
    });
    const u = conversation?.utterances ?? [];
    expect(u.map((x) => [x.speaker, x.timestamp])).toEqual([
      ["鈴木 一郎", "2024-06-01T09:12:00"],
      ["鈴木 一郎", "2024-06-01T09:13:00"],
      ["営業 田中", "2024-06-01T09:15:00"],
      ["営業 田中", "2024-06-01T09:15:00"],
      ["営業 田中", "2024-06-01T09:16:00"],
      ["鈴木 一郎", "2024-06-01T21:38:00"],
      ["営業 田中", "2024-06-01T21:40:00"],
      ["system", "2024-06-01T22:05:00"],
      ["鈴木 一郎", "2024-06-02T10:03:00"],
      ["営業 田中", "2024-06-02T10:05:00"],
      ["鈴木 一郎", "2024-06-02T10:06:00"],
    ]);
    expect(u[1]?.text).toBe("携帯は 090-4821-7365 です\nメールは ichiro.suzuki@example.com までお願いします");
    expect(u[8]?.text).toBe('納品先は東京都品川区東五反田3-14-7 ソレイユビル5階です。\n"至急"でお願いします。\n受け取りは総務の山下です');
    expect(u.slice(3, 7).map((x) => x.text)).toEqual(["[スタンプ]", "[写真]", "☎ 不在着信", "☎ 通話時間 3:25"]);
    expect(u[7]).toEqual({ index: 7, speaker: "system", role: "system", timestamp: "2024-06-01T22:05:00", text: "メッセージの送信を取り消しました" });
    // A one-line message in quotes is literal text, not a multi-line message.
    expect(u[10]?.text).toBe('"了解です"');
  });

  it("reads a group history with a BOM, CRLF, 午前/午後 times and two-field system lines", () => {
    // Prepare
    const text = readEvent("formats/line-talk-group-12h.txt");

    // Act
    const [conversation] = parseConversations("line-talk-group-12h.txt", text);

    // Assess
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain("\r\n");
    expect(conversation?.metadata).toMatchObject({ chat: "group", headerLanguage: "ja", systemMessages: 2, savedAt: "2024-07-10T20:05:00" });
    expect(conversation?.utterances.map((x) => [x.speaker, x.timestamp?.slice(11), x.role])).toEqual([
      ["高橋 美咲", "00:10:00", undefined],
      ["小林 健太", "09:05:00", undefined],
      ["高橋 美咲", "11:48:00", undefined],
      ["system", "12:30:00", "system"],
      ["森本 直子", "13:05:00", undefined],
      ["小林 健太", "15:20:00", undefined],
      ["高橋 美咲", "08:45:00", undefined],
      ["system", "18:02:00", "system"],
    ]);
    expect(conversation?.utterances[2]?.text).toBe("小林さん、先方の連絡先です\n電話 03-5219-8842\n担当は森本様です");
    expect(conversation?.utterances[3]?.text).toBe("森本 直子がグループに参加しました");
  });

  it("reads an English export: Chat history with, Saved on, 2024.08.14 Wednesday, Thu, 08/15/2024, AM/PM", () => {
    // Prepare
    const text = readEvent("formats/line-talk-english.txt");

    // Act
    const [conversation] = parseConversations("line-talk-english.txt", text);

    // Assess
    expect(conversation?.metadata).toMatchObject({ chat: "one-to-one", headerLanguage: "en", savedAt: "2024-08-15T21:10:00" });
    expect(conversation?.utterances.map((x) => [x.speaker, x.timestamp])).toEqual([
      ["Emily Watanabe", "2024-08-14T09:30:00"],
      ["Kenji Ito", "2024-08-14T09:32:00"],
      ["Emily Watanabe", "2024-08-14T09:33:00"],
      ["Kenji Ito", "2024-08-14T13:15:00"],
      ["Emily Watanabe", "2024-08-15T20:05:00"],
      ["system", "2024-08-15T20:06:00"],
    ]);
    expect(conversation?.utterances[3]?.text).toBe("Just in case: my number is 080-6655-2931\nand my email is kenji.ito@example.jp");
  });

  it("keeps the header name out of the conversation (metadata, id, utterances)", () => {
    // Prepare
    const text = readEvent("formats/line-talk-1on1.txt");

    // Act
    const [conversation] = parseConversations("talk.txt", text);

    // Assess
    expect(JSON.stringify(conversation)).not.toContain("佐藤商事");
  });
});

describe("LINE talk history: lines", () => {
  it.each<[string, string[], Partial<Utterance>[]]>([
    ["24-hour time", ["09:12\t鈴木\tこんにちは"], [{ speaker: "鈴木", timestamp: "2024-06-01T09:12:00", text: "こんにちは" }]],
    ["one-digit hour", ["9:05\t鈴木\tはい"], [{ timestamp: "2024-06-01T09:05:00" }]],
    ["午前12時 is midnight", ["午前12:05\t鈴木\tはい"], [{ timestamp: "2024-06-01T00:05:00" }]],
    ["午後12時 is noon", ["午後12:05\t鈴木\tはい"], [{ timestamp: "2024-06-01T12:05:00" }]],
    ["午後1:05", ["午後1:05\t鈴木\tはい"], [{ timestamp: "2024-06-01T13:05:00" }]],
    ["12 AM", ["12:40 AM\t鈴木\tはい"], [{ timestamp: "2024-06-01T00:40:00" }]],
    ["PM before the time", ["PM 11:59\t鈴木\tはい"], [{ timestamp: "2024-06-01T23:59:00" }]],
    ["a name with spaces and a text with a tab", ["10:00\t佐藤 花子 (営業)\t品番\tA-1"], [{ speaker: "佐藤 花子 (営業)", text: "品番\tA-1" }]],
    ["a text starting with a space", ["10:00\t鈴木\t  字下げ"], [{ text: "  字下げ" }]],
    ["system line, empty name", ["10:00\t\t鈴木がアルバムを作成しました"], [{ speaker: "system", role: "system", text: "鈴木がアルバムを作成しました" }]],
    ["system line, two fields", ["10:00\t鈴木が退出しました"], [{ speaker: "system", role: "system", text: "鈴木が退出しました" }]],
    ["an empty message is skipped", ["10:00\t鈴木\t", "10:01\t鈴木\tはい"], [{ index: 0, text: "はい" }]],
    ["quoted, with a blank line inside", ['10:00\t鈴木\t"一行目', "", '三行目"'], [{ text: "一行目\n\n三行目" }]],
    ["quoted, closing line with an escaped quote before the closing one", ['10:00\t鈴木\t"一行目', '""二""行目"""'], [{ text: '一行目\n"二"行目"' }]],
    [
      "an opening quote never closed before the next message is literal",
      ['10:00\t鈴木\t"引用の始まり', "10:01\t鈴木\tはい"],
      [{ text: '"引用の始まり' }, { text: "はい" }],
    ],
    ["a second day without a blank line before it", ["10:00\t鈴木\tはい", "2024/6/2(日)", "10:00\t鈴木\t翌日"], [{}, { timestamp: "2024-06-02T10:00:00" }]],
    ["a date line with a full-width bracket", ["10:00\t鈴木\tはい", "2024/06/02（日）", "10:00\t鈴木\t翌日"], [{}, { timestamp: "2024-06-02T10:00:00" }]],
  ])("%s", (_name, lines, expected) => {
    // Act
    const { conversation } = readLineTalk(talk(...lines), { file: "t.txt" });

    // Assess
    expect(conversation.utterances).toHaveLength(expected.length);
    expected.forEach((fields, i) => expect(conversation.utterances[i]).toMatchObject(fields));
  });

  it("takes roles from a roleMap by name, also for system lines", () => {
    // Act
    const { conversation } = readLineTalk(talk("10:00\t鈴木\tはい", "10:01\t\t退出しました"), {
      file: "t.txt",
      roleMap: { 鈴木: "customer", system: "unknown" },
    });

    // Assess
    expect(conversation.utterances.map((u) => u.role)).toEqual(["customer", "unknown"]);
  });

  it("reads a history without a header", () => {
    // Act
    const { conversation } = readLineTalk("2024/06/01(土)\n10:00\t鈴木\tはい\n", { file: "t.txt", conversationId: "c-1" });

    // Assess
    expect(conversation.conversationId).toBe("c-1");
    expect(conversation.metadata).toMatchObject({ chat: "unknown", headerLanguage: "none" });
    expect(conversation.utterances).toEqual([{ index: 0, speaker: "鈴木", timestamp: "2024-06-01T10:00:00", text: "はい" }]);
  });
});

describe("LINE talk history: malformed files", () => {
  it.each([
    ["line-talk-message-before-date.txt", "line 4: a message before any date line"],
    ["line-talk-stray-line.txt", "line 5: expected the header, a date line (2024/06/01(土)) or a message (HH:MM<TAB>name<TAB>text)"],
    ["line-talk-impossible-time.txt", "line 5: a message with an impossible time"],
    ["line-talk-impossible-date.txt", "line 3: a date line with an impossible date"],
  ])("%s → %s", (file, problem) => {
    // Prepare
    const text = readEvent(`formats/malformed/${file}`);

    // Act
    const error = errorOf(() => parseConversations(file, text, { format: "line-talk" }));

    // Assess
    expect(error.message).toBe(`${file}, ${problem}`);
    for (const secret of ["鈴木", "090", "4821"]) expect(error.message).not.toContain(secret);
  });
});

describe("LINE talk history: detection", () => {
  it.each([
    ["1:1 header", "[LINE] 鈴木とのトーク履歴\n保存日時：2024/06/03 18:20\n", true],
    ["group header after a BOM and blank lines", "\ufeff\n\n[LINE] 営業部のトーク履歴\n", true],
    ["English header", "[LINE] Chat history with Emily\nSaved on: 2024/08/15 21:10\n", true],
    ["no header: a date line then a message", "2024/06/01(土)\n09:12\t鈴木\tこんにちは\n", true],
    ["a date line then prose", "2024/06/01(土)\n打ち合わせメモ\n", false],
    ["a bracketed note", "[メモ] 鈴木様へ折り返し\n", false],
    ["CSV", "送信者名,本文\n鈴木,こんにちは\n", false],
  ])("%s → %s", (_name, text, expected) => {
    // Act
    const sniffed = lineTalkModule.sniff("x.txt", text);

    // Assess
    expect(sniffed).toBe(expected);
    if (expected) expect(detectFormat("x.txt", text)).toBe("line-talk");
  });
});
