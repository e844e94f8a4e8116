import { PREFECTURES } from "../../text/prefectures.js";
import { getTokenizer, type Token } from "../../text/tokenizer.js";
import { type Candidate, type NlpArtifacts, type Recognizer, globalMatches } from "../recognizer.js";
import { BUILDING_WORDS, FILLERS, KANA_MUNICIPALITIES, LEAD_WORDS, PREFECTURES_ROMAJI } from "./address/words.js";

/**
 * ADDRESS: a person's or customer company's address at 町/丁目 level or finer, as one span from the prefecture
 * or city to the building and room (policy: ADDRESS). The analysis text has ASCII digits for typed and spoken
 * digit strings (〇三の… → 03-…) but keeps positional kanji (二丁目, 十四の六) and short kanji digit strings
 * (三〇二), so numbers are read here in both scripts.
 *
 * The finder works outward from the number chain (丁目/番地/号, 1-2-3, 十四の六): left over the place name
 * (prefecture, city, ward, 町域; fillers and pauses included) to the first administrative element, right over
 * the building and room. Strength follows what is named: a city with a chain is an address (0.85); a 町域 with
 * a chain, a bare chain or a city with its 町域 but no number are weaker (0.6) and need 住所 nearby, an address
 * question before them, or something only addresses have (丁目 and 番地 together, a room, Sapporo's 条 grid,
 * Kyoto's 上ル/下ル). kuromoji's place and proper-noun tags decide where a 町域 without a city starts.
 */

const KANJI_NUMERALS = "〇一二三四五六七八九十百千";
/** Every number readNumber reads starts with one of these. */
const ANY_NUMERAL = /[0-9〇一二三四五六七八九十百千]/;
const KANJI_DIGITS = "〇一二三四五六七八九";
/** Characters of a place name: kanji (numerals included: 二条殿町), katakana (グランメール), 々 and ヶ. */
const HEAD_CHAR = /[\p{Script=Han}\p{Script=Katakana}ー々ヶ]/u;
const HAN = /\p{Script=Han}/u;
const ANY_PREFECTURE = new RegExp(PREFECTURES.join("|"));
/** Every prefecture ends in 都/道/府/県; every municipality suffix classifyHead reads is 市/区/郡. */
const ADMIN_CHAR = /[都道府県市区郡]/;
/** Units that make a number part of an address. 番 and 号 only as units: not 番目, 番線, 番町, 号室, 号車. */
const UNIT = /^(?:丁目|番地|番(?![目線号組手町台館])|号(?![室棟線車機館])|条|地割)/;
/** A number followed by these is a room or a wing, not part of the 番地 chain. */
const ROOM_MARK = /^(?:号室|号棟|号館|階|棟|[Ff](?![A-Za-z]))/;
/**
 * What follows a chain that makes it a station exit, a shop, a quantity, a date or a time rather than an
 * address. Counters only count as such when no building name goes on (1-2-3日本橋ハイツ, 1-2-3本町ビル).
 */
const NOT_AFTER =
  /^(?:駅|店|支店|営業所|出口|口|交差点|付近|周辺|辺り|あたり|界隈|方面|行き|線|系統|バス停|停留所|時間|年間|日間|週間|分間|ヶ月|か月|カ月|キロ|km|cm|mm|kg|GB|MB|ギガ|メガ|ページ|行目|%|~|〜|:|(?:円|万|千|億|月|日|年|時|分|秒|歳|才|人|名|個|件|本|枚|回|割|倍|点|位|代|期|章|節|巻|話|頁|列|桁)(?!\p{Script=Katakana}|日本|本[町郷]|千[代住葉]))/iu;
