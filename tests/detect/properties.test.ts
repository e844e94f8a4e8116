import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Anonymizer } from "../../shared/anonymize/anonymizer.js";
import { Analyzer } from "../../shared/detect/analyze.js";
import { luhnValid } from "../../shared/detect/recognizers/credit-card.js";

const analyzer = new Analyzer();

// Random seeds explore new inputs on every local run; CI uses a fixed one so that a run is reproducible
// (FC_SEED=… replays a reported failure). Failing seeds found so far are kept below as regression rows.
const SEED = process.env["FC_SEED"] ? Number(process.env["FC_SEED"]) : process.env["CI"] ? 20261123 : undefined;
const RUNS = { numRuns: 300, ...(SEED !== undefined ? { seed: SEED } : {}) };
const anonymizer = new Anonymizer();

/** Japanese context: words, particles, punctuation, fillers, full-width forms, digits that are not PII. */
const contextPiece = fc.constantFrom(
  "はい、", "えー、", "あの", "お電話", "ありがとうございます。", "番号は", "です", "ね", "月額9,800円", "来週の火曜日",
  "14時に", "田中さん", "ｔｅｓｔ", "　", "型番KX-2040B", "ご確認ください。", "〇", "一二", "に", "さん", "😀", "𠮷野",
);
const context = fc.array(contextPiece, { maxLength: 8 }).map((parts) => parts.join(""));
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(""));
const KANJI = "〇一二三四五六七八九";

/** A mobile number in a random written form: hyphens, spaces, none, full-width, kanji with の. */
const mobile = fc
  .tuple(fc.constantFrom("070", "080", "090"), digits(4), digits(4), fc.integer({ min: 0, max: 4 }))
  .filter(([, a]) => a[0] !== "0")
  .map(([p, a, b, form]) => {
    const plain = `${p}${a}${b}`;
    const written = [
      `${p}-${a}-${b}`,
      `${p} ${a} ${b}`,
      plain,
      `${p}-${a}-${b}`.replace(/[0-9-]/g, (c) => (c === "-" ? "－" : String.fromCharCode(c.charCodeAt(0) + 0xfee0))),
      [p, a, b].map((g) => [...g].map((d) => KANJI[Number(d)]).join("")).join("の"),
    ][form]!;
    return { plain, written };
  });

/** A 16-digit card number passing Luhn, grouped by 4. */
const card = fc.tuple(fc.constantFrom("4", "51", "53", "55", "35", "22"), digits(14)).map(([prefix, body]) => {
  const base = `${prefix}${body}`.slice(0, 15);
  const check = [...Array(10).keys()].find((d) => luhnValid(`${base}${d}`))!;
  const number = `${base}${check}`;
  return { plain: number, written: number.replace(/(\d{4})(?=\d)/g, "$1 ") };
});

describe("detector invariants", () => {
  it("reports sorted, non-overlapping spans inside the text", () => {
    fc.assert(
      fc.property(context, mobile, context, (before, phone, after) => {
        const text = `${before}${phone.written}${after}`;
        const findings = analyzer.analyze(text);
        for (const [i, f] of findings.entries()) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeLessThanOrEqual(text.length);
          expect(f.end).toBeGreaterThan(f.start);
          if (i > 0) expect(f.start).toBeGreaterThanOrEqual(findings[i - 1]!.end);
        }
      }),
      RUNS,
    );
  });

  it.each([
    ["a mobile number", mobile, "携帯は"],
    ["a card number", card, "カードは"],
  ])("never leaves %s in the masked text, in any written form and context", (_name, identifier, lead) => {
    fc.assert(
      fc.property(context, identifier, context, (before, value, after) => {
        // The value ends where a word begins: digits glued to a following "14時" would be another number.
        const text = `${before}${lead}${value.written}です${after}`;
        const masked = anonymizer.anonymize(text, analyzer.analyze(text), anonymizer.newScope()).text;
        expect(masked.includes(value.written)).toBe(false);
        expect(masked.replace(/[^0-9]/g, "").includes(value.plain)).toBe(false);
      }),
      RUNS,
    );
  });

  it("changes nothing when anonymizing its own output again", () => {
    fc.assert(
      fc.property(context, mobile, context, card, (before, phone, middle, cardNumber) => {
        // A pause after the number: digits glued to the next word ("0000test") are not a phone number until that
        // word is masked, which would make the second pass differ for a reason no real text has.
        const text = `${before}${phone.written}、${middle}カード${cardNumber.written}`;
        const once = anonymizer.anonymize(text, analyzer.analyze(text), anonymizer.newScope()).text;
        const twice = anonymizer.anonymize(once, analyzer.analyze(once), anonymizer.newScope()).text;
        expect(twice).toBe(once);
      }),
      RUNS,
    );
  });
});

describe("regressions found by the properties", () => {
  it.each([
    "田中さん田中さん070-1000-0000、カード4000 0000 0000 0002", // an honorific before another name
    "070-1000-0000、𠮷野です田中さんカード4000 0000 0000 0002", // です before a kanji word
    "070-1000-0000、ｔｅｓｔ田中さんカード4000 0000 0000 0002",
    "さんさんですさん070-1000-0000、カード4000 0000 0000 0002", // honorifics are not kana names
  ])("anonymizing %s twice changes nothing the second time", (text) => {
    const once = anonymizer.anonymize(text, analyzer.analyze(text), anonymizer.newScope()).text;
    const twice = anonymizer.anonymize(once, analyzer.analyze(once), anonymizer.newScope()).text;
    expect(twice).toBe(once);
  });
});
