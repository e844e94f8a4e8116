const DIGITS: Readonly<Record<string, number>> = {
  "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
};
const UNITS: Readonly<Record<string, number>> = { "十": 10, "百": 100, "千": 1000 };

/**
 * Reads an integer written in ASCII digits, kanji digits (一九八五) or positional kanji (七十二, 千九百八十五).
 * Returns undefined for anything else.
 *
 * @example
 * parseJapaneseInteger("七十二") // 72
 */
export function parseJapaneseInteger(raw: string): number | undefined {
  const s = raw.normalize("NFKC").trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (s.length === 0 || ![...s].every((c) => c in DIGITS || c in UNITS)) return undefined;
  if (![...s].some((c) => c in UNITS)) return Number([...s].map((c) => DIGITS[c]).join(""));
  let total = 0;
  let current = 0;
  for (const c of s) {
    if (c in DIGITS) {
      current = current * 10 + DIGITS[c]!;
    } else {
      total += (current === 0 ? 1 : current) * UNITS[c]!;
      current = 0;
    }
  }
  return total + current;
}

const ERAS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:明治|M\.?)/i, 1867],
  [/^(?:大正|T\.?)/i, 1911],
  [/^(?:昭和|S\.?)/i, 1925],
  [/^(?:平成|H\.?)/i, 1988],
  [/^(?:令和|R\.?)/i, 2018],
];

/**
 * The Western year of a date written with a Western or a Japanese-era year (昭和58年, H2, 令和元年, 1985年).
 *
 * @example
 * westernYear("昭和五十八年二月十四日") // 1983
 */
export function westernYear(date: string): number | undefined {
  const s = date.normalize("NFKC").trim();
  for (const [era, offset] of ERAS) {
    const m = era.exec(s);
    if (!m) continue;
    const rest = s.slice(m[0].length);
    if (rest.startsWith("元")) return offset + 1;
    const n = /^([0-9〇一二三四五六七八九十]+)/.exec(rest);
    const year = n ? parseJapaneseInteger(n[1]!) : undefined;
    return year !== undefined && year > 0 && year < 70 ? offset + year : undefined;
  }
  const western = /(?:^|[^0-9])((?:18|19|20)\d\d)(?![0-9])/.exec(s);
  if (western) return Number(western[1]);
  const kanjiYear = /([〇一二三四五六七八九]{4})年/.exec(s);
  return kanjiYear ? parseJapaneseInteger(kanjiYear[1]!) : undefined;
}
