import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../shared/anonymize/policy.js";
import { createEngine } from "../../shared/engine.js";
import { processObject } from "../../shared/pipeline.js";
import { parseReleaseConfig } from "../../shared/release/config.js";
import { kOf } from "../../shared/release/k-anonymity.js";
import { runRelease } from "../../shared/release/run.js";
import { MemoryBucket, placeholders, rowsUnder } from "./fixtures.js";

/**
 * The whole path on invented chat logs: pipeline in 仮名加工 mode (HMAC tokens) → datasets with the customer's
 * generalised quasi-identifiers → a 匿名加工 release.
 */

const HMAC_KEY = Buffer.from("end-to-end-test-hmac-key-0123456789abcdef", "utf8");
const NOW = () => new Date("2026-11-23T03:00:00.000Z");

/** age, address, birth date, phone, name: invented people. */
type Person = readonly [string, string, string, string, string];
const TOKYO: Person[] = [
  ["42歳", "東京都世田谷区桜丘二丁目3番5号", "昭和58年2月14日", "090-1111-2201", "田中一郎"],
  ["45歳", "東京都杉並区阿佐谷南1-2-3", "1981年7月3日", "090-1111-2202", "鈴木花子"],
  ["41歳", "東京都練馬区豊玉北5丁目6番7号", "昭和60年4月1日", "090-1111-2203", "高橋誠"],
  ["48歳", "東京都中野区中央2-3-4", "1979年12月9日", "090-1111-2204", "伊藤美穂"],
  ["43歳", "東京都大田区蒲田本町1丁目2番3号", "昭和57年8月8日", "090-1111-2205", "渡辺健太"],
  ["46歳", "東京都品川区大井3-4-5", "1980年3月3日", "090-1111-2206", "山本由美"],
];
const KANAGAWA: Person[] = [
  ["36歳", "神奈川県横浜市港北区新横浜三丁目4番5号", "平成2年5月20日", "080-3333-4401", "佐藤健"],
  ["34歳", "神奈川県川崎市中原区小杉町1-2-3", "1992年6月6日", "080-3333-4402", "小林愛"],
  ["38歳", "神奈川県相模原市中央区相模原4丁目5番6号", "昭和63年10月10日", "080-3333-4403", "加藤翔"],
  ["35歳", "神奈川県藤沢市鵠沼海岸2-3-4", "1991年1月15日", "080-3333-4404", "吉田彩"],
  // The same caller as the first Tokyo customer's phone: a 仮名加工 token links them.
  ["37歳", "神奈川県横須賀市本町3丁目4番5号", "平成元年9月9日", "090-1111-2201", "山田隆"],
];
const OUTLIER: Person = ["92歳", "沖縄県那覇市おもろまち1丁目2番3号", "昭和8年1月9日", "070-5555-6601", "比嘉ツル"];

function session(id: string, [age, address, birth, phone, name]: Person): string {
  const line = (role: string, text: string) => JSON.stringify({ session_id: id, role, sender: role === "user" ? "guest" : "bot", message: text });
  return [
    line("assistant", "ご本人確認のため、お名前、ご年齢、ご住所、生年月日、お電話番号を教えてください。"),
    line("user", `${name}です。${age}です。住所は${address}です。生年月日は${birth}です。電話は${phone}です。`),
    line("assistant", "ありがとうございます。確認いたしました。"),
  ].join("\n");
}

async function anonymizedCohort(): Promise<MemoryBucket> {
  const bucket = new MemoryBucket();
  const engine = createEngine({ policy: parsePolicy("mode: pseudonymize"), secrets: { hmacKey: HMAC_KEY } });
  const files = {
    "incoming/chat/tokyo.jsonl": TOKYO.map((p, i) => session(`tokyo-${i}`, p)),
    "incoming/chat/kanagawa.jsonl": [...KANAGAWA.map((p, i) => session(`kanagawa-${i}`, p)), session("okinawa-0", OUTLIER)],
  };
  for (const [key, sessions] of Object.entries(files)) {
    await bucket.write(key, `${sessions.join("\n")}\n`);
    const result = await processObject(key, bucket, engine, { now: NOW, jsonl: false });
    expect(result.status).toBe("anonymized");
  }
  bucket.writes.length = 0;
  return bucket;
}

const RAW_VALUES = [...TOKYO, ...KANAGAWA, OUTLIER].flatMap(([age, address, birth, phone, name]) => [age, address.slice(0, 8), birth, phone, name]);

