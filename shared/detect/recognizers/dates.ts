import { parseJapaneseInteger, westernYear } from "../../text/japanese-numerals.js";
import { globalMatches } from "../recognizer.js";

/**
 * Calendar dates as people write and say them in Japanese, English, Korean and Chinese text, for the
 * recognizers that need to know what a date is of (a birth date vs a meeting or contract date).
 * Shapes only: whether a date is PII is decided by the caller's context rules.
 */

/** A date shape found in analysis text, with the parts it gives (a birth date may be partial). */
export interface DateMatch {
  readonly start: number;
  readonly end: number;
  /** Which parts the date gives: year, month, day. */
  readonly parts: "ymd" | "ym" | "y" | "md";
  readonly year?: number;
  readonly month?: number;
  readonly day?: number;
  /** Which shape matched, for pattern names. */
  readonly form: string;
}

const KANJI_NUM = "[〇一二三四五六七八九十]{1,3}";
const NUM = `(?:[0-9]{1,2}|${KANJI_NUM})`;
/** Hesitations and pauses between the parts of one spoken date (policy rule 3: they belong to the span). */
const FILLER = "(?:えーっと|ええっと|えーと|ええと|えっと|えー|ええ|あのー|あの|まあ|うーん|んー)";
const GAP = `(?:[、,\\s]|の|${FILLER}){0,6}`;
/** Era names, their initials, and the initials as ASR writes them spoken (エス五十八 = S58). */
const ERA = "(?<era>明治|大正|昭和|平成|令和|[MTSHR]\\.?|エム|ティー|エス|エイチ|エッチ|アール)";
/** Last year of each era (明治45, 大正15, 昭和64, 平成31); 令和 is open, bounded loosely. */
const ERA_MAX: Readonly<Record<string, number>> = { M: 45, T: 15, S: 64, H: 31, R: 40 };
const ERA_LETTER: Readonly<Record<string, string>> = {
  明治: "M", 大正: "T", 昭和: "S", 平成: "H", 令和: "R", エム: "M", ティー: "T", エス: "S", エイチ: "H", エッチ: "H", アール: "R",
};
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH_NAME =
  "(?<mname>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?";
const MONTH_ABBREVIATION = /Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec/;
const ORDINAL = "(?:st|nd|rd|th)?";

/** What follows a year when it is not a year of a date: a duration (3年間), an age (20年前), a fiscal year (年度). */
const NOT_A_YEAR_AFTER = /^(?:間|前|後|ぶり|目|度|以上|以内|代|卒|入社|入学|版|式|型|製|分|半|生(?:活|産|命|徒|涯))/;

const TWO_DIGIT_YEAR_AFTER = /^(?:生まれ|産まれ|うまれ|です|でした|だ|[、。,.!！]|\s|$)/;

interface Shape {
  readonly form: string;
  readonly regex: RegExp;
  /**
   * What every date of this shape contains (an era and its year, a number and 年 or 月, digits around a
   * separator): a text without it is not searched (datesIn runs on every utterance and on the one before it).
   */
  readonly marker: RegExp;
  readonly read: (groups: Record<string, string | undefined>) => Omit<DateMatch, "start" | "end" | "form"> | undefined;
}

function num(raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : parseJapaneseInteger(raw);
}

/** Year, month and day checked against the calendar; undefined when the shape is not a real date. */
function checked(year: number | undefined, month: number | undefined, day: number | undefined): Omit<DateMatch, "start" | "end" | "form"> | undefined {
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined) {
    if (month === undefined) return undefined;
    const length = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
    if (day < 1 || day > length) return undefined;
  }
  const parts = month === undefined ? "y" : day === undefined ? (year === undefined ? undefined : "ym") : year === undefined ? "md" : "ymd";
  if (parts === undefined) return undefined;
  return { parts, ...(year !== undefined ? { year } : {}), ...(month !== undefined ? { month } : {}), ...(day !== undefined ? { day } : {}) };
}

function eraYear(era: string, rawYear: string): number | undefined {
  const letter = ERA_LETTER[era] ?? era.replace(".", "").toUpperCase();
  const year = rawYear === "元" ? 1 : num(rawYear);
  if (year === undefined || year < 1 || year > (ERA_MAX[letter] ?? 0)) return undefined;
  return westernYear(`${letter}${rawYear}年`);
}