/** 市/区/郡 that are not a municipality's suffix: 市場, 区立, 市役所, 区画, 市町村 … */
const NOT_SUFFIX_NEXT = /^(?:[場立役民内外長議営街井況販政域画分間切]|町村)/;
const NOT_SUFFIX_PREV = /[都地学挙管特]/;
/** A place name ending in these is a public place, a station or a venue, not where someone lives. */
const PUBLIC_PLACE_END = /(?:駅|店|支店|営業所|空港|港|タワー|ホール|会場|ドーム|公園|寺|神社|城|大学|病院|役所|役場|センター|ビル|ホテル|館|線|口|方面|周辺|付近)$/;
/** Kyoto street-relative directions: 烏丸通御池上ル, 西入ル. */
const KYOTO_DIRECTION = /(?:上ル|下ル|上る|下る|[東西]入ル?|[東西]入る)/;
/** Words of other values that never name a building (1-2-3 電話090…). */
const NOT_BUILDING = /(?:電話|携帯|TEL|FAX|(?<![\p{Script=Katakana}ー])メール|番号|郵便|ID|様|宛)/iu;
/** Words of living somewhere, which make a 町域 with a number someone's address. */
const LIVES = /住んで|住ん|在住|自宅|実家|引っ越|引越|住まい/;
/** Questions whose answer is an address (or part of one). */
const ASKS_ADDRESS = /ご住所|住所|お届け先|届け先|送り先|送付先|配送先|郵送先|発送先|設置先|移転先|転居先|引っ越し先|所在地|番地|address/i;

interface NumberRead {
  readonly end: number;
  /** A digit string (807, 三〇二), not a positional kanji number (三十一). */
  readonly digits: boolean;
  readonly ascii: boolean;
  readonly text: string;
}

const isAsciiDigit = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** Whether a numeral (ASCII digit or kanji) is at `i`: where readNumber may read a number. */
const startsNumber = (text: string, i: number): boolean => isAsciiDigit(text, i) || (i < text.length && KANJI_NUMERALS.includes(text[i]!));

/** A number at `i`: up to four ASCII digits (longer ones are phone numbers and codes) or a kanji numeral. */
function readNumber(text: string, i: number): NumberRead | undefined {
  if (isAsciiDigit(text, i)) {
    let j = i;
    while (isAsciiDigit(text, j)) j++;
    if (j - i > 4) return undefined;
    return { end: j, digits: true, ascii: true, text: text.slice(i, j) };
  }
  let j = i;
  let digits = true;
  while (j < text.length && KANJI_NUMERALS.includes(text[j]!) && j - i < 8) {
    if (!KANJI_DIGITS.includes(text[j]!)) digits = false;
    j++;
  }
  if (j === i) return undefined;
  return { end: j, digits, ascii: false, text: text.slice(i, j) };
}

/** First and last characters of the fillers: most positions are none, and the list is not searched there. */
const FILLER_FIRST = new Set(FILLERS.map((f) => f[0]!));
const FILLER_LAST = new Set(FILLERS.map((f) => f[f.length - 1]!));

/** Separators and fillers between the parts of one address (、 えー あの, spaces, and の where allowed). */
function skipSep(text: string, i: number, withNo = false): number {
  let j = i;
  while (j - i < 14) {
    const ch = text[j];
    if (ch === "、" || ch === "," || ch === " " || ch === "\t" || (withNo && ch === "の")) {
      j++;
      continue;
    }
    const filler = FILLER_FIRST.has(ch ?? "") ? FILLERS.find((f) => text.startsWith(f, j)) : undefined;
    if (!filler) break;
    j += filler.length;
  }
  return j;
}

/** Start of the separators and fillers that end at `end`. */
function sepStartBefore(text: string, end: number): number {
  let j = end;
  while (end - j < 14 && j > 0) {
    const ch = text[j - 1];
    if (ch === "、" || ch === "," || ch === " " || ch === "\t") {
      j--;
      continue;
    }
    const filler = FILLER_LAST.has(ch ?? "")
      ? FILLERS.find((f) => text.startsWith(f, j - f.length) && !/[ぁ-ゖ]/.test(text[j - f.length - 1] ?? ""))
      : undefined;
    if (!filler) break;
    j -= filler.length;
  }
  return j;
}

interface Core {
  readonly start: number;
  readonly end: number;
  /** 丁目, 番地, 番, 号 present. */
  readonly units: number;
  readonly numbers: number;
  readonly links: number;
  /** Sapporo's 条-丁目 grid (南七条西十五丁目): specific even without the city. */
  readonly grid: boolean;
}

/**
 * The number chain of an address at `start`: 二丁目五番地の三, 5丁目14-6, 四丁目、えー、六の二十, 4-6-18-805,
 * 一条西二丁目 (Sapporo). A chain needs a unit (丁目, 番地, 号) or two numbers joined by - or の.
 */
