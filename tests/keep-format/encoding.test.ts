import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import { InputFormatError } from "../../shared/errors.js";
import { detectFormat, parseConversations } from "../../shared/formats/index.js";
import { encodeText, keepFormatOutputs, renderKeepFormat } from "../../shared/keep-format.js";
import { decodeInput } from "../../shared/text/decode.js";
import { eventPath, readEvent } from "../helpers/fixtures.js";

const engine = createEngine();

/** The keep-format output of `bytes` through the pipeline hook, as the pipeline calls it. */
function keepFormat(file: string, bytes: Uint8Array, encoding?: "utf-8") {
  const input = decodeInput(bytes, file);
  const anonymized = parseConversations(file, input.text).map((c) => engine.anonymizeConversation(c));
  const hook = keepFormatOutputs(engine, encoding ? { encoding } : {});
  return hook({ inputKey: file, text: input.text, encoding: input.encoding, format: detectFormat(file, input.text), anonymized });
}

describe("keep-format encoding", () => {
  it("writes a CP932 LINE official account CSV back in CP932: ①, ～, －, ㈱, 髙 and CRLF untouched where nothing was masked", () => {
    // Prepare
    const bytes = readFileSync(eventPath("formats/line-oa-cp932.csv"));

    // Act
    const [output] = keepFormat("line-oa-cp932.csv", bytes);

    // Assess
    expect(output?.key).toBe("keep-format/line-oa-cp932.csv");
    const body = Buffer.from(output!.body);
    expect(decodeInput(body, "x").encoding).toBe("cp932");
    for (const kept of ["受付時間は平日10:00～18:00です。①保証書　②レシートをご用意ください。", "保証書の㈱の印字が薄くても受付できます。はしごだか（髙）の字も入力できます。", "型番ＭＤ－２２０", "送信者タイプ,送信者名,送信日,送信時刻,内容\r\n"]) {
      expect(body.indexOf(iconv.encode(kept, "cp932"))).toBeGreaterThan(-1);
    }
    // CRLF between rows, the LF inside a quoted content kept as LF.
    expect(body.indexOf(iconv.encode("お願いします。\n住所は", "cp932"))).toBeGreaterThan(-1);
    const text = iconv.decode(body, "cp932");
    for (const secret of ["髙木", "髙橋", "０４５"]) expect(text).not.toContain(secret);
  });

  it("writes CP932 input as UTF-8 when asked", () => {
    // Prepare
    const bytes = readFileSync(eventPath("formats/line-oa-cp932.csv"));

    // Act
    const [output] = keepFormat("line-oa-cp932.csv", bytes, "utf-8");

    // Assess
    const decoded = decodeInput(output!.body, "x");
    expect(decoded.encoding).toBe("utf-8");
    expect(decoded.text).toContain("①保証書");
  });

  it.each([
    ["utf-8-bom", [0xef, 0xbb, 0xbf]],
    ["utf-16le", [0xff, 0xfe]],
    ["utf-16be", [0xfe, 0xff]],
  ] as const)("keeps %s with its BOM", (encoding, bom) => {
    // Prepare
    const text = readEvent("formats/line-talk-english.txt");
    const bytes = encodeText(text, encoding, "talk.txt");

    // Act
    const [output] = keepFormat("talk.txt", bytes);

    // Assess
    expect([...output!.body.slice(0, bom.length)]).toEqual(bom);
    const decoded = decodeInput(output!.body, "talk.txt");
    expect(decoded.encoding).toBe(encoding);
    expect(decoded.text.startsWith("[LINE] Chat history with speaker_1\nSaved on: 2024/08/15 21:10\n")).toBe(true);
  });

  it("refuses a character CP932 cannot hold, naming the line, instead of writing '?'", () => {
    // Act
    const act = () => encodeText("一行目\n絵文字 😀 です\n", "cp932", "chat.csv");

    // Assess
    expect(act).toThrow(InputFormatError);
    expect(act).toThrow("chat.csv, line 2: keep-format: a character cannot be written in CP932; use --keep-format-encoding utf-8");
  });
});

describe("keep-format speakers", () => {
  it("keeps role words as speakers (they name no one and carry the role) and pseudonymizes names", () => {
    // Prepare
    const csv = "speaker,text\r\nお客様,山田です。電話は090-3344-5566です\r\nオペレーター,承知しました\r\n佐藤 一郎,代わりました\r\n";
    const anonymized = parseConversations("desk.csv", csv).map((c) => engine.anonymizeConversation(c));

    // Act
    const written = renderKeepFormat(engine, "desk.csv", csv, anonymized);

    // Assess
    expect(written).toBe("speaker,text\r\nお客様,<PERSON_1>です。電話は<PHONE_1>です\r\nオペレーター,承知しました\r\nspeaker_3,代わりました\r\n");
    expect(parseConversations("desk.csv", written)[0]?.utterances.map((u) => u.role)).toEqual(["customer", "agent", undefined]);
  });

  it("masks a JSON export's own fields and every text field of a message, keeping ids, times and numbers", () => {
    // Prepare
    const json = JSON.stringify({
      conversation_id: "c-7",
      owner: "yamada@example.jp",
      messages: [{ author: { name: "山田 花子", email: "hanako@example.jp" }, text: "こんにちは", time: "2024-06-01 10:00", likes: 3 }],
    });
    const anonymized = parseConversations("chat.json", json, { fields: { text: "text", speaker: "author.name", timestamp: "time" } }).map((c) =>
      engine.anonymizeConversation(c),
    );

    // Act
    const written = renderKeepFormat(engine, "chat.json", json, anonymized, { fields: { text: "text", speaker: "author.name", timestamp: "time" } });

    // Assess
    // Messages are masked first, then the export's own fields: the numbers follow that order.
    expect(JSON.parse(written)).toEqual({
      conversation_id: "c-7",
      owner: "<EMAIL_2>",
      messages: [{ author: { name: "speaker_1", email: "<EMAIL_1>" }, text: "こんにちは", time: "2024-06-01 10:00", likes: 3 }],
    });
  });
});