/** A Western year: four digits 1868–2099, two digits (85年) as 19xx/20xx is unknowable, kept as given. */
function western(raw: string): number | undefined {
  const n = num(raw);
  if (n === undefined) return undefined;
  if (/^(?:[0-9]{2}|[〇一二三四五六七八九十]{2,3})$/.test(raw)) return n < 100 ? n : undefined;
  return n >= 1868 && n <= 2099 ? n : undefined;
}

/** Units as kanji, hangul, or kana as learners type them (1999ねん 7がつ 2か, 3がつ14にち). */
const YEAR_UNIT = "(?:[年년]|ねん)";
const MONTH_UNIT = "(?:[月월]|がつ)";
const DAY_UNIT = "(?:[日일号]|にち|か(?=[にでのは\\s]|です|$))";
const MONTH_DAY = `(?:${GAP}(?<m>${NUM})\\s?${MONTH_UNIT}\\s?(?:${GAP}(?<d>${NUM})\\s?${DAY_UNIT})?)?`;
/**
 * Era names of the Edo period, for birth dates of historical people (享保3年、大坂の商家に生まれた); they have
 * no Western conversion here.
 */
const EDO_ERAS =
  "慶長|元和|寛永|正保|慶安|承応|明暦|万治|寛文|延宝|天和|貞享|元禄|宝永|正徳|享保|元文|寛保|延享|寛延|宝暦|明和|安永|天明|寛政|享和|文化|文政|天保|弘化|嘉永|安政|万延|文久|元治|慶応";