function parseCore(text: string, start: number): Core | undefined {
  const elements: Array<{ end: number; unit: string; joined: "start" | "link" | "sep"; n: NumberRead }> = [];
  let i = start;
  let joined: "start" | "link" | "sep" = "start";
  for (;;) {
    const n = readNumber(text, i);
    if (!n || ROOM_MARK.test(text.slice(n.end, n.end + 2))) break;
    const unit = UNIT.exec(text.slice(n.end, n.end + 2))?.[0] ?? "";
    const end = n.end + unit.length;
    elements.push({ end, unit, joined, n });
    if (unit === "号" || elements.length >= 6) break;
    const k = skipSep(text, end);
    // 1-2-3, 十四の六, 一ハイフン二 (too short for the digit rewrite to have made it 1-2).
    const link = /^(?:-|の|ノ|ハイフン|はいふん)/.exec(text.slice(k, k + 4))?.[0];
    if (link) {
      const next = skipSep(text, k + link.length);
      if (!readNumber(text, next)) break;
      i = next;
      joined = "link";
      continue;
    }
    // Sapporo: 北3条西4丁目, 一条西二丁目.
    if (unit === "条") {
      const at = /[東西南北]/.test(text[end] ?? "") ? end + 1 : end;
      if (!readNumber(text, at)) break;
      i = at;
      joined = "link";
      continue;
    }
    // After a unit the next number may follow a pause: 五丁目、えー、十四の六.
    if (unit !== "" && readNumber(text, k)) {
      i = k;
      joined = "sep";
      continue;
    }
    break;
  }
  // A bare number after a pause is the next thing said (三丁目、二人で…), not part of the chain.
  while (elements.length > 0 && elements[elements.length - 1]!.unit === "" && elements[elements.length - 1]!.joined === "sep") elements.pop();
  // 四条, 二条殿町 alone are street and town names.
  while (elements.length > 0 && elements[elements.length - 1]!.unit === "条") elements.pop();
  // 4-18-7、三宅様: the digit rewrite joins a name's first kanji (三宅 → 3宅) to the chain; a lone digit glued
  // to a kanji is that name, not a 号.
  const tail = elements[elements.length - 1];
  if (tail && elements.length > 1 && tail.unit === "" && tail.n.ascii && tail.n.text.length === 1 && HAN.test(text[tail.end] ?? "")) elements.pop();
  const first = elements[0];
  const last = elements[elements.length - 1];
  if (!first || !last) return undefined;
  const units = elements.filter((e) => e.unit !== "" && e.unit !== "条").length;
  const links = elements.filter((e) => e.joined === "link").length;
  if (units === 0 && links === 0) return undefined;
  // Addresses never start with 0: 03-…, 090-… are phone numbers, 〇一二… digit strings.
  if (first.n.text.startsWith("0") || first.n.text.startsWith("〇")) return undefined;
  // 154-0001 is a postal code.
  if (elements.length === 2 && units === 0 && first.n.ascii && first.n.text.length === 3 && last.n.text.length === 4) return undefined;
  if (NOT_AFTER.test(text.slice(last.end, last.end + 4))) return undefined;
  // Phone and card numbers split by hyphens: 81-3-6812-9930, 2227-4100-….
  const long = (min: number) => elements.filter((e) => e.n.ascii && e.n.text.length >= min).length;
  if (long(4) >= 2 || long(3) >= 3) return undefined;
  const grid = elements.some((e) => e.unit === "条") && elements.some((e) => e.unit === "丁目");
  return { start, end: last.end, units, numbers: elements.length, links, grid };
}

interface Room {
  readonly end: number;
  /** 号室, 階, F said: no other room number follows. */
  readonly marked: boolean;
}

/**
 * A room or floor at `i`: 807, 三〇二, 1203号室, 4F, 四階. Bare numbers count after a building name, or as
 * digit strings of three or more characters.
 */
