import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../shared/engine.js";
import { detectFormat, parseConversations } from "../../shared/formats/index.js";
import { encodeText, renderKeepFormat } from "../../shared/keep-format.js";
import type { Conversation } from "../../shared/schema/conversation.js";
import { decodeInput } from "../../shared/text/decode.js";
import { eventPath } from "../helpers/fixtures.js";

const engine = createEngine();

/**
 * Every format and variant: the fixture, its format, and personal data in it that must not be in the file
 * written again (participants' names, header names, numbers, addresses).
 */
const CASES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ["formats/line-talk-1on1.txt", "line-talk", ["佐藤商事", "鈴木 一郎", "田中", "090-4821-7365", "ichiro.suzuki", "東五反田", "山下"]],
  ["formats/line-talk-group-12h.txt", "line-talk", ["北斗物産", "高橋", "美咲", "小林", "森本", "03-5219-8842"]],
  ["formats/line-talk-english.txt", "line-talk", ["Emily", "Watanabe", "Kenji", "080-6655-2931", "kenji.ito@", "梅田2-5-10"]],
  ["formats/line-oa.csv", "line-oa-csv", ["山本", "花子", "中島", "080-3391-5678", "hanako.yamamoto"]],
  ["formats/line-oa-cp932.csv", "line-oa-csv", ["髙木", "髙橋", "０４５－６６３－２７１８", "山下町"]],
  ["formats/chatbot-exchange.csv", "chat-csv", ["中村", "優子", "鳴海町", "090-2231-6470"]],
  ["formats/chatbot-exchange-simple.csv", "chat-csv", ["u-58213", "u-77120", "taro_k", "taro.kimura@"]],
  ["formats/call-analytics.json", "transcribe-call-analytics", ["木下", "健一", "天神4-6-22", "5512", "8843"]],
  ["conversations/sales-call-diarized.json", "transcribe", ["佐々木"]],
  ["conversations/support-call-stereo.json", "transcribe", []],
  ["conversations/chatbot-log.jsonl", "chat-jsonl", ["080-2468-1357"]],
  ["conversations/lesson-chat.json", "chat-json", []],
  ["conversations/helpdesk-export.csv", "chat-csv", ["岡田", "03-6789-0123"]],
  ["conversations/notes.txt", "plain-text", ["佐々木", "yoshida@example.jp", "06-6123-4567"]],
];

/** What must survive a round trip: utterance counts, pseudonymized speakers, roles and times. */
function structure(conversations: readonly Conversation[]) {
  return conversations.map((c) => ({
    id: c.conversationId,
    utterances: c.utterances.map((u) => [u.index, u.speaker, u.role, u.timestamp, u.startMs, u.endMs]),
  }));
}

