import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { detectFormat, parseConversations } from "../../shared/formats/index.js";
import { lineOaCsvModule, readLineOaCsv } from "../../shared/formats/line-oa-csv.js";
import { decodeInput } from "../../shared/text/decode.js";
import { eventPath, readEvent } from "../helpers/fixtures.js";

const HEADER = "送信者タイプ,送信者名,送信日,送信時刻,内容";

function errorOf(act: () => unknown): InputFormatError {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InputFormatError);
    return error as InputFormatError;
  }
  throw new Error("expected an InputFormatError");
}

describe("LINE official account CSV: the fixtures", () => {
  it("finds the header after metadata lines and reads CRLF rows with LF inside quoted contents", () => {
    // Prepare
    const text = readEvent("formats/line-oa.csv");

    // Act
    const conversations = parseConversations("line-oa.csv", text);

    // Assess
    expect(detectFormat("line-oa.csv", text)).toBe("line-oa-csv");
    expect(conversations).toEqual([
      {
        conversationId: "line-oa",
        source: "chat",
        utterances: [
          { index: 0, speaker: "山本 花子", role: "customer", timestamp: "2024-06-01T10:02:00", text: "予約の変更をお願いします。\n電話 080-3391-5678" },
          { index: 1, speaker: "応答メッセージ", role: "assistant", timestamp: "2024-06-01T10:02:00", text: "お問い合わせありがとうございます。担当者よりご連絡いたします。" },
          { index: 2, speaker: "受付 中島", role: "agent", timestamp: "2024-06-01T10:15:00", text: "山本様、ご連絡ありがとうございます。\n6月5日(水)14時はいかがでしょうか。" },
          { index: 3, speaker: "山本 花子", role: "customer", timestamp: "2024-06-01T10:20:00", text: "スタンプを送信しました" },
          { index: 4, speaker: "山本 花子", role: "customer", timestamp: "2024-06-01T10:21:00", text: "はい、お願いします。メールは hanako.yamamoto@example.ne.jp です。" },
        ],
        metadata: { format: "line-oa-csv", file: "line-oa.csv", messages: 5, skippedMessages: 0 },
      },
    ]);
  });

  it("decodes a CP932 export with NEC/IBM extension characters (①, ㈱, 髙) and the ～ and － mappings", () => {
    // Prepare
    const bytes = readFileSync(eventPath("formats/line-oa-cp932.csv"));

    // Act
    const { text, encoding } = decodeInput(bytes, "line-oa-cp932.csv");
    const [conversation] = parseConversations("line-oa-cp932.csv", text);

    // Assess
    expect(encoding).toBe("cp932");
    expect(conversation?.utterances.map((u) => [u.speaker, u.role])).toEqual([
      ["髙木 誠", "customer"],
      ["窓口 髙橋", "agent"],
      ["窓口 髙橋", "agent"],
      ["髙木 誠", "customer"],
    ]);
    expect(conversation?.utterances[0]?.text).toBe("型番ＭＤ－２２０の修理をお願いします。\n住所は横浜市中区山下町２７－３ ハーバービル３階です。");
    expect(conversation?.utterances[1]?.text).toBe("受付時間は平日10:00～18:00です。①保証書　②レシートをご用意ください。");
    expect(conversation?.utterances[2]?.text).toContain("㈱の印字");
  });
});

describe("LINE official account CSV: rows", () => {
  it.each([
    ["User → customer", "User,山本,2024/06/01,10:02,はい", { speaker: "山本", role: "customer" }],
    ["Account → agent", "Account,受付 中島,2024/06/01,10:02,はい", { speaker: "受付 中島", role: "agent" }],
    ["automatic replies → assistant", "Account,自動応答,2024/06/01,10:02,はい", { role: "assistant" }],
    ["type in lower case, seconds in the time", "user,山本,2024-6-1,9:05:30,はい", { role: "customer", timestamp: "2024-06-01T09:05:30" }],
    ["no sender name", "User,,2024/06/01,10:02,はい", { speaker: "user" }],
  ])("%s", (_name, row, expected) => {
    // Act
    const { conversation } = readLineOaCsv(`${HEADER}\n${row}\n`, { file: "oa.csv" });

    // Assess
    expect(conversation.utterances[0]).toMatchObject(expected);
  });

  it("skips empty contents and takes roles from a roleMap by name or by type", () => {
    // Prepare
    const csv = `${HEADER}\nUser,山本,2024/06/01,10:02,\nAccount,中島,2024/06/01,10:03,はい\nUser,山本,2024/06/01,10:04,どうも\n`;

    // Act
    const { conversation } = readLineOaCsv(csv, { file: "oa.csv", roleMap: { 中島: "teacher", User: "student" } });

    // Assess
    expect(conversation.utterances.map((u) => [u.index, u.role])).toEqual([
      [0, "teacher"],
      [1, "student"],
    ]);
    expect(conversation.metadata).toMatchObject({ messages: 2, skippedMessages: 1 });
  });
});

describe("LINE official account CSV: malformed files", () => {
  it.each([
    ["line-oa-bad-sender-type.csv", "line 3: 送信者タイプ is neither User nor Account"],
    ["line-oa-bad-date.csv", "line 3: 送信日 is not a date (YYYY/MM/DD)"],
    ["line-oa-unclosed-quote.csv", "line 3: invalid CSV: a quoted field is never closed"],
    ["line-oa-ragged-row.csv", "line 3: row has 6 fields, the header has 5"],
  ])("%s → %s", (file, problem) => {
    // Prepare
    const text = readEvent(`formats/malformed/${file}`);

    // Act
    const error = errorOf(() => parseConversations(file, text));

    // Assess
    expect(error.message).toBe(`${file}, ${problem}`);
    for (const secret of ["山本", "080", "3391"]) expect(error.message).not.toContain(secret);
  });

  it("names the missing header when forced on another CSV", () => {
    // Act
    const error = errorOf(() => parseConversations("desk.csv", "speaker,text\n山本,はい\n", { format: "line-oa-csv" }));

    // Assess
    expect(error.message).toBe(`desk.csv: no LINE official account header (${HEADER}) in the first 20 rows`);
  });
});

describe("LINE official account CSV: detection", () => {
  it.each([
    ["the header on line 1", `${HEADER}\n`, true],
    ["quoted header after metadata and a BOM", `\ufeffアカウント名,店\n\n"送信者タイプ","送信者名","送信日","送信時刻","内容"\r\n`, true],
    ["a generic chat CSV", "送信者名,本文\n山本,はい\n", false],
  ])("%s → %s", (_name, text, expected) => {
    // Act
    const sniffed = lineOaCsvModule.sniff("x.csv", text);

    // Assess
    expect(sniffed).toBe(expected);
  });
});