function readRoom(text: string, i: number, afterBuilding: boolean): Room | undefined {
  const n = readNumber(text, i);
  if (!n || n.text.startsWith("0") || n.text.startsWith("〇")) return undefined;
  const mark = /^(?:号室|号|階|[Ff](?![A-Za-z]))/.exec(text.slice(n.end, n.end + 2))?.[0] ?? "";
  if (!mark && !afterBuilding && !(n.digits && n.text.length >= 3)) return undefined;
  let end = n.end + mark.length;
  // 4階401号室
  if (mark === "階" || /^[Ff]$/.test(mark)) end = readRoom(text, end, true)?.end ?? end;
  if (!endsItem(text, end)) return undefined;
  if (!mark) {
    // レジデンス十三の、八〇一: what looked like a room was the end of the name; the room comes next.
    const next = readRoom(text, skipSep(text, end, true), false);
    if (next && skipSep(text, end, true) > end) return next;
  }
  return { end, marked: mark !== "" };
}

/** Whether nothing of a name or number continues at `i` (宛 and 様方 end the address: 5F宛). */
function endsItem(text: string, i: number): boolean {
  const ch = text[i] ?? "";
  return /[宛様方迄]/.test(ch) || !(HEAD_CHAR.test(ch) || /[0-9A-Za-z\-.:/]/.test(ch));
}

/** End of the building and room after the chain ending at `end` (、パークハイツ池尻の、えー、五〇三). */
function extendRight(text: string, end: number): number {
  let i = skipSep(text, end, true);
  // 6-10-1 六本木ヒルズ reaches us as 6-10-1-6本木ヒルズ (the digit rewrite, see parseCore): the name starts at 6.
  const gluedName = /^-[0-9](?=\p{Script=Han})/u.test(text.slice(i, i + 3));
  if (gluedName) i++;
  // A room right after the chain: 1-2-3、201号室.
  const room = readRoom(text, i, false);
  if (room) return room.end;
  let j = i;
  let nameEnd = i;
  while (j < text.length && j - i < 30) {
    if (j > i) {
      const r = readRoom(text, j, true);
      if (r) return acceptBuilding(text.slice(i, j), true) ? r.end : end;
    }
    const ch = text[j]!;
    if (HEAD_CHAR.test(ch) || /[A-Za-z・&]/.test(ch)) {
      nameEnd = ++j;
      continue;
    }
    // A little kana inside a name (ルミエール中もず1102), not a particle that ends it (ハイツです).
    const kana = /^[ぁ-ゖ]{1,3}/.exec(text.slice(j, j + 4))?.[0];
    if (kana && j > i && (HEAD_CHAR.test(text[j + kana.length] ?? "") || readNumber(text, j + kana.length))) {
      j += kana.length;
      continue;
    }
    // 第2ビル, 3号棟
    if (/[0-9]/.test(ch) && ((j === i && gluedName) || text[j - 1] === "第" || /^[0-9]+(?:号棟|棟|号館)/.test(text.slice(j)))) {
      while (/[0-9]/.test(text[j] ?? "")) j++;
      nameEnd = j;
      continue;
    }
    break;
  }
  const name = text.slice(i, nameEnd);
  // サンライズ博多南の一二〇五: a name followed by a room is a building even without ハイツ or ビル.
  const r = readRoom(text, skipSep(text, nameEnd, true), true);
  if (r && acceptBuilding(name, true)) return r.end;
  return acceptBuilding(name, false) ? nameEnd : end;
}

function acceptBuilding(name: string, withRoom: boolean): boolean {
  if (name.length < 2 || NOT_BUILDING.test(name) || /^[0-9〇一二三四五六七八九十百千]+$/.test(name)) return false;
  return withRoom || BUILDING_WORDS.some((w) => name.includes(w));
}

/** Whether `text` before `end` ends in a prefecture, municipality or Kyoto-direction unit (区, 上ル …). */
function endsWithAdminUnit(text: string, end: number): boolean {
  if (end > 0 && "都道府県市区郡".includes(text[end - 1]!)) return true;
  const last2 = end >= 2 ? text.slice(end - 2, end) : "";
  return ["上ル", "下ル", "入ル", "上る", "下る", "入る"].includes(last2);
}