const SHAPES: readonly Shape[] = [
  {
    // 昭和五十八年の、えー、十一月二十日 / 平成2年12月1日 / 令和元年 / S60年3月5日 / エス五十八の、十の二十一
    form: "era",
    marker: new RegExp(`${ERA}\\s?[元0-9〇一二三四五六七八九十]`),
    regex: new RegExp(
      `(?<![A-Za-z\\u30A1-\\u30FA\\u30FC])${ERA}\\s?(?<y>元|[0-9]{1,2}|${KANJI_NUM})\\s?(?:${YEAR_UNIT}${MONTH_DAY}|の${GAP}(?<m2>${NUM})\\s?(?:月|の)${GAP}(?<d2>${NUM})(?:\\s?日)?)`,
      "g",
    ),
    read: (g) => {
      const year = eraYear(g["era"]!, g["y"]!);
      return year === undefined ? undefined : checked(year, num(g["m"] ?? g["m2"]), num(g["d"] ?? g["d2"]));
    },
  },
  {
    // 享保3年 (Edo-period eras: year as given, no Western year)
    form: "edo-era",
    marker: new RegExp(`(?:${EDO_ERAS})\\s?[元0-9〇一二三四五六七八九十]`),
    regex: new RegExp(`(?<![\\p{Script=Han}])(?:${EDO_ERAS})\\s?(?<y>元|[0-9]{1,2}|${KANJI_NUM})\\s?年${MONTH_DAY}`, "gu"),
    read: (g) => {
      const year = g["y"] === "元" ? 1 : num(g["y"]);
      if (year === undefined || year < 1 || year > 70) return undefined;
      const parts = checked(2000, num(g["m"]), num(g["d"]));
      return parts ? { ...parts, year: undefined } : undefined;
    },
  },
  {
    // 1985年3月5日 / 1991年の、えーと、10月24日 / 85年 / 1993년 12월 9일 / 千九百八十五年
    form: "western",
    // The year ends in a digit or a kanji numeral (二千年 in 千).
    marker: /[0-9〇一二三四五六七八九十千]\s?(?:[年년]|ねん)/,
    regex: new RegExp(`(?<![0-9'’〇一二三四五六七八九十]|明治|大正|昭和|平成|令和)(?<y>(?:18|19|20)[0-9]{2}|[0-9]{2}|千九百${KANJI_NUM}|二千${KANJI_NUM}?|[〇一二三四五六七八九]{2}|[二三四五六七八九]十[一二三四五六七八九]?)\\s?${YEAR_UNIT}${MONTH_DAY}`, "g"),
    read: (g) => {
      // 八九年六月二日: a two-digit year in kanji is a year only with its month (三十年 alone is a duration).
      if (/^[〇一二三四五六七八九十]{2,3}$/.test(g["y"]!) && g["m"] === undefined) return undefined;
      const year = western(g["y"]!);
      return year === undefined ? undefined : checked(year, num(g["m"]), num(g["d"]));
    },
  },
  {
    // 3月5日 / 十一月二十日 / 12월 9일 / 3月5号
    form: "month-day",
    marker: /[0-9〇一二三四五六七八九十]\s?(?:[月월]|がつ)/,
    regex: new RegExp(`(?<![0-9〇一二三四五六七八九十])(?<m>${NUM})\\s?${MONTH_UNIT}${GAP}(?<d>${NUM})\\s?${DAY_UNIT}`, "g"),
    read: (g) => checked(undefined, num(g["m"]), num(g["d"])),
  },
  {
    // 1985/3/5, 1985-03-05, 1985.3.5
    form: "ymd-numeric",
    marker: /[0-9][/.-][0-9]/,
    regex: /(?<![0-9A-Za-z./-])(?<y>(?:18|19|20)[0-9]{2})(?<s>[/.-])(?<m>[0-9]{1,2})\k<s>(?<d>[0-9]{1,2})(?![0-9]|[./-][0-9])/g,
    read: (g) => checked(western(g["y"]!), num(g["m"]), num(g["d"])),
  },
  {
    // S60.3.5, H2/4/2, R1 (era initials with digits)
    form: "era-initial",
    marker: /[MTSHR]\.?\s?[元0-9]/,
    regex: /(?<![0-9A-Za-z])(?<era>[MTSHR])\.?\s?(?<y>元|[0-9]{1,2})(?:(?<s>[/.-])(?<m>[0-9]{1,2})(?:\k<s>(?<d>[0-9]{1,2}))?)?(?![0-9A-Za-z]|[./-][0-9])/g,
    read: (g) => {
      const year = eraYear(g["era"]!, g["y"]!);
      return year === undefined ? undefined : checked(year, num(g["m"]), num(g["d"]));
    },
  },
  {
    // 3/5/1985 (US) or 5/3/1985 (UK): which is the month cannot be known, so only the year is read.
    form: "dmy-numeric",
    marker: /[0-9][/.-][0-9]/,
    regex: /(?<![0-9A-Za-z./-])(?<a>[0-9]{1,2})(?<s>[/.-])(?<b>[0-9]{1,2})\k<s>(?<y>(?:18|19|20)[0-9]{2})(?![0-9]|[./-][0-9])/g,
    read: (g) => {
      const a = Number(g["a"]);
      const b = Number(g["b"]);
      if (a < 1 || b < 1 || a > 31 || b > 31 || (a > 12 && b > 12)) return undefined;
      const year = western(g["y"]!);
      return year === undefined ? undefined : { parts: "ymd", year };
    },
  },
  {
    // 85/3/5, 85.03.05 (two-digit year first, as Japanese forms write it)
    form: "yy-numeric",
    marker: /[0-9][/.-][0-9]/,
    regex: /(?<![0-9A-Za-z./-])(?<y>[0-9]{2})(?<s>[/.-])(?<m>[0-9]{1,2})\k<s>(?<d>[0-9]{1,2})(?![0-9]|[./-][0-9])/g,
    read: (g) => checked(Number(g["y"]), num(g["m"]), num(g["d"])),
  },
  {
    // 3/5 (month/day only)
    form: "md-numeric",
    marker: /[0-9]\/[0-9]/,
    regex: /(?<![0-9A-Za-z./-])(?<m>[0-9]{1,2})\/(?<d>[0-9]{1,2})(?![0-9]|\/[0-9])/g,
    read: (g) => checked(undefined, num(g["m"]), num(g["d"])),
  },
  {
    // March 5, 1985 / Mar. 5th / March 1985
    form: "english-mdy",
    // Every month name starts with its three-letter abbreviation. The regex also matches a month name alone, but
    // read() keeps only those with a day or a year: digits, which datesIn checks first.
    marker: MONTH_ABBREVIATION,
    regex: new RegExp(`(?<![A-Za-z])${MONTH_NAME}(?:\\s+(?<d>[0-9]{1,2})${ORDINAL}(?![0-9]))?(?:,?\\s+(?<y>(?:18|19|20)[0-9]{2}))?(?![0-9A-Za-z])`, "g"),
    read: (g) => {
      if (g["d"] === undefined && g["y"] === undefined) return undefined;
      const month = MONTHS[g["mname"]!.slice(0, 3).toLowerCase()];
      return checked(g["y"] ? western(g["y"]) : undefined, month, num(g["d"]));
    },
  },
  {
    // 5 March 1985 / 5th of March
    form: "english-dmy",
    marker: MONTH_ABBREVIATION,
    regex: new RegExp(`(?<![0-9A-Za-z])(?<d>[0-9]{1,2})${ORDINAL}\\s+(?:of\\s+)?${MONTH_NAME}(?:,?\\s+(?<y>(?:18|19|20)[0-9]{2}))?(?![0-9A-Za-z])`, "g"),
    read: (g) => {
      const month = MONTHS[g["mname"]!.slice(0, 3).toLowerCase()];
      return checked(g["y"] ? western(g["y"]) : undefined, month, num(g["d"]));
    },
  },
  {
    // 1997 on its own ("born in 1997"), '85
    form: "bare-year",
    marker: /(?:18|19|20)[0-9]{2}|['’][0-9]{2}/,
    regex: /(?<![0-9A-Za-z./:'’-])(?:(?<y>(?:18|19|20)[0-9]{2})|['’](?<yy>[0-9]{2}))(?![0-9A-Za-z]|[./:-][0-9]|\s?[年년])/g,
    read: (g) => {
      const year = g["y"] ? western(g["y"]) : Number(g["yy"]);
      return year === undefined ? undefined : { parts: "y", year };
    },
  },
];

/**
 * Every date shape in `text` (analysis text: NFKC, digit strings as ASCII), longest first where shapes
 * overlap, sorted by start.
 *
 * @example
 * findDates("昭和五十八年の、えー、十一月二十日生まれ") // → [{ start: 0, end: 17, parts: "ymd", year: 1983, ... }]
 */
export function findDates(text: string): DateMatch[] {
  const hit = recentDates.find((r) => r.text === text);
  if (hit) return [...hit.dates];
  const dates = datesIn(text);
  recentDates.unshift({ text, dates });
  if (recentDates.length > RECENT_TEXTS) recentDates.pop();
  return [...dates];
}

/**
 * The dates of the last few texts: the age and birth-date recognizers read each utterance, and the question
 * before it, in turn (up to three times each).
 */
const recentDates: Array<{ readonly text: string; readonly dates: readonly DateMatch[] }> = [];
const RECENT_TEXTS = 4;

/** Every shape's year, month or day is a number (元年 included): a text without one holds no date. */
const ANY_DATE_NUMBER = /[0-9〇一二三四五六七八九十元]/;

function datesIn(text: string): DateMatch[] {
  if (!ANY_DATE_NUMBER.test(text)) return [];
  const all: DateMatch[] = [];
  for (const shape of SHAPES) {
    if (!shape.marker.test(text)) continue;
    for (const m of globalMatches(shape.regex, text)) {
      const surface = m[0];
      const read = shape.read(m.groups ?? {});
      if (!read) continue;
      const end = m.index + surface.length;
      // A bare year is a year of a date only when nothing after it makes it a duration or a grade.
      const after = text.slice(end, end + 3);
      if (read.parts === "y" && NOT_A_YEAR_AFTER.test(after)) continue;
      // A two-digit year alone (85年) is a year only where it is said as one: 85年生まれ, 85年です. この40年で
      // is a duration, 12年生 a school grade, and 平成45年 an impossible era year, not 1945.
      if (read.parts === "y" && /^[0-9]{2}\s?(?:[年년]|ねん)$/.test(surface)) {
        if (!TWO_DIGIT_YEAR_AFTER.test(text.slice(end, end + 4)) || /(?:この|その|あの|ここ|約|ほぼ|過去|[0-9]|(?<!西)\p{Script=Han})\s?$/u.test(text.slice(Math.max(0, m.index - 3), m.index))) continue;
      }
      all.push({ ...read, start: m.index, end, form: shape.form });
    }
  }
  const kept: DateMatch[] = [];
  for (const d of all.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)) {
    if (kept.some((k) => d.start < k.end && k.start < d.end)) continue;
    kept.push(d);
  }
  return kept.sort((a, b) => a.start - b.start);
}
