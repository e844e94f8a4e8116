import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { ReleaseError } from "../../shared/errors.js";
import { parseReleaseConfig } from "../../shared/release/config.js";
import { kOf } from "../../shared/release/k-anonymity.js";
import { runRelease } from "../../shared/release/run.js";
import { RELEASE_CONVERSATIONS, RELEASE_UTTERANCES, ReleaseManifestSchema } from "../../shared/release/schema.js";
import { MemoryBucket, placeholders, rowsUnder, salesCall, writeSourceFile, type FixtureConversation } from "./fixtures.js";

const NOW = () => new Date("2026-11-23T03:00:00.000Z");
const PROCESSED_AT = new Date("2026-11-20T01:00:00.000Z");
const QI = ["customer_age_band", "customer_prefecture", "customer_birth_year_band"] as const;

/** What no release may contain: source tokens, the source ids and input keys, the mask's last digits. */
const SOURCE_TOKENS = ["<ORGANIZATION_1>", "<PERSON_1>", "<PERSON_2>", "<PERSON_9>", "<PHONE:3fa9c1d2e0>", "<PHONE:5b7e0a9c14>"];
const INPUT_KEYS = ["incoming/audio/営業 2026-11-20.wav", "incoming/chat/サポート.jsonl"];

/**
 * 12 conversations in two input files: 6 customers in their 40s in 東京都 born in the 1980s, 5 in their 30s in
 * 神奈川県 born in the 1990s, and one outlier (90歳以上, 沖縄県, born in the 1920s) whose class has 1 member.
 * Two of the calls share a 仮名加工 phone token (the same number called twice).
 */
async function cohort(bucket: MemoryBucket): Promise<void> {
  const tokyo = (n: number) => salesCall(`call-a-${n}`, ["40代", "東京都", "1980年代"], n <= 2 ? "3fa9c1d2e0" : `${n}`.padStart(10, "c"));
  const kanagawa = (n: number) => salesCall(`chat-b-${n}`, ["30代", "神奈川県", "1990年代"], "5b7e0a9c14");
  const outlier: FixtureConversation = {
    id: "chat-b-outlier",
    quasi: ["90歳以上", "沖縄県", "1920年代"],
    utterances: [
      { speaker: "speaker_1", role: "customer", pieces: ["【抑制されるべき会話】", ["AGE", "90歳以上"], "です。"] },
      { speaker: "speaker_2", role: "agent", pieces: ["承知しました。"] },
    ],
  };
  await writeSourceFile(bucket, {
    dt: "2026-11-20",
    source: "call",
    inputKey: INPUT_KEYS[0]!,
    processedAt: PROCESSED_AT,
    conversations: [1, 2, 3, 4, 5, 6].map(tokyo),
  });
  await writeSourceFile(bucket, {
    dt: "2026-11-21",
    source: "chat",
    inputKey: INPUT_KEYS[1]!,
    processedAt: PROCESSED_AT,
    conversations: [...[1, 2, 3, 4, 5].map(kanagawa), outlier],
  });
}

/** crypto.randomBytes, with every buffer it handed out kept, to look for the key afterwards. */
function recordingRandom() {
  const handedOut: Buffer[] = [];
  return {
    handedOut,
    randomBytes: (size: number): Buffer => {
      const bytes = randomBytes(size);
      handedOut.push(bytes);
      return bytes;
    },
  };
}

let bucket: MemoryBucket;
beforeEach(async () => {
  bucket = new MemoryBucket();
  await cohort(bucket);
});