/** Start of the run of place-name characters ending at `end` (hiragana city names, 丸の内, 上る included). */
function runStartBefore(text: string, end: number): number {
  let p = end;
  const floor = Math.max(0, end - 40);
  while (p > floor) {
    const ch = text[p - 1]!;
    if (HEAD_CHAR.test(ch)) {
      p--;
      continue;
    }
    const kana = KANA_MUNICIPALITIES.find((w) => text.startsWith(w, p - w.length) && /[市町村]/.test(text[p] ?? ""));
    if (kana) {
      p -= kana.length;
      continue;
    }
    // 丸の内, 霞が関 (and 住所が荒川区…, trimmed later at the が).
    if ((ch === "の" || ch === "が") && HAN.test(text[p - 2] ?? "") && HAN.test(text[p] ?? "")) {
      p--;
      continue;
    }
    if (ch === "る" && /[上下入]/.test(text[p - 2] ?? "") && p < end) {
      p--;
      continue;
    }
    // A 町域 in hiragana right after the city or ward: 西区みなとみらい, ひばりが丘.
    const kanaTown = /(?<=[市区郡町])[ぁ-ゖー]{3,8}$/.exec(text.slice(Math.max(0, p - 9), p))?.[0];
    if (kanaTown && !/^[のにではがをともへや]/.test(kanaTown) && (p === end || HEAD_CHAR.test(text[p] ?? ""))) {
      p -= kanaTown.length;
      continue;
    }
    // 東京都 渋谷区, 荒川区、えー、西日暮里
    const sep = sepStartBefore(text, p);
    // 浅舞、えー、字下川原: an 字 (aza) after a pause continues the 町域.
    const afterUnit = endsWithAdminUnit(text, sep) || text.startsWith("字", p) || text.startsWith("大字", p);
    if (sep < p && p < end && afterUnit && HEAD_CHAR.test(text[p] ?? "")) {
      p = sep;
      continue;
    }
    break;
  }
  return p;
}

interface Head {
  readonly start: number;
  readonly end: number;
  /** A prefecture, city, ward or district is named; "town" is a 町域 alone (池尻, 西日暮里). */
  readonly level: "city" | "town";
  /** What follows the last administrative element: the 町域 (烏丸通御池上ル二条殿町). */
  readonly residue: string;
}

/** Where a place name inside the run cannot continue to the left: after の/が, a separator, a lead word. */
function nameFloor(text: string, runStart: number, at: number): number {
  let floor = runStart;
  let k = runStart;
  while (k < at) {
    const kana = KANA_MUNICIPALITIES.find((w) => text.startsWith(w, k) && /[市町村]/.test(text[k + w.length] ?? ""));
    if (kana) {
      k += kana.length;
      continue;
    }
    const lead = LEAD_WORDS.find((w) => text.startsWith(w, k) && k + w.length < at);
    if (lead) {
      floor = k + lead.length;
      k += lead.length;
      continue;
    }
    if (!HEAD_CHAR.test(text[k]!)) floor = k + 1;
    k++;
  }
  return floor;
}

/** Reads the place-name run `[runStart, runEnd)`: where the address starts and how specific it is. */
function classifyHead(text: string, runStart: number, runEnd: number, tokensOf: TokensOf, allowTown = true): Head | undefined {
  if (runEnd <= runStart) return undefined;
  // No prefecture's name is a prefix of another's, so the leftmost match is the earliest prefecture.
  const prefecture = ANY_PREFECTURE.exec(text.slice(runStart, runEnd));
  const pref = prefecture ? runStart + prefecture.index : -1;
  const prefEnd = prefecture ? pref + prefecture[0].length : -1;
  let firstSuffix = -1;
  let lastSuffixEnd = prefEnd;
  // 町/村 are municipalities only right after a 郡 or a prefecture (愛知郡東郷町); after a city they are 町域.
  let previous = prefEnd >= 0 ? "県" : "";
  for (let k = runStart + 1; k < runEnd; k++) {
    if (k < prefEnd) continue;
    const ch = text[k]!;
    const municipal = "市区郡".includes(ch) && !NOT_SUFFIX_NEXT.test(text.slice(k + 1, k + 3)) && !NOT_SUFFIX_PREV.test(text[k - 1]!);
    const town = "町村".includes(ch) && (previous === "郡" || previous === "県") && !NOT_SUFFIX_NEXT.test(text.slice(k + 1, k + 3));
    if (municipal && firstSuffix < 0) firstSuffix = k;
    if (municipal || town) {
      lastSuffixEnd = k + 1;
      previous = ch;
    }
  }
  if (pref < 0 && firstSuffix < 0) return allowTown ? townHead(text, runStart, runEnd, tokensOf()) : undefined;
  let start = pref;
  if (firstSuffix >= 0) {
    let nameStart = nameFloor(text, runStart, firstSuffix);
    // A long run before the suffix: keep the proper-noun tokens that end at it (…横浜市).
    if (firstSuffix - nameStart > 5) {
      const tokens = tokensOf();
      const last = tokens.findIndex((t) => t.end === firstSuffix);
      if (last >= 0) {
        let s = last;
        while (s > 0 && tokens[s - 1]!.start >= nameStart && (tokens[s - 1]!.pos1 === "固有名詞" || !tokens[s - 1]!.known)) s--;
        nameStart = tokens[s]!.start;
      }
    }
    if (nameStart >= firstSuffix) nameStart = firstSuffix - 1;
    if (pref < 0 || nameStart < pref) start = nameStart;
  }
  const residue = lastSuffixEnd >= 0 ? text.slice(lastSuffixEnd, runEnd) : "";
  return { start, end: runEnd, level: "city", residue };
}

