import { readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { parseConversations } from "../../shared/formats/index.js";
import { buildCallTranscript, buildChatCsvBytes, buildChatCsvText, CALL_FILE, CSV_FILE, layoutJson } from "../../scripts/generate-demo-events.js";
import { eventPath } from "../helpers/fixtures.js";

/** The two generated demo inputs: committed bytes equal to the generator's, in the encodings they claim. */

function luhn(digits: string): boolean {
  let total = 0;
  [...digits].reverse().forEach((ch, i) => {
    let d = Number(ch);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    total += d;
  });
  return total % 10 === 0;
}

describe("scripts/generate-demo-events.ts", () => {
  it("the committed files are exactly what the generator writes (no hand edits)", () => {
    // Prepare
    const call = readFileSync(eventPath(`conversations/${CALL_FILE}`));
    const csv = readFileSync(eventPath(`conversations/${CSV_FILE}`));

    // Act
    const expectedCall = Buffer.from(`${layoutJson(buildCallTranscript())}\n`, "utf8");
    const expectedCsv = Buffer.from(buildChatCsvBytes());

    // Assess
    expect(call.equals(expectedCall)).toBe(true);
    expect(csv.equals(expectedCsv)).toBe(true);
  });

  it("writes the chat export in CP932 bytes with CRLF records: not UTF-8, ① and ｵﾍﾟﾚｰﾀｰ as CP932 codes", () => {
    // Prepare
    const bytes = readFileSync(eventPath(`conversations/${CSV_FILE}`));

    // Act
    const asUtf8 = () => new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const text = iconv.decode(bytes, "cp932");

    // Assess
    expect(asUtf8).toThrow();
    expect(text).toBe(buildChatCsvText());
    expect(text.startsWith("session_id,送信日時,送信者タイプ,送信者名,メッセージ\r\n")).toBe(true);
    expect(bytes.includes(Buffer.from([0x87, 0x40]))).toBe(true); // ① (NEC special character)
    expect(bytes.includes(Buffer.from([0xb5, 0xcd, 0xdf, 0xda, 0xb0, 0xc0, 0xb0]))).toBe(true); // ｵﾍﾟﾚｰﾀｰ, one byte each
  });

  it("the chat export parses into two sessions with agent and customer roles", () => {
    // Prepare
    const text = buildChatCsvText();

    // Act
    const conversations = parseConversations(CSV_FILE, text);

    // Assess
    expect(conversations.map((c) => [c.conversationId, c.utterances.length])).toEqual([
      ["WEB-20241107-001", 8],
      ["WEB-20241107-002", 8],
    ]);
    expect(new Set(conversations.flatMap((c) => c.utterances.map((u) => u.role)))).toEqual(new Set(["customer", "agent"]));
    expect(conversations[0]?.utterances[3]?.text).toBe("ありがとうございます。次の２点をお試しください。\n①ルーターの再起動\n②ケーブルの確認\n改善しない場合は、接続元のIPアドレスをお知らせください。");
  });

  it("uses only invented values of the safe kinds: the card passes Luhn, the IP is from 203.0.113.0/24", () => {
    // Prepare
    const text = buildChatCsvText().normalize("NFKC");

    // Act
    const card = /番号は (\d{4} \d{4} \d{4} \d{4})/.exec(text)?.[1]?.replace(/ /g, "");
    const ip = /\b(\d+\.\d+\.\d+\.\d+)\b/.exec(text)?.[1];

    // Assess
    expect(card).toBe("5412753412876547");
    expect(luhn(card!)).toBe(true);
    expect(ip).toMatch(/^203\.0\.113\.\d+$/);
  });

  it("writes the call as Transcribe ja-JP does: words joined without spaces, punctuation items without times, speaker segments by time", () => {
    // Prepare
    const output = buildCallTranscript();

    // Act
    const conversation = parseConversations(CALL_FILE, JSON.stringify(output), { roleMap: { spk_0: "agent", spk_1: "customer" } })[0]!;
    const items = output.results.items;

    // Assess
    expect(output.results.transcripts[0]!.transcript).toBe(items.map((i) => i.alternatives[0].content).join(""));
    expect(items.filter((i) => i.type === "punctuation").every((i) => i.start_time === undefined && /^[。、？！]$/.test(i.alternatives[0].content))).toBe(true);
    expect(conversation.metadata["segmentation"]).toBe("speaker_labels");
    expect(conversation.utterances).toHaveLength(18);
    expect(conversation.utterances[5]).toMatchObject({
      speaker: "spk_1",
      role: "customer",
      text: "携帯で、ゼロキューゼロの、えー、ヨンイチサンニの、ロクナナハチキューです。",
    });
    expect(conversation.utterances[9]?.text).toBe("郵便番号が一五四の〇〇九九で、東京都世田谷区みどり野三の五の十二、コーポ桜の二〇三号室です。");
    // Times grow: each turn starts after the previous one ends.
    const starts = conversation.utterances.map((u) => u.startMs ?? -1);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });
});
