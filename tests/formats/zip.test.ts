import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputFormatError } from "../../shared/errors.js";
import { dosDateTime, listZipNames, looksLikeZip, readZip, writeZip } from "../../shared/formats/zip.js";
import { eventPath } from "../helpers/fixtures.js";
import { readEventBytes } from "./keep-format-helpers.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Runs `act`, expects an InputFormatError, and returns its message. */
function errorMessage(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(InputFormatError);
    return (error as Error).message;
  }
  throw new Error("expected an InputFormatError");
}

/** Offset of the first central directory record of an archive written by writeZip. */
function centralDirectoryOffset(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(bytes.length - 22 + 16, true);
}

describe("readZip: archives written by other tools", () => {
  it("reads Python's deflated archive of the Slack sample, byte for byte", () => {
    // Prepare
    const bytes = readEventBytes("formats/slack/slack-export.zip");

    // Act
    const entries = readZip(bytes, "slack-export.zip");

    // Assess
    expect(entries.map((entry) => entry.name)).toEqual([
      "channels.json",
      "users.json",
      "mpims.json",
      "dms.json",
      "integration_logs.json",
      "D05DM000005/2024-06-05.json",
      "general/2024-06-03.json",
      "general/2024-06-04.json",
      "mpdm-t.yamada--hanako.sato--k.suzuki-1/2024-06-05.json",
      "sales-team/2024-06-03.json",
      "times-yamada/2024-06-03.json",
    ]);
    for (const entry of entries) {
      expect(decoder.decode(entry.data)).toBe(readFileSync(eventPath(`formats/slack/export/${entry.name}`), "utf8"));
    }
    const { time, date } = dosDateTime(new Date(Date.UTC(2024, 5, 6, 9, 30, 0)));
    expect(entries[0]).toMatchObject({ dosTime: time, dosDate: date });
  });

  it("reads Info-ZIP's stored archive with directory entries, a top folder and macOS metadata", () => {
    // Prepare
    const bytes = readEventBytes("formats/slack/slack-export-in-folder.zip");

    // Act
    const entries = readZip(bytes, "slack-export-in-folder.zip");

    // Assess
    const names = entries.map((entry) => entry.name);
    expect(names).toContain("Tokumei Slack export Jun 3 2024/");
    expect(names).toContain("Tokumei Slack export Jun 3 2024/general/2024-06-03.json");
    expect(names).toContain("__MACOSX/._users.json");
    const users = entries.find((entry) => entry.name === "Tokumei Slack export Jun 3 2024/users.json");
    expect(decoder.decode(users?.data)).toBe(readFileSync(eventPath("formats/slack/export/users.json"), "utf8"));
    expect(entries.find((entry) => entry.name.endsWith("general/"))?.data.length).toBe(0);
  });

  it("lists names from the central directory alone", () => {
    // Prepare
    const bytes = readEventBytes("formats/slack/slack-export.zip");

    // Act
    const names = listZipNames(bytes);

    // Assess
    expect(names?.slice(0, 2)).toEqual(["channels.json", "users.json"]);
    expect(listZipNames(encoder.encode("[]"))).toBeUndefined();
  });
});

describe("writeZip → readZip", () => {
  it("keeps names (Japanese included), bytes, order and DOS times; stores what does not shrink", () => {
    // Prepare
    const text = encoder.encode("営業部の連絡。".repeat(200));
    const random = Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 251);
    const input = [
      { name: "営業部/", data: new Uint8Array() },
      { name: "営業部/2024-06-03.json", data: text, dosTime: 0x4a6f, dosDate: 0x58c6 },
      { name: "random.bin", data: random },
    ];

    // Act
    const bytes = writeZip(input);
    const entries = readZip(bytes, "out.zip");

    // Assess
    expect(looksLikeZip(bytes)).toBe(true);
    expect(entries.map((entry) => entry.name)).toEqual(["営業部/", "営業部/2024-06-03.json", "random.bin"]);
    expect(entries[1]?.data).toEqual(text);
    expect(entries[1]).toMatchObject({ dosTime: 0x4a6f, dosDate: 0x58c6 });
    expect(entries[2]?.data).toEqual(random);
    expect(bytes.length).toBeLessThan(text.length); // the repeated text was deflated
  });

  it("writes an empty archive that reads back empty", () => {
    // Act
    const bytes = writeZip([]);

    // Assess
    expect(bytes.length).toBe(22);
    expect(readZip(bytes, "empty.zip")).toEqual([]);
  });

  it.each([
    ["1980-01-01 00:00:00", new Date(Date.UTC(1980, 0, 1)), { time: 0, date: 0x21 }],
    ["2024-06-03 09:12:30", new Date(Date.UTC(2024, 5, 3, 9, 12, 30)), { time: (9 << 11) | (12 << 5) | 15, date: (44 << 9) | (6 << 5) | 3 }],
    ["before 1980 is clamped", new Date(Date.UTC(1970, 0, 1)), { time: 0, date: 0x21 }],
  ])("dosDateTime %s", (_name, moment, expected) => {
    // Act / Assess
    expect(dosDateTime(moment)).toEqual(expected);
  });
});