/**
 * A 町域 without a city (池尻, 丸の内, 西日暮里): the noun tokens that end the run, with kuromoji's proper-noun
 * or place tags as evidence that they name a place.
 */
function townHead(text: string, runStart: number, runEnd: number, tokens: readonly Token[]): Head | undefined {
  const inside = tokens.filter((t) => t.start >= runStart && t.end <= runEnd);
  if (inside.length === 0 || inside[inside.length - 1]!.end !== runEnd) {
    const start = nameFloor(text, runStart, runEnd);
    if (start >= runEnd || !/[町村]$/.test(text.slice(start, runEnd))) return undefined;
    return { start, end: runEnd, level: "town", residue: text.slice(start, runEnd) };
  }
  let s = inside.length - 1;
  while (s > 0 && inside[s - 1]!.pos === "名詞" && inside[s - 1]!.pos1 !== "数" && !LEAD_WORDS.includes(inside[s - 1]!.surface)) s--;
  const kept = inside.slice(s);
  if (LEAD_WORDS.includes(kept[0]!.surface)) kept.shift();
  const place = kept.some((t) => t.pos1 === "固有名詞" || (t.pos1 === "接尾" && t.pos2 === "地域"));
  if (!place || kept.length === 0) return undefined;
  const start = kept[0]!.start;
  return { start, end: runEnd, level: "town", residue: text.slice(start, runEnd) };
}

/** The place-name head right before `coreStart` (separators, fillers or a dash may stand between). */
function headBefore(text: string, coreStart: number, tokensOf: TokensOf): Head | undefined {
  const end = text[coreStart - 1] === "-" ? coreStart - 1 : sepStartBefore(text, coreStart);
  return classifyHead(text, runStartBefore(text, end), end, tokensOf);
}

type Mode = "text" | "answer";

/**
 * A text's tokens, tokenized on first use: asksAddress reads every question, and most decisions about one
 * (a city with a number, no number at all) need no tokens.
 */
type TokensOf = () => readonly Token[];

const givenTokens = (tokens: readonly Token[]): TokensOf => () => tokens;

function lazyTokens(text: string): TokensOf {
  let tokens: readonly Token[] | undefined;
  return () => (tokens ??= getTokenizer().tokenize(text));
}