describe("keep-format round trip: parse → anonymize → write in the same format → parse again", () => {
  it.each(CASES)("%s (%s)", (fixture, format, personal) => {
    // Prepare
    const file = fixture.split("/").pop()!;
    const input = decodeInput(readFileSync(eventPath(fixture)), file);
    const parsed = parseConversations(file, input.text);
    const anonymized = parsed.map((c) => engine.anonymizeConversation(c));

    // Act
    const written = encodeText(renderKeepFormat(engine, file, input.text, anonymized), input.encoding, file);
    const again = decodeInput(written, file);
    const reparsed = parseConversations(file, again.text);

    // Assess
    expect(detectFormat(file, input.text)).toBe(format);
    expect(again.encoding).toBe(input.encoding);
    expect(detectFormat(file, again.text)).toBe(format);
    // Same structure; the speakers written are the pseudonyms, so anonymizing again gives the same ones.
    const reanonymized = reparsed.map((c) => engine.anonymizeConversation(c).conversation);
    expect(structure(reanonymized)).toEqual(structure(anonymized.map((a) => a.conversation)));
    // The file holds exactly the masked texts of the datasets.
    expect(reparsed.map((c) => c.utterances.map((u) => u.text))).toEqual(anonymized.map((a) => a.conversation.utterances.map((u) => u.text)));
    for (const value of personal) expect(again.text).not.toContain(value);
  });

  it("changes nothing but personal data: every line of a LINE history keeps its place and its time", () => {
    // Prepare
    const file = "line-talk-1on1.txt";
    const { text } = decodeInput(readFileSync(eventPath(`formats/${file}`)), file);
    const anonymized = parseConversations(file, text).map((c) => engine.anonymizeConversation(c));

    // Act
    const written = renderKeepFormat(engine, file, text, anonymized);

    // Assess
    expect(written.split("\n")).toEqual([
      "[LINE] <PERSON_3>とのトーク履歴",
      "保存日時：2024/06/03 18:20",
      "",
      "2024/06/01(土)",
      "09:12\tspeaker_1\tお見積りありがとうございます。社内で検討します。",
      '09:13\tspeaker_1\t"携帯は <PHONE_1> です',
      'メールは <EMAIL_1> までお願いします"',
      "09:15\tspeaker_2\t承知しました。<PERSON_1>様、引き続きよろしくお願いいたします。",
      "09:15\tspeaker_2\t[スタンプ]",
      "09:16\tspeaker_2\t[写真]",
      "21:38\tspeaker_1\t☎ 不在着信",
      "21:40\tspeaker_2\t☎ 通話時間 3:25",
      "22:05\t\tメッセージの送信を取り消しました",
      "",
      "2024/6/2(日)",
      '10:03\tspeaker_1\t"納品先は<ADDRESS_1>です。',
      '""至急""でお願いします。',
      '受け取りは総務の<PERSON_2>です"',
      "10:05\tspeaker_2\tかしこまりました。<PERSON_2>様宛てに手配いたします。",
      '10:06\tspeaker_1\t"了解です"',
      "",
    ]);
  });

  it("keeps CRLF rows and LF inside quoted cells of a CSV, and masks the metadata lines above the header", () => {
    // Prepare
    const file = "line-oa.csv";
    const { text } = decodeInput(readFileSync(eventPath(`formats/${file}`)), file);
    const anonymized = parseConversations(file, text).map((c) => engine.anonymizeConversation(c));

    // Act
    const written = renderKeepFormat(engine, file, text, anonymized);

    // Assess
    expect(written.split("\r\n")).toEqual([
      "アカウント名,<ORGANIZATION_1>",
      "トーク相手,speaker_1",
      "保存日時,2024/06/03 18:20",
      "",
      "送信者タイプ,送信者名,送信日,送信時刻,内容",
      'User,speaker_1,2024/06/01,10:02,"予約の変更をお願いします。\n電話 <PHONE_1>"',
      // An automatic reply's label is no one's name, and says the role.
      "Account,応答メッセージ,2024/06/01,10:02,お問い合わせありがとうございます。担当者よりご連絡いたします。",
      'Account,speaker_3,2024/06/01,10:15,"<PERSON_1>様、ご連絡ありがとうございます。\n6月5日(水)14時はいかがでしょうか。"',
      "User,speaker_1,2024/06/01,10:20,スタンプを送信しました",
      "User,speaker_1,2024/06/01,10:21,はい、お願いします。メールは <EMAIL_1> です。",
      "",
    ]);
  });

  it("recomputes Call Analytics character offsets so that each span covers what became of its text", () => {
    // Prepare
    const file = "call-analytics.json";
    const { text } = decodeInput(readFileSync(eventPath(`formats/${file}`)), file);
    const anonymized = parseConversations(file, text).map((c) => engine.anonymizeConversation(c));

    // Act
    const written = JSON.parse(renderKeepFormat(engine, file, text, anonymized)) as {
      Transcript: Array<{ Content: string; Items: Array<{ Content: string }> } & Record<string, unknown>>;
    };

    // Assess
    const spans = written.Transcript.flatMap((turn) =>
      (["IssuesDetected", "OutcomesDetected", "ActionItemsDetected"] as const).flatMap((kind) =>
        ((turn[kind] as Array<{ CharacterOffsets: { Begin: number; End: number } }> | undefined) ?? []).map((span) => [
          kind,
          turn.Content.slice(span.CharacterOffsets.Begin, span.CharacterOffsets.End),
        ]),
      ),
    );
    expect(spans).toEqual([
      ["IssuesDetected", "住所変更の手続きをお願いしたいです"],
      ["IssuesDetected", "電話番号も<PHONE_1>に変わりました"],
      ["OutcomesDetected", "変更手続きは本日中に完了し"],
      ["ActionItemsDetected", "書面を郵送いたします"],
    ]);
    const turn = written.Transcript[3]!;
    expect(turn.Items.map((item) => item.Content).join("")).toBe(turn.Content);
    expect(turn.Items.slice(15, 23).map((item) => item.Content)).toEqual(["電話", "番号", "も", "<PHONE_1>", "", "", "", ""]);
  });

  it("carries the masking into both item lists of a channel-identification transcript", () => {
    // Prepare
    const file = "support-call-stereo.json";
    const { text } = decodeInput(readFileSync(eventPath(`conversations/${file}`)), file);
    const anonymized = parseConversations(file, text).map((c) => engine.anonymizeConversation(c));

    // Act
    const written = JSON.parse(renderKeepFormat(engine, file, text, anonymized)) as {
      results: {
        transcripts: Array<{ transcript: string }>;
        items: Array<{ channel_label: string; alternatives: Array<{ content: string }> }>;
        channel_labels: { channels: Array<{ channel_label: string; items: Array<{ alternatives: Array<{ content: string }> }> }> };
      };
    };

    // Assess
    const { results } = written;
    const top = (label: string) => results.items.filter((i) => i.channel_label === label).map((i) => i.alternatives[0]!.content);
    for (const channel of results.channel_labels.channels) {
      expect(channel.items.map((i) => i.alternatives[0]!.content)).toEqual(top(channel.channel_label));
    }
    expect(results.transcripts[0]!.transcript).toBe(anonymized[0]!.conversation.utterances.map((u) => u.text).join(""));
    expect(results.transcripts[0]!.transcript).toContain("<ACCOUNT_ID_1>");
  });

  it.each([
    ["speaker_labels", ["audio_segments"]],
    ["transcript", ["audio_segments", "speaker_labels"]],
  ])("writes a Transcribe output segmented by %s", (segmentation, drop) => {
    // Prepare
    const file = "sales-call-diarized.json";
    const json = JSON.parse(readFileSync(eventPath(`conversations/${file}`), "utf8")) as { results: Record<string, unknown> };
    for (const key of drop) delete json.results[key];
    const text = JSON.stringify(json, null, 2);
    const parsed = parseConversations(file, text);
    const anonymized = parsed.map((c) => engine.anonymizeConversation(c));

    // Act
    const reparsed = parseConversations(file, renderKeepFormat(engine, file, text, anonymized));

    // Assess
    expect(parsed[0]?.metadata["segmentation"]).toBe(segmentation);
    expect(reparsed[0]?.utterances.map((u) => [u.speaker, u.startMs, u.text])).toEqual(
      anonymized[0]?.conversation.utterances.map((u) => [u.speaker, u.startMs, u.text]),
    );
    expect(JSON.stringify(reparsed)).not.toContain("佐々木");
  });
});