describe("readZip: refuses what it cannot read safely", () => {
  const sample = (): Uint8Array => writeZip([{ name: "users.json", data: encoder.encode('[{"name":"山田 太郎"}]') }]);

  it("names the archive for bytes that are not an archive", () => {
    // Act
    const message = errorMessage(() => readZip(encoder.encode("山田 太郎 090-1234-5678"), "export.zip"));

    // Assess
    expect(message).toBe("export.zip: not a ZIP archive (no end of central directory record)");
  });

  it("refuses an encrypted entry", () => {
    // Prepare
    const bytes = sample();
    const at = centralDirectoryOffset(bytes);
    bytes[at + 8] = (bytes[at + 8] as number) | 0x01;

    // Act
    const message = errorMessage(() => readZip(bytes, "export.zip"));

    // Assess
    expect(message).toBe("export.zip: entry 1 of 1 is encrypted; export the archive without a password");
  });

  it("refuses a compression method other than stored and deflate", () => {
    // Prepare
    const bytes = sample();
    const at = centralDirectoryOffset(bytes);
    bytes[at + 10] = 12; // bzip2

    // Act
    const message = errorMessage(() => readZip(bytes, "export.zip"));

    // Assess
    expect(message).toBe("export.zip: entry 1 of 1 uses compression method 12; only stored (0) and deflate (8) are supported");
  });

  it("refuses ZIP64 archives", () => {
    // Prepare
    const bytes = sample();
    bytes[bytes.length - 22 + 10] = 0xff;
    bytes[bytes.length - 22 + 11] = 0xff;

    // Act
    const message = errorMessage(() => readZip(bytes, "export.zip"));

    // Assess
    expect(message).toBe(
      "export.zip: ZIP64 archives are not supported; re-create the archive without ZIP64 (under 4 GiB and 65,535 files)",
    );
  });

  it("refuses a damaged entry by its CRC, without quoting its content", () => {
    // Prepare
    const bytes = writeZip([{ name: "a.json", data: encoder.encode("ab") }]); // too short to deflate: stored
    bytes[30 + "a.json".length] = "x".charCodeAt(0);

    // Act
    const message = errorMessage(() => readZip(bytes, "export.zip"));

    // Assess
    expect(message).toBe("export.zip: entry 1 of 1: CRC-32 check failed (damaged archive)");
  });

  it("refuses a truncated archive", () => {
    // Prepare
    const bytes = sample();

    // Act
    const message = errorMessage(() => readZip(bytes.subarray(0, bytes.length - 30), "export.zip"));

    // Assess
    expect(message).toBe("export.zip: not a ZIP archive (no end of central directory record)");
  });

  it.each([
    ["../evil.json", "entry 1 of 1 has a path with '..'"],
    ["/etc/passwd", "entry 1 of 1 has an absolute or backslash path"],
    ["a\\b.json", "entry 1 of 1 has an absolute or backslash path"],
  ])("refuses the path %s", (name, problem) => {
    // Prepare
    const bytes = writeZip([{ name, data: encoder.encode("[]") }]);

    // Act
    const message = errorMessage(() => readZip(bytes, "export.zip"));

    // Assess
    expect(message).toBe(`export.zip: ${problem}`);
  });

  it("refuses two entries with one path", () => {
    // Prepare
    const bytes = writeZip([
      { name: "users.json", data: encoder.encode("[]") },
      { name: "users.json", data: encoder.encode("[1]") },
    ]);

    // Act
    const message = errorMessage(() => readZip(bytes, "export.zip"));

    // Assess
    expect(message).toBe("export.zip: entry 2 of 2 repeats the path of an earlier entry");
  });

  it("refuses an archive that inflates beyond the limit", () => {
    // Prepare
    const bytes = writeZip([{ name: "big.json", data: new Uint8Array(10_000) }]);

    // Act
    const message = errorMessage(() => readZip(bytes, "export.zip", { maxTotalBytes: 4096 }));

    // Assess
    expect(message).toBe("export.zip: the archive inflates to more than 4096 bytes; split it or raise the limit");
  });

  it("reads CP932 names (Windows in Japan, no UTF-8 flag)", () => {
    // Prepare: a name of the same byte length, then its CP932 bytes with the UTF-8 flag cleared
    const cp932 = Uint8Array.of(0x89, 0x63, 0x8b, 0xc6, 0x2e, 0x6a, 0x73, 0x6f, 0x6e); // 営業.json
    const bytes = writeZip([{ name: "xxxxx.json".slice(1), data: encoder.encode("[]") }]);
    const central = centralDirectoryOffset(bytes);
    bytes.set(cp932, 30);
    bytes.set(cp932, central + 46);
    for (const flags of [6, central + 8]) bytes[flags + 1] = (bytes[flags + 1] as number) & ~0x08;

    // Act
    const entries = readZip(bytes, "export.zip");

    // Assess
    expect(entries.map((entry) => entry.name)).toEqual(["営業.json"]);
  });
});