/** A number may start a chain here: not inside a longer number, a date, a time or a version. */
function chainMayStart(text: string, i: number): boolean {
  const previous = text[i - 1] ?? "";
  // 柏ー7ー22: a dash between the 町域 and the number (ー after a kanji is "-" in the analysis text).
  if (previous === "-" && HEAD_CHAR.test(text[i - 2] ?? "")) return true;
  if (/[0-9]/.test(text[i] ?? "")) return !/[0-9A-Za-z\-.:/_+#]/.test(previous);
  return previous === "" || !KANJI_NUMERALS.includes(previous);
}

function findAddresses(text: string, tokensOf: TokensOf, mode: Mode): Candidate[] {
  const out: Candidate[] = [];
  const cores: Array<{ start: number; end: number }> = [];
  for (let i = 0; i < text.length; i++) {
    // parseCore reads no chain where no number starts.
    if (!startsNumber(text, i) || !chainMayStart(text, i)) continue;
    const core = parseCore(text, i);
    if (!core) continue;
    cores.push(core);
    const head = headBefore(text, core.start, tokensOf);
    const end = extendRight(text, core.end);
    i = end - 1;
    // 南七条西十五丁目: the direction before the 条 belongs to the grid address.
    const gridStart = core.grid && /[東西南北]/.test(text[core.start - 1] ?? "") ? core.start - 1 : core.start;
    // Without a city, 池袋2-3 may be a shop or a meeting point: it needs a building, a room, the 条 grid, or
    // words of living there (or 住所 nearby, checked by the analyzer).
    const specific = end > core.end || core.grid || LIVES.test(text.slice(Math.max(0, core.start - 20), end + 15));
    if (head?.level === "city") {
      out.push({ start: head.start, end, score: 0.85, patternName: "city-and-number" });
    } else if (head?.level === "town") {
      out.push({ start: Math.min(head.start, gridStart), end, score: 0.6, patternName: "town-and-number", requiresContext: mode === "text" && !specific });
    } else if (core.grid) {
      out.push({ start: gridStart, end, score: 0.6, patternName: "grid-number" });
    } else if (mode === "answer" && (core.units > 0 || core.numbers >= 3 || end > core.end)) {
      out.push({ start: core.start, end, score: 0.6, patternName: "answered-number" });
    } else if (core.units >= 2) {
      // 五丁目十一番地の三 said on its own, the city given earlier in the call.
      out.push({ start: core.start, end, score: 0.6, patternName: "units-number" });
    }
  }
  out.push(...headOnly(text, tokensOf, mode, cores));
  return out;
}

/**
 * A city with its 町域 and no number (京都市中京区烏丸通御池上ル二条殿町, 世田谷区池尻): an address when Kyoto's
 * street directions say so, or as an answer to an address question or next to 住所.
 */
function headOnly(text: string, tokensOf: TokensOf, mode: Mode, cores: ReadonlyArray<{ start: number; end: number }>): Candidate[] {
  const out: Candidate[] = [];
  // classifyHead finds no head without a prefecture or municipality before the run's end: runs that end before
  // the first of them are not read.
  const firstAdmin = text.search(ADMIN_CHAR);
  if (firstAdmin < 0) return out;
  const runs = [...text.matchAll(/[\p{Script=Han}\p{Script=Katakana}ー々ヶ]+/gu)].map((m) => m.index + m[0].length);
  for (const [n, runEnd] of runs.entries()) {
    if (runEnd <= firstAdmin) continue;
    // Followed by a number: the chain decided already. Continued by the next run (上る, 丸の内): read that one.
    if (readNumber(text, skipSep(text, runEnd)) || cores.some((c) => c.start <= runEnd && runEnd <= c.end)) continue;
    const next = runs[n + 1];
    if (next !== undefined && runStartBefore(text, next) <= runEnd) continue;
    const head = classifyHead(text, runStartBefore(text, runEnd), runEnd, tokensOf, false);
    if (!head || head.residue.length < 2 || PUBLIC_PLACE_END.test(head.residue)) continue;
    if (KYOTO_DIRECTION.test(head.residue)) {
      out.push({ start: head.start, end: runEnd, score: 0.7, patternName: "kyoto-street" });
      continue;
    }
    const residueStart = runEnd - head.residue.length;
    const tokens = tokensOf();
    const named = tokens.some((t) => t.start >= residueStart && t.end <= runEnd && t.pos1 === "固有名詞");
    if (!named && tokens.length > 0) continue;
    out.push({ start: head.start, end: runEnd, score: 0.6, patternName: "city-and-town", requiresContext: mode === "text" });
  }
  return out;
}

const EN_CHAIN = /(?<![\w-])(?:(?:Room|Apt\.?|Unit|#)\s?\d{1,5}[A-Za-z]?,?\s+)?[1-9]\d{0,3}(?:-\d{1,4}){1,3}(?![\w-])/g;
const EN_PART = /^(?:,\s*|\s+)([A-Z][a-z]+(?:-[A-Za-z]+)*(?: [A-Z][a-z]+(?:-[A-Za-z]+)*)*)/;
const EN_SUFFIX = /-(?:ku|shi|cho|machi|gun|mura|son|ken|to|fu)$|\s(?:Ward|City|Town|Village|Prefecture)$/i;
const ROMAJI_PREFECTURES = new Set(PREFECTURES_ROMAJI);

/** English and romaji addresses: 2-8-15 Shirokane, Chuo-ku, Fukuoka-shi, Fukuoka. */
function findEnglish(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of globalMatches(EN_CHAIN, text)) {
    let end = m.index + m[0].length;
    let lastPlace = -1;
    for (let parts = 0; parts < 6; parts++) {
      const p = EN_PART.exec(text.slice(end));
      if (!p) break;
      end += p[0].length;
      const word = p[1]!;
      if (EN_SUFFIX.test(word) || ROMAJI_PREFECTURES.has(word.replace(/-(?:ken|to|fu)$/i, ""))) lastPlace = end;
    }
    if (lastPlace > 0) out.push({ start: m.index, end: lastPlace, score: 0.85, patternName: "english" });
  }
  return out;
}

/** 部屋番号が七〇八です: the room alone, said after the rest of the address. */
function roomAnswers(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(/(?:部屋番号|お部屋|部屋)(?:は|が|も)?/g)) {
    const start = skipSep(text, m.index + m[0].length);
    const room = readRoom(text, start, true);
    if (room) out.push({ start, end: room.end, score: 0.6, patternName: "answered-room" });
  }
  return out;
}

/**
 * Whether the previous utterance asks for an address, or reads one back (ご自宅は…三十番六でよろしいですか),
 * so that what comes next may be part of it.
 */
function asksAddress(question: string): boolean {
  if (ASKS_ADDRESS.test(question)) return true;
  // Every address findAddresses reports without needing context has a number chain or a Kyoto direction:
  // without either, the question is not tokenized (this runs for every utterance that follows another).
  if (!KYOTO_DIRECTION.test(question) && !hasNumberChain(question)) return false;
  return findAddresses(question, lazyTokens(question), "text").some((c) => !c.requiresContext);
}

/** Whether a number chain (丁目, 番地, 1-2-3 …) starts anywhere in `text`: what findAddresses builds on. */
function hasNumberChain(text: string): boolean {
  if (!ANY_NUMERAL.test(text)) return false;
  for (let i = 0; i < text.length; i++) {
    if (startsNumber(text, i) && chainMayStart(text, i) && parseCore(text, i)) return true;
  }
  return false;
}

/**
 * @example
 * analyze("〒150-0041 東京都渋谷区神南1-2-3 ハイツ神南201です") // → ADDRESS over 東京都渋谷区神南1-2-3 ハイツ神南201
 * analyze("荒川区西日暮里五丁目、えー、十四の六、グランメール西日暮里八〇七です") // → one ADDRESS, fillers inside
 * analyze("二丁目五番地の三です", { precedingText: "ご住所をお願いします" }) // → ADDRESS 二丁目五番地の三
 */
export const addressRecognizer: Recognizer = {
  id: "jp-address",
  entity: "ADDRESS",
  description: "住所: prefecture/city to 丁目・番地・号, building and room; partial answers to address questions",
  find: (text: string, nlp: NlpArtifacts) => [...findAddresses(text, givenTokens(nlp.tokens), "text"), ...findEnglish(text)],
  findAnswer: (question, answer, nlp) =>
    asksAddress(question) ? [...findAddresses(answer, nlp ? givenTokens(nlp.tokens) : lazyTokens(answer), "answer"), ...roomAnswers(answer)] : [],
  needsTokens: true,
  context: {
    words: ["住所", "所在地", "届け先", "送り先", "送付先", "配送先", "郵送先", "発送先", "設置先", "移転先", "転居先", "引っ越し先", "番地", "〒", "郵便番号", "address"],
    // Venues and shops have addresses too, but they are not anyone's.
    negative: ["会場", "開催", "店舗", "営業時間", "観光"],
    before: 30,
    after: 15,
  },
};
