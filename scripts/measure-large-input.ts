/**
 * Peak memory and time of the pipeline on one large chat export streamed in, as the anonymize function
 * reads it from S3 (64 KiB chunks). Usage: node --import tsx scripts/measure-large-input.ts [MB=50]
 * Prints one JSON line: input MB, lines, seconds, peak RSS MB, baseline RSS MB (engine loaded, before input).
 */
import { createEngine } from "../shared/engine.js";
import { processObject } from "../shared/pipeline.js";
import type { StoragePort } from "../shared/storage-port.js";

const megabytes = Number(process.argv[2] ?? 50);
const SPEAKERS = ["user", "assistant"];
const TEMPLATES = [
  "お問い合わせありがとうございます。ご注文番号を教えていただけますか？",
  "はい、注文番号はA-{n}です。昨日届いた商品が壊れていました。",
  "ご迷惑をおかけして申し訳ございません。交換品の発送先はご登録のご住所でよろしいですか？",
  "引っ越したので新しい住所にお願いします。電話は090-{a}-{b}です。",
  "承知いたしました。今週中に発送いたします。ほかにご不明な点はございますか？",
  "大丈夫です、ありがとうございました！",
];

function* exportLines(targetBytes: number): Generator<string> {
  let bytes = 0;
  let n = 0;
  while (bytes < targetBytes) {
    const session = `s${Math.floor(n / TEMPLATES.length)}`;
    const text = TEMPLATES[n % TEMPLATES.length]!.replace("{n}", String(100000 + n)).replace("{a}", String(1000 + (n % 9000))).replace("{b}", String(2000 + (n % 7000)));
    const line = `${JSON.stringify({ session_id: session, speaker: SPEAKERS[n % 2], text })}\n`;
    bytes += Buffer.byteLength(line);
    n++;
    yield line;
  }
}

const lines = [...exportLines(megabytes * 1e6)];
const input = Buffer.from(lines.join(""));
lines.length = 0;
let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const engine = createEngine();
engine.anonymizeConversation({ conversationId: "warm", source: "chat", metadata: {}, utterances: [{ index: 0, speaker: "user", text: "はい、山田です" }] });
global.gc?.();
const baseline = process.memoryUsage().rss;
const timer = setInterval(sample, 20);
const outputs: Array<[string, number]> = [];
const storage: StoragePort = {
  read: async () => input,
  readStream: async () =>
    (async function* () {
      for (let at = 0; at < input.length; at += 64 * 1024) yield input.subarray(at, at + 64 * 1024);
    })(),
  write: async (key, body) => {
    outputs.push([key, typeof body === "string" ? body.length : body.byteLength]);
  },
};
const started = performance.now();
const result = await processObject("incoming/chat/large.jsonl", storage, engine, { jsonl: false });
const seconds = (performance.now() - started) / 1000;
clearInterval(timer);
sample();
console.log(
  JSON.stringify({
    input_mb: +(input.length / 1e6).toFixed(1),
    status: result.status,
    utterances: result.status === "anonymized" ? result.audit.utterances : 0,
    seconds: +seconds.toFixed(1),
    peak_rss_mb: Math.round(peak / 2 ** 20),
    baseline_rss_mb: Math.round(baseline / 2 ** 20),
    input_buffer_mb: Math.round(input.length / 2 ** 20),
  }),
);
