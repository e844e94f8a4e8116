import { describe, expect, it } from "vitest";
import { displayWidth, formatTable, oneLine, truncateToWidth } from "../../cli/text-table.js";

describe("displayWidth", () => {
  it.each([
    ["ascii", "agent", 5],
    ["kanji and kana", "電話番号です", 12],
    ["full-width digits and half-width katakana", "０８０ｵﾍﾟ", 9],
    ["a placeholder in Japanese text", "<PHONE_1>です", 13],
    ["a kana with a combining voiced mark", "か\u3099", 2],
    ["an emoji", "🙇", 2],
    ["a zero-width joiner", "a\u200db", 2],
  ])("%s", (_what, text, width) => {
    // Prepare
    const input = text;

    // Act
    const measured = displayWidth(input);

    // Assess
    expect(measured).toBe(width);
  });
});

describe("truncateToWidth and oneLine", () => {
  it("cuts at a width, never in the middle of a wide character, and marks the cut", () => {
    // Prepare
    const text = "お電話ありがとうございます";

    // Act
    const cut = truncateToWidth(text, 10);

    // Assess
    expect(cut).toBe("お電話あ…");
    expect(displayWidth(cut)).toBeLessThanOrEqual(10);
    expect(truncateToWidth("short", 10)).toBe("short");
  });

  it("shows line breaks and tabs as escapes and drops other control characters", () => {
    // Prepare
    const text = "一行目\r\n二行目\tx\u001b[2Ky";

    // Act
    const line = oneLine(text);

    // Assess
    expect(line).toBe("一行目\\n二行目\\tx[2Ky");
  });
});

describe("formatTable", () => {
  it("aligns Japanese and ASCII cells, right-aligns numeric columns, leaves no trailing spaces", () => {
    // Prepare
    const header = ["source", "role", "utterances"];
    const rows = [
      ["call", "エージェント", "27"],
      ["chat", "user", "6"],
    ];

    // Act
    const lines = formatTable(header, rows, { alignRight: new Set([2]), indent: "  " });

    // Assess
    expect(lines).toEqual([
      "  source  role          utterances",
      "  ------  ------------  ----------",
      "  call    エージェント          27",
      "  chat    user                   6",
    ]);
    for (const line of lines) expect(line).toBe(line.trimEnd());
  });

  it("cuts long cells at maxCellWidth", () => {
    // Prepare
    const rows = [["<PERSON_1>です。<AGE_1>で、札幌市内の高校に通っています。"]];

    // Act
    const lines = formatTable(["text"], rows, { maxCellWidth: 20 });

    // Assess
    expect(lines[2]).toBe("<PERSON_1>です。<AG…");
    expect(displayWidth(lines[2]!)).toBeLessThanOrEqual(20);
  });
});