describe("runRelease: a 匿名加工 release of the cohort (k = 5, 10 % suppression allowed)", () => {
  const config = parseReleaseConfig({ k: 5, maxSuppression: 0.1 });

  it("writes the two tables and, last, the manifest under releases/<id>/", async () => {
    // Act
    const { manifest, prefix } = await runRelease({ datasets: bucket, releases: bucket }, config, { now: NOW });

    // Assess
    expect(prefix).toMatch(/^releases\/20261123T030000Z-[0-9a-f]{8}\/$/);
    expect(bucket.writes).toEqual([`${prefix}conversations/part-00000.parquet`, `${prefix}utterances/part-00000.parquet`, `${prefix}manifest.json`]);
    expect(ReleaseManifestSchema.parse(JSON.parse(bucket.text(`${prefix}manifest.json`)))).toEqual(manifest);
    const conversations = await rowsUnder(bucket, `${prefix}conversations/`);
    const utterances = await rowsUnder(bucket, `${prefix}utterances/`);
    expect(Object.keys(conversations[0]!)).toEqual(RELEASE_CONVERSATIONS.columns.map((c) => c.name));
    expect(Object.keys(utterances[0]!)).toEqual(RELEASE_UTTERANCES.columns.map((c) => c.name));
    expect(manifest.outputs).toEqual([
      { key: `${prefix}conversations/part-00000.parquet`, rows: 11 },
      { key: `${prefix}utterances/part-00000.parquet`, rows: 33 },
    ]);
  });

  it("holds k on the written conversations: every quasi-identifier combination is shared by ≥ 5", async () => {
    // Act
    const { manifest, prefix } = await runRelease({ datasets: bucket, releases: bucket }, config, { now: NOW });

    // Assess: k computed from the files, not taken from the manifest.
    const rows = (await rowsUnder(bucket, `${prefix}conversations/`)) as Record<(typeof QI)[number], string | null>[];
    const combinations = rows.map((r) => QI.map((c) => r[c]).join(" / ")).sort();
    expect(new Set(combinations)).toEqual(new Set(["30代 / 神奈川県 / 1990年代", "40代 / 東京都 / 1980年代"]));
    expect(kOf(rows, QI)).toBe(5);
    expect(manifest.kAnonymity).toEqual({
      kRequested: 5,
      kAchieved: 5,
      quasiIdentifiers: [...QI],
      equivalenceClasses: 2,
      conversationsBelowKAtStart: 1,
      levels: { customer_age_band: "年代 (90歳以上 top-coded)", customer_prefecture: "prefecture", customer_birth_year_band: "birth decade (top-coded at 90 years)" },
    });
    expect(manifest.generalisation).toEqual([]);
  });

  it("suppresses the conversation below k together with its utterances, and says so in the manifest", async () => {
    // Act
    const { manifest, prefix } = await runRelease({ datasets: bucket, releases: bucket }, config, { now: NOW });

    // Assess
    const released = await bucket.everything(prefix);
    expect(released).not.toContain("抑制されるべき会話");
    expect(released).not.toContain("沖縄");
    expect(manifest.rows).toEqual({ conversationsIn: 12, conversationsOut: 11, utterancesIn: 35, utterancesOut: 33 });
    expect(manifest.suppressed).toEqual({ conversations: 1, utterances: 2 });
  });

  it("keeps no mapping: no source token, source id, input key or mask remainder in any file, and no key anywhere", async () => {
    // Prepare
    const random = recordingRandom();

    // Act
    const { prefix } = await runRelease({ datasets: bucket, releases: bucket }, config, { now: NOW, randomBytes: random.randomBytes });

    // Assess
    const released = await bucket.everything(prefix);
    for (const value of [...SOURCE_TOKENS, ...INPUT_KEYS, "call-a-1", "chat-b-1", "＊", "spk_0", "2026-11-20", "2026-11-21", "40代です"]) {
      expect(released, value).not.toContain(value);
    }
    const texts = (await rowsUnder(bucket, `${prefix}utterances/`)).map((u) => String(u["text"]));
    // The card's last digits are gone (looked for outside the random hex of tokens, where "1234" may occur by chance).
    expect(texts.map((t) => t.replace(/<[A-Z_]+:[0-9a-f]{12}>/g, "")).join("\n")).not.toContain("1234");
    const tokens = texts.flatMap(placeholders);
    expect(tokens.length).toBe(11 * 7); // 6 entity spans and 1 stray placeholder per conversation
    for (const token of tokens) expect(token).toMatch(/^<[A-Z_]+:[0-9a-f]{12}>$/);
    // The key is the one 32-byte buffer handed out; it is zeroed after the run and was never written.
    const keys = random.handedOut.filter((b) => b.length === 32);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.equals(Buffer.alloc(32))).toBe(true);
    const manifest = bucket.text(`${prefix}manifest.json`);
    for (const value of ["東京都", "神奈川県", "40代", "1980年代", "<PHONE", "call-a"]) expect(manifest, value).not.toContain(value);
  });

  it("re-tokenizes per conversation by default: the same phone token in two calls becomes two different tokens", async () => {
    // Act
    const { prefix } = await runRelease({ datasets: bucket, releases: bucket }, config, { now: NOW });

    // Assess: the 5 神奈川県 chats all had <PHONE:5b7e0a9c14>.
    const utterances = await rowsUnder(bucket, `${prefix}utterances/`);
    const phones = new Set(utterances.flatMap((u) => placeholders(String(u["text"])).filter((t) => t.startsWith("<PHONE:"))));
    expect(phones.size).toBe(11);
  });

  it("with tokenScope release, keeps the 仮名加工 linkage within the release under new tokens", async () => {
    // Act
    const { prefix } = await runRelease({ datasets: bucket, releases: bucket }, parseReleaseConfig({ k: 5, maxSuppression: 0.1, tokenScope: "release" }), { now: NOW });

    // Assess: 5 chats + 2 calls shared two tokens; the other 4 calls had their own.
    const utterances = await rowsUnder(bucket, `${prefix}utterances/`);
    const phones = utterances.flatMap((u) => placeholders(String(u["text"])).filter((t) => t.startsWith("<PHONE:")));
    expect(new Set(phones).size).toBe(2 + 4);
    // Numbered placeholders restart in every conversation, so they stay per conversation.
    expect(new Set(utterances.flatMap((u) => placeholders(String(u["text"])).filter((t) => t.startsWith("<ORGANIZATION:")))).size).toBe(11);
  });

  it("gives two releases of the same input no token and no conversation id in common", async () => {
    // Act
    const first = await runRelease({ datasets: bucket, releases: bucket }, config, { now: NOW });
    const second = await runRelease({ datasets: bucket, releases: bucket }, config, { now: NOW });

    // Assess
    expect(first.prefix).not.toBe(second.prefix);
    const read = async (prefix: string) => {
      const conversations = await rowsUnder(bucket, `${prefix}conversations/`);
      const utterances = await rowsUnder(bucket, `${prefix}utterances/`);
      return {
        ids: new Set(conversations.map((c) => String(c["conversation_id"]))),
        tokens: new Set(utterances.flatMap((u) => placeholders(String(u["text"])))),
        withoutTokens: utterances.map((u) => String(u["text"]).replace(/<[A-Z_]+:[0-9a-f]{12}>/g, "<>")).sort(),
      };
    };
    const [a, b] = [await read(first.prefix), await read(second.prefix)];
    expect(a.ids.size).toBe(11);
    expect(a.tokens.size).toBeGreaterThan(50);
    expect([...a.ids].filter((id) => b.ids.has(id))).toEqual([]);
    expect([...a.tokens].filter((t) => b.tokens.has(t))).toEqual([]);
    // Same content otherwise.
    expect(a.withoutTokens).toEqual(b.withoutTokens);
  });
});

