/**
 * Writes two of the demo's sample inputs in `events/conversations/`, byte for byte, from the invented content
 * below:
 *
 * - `moving-call-spoken-numbers.json`: an Amazon Transcribe (ja-JP) batch output of a diarized mono call in
 *   which the customer reads out phone numbers, a postal code and an address the way people say them
 *   (ゼロキューゼロの…, 一五四の〇〇九九, 三の五の十二) and a birth date in the Japanese era. Written as
 *   Transcribe writes Japanese: one item per word with times, punctuation as separate items without times,
 *   item contents joined without spaces in the transcript, `speaker_labels` segments referring to the items by
 *   time (the older layout, without `audio_segments`).
 * - `web-chat-export-sjis.csv`: a web-chat tool's CSV export in CP932 (Shift_JIS as Windows writes it) with
 *   CRLF line ends, two sessions, full-width digits and NEC extension characters (①②), half-width katakana
 *   role values (ｵﾍﾟﾚｰﾀｰ).
 *
 *     npx tsx scripts/generate-demo-events.ts          # (re)write both files
 *     npx tsx scripts/generate-demo-events.ts --check  # exit 1 when a committed file differs from its source here
 *
 * Every name, number and address is made up; the card number passes Luhn and belongs to nobody; the IP
 * address is from a documentation range (203.0.113.0/24). The output is deterministic (no clock, no
 * randomness), so a rerun gives identical bytes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import iconv from "iconv-lite";
import { decodeInput } from "../shared/text/decode.js";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CONVERSATIONS_DIR = join(REPO_ROOT, "events", "conversations");
export const CALL_FILE = "moving-call-spoken-numbers.json";
export const CSV_FILE = "web-chat-export-sjis.csv";

// ---------------------------------------------------------------------------------------------------------
// The call: one turn per line, words separated by spaces (Transcribe's items); 。、？ become punctuation items.

const CALL_JOB_NAME = "moving-call-20241108-0042";

const CALL_TURNS: ReadonlyArray<readonly [speaker: "spk_0" | "spk_1", words: string]> = [
  ["spk_0", "お電話 ありがとう ござい ます 。 ひかり 電力 お客様 センター の 加藤 で ござい ます 。"],
  ["spk_1", "もしもし 。 来月 引っ越す ので 、 住所 の 変更 を お願い し たい ん です が 。"],
  ["spk_0", "かしこまり まし た 。 ご 契約 者 様 の お名前 を お願い いたし ます 。"],
  ["spk_1", "藤田 健一 です 。"],
  ["spk_0", "藤田 様 です ね 。 ご 本人 確認 の ため 、 ご 登録 の お 電話 番号 を お願い でき ます か 。"],
  ["spk_1", "携帯 で 、 ゼロ キュー ゼロ の 、 えー 、 ヨン イチ サン ニ の 、 ロク ナナ ハチ キュー です 。"],
  ["spk_0", "ゼロ キュー ゼロ 、 ヨン イチ サン ニ 、 ロク ナナ ハチ キュー です ね 。 念 の ため 、 生年月日 も お願い いたし ます 。"],
  ["spk_1", "昭和 六十二 年 五 月 三 日 です 。"],
  ["spk_0", "ありがとう ござい ます 。 確認 でき まし た 。 では 、 新しい ご 住所 を お願い いたし ます 。"],
  ["spk_1", "郵便 番号 が 一 五 四 の 〇 〇 九 九 で 、 東京 都 世田谷 区 みどり 野 三 の 五 の 十二 、 コーポ 桜 の 二 〇 三 号 室 です 。"],
  ["spk_0", "東京 都 世田谷 区 みどり 野 三 の 五 の 十二 、 コーポ 桜 の 二 〇 三 号 室 です ね 。"],
  ["spk_1", "はい 。"],
  ["spk_0", "お 引っ越し は いつ でしょ う か 。"],
  ["spk_1", "十二 月 十四 日 の 土曜 日 です 。"],
  ["spk_0", "十二 月 十四 日 です ね 。 新しい お 住まい に 固定 電話 は ござい ます か 。"],
  ["spk_1", "はい 、 〇 三 の 、 えー 、 六 四 一 二 の 八 八 〇 七 です 。"],
  ["spk_0", "〇 三 、 六 四 一 二 、 八 八 〇 七 です ね 。 旧 住所 で の ご 利用 は 十三 日 まで と なり ます 。 本日 は 加藤 が 承り まし た 。"],
  ["spk_1", "よろしく お願い し ます 。"],
];

const PUNCTUATION = new Set(["。", "、", "？", "！"]);

interface Item {
  id: number;
  type: "pronunciation" | "punctuation";
  alternatives: [{ confidence: string; content: string }];
  start_time?: string;
  end_time?: string;
  speaker_label: string;
}

/** Transcribe writes seconds with two decimals. */
function seconds(centiseconds: number): string {
  return (centiseconds / 100).toFixed(2);
}