describe("pipeline → datasets: the customer's quasi-identifiers", () => {
  it("fills customer_* with the generalised age band, prefecture and birth decade, never a raw value", async () => {
    // Act
    const bucket = await anonymizedCohort();

    // Assess
    const rows = await rowsUnder(bucket, "datasets/conversations/");
    const quasi = rows.map((r) => `${r["conversation_id"]} ${r["customer_age_band"]} ${r["customer_prefecture"]} ${r["customer_birth_year_band"]}`).sort();
    expect(quasi).toEqual([
      "kanagawa-0 30代 神奈川県 1990年代",
      "kanagawa-1 30代 神奈川県 1990年代",
      "kanagawa-2 30代 神奈川県 1980年代",
      "kanagawa-3 30代 神奈川県 1990年代",
      "kanagawa-4 30代 神奈川県 1980年代",
      "okinawa-0 90歳以上 沖縄県 1930年代",
      "tokyo-0 40代 東京都 1980年代",
      "tokyo-1 40代 東京都 1980年代",
      "tokyo-2 40代 東京都 1980年代",
      "tokyo-3 40代 東京都 1970年代",
      "tokyo-4 40代 東京都 1980年代",
      "tokyo-5 40代 東京都 1980年代",
    ]);
    const datasets = await bucket.everything("datasets/");
    for (const value of RAW_VALUES) expect(datasets, value).not.toContain(value);
  });

  it("仮名加工: the same phone number gets the same HMAC token in two inputs", async () => {
    // Act
    const bucket = await anonymizedCohort();

    // Assess
    const utterances = await rowsUnder(bucket, "datasets/utterances/");
    const phoneOf = (id: string) => utterances.filter((u) => u["conversation_id"] === id).flatMap((u) => placeholders(String(u["text"]))).find((t) => t.startsWith("<PHONE:"));
    expect(phoneOf("tokyo-0")).toMatch(/^<PHONE:[0-9a-f]{10}>$/);
    expect(phoneOf("kanagawa-4")).toBe(phoneOf("tokyo-0"));
    expect(phoneOf("kanagawa-0")).not.toBe(phoneOf("tokyo-0"));
    expect(await bucket.everything("")).not.toContain(HMAC_KEY.toString("utf8"));
  });
});

describe("datasets → 匿名加工 release", () => {
  it("generalises the birth decade, suppresses the outlier, re-keys every token and keeps k = 5", async () => {
    // Prepare
    const bucket = await anonymizedCohort();
    const sourceTokens = (await rowsUnder(bucket, "datasets/utterances/")).flatMap((u) => placeholders(String(u["text"])));

    // Act
    const { manifest, prefix } = await runRelease({ datasets: bucket, releases: bucket }, parseReleaseConfig({ k: 5, maxSuppression: 0.1 }), { now: NOW });

    // Assess: the 1970年代 Tokyo customer and the two 1980年代 Kanagawa customers are below k until the birth
    // band is blanked (20-year bands leave the 1970年代 one alone); blanking it costs less than widening the
    // age and the prefecture together. The 90-year-old in 沖縄県 is then the one conversation suppressed.
    expect(manifest.generalisation.map((s) => `${s.column}: ${s.from} → ${s.to}`)).toEqual([
      "customer_birth_year_band: birth decade (top-coded at 90 years) → 20-year band",
      "customer_birth_year_band: 20-year band → suppressed",
    ]);
    const conversations = await rowsUnder(bucket, `${prefix}conversations/`);
    expect(conversations.map((r) => `${r["customer_age_band"]} ${r["customer_prefecture"]} ${r["customer_birth_year_band"]}`).sort()).toEqual([
      ...Array(5).fill("30代 神奈川県 null"),
      ...Array(6).fill("40代 東京都 null"),
    ]);
    expect(kOf(conversations as never, ["customer_age_band", "customer_prefecture", "customer_birth_year_band"])).toBe(manifest.kAnonymity.kAchieved);
    expect(manifest.kAnonymity.kAchieved).toBeGreaterThanOrEqual(5);
    expect(manifest.suppressed.conversations).toBe(1);
    const released = await bucket.everything(prefix);
    for (const token of sourceTokens) expect(released, token).not.toContain(token);
    for (const value of [...RAW_VALUES, "沖縄", "tokyo-", "kanagawa-", "okinawa-", "incoming/chat"]) expect(released, value).not.toContain(value);
  });
});