describe("runRelease: generalisation", () => {
  it("widens prefecture to region when that reaches k without suppressing anyone (maxSuppression 0)", async () => {
    // Prepare: 3 + 3 customers, same age and birth band, in two prefectures of 関東.
    const small = new MemoryBucket();
    const call = (id: string, prefecture: string) => salesCall(id, ["50代", prefecture, "1970年代"], "0123456789");
    await writeSourceFile(small, {
      dt: "2026-11-20",
      source: "call",
      inputKey: "calls.json",
      processedAt: PROCESSED_AT,
      conversations: [call("a", "東京都"), call("b", "東京都"), call("c", "東京都"), call("d", "千葉県"), call("e", "千葉県"), call("f", "千葉県")],
    });

    // Act
    const { manifest, prefix } = await runRelease({ datasets: small, releases: small }, parseReleaseConfig({ k: 5, maxSuppression: 0 }), { now: NOW });

    // Assess
    const rows = await rowsUnder(small, `${prefix}conversations/`);
    expect(rows.map((r) => r["customer_prefecture"])).toEqual(Array(6).fill("関東地方"));
    expect(kOf(rows as never, QI)).toBe(6);
    expect(manifest.generalisation).toEqual([{ column: "customer_prefecture", from: "prefecture", to: "region" }]);
    expect(manifest.kAnonymity.conversationsBelowKAtStart).toBe(6);
    expect(manifest.kAnonymity.levels).toMatchObject({ customer_prefecture: "region" });
    expect(manifest.suppressed.conversations).toBe(0);
  });
});