/** A stable confidence in 0.800–0.989 from the word and its position (no randomness, so reruns match). */
function confidence(word: string, position: number): string {
  let h = position * 31;
  for (const ch of word) h = (h * 33 + (ch.codePointAt(0) ?? 0)) % 1_000_003;
  return (0.8 + (h % 190) / 1000).toFixed(3);
}

/**
 * The Transcribe output document. Times are in centiseconds to keep the arithmetic exact: a word lasts
 * 8 + 11 per character (as in the other samples), 3 between words, 31 after a punctuation mark, 110 between
 * turns.
 *
 * @example
 * buildCallTranscript().results.items[0]; // { id: 0, type: "pronunciation", alternatives: [{ content: "お電話", … }], … }
 */
export function buildCallTranscript() {
  const items: Item[] = [];
  const segments: Array<{ start_time: string; end_time: string; speaker_label: string; items: Array<{ start_time: string; end_time: string; speaker_label: string }> }> = [];
  let clock = 52;
  for (const [speaker, line] of CALL_TURNS) {
    const references: Array<{ start_time: string; end_time: string; speaker_label: string }> = [];
    let turnStart: number | undefined;
    let turnEnd = clock;
    for (const word of line.split(" ")) {
      if (PUNCTUATION.has(word)) {
        items.push({ id: items.length, type: "punctuation", alternatives: [{ confidence: "0.0", content: word }], speaker_label: speaker });
        clock += 31;
        continue;
      }
      const start = clock;
      const end = start + 8 + 11 * [...word].length;
      turnStart ??= start;
      turnEnd = end;
      items.push({
        id: items.length,
        type: "pronunciation",
        alternatives: [{ confidence: confidence(word, items.length), content: word }],
        start_time: seconds(start),
        end_time: seconds(end),
        speaker_label: speaker,
      });
      references.push({ start_time: seconds(start), end_time: seconds(end), speaker_label: speaker });
      clock = end + 3;
    }
    segments.push({ start_time: seconds(turnStart ?? clock), end_time: seconds(turnEnd), speaker_label: speaker, items: references });
    clock = turnEnd + 110;
  }
  return {
    jobName: CALL_JOB_NAME,
    accountId: "111122223333",
    status: "COMPLETED",
    results: {
      language_code: "ja-JP",
      transcripts: [{ transcript: CALL_TURNS.map(([, line]) => line.split(" ").join("")).join("") }],
      speaker_labels: { channel_label: "ch_0", speakers: 2, segments },
      items,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The chat export: the columns a Japanese web-chat tool writes, two sessions.

const CSV_HEADER = ["session_id", "送信日時", "送信者タイプ", "送信者名", "メッセージ"] as const;

const CSV_ROWS: ReadonlyArray<readonly [session: string, time: string, role: string, name: string, message: string]> = [
  ["WEB-20241107-001", "2024/11/07 18:02:15", "お客様", "中島 咲良", "自宅のルーターにつながらなくなりました。"],
  ["WEB-20241107-001", "2024/11/07 18:03:40", "ｵﾍﾟﾚｰﾀｰ", "サポート 川村", "ご不便をおかけしております。ご契約者様のお名前と会員IDをお知らせください。"],
  ["WEB-20241107-001", "2024/11/07 18:05:02", "お客様", "中島 咲良", "中島咲良です。会員IDは sakura.n0412 です。"],
  [
    "WEB-20241107-001",
    "2024/11/07 18:06:31",
    "ｵﾍﾟﾚｰﾀｰ",
    "サポート 川村",
    "ありがとうございます。次の２点をお試しください。\n①ルーターの再起動\n②ケーブルの確認\n改善しない場合は、接続元のIPアドレスをお知らせください。",
  ],
  ["WEB-20241107-001", "2024/11/07 18:12:54", "お客様", "中島 咲良", "どちらもだめでした。設定画面には ２０３．０．１１３．４５ と出ています。"],
  ["WEB-20241107-001", "2024/11/07 18:14:10", "ｵﾍﾟﾚｰﾀｰ", "サポート 川村", "確認しました。折り返しのお電話番号をお願いします。"],
  ["WEB-20241107-001", "2024/11/07 18:15:33", "お客様", "中島 咲良", "０８０－５５１２－３３７４ です。平日の夜なら出られます。"],
  ["WEB-20241107-001", "2024/11/07 18:16:05", "ｵﾍﾟﾚｰﾀｰ", "サポート 川村", "承知しました。本日20時から21時の間に担当よりお電話いたします。"],
  ["WEB-20241107-002", "2024/11/07 20:41:09", "お客様", "小川 大輔", "来月のツアーの申し込みをしたいです。"],
  ["WEB-20241107-002", "2024/11/07 20:42:30", "ｵﾍﾟﾚｰﾀｰ", "旅行デスク 今井", "ありがとうございます。ご参加の方のお名前、生年月日、旅券番号をお知らせください。"],
  ["WEB-20241107-002", "2024/11/07 20:45:12", "お客様", "小川 大輔", "小川 大輔、1990年8月21日生まれ、旅券番号 TK4829173 です。"],
  ["WEB-20241107-002", "2024/11/07 20:46:01", "ｵﾍﾟﾚｰﾀｰ", "旅行デスク 今井", "ありがとうございます。お支払い方法はいかがなさいますか。"],
  ["WEB-20241107-002", "2024/11/07 20:47:44", "お客様", "小川 大輔", "クレジットカードでお願いします。番号は 5412 7534 1287 6547 です。"],
  ["WEB-20241107-002", "2024/11/07 20:48:20", "ｵﾍﾟﾚｰﾀｰ", "旅行デスク 今井", "承知しました。確認のメールをお送りしますので、メールアドレスを教えてください。"],
  ["WEB-20241107-002", "2024/11/07 20:49:05", "お客様", "小川 大輔", "d.ogawa@example.jp です。"],
  ["WEB-20241107-002", "2024/11/07 20:50:37", "ｵﾍﾟﾚｰﾀｰ", "旅行デスク 今井", "送信しました。ご出発の一週間前に最終日程表をお送りします。"],
];

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The export as text: CRLF between records, bare LF inside quoted messages (as the tools write them). */
export function buildChatCsvText(): string {
  return [CSV_HEADER, ...CSV_ROWS].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/**
 * The export as CP932 bytes. Refuses (throws) if any character has no CP932 code or does not read back the
 * same through the pipeline's decoder, so the file on disk is exactly the text above.
 */
export function buildChatCsvBytes(): Uint8Array {
  const text = buildChatCsvText();
  const bytes = iconv.encode(text, "cp932");
  const back = decodeInput(bytes, CSV_FILE);
  if (back.encoding !== "cp932" || back.text !== text) throw new Error(`${CSV_FILE}: the text does not survive a CP932 round trip`);
  return bytes;
}

/** One JSON value on one line, with a space after `:` and `,` (the layout of the other samples). */
function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** Indented JSON whose small leaves (an item, a segment reference) stay on one line, so the file reads like Transcribe's. */
export function layoutJson(value: unknown, depth = 0): string {
  const inline = inlineJson(value);
  if (typeof value !== "object" || value === null || (depth >= 3 && inline.length <= 180)) return inline;
  const pad = "  ".repeat(depth + 1);
  const close = "  ".repeat(depth);
  if (Array.isArray(value)) {
    return value.length === 0 ? "[]" : `[\n${value.map((v) => pad + layoutJson(v, depth + 1)).join(",\n")}\n${close}]`;
  }
  const entries = Object.entries(value).map(([k, v]) => `${pad}${JSON.stringify(k)}: ${layoutJson(v, depth + 1)}`);
  return `{\n${entries.join(",\n")}\n${close}}`;
}

// ---------------------------------------------------------------------------------------------------------

function outputs(): Array<{ file: string; bytes: Uint8Array }> {
  return [
    { file: CALL_FILE, bytes: new TextEncoder().encode(`${layoutJson(buildCallTranscript())}\n`) },
    { file: CSV_FILE, bytes: buildChatCsvBytes() },
  ];
}

function run(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]} (usage: generate-demo-events.ts [--check])\n`);
    return 2;
  }
  let stale = 0;
  for (const { file, bytes } of outputs()) {
    const path = join(CONVERSATIONS_DIR, file);
    if (check) {
      let current: Uint8Array | undefined;
      try {
        current = readFileSync(path);
      } catch {
        current = undefined;
      }
      if (current === undefined || Buffer.compare(Buffer.from(current), Buffer.from(bytes)) !== 0) {
        process.stderr.write(`${path} differs from scripts/generate-demo-events.ts; rerun the script\n`);
        stale++;
      }
    } else {
      writeFileSync(path, bytes);
      process.stdout.write(`wrote ${path} (${bytes.length} bytes)\n`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = run(process.argv.slice(2));
}