describe("runRelease: what it refuses", () => {
  const config = parseReleaseConfig({ k: 5, maxSuppression: 0.1 });

  it("refuses when fewer conversations than k can be released, writing nothing", async () => {
    // Prepare
    const small = new MemoryBucket();
    await writeSourceFile(small, {
      dt: "2026-11-20", source: "call", inputKey: "a.json", processedAt: PROCESSED_AT,
      conversations: [salesCall("a", ["40代", "東京都", null], "0123456789"), salesCall("b", ["40代", "東京都", null], "0123456789")],
    });

    // Act
    const act = runRelease({ datasets: small, releases: small }, config, { now: NOW });

    // Assess
    await expect(act).rejects.toThrow(new ReleaseError("no conversation can be released with k = 5: 2 conversation(s) in the input, none in a class of 5 or more"));
    expect(small.writes).toEqual([]);
  });

  it("refuses a release id that exists", async () => {
    // Prepare
    await bucket.write("releases/r1/manifest.json", "{}");
    bucket.writes.length = 0;

    // Act
    const act = runRelease({ datasets: bucket, releases: bucket }, parseReleaseConfig({ k: 5, maxSuppression: 0.1, releaseId: "r1" }), { now: NOW });

    // Assess
    await expect(act).rejects.toThrow("release r1 already exists (releases/r1/); choose another id");
    expect(bucket.writes).toEqual([]);
  });

  it("refuses when the selection holds no dataset", async () => {
    // Act
    const act = runRelease({ datasets: bucket, releases: bucket }, parseReleaseConfig({ from: "2026-12-01" }), { now: NOW });

    // Assess
    await expect(act).rejects.toThrow("no conversations to release under datasets/ (dt 2026-12-01 to …, sources call, chat)");
  });

  it("refuses a dataset whose entity spans do not fit the text, naming the file and utterance", async () => {
    // Prepare
    const broken = new MemoryBucket();
    const conversations = Array.from({ length: 5 }, (_, i) => salesCall(`c${i}`, [null, null, null], "0123456789"));
    await writeSourceFile(broken, { dt: "2026-11-20", source: "chat", inputKey: "x.jsonl", processedAt: PROCESSED_AT, conversations });
    const key = (await broken.list("datasets/utterances/"))[0]!;
    const { writeParquet } = await import("../../shared/dataset/parquet-writer.js");
    const { UTTERANCES } = await import("../../shared/dataset/schema.js");
    const rows = (await rowsUnder(broken, key)).map((r, i) => ({
      ...r,
      entity_types: i === 4 ? '[{"type":"PERSON","start":2,"end":999}]' : r["entity_types"],
    }));
    await broken.write(key, writeParquet(UTTERANCES, rows));
    broken.writes.length = 0;

    // Act
    const act = runRelease({ datasets: broken, releases: broken }, config, { now: NOW });

    // Assess
    await expect(act).rejects.toThrow(`${key} utterance 1: entity span 0 lies outside its text`);
    expect(broken.writes).toEqual([]);
  });
});

describe("runRelease: selection and duplicates", () => {
  it("reads only the sources and dates asked for", async () => {
    // Prepare: the chats alone are 5 + the outlier.
    const config = parseReleaseConfig({ k: 5, maxSuppression: 0.2, sources: ["chat"], from: "2026-11-21", to: "2026-11-21" });

    // Act
    const { manifest } = await runRelease({ datasets: bucket, releases: bucket }, config, { now: NOW });

    // Assess
    expect(manifest.source.files).toBe(2);
    expect(manifest.rows).toMatchObject({ conversationsIn: 6, conversationsOut: 5 });
    expect(manifest.settings).toMatchObject({ sources: ["chat"], from: "2026-11-21", to: "2026-11-21" });
  });

  it("counts a conversation anonymized twice (on two days) once, keeping the later run", async () => {
    // Prepare: the calls file again, processed a day later.
    await writeSourceFile(bucket, {
      dt: "2026-11-22",
      source: "call",
      inputKey: INPUT_KEYS[0]!,
      processedAt: new Date("2026-11-22T01:00:00.000Z"),
      conversations: [1, 2, 3, 4, 5, 6].map((n) => {
        const call = salesCall(`call-a-${n}`, ["40代", "東京都", "1980年代"], "9999999999");
        return { ...call, utterances: [...call.utterances, { speaker: "spk_0", role: "agent", pieces: ["再処理版です。"] }] };
      }),
    });

    // Act
    const { manifest, prefix } = await runRelease({ datasets: bucket, releases: bucket }, parseReleaseConfig({ k: 5, maxSuppression: 0.1 }), { now: NOW });

    // Assess
    expect(manifest.dropped.duplicateConversations).toBe(6);
    expect(manifest.rows.conversationsIn).toBe(12);
    expect(manifest.kAnonymity.kAchieved).toBe(5);
    const texts = (await rowsUnder(bucket, `${prefix}utterances/`)).map((u) => u["text"]);
    expect(texts.filter((t) => t === "再処理版です。")).toHaveLength(6);
  });

  it("computes everything but writes nothing on a dry run", async () => {
    // Act
    const { manifest, written } = await runRelease({ datasets: bucket, releases: bucket }, parseReleaseConfig({ k: 5, maxSuppression: 0.1 }), { now: NOW, dryRun: true });

    // Assess
    expect(written).toBe(false);
    expect(manifest.rows.conversationsOut).toBe(11);
    expect(manifest.outputs).toEqual([]);
    expect(bucket.writes).toEqual([]);
  });
});
