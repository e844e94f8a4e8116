import { getTokenizer, type Token } from "../../text/tokenizer.js";
import { givenNameEntry, givenReading, romajiGiven, romajiSurname, surnameEntry, surnameReading } from "../lexicon/names.js";
import { type Candidate, globalMatches } from "../recognizer.js";

/**
 * Names found with the IPADIC-derived name lexicon (shared/detect/lexicon/names.json) where kuromoji's
 * segmentation does not see them: a full name it splits oddly (岡部|正|志), a given name before an honorific
 * (颯太くん), names in kana as ASR or forms write them (カワグチ ミサキ, たかはし さくら), in romaji (NAKAMURA
 * Rina), and foreign names with ・ (ジェームズ・ウォーカー).
 */

/** Honorifics, titles, ranks and news roles that follow a name (never part of it, policy rule 4). */
/** Honorifics that end a name whatever follows them (田中さん田中さん, 山田様方). */
export const HONORIFICS = "さん|様|さま|くん|君|ちゃん|氏|殿|老师";
export const TITLES =
  "先生|先輩|老师|部長|課長|係長|次長|社長|副社長|専務|常務|取締役|会長|理事長|主任|店長|院長|園長|校長|教授|准教授|助教|講師|博士|研究員|医師|弁護士|記者|選手|投手|捕手|内野手|外野手|監督|コーチ|主将|[一二三四五六七八九]段|名人|棋士|横綱|大関|関脇|容疑者|被告|議員|知事|市長|町長|首相|大臣|長官|代表|最高経営責任者|CEO|画伯|師匠|夫妻";
/** After a name: a title (not followed by more kanji: 選手権 is not 選手), a self-introduction, or an age. */
export const NAME_FOLLOWER = new RegExp(
  `^(?:${HONORIFICS}|と申します|といいます|と言います|でございます|です|より|宛|あて|(?:${TITLES})(?![\\p{Script=Han}])|[（(]\\d{1,3}[）)])`,
  "u",
);
/** Honorifics proper: enough on their own for a given name or a kana word (です is not). */
const HONORIFIC_ONLY = /^(?:さん|様|さま|くん|君|ちゃん|氏|殿|先生|先輩|老师)/;
/** Words that are honorifics or particles, never names in kana (さん in 榊原宗観さん). */
const NOT_KANA_NAME = /^(?:さん|さま|くん|ちゃん|せんせい|です|でした|ます|から|まで|より|など|ほど|だけ)/;

/** What may stand between an explained kanji and の: anything but a break (原っぱの原, not 原、あの原). */
const EXPLANATION_BREAK = /^[、。,.\s]$/u;

/** Whether index `i` falls inside a surrogate pair (between its two halves). */
function splitsPair(text: string, i: number): boolean {
  const high = text.charCodeAt(i - 1);
  const low = text.charCodeAt(i);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

/**
 * 原っぱの原, 恵むの恵: a kanji explained by a word that contains it is the spelling, not the name. True when the
 * seven characters before the span hold the kanji, then at most four characters other than a break, then の.
 */
export function explainedKanji(text: string, start: number, end: number): boolean {
  const kanji = text.slice(start, end);
  // One code point: one UTF-16 unit, or a surrogate pair (𠮷).
  if (!(kanji.length === 1 || (kanji.length === 2 && kanji.codePointAt(0)! > 0xffff))) return false;
  const window = text.slice(Math.max(0, start - 7), start);
  if (!window.endsWith("の")) return false;
  // Walk back from the の over up to four code points; the kanji may end at any of those places.
  let at = window.length - 1;
  for (let gap = 0; ; gap++) {
    if (window.endsWith(kanji, at) && !splitsPair(window, at - kanji.length)) return true;
    if (gap === 4 || at === 0) return false;
    const previous = splitsPair(window, at - 1) ? at - 2 : at - 1;
    if (EXPLANATION_BREAK.test(window.slice(previous, at))) return false;
    at = previous;
  }
}
/** After a given name: whose kin it is (颯太の母の松井です). */
const KIN_AFTER = /^の(?:母|父|兄|姉|弟|妹|妻|夫|息子|娘|祖母|祖父|両親|家族|担任|保護者)/;

/** Before a name: kin, roles and cues (長男の大翔, 祖母の松田 ハル, 名義). */
const LEADER_WORDS =
  "本名|旧姓|英語名|通称|芸名|愛称|長男|長女|次男|次女|三男|三女|息子|娘|兄|姉|弟|妹|妻|夫|父|母|祖母|祖父|孫|子ども|子供|主人|家内|友人|同僚|上司|部下|担当|名義|名義人|宛名|氏名|名前|お名前|なまえ|わたしは|私は|僕は|私、";
export const NAME_LEADER = new RegExp(`(?:${LEADER_WORDS}|(?<![\\p{Script=Han}])[上下]の)(?:の|は|が|[:：・])?\\s?$`, "u");

const HAN = "[\\p{Script=Han}々ヶ]";
const NUMERALS = /^[〇一二三四五六七八九十百千万]+$/;
/** Kanji honorifics and titles, where a name ends. */
const TITLE_START = new RegExp(`^(?:様|氏|殿|君|${"先生|部長|課長|係長|次長|社長|専務|常務|会長|主任|店長|院長|教授|選手|投手|監督|議員|知事|市長|首相|大臣|代表|容疑者|被告"})`);
const KANJI_RUN = new RegExp(`${HAN}{2,8}`, "gu");
const KANA_WORD = /[\u30A1-\u30FA\u30FC]{2,8}|[\u3041-\u3096\u30FC]{2,8}/gu;
const ROMAN_PAIR = /(?<![A-Za-z])([A-Z][a-z]+|[A-Z]{2,})\s+([A-Z][a-z]+|[A-Z]{2,})(?![A-Za-z])/g;
const DOTTED_KATAKANA = /(?<![\u30A1-\u30FA\u30FC])[\u30A1-\u30FA\u30FC]{2,}(?:・[\u30A1-\u30FA\u30FC]{2,})+/gu;

function followed(text: string, end: number): boolean {
  return NAME_FOLLOWER.test(text.slice(end, end + 10));
}

function led(text: string, start: number): boolean {
  return NAME_LEADER.test(text.slice(Math.max(0, start - 8), start));
}

/** Whether a span is one dictionary word that is not a name (大和, 今日): then the lexicon split is wrong. */
function ordinaryWord(tokens: readonly Token[], start: number, end: number): boolean {
  const covering = tokens.filter((t) => t.start < end && t.end > start);
  // 名古屋市, 港北区: a place with its suffix is not a surname and a given name.
  if (covering.some((t) => t.pos1 === "接尾" && t.pos2 === "地域")) return true;
  return covering.length === 1 && covering[0]!.known && covering[0]!.pos2 !== "人名" && covering[0]!.start === start && covering[0]!.end === end;
}

/** After a surname and a space: a given name in kanji or katakana (田辺 涼, 岡部 正志). */
const SPACED_GIVEN = new RegExp(`^[ \\u3000](${HAN}{1,3}|[\\u30A1-\\u30FA\\u30FC]{2,5})(?=[\\s、。,.!！?？/（(]|$|[はがのもとでにへを]|さん|様|です|宛|より|から)`, "u");

/** After a given name alone: an honorific, a rank or an age (颯太くん, 葉月五段), or a kin word (颯太の母). */
function givenNameCue(text: string, end: number): boolean {
  const after = text.slice(end, end + 3);
  return HONORIFIC_ONLY.test(after) || /^(?:[一二三四五六七八九]段|選手|投手|[（(]\d)/.test(after) || KIN_AFTER.test(text.slice(end, end + 6));
}

/** Whether a UTF-16 code (NaN past the end) is hiragana ぁ–ゖ. */
function isHiragana(code: number): boolean {
  return code >= 0x3041 && code <= 0x3096;
}

/** A word alone on its line or in brackets: （西村）. */
function setApart(text: string, start: number, end: number): boolean {
  const lineAlone = (start === 0 || text[start - 1] === "\n") && (end === text.length || text[end] === "\n");
  return lineAlone || ((text[start - 1] === "（" || text[start - 1] === "(") && (text[end] === "）" || text[end] === ")"));
}

/** Kanji: surname + given name from the lexicon (with an optional space), or a given name with an honorific. */
function kanjiNames(text: string, tokens: readonly Token[]): Candidate[] {
  const out: Candidate[] = [];
  for (const m of globalMatches(KANJI_RUN, text)) {
    const run = m[0];
    // 十一, 一人, 二人: an age or a count here, not 十一 (Juichi) or 一人 (Kazuto).
    if (NUMERALS.test(run) || /^[〇一二三四五六七八九十百]+[人つ個名歳才回本枚台件]$/.test(run)) continue;
    let best: { end: number; score: number } | undefined;
    // A surname and a given name take three kanji at least (s + g >= 3 below): a two-kanji run has neither.
    for (let s = run.length < 3 ? 0 : Math.min(4, run.length - 1); s >= 1; s--) {
      if (!surnameEntry(run.slice(0, s))) continue;
      for (let g = Math.min(4, run.length - s); g >= 1; g--) {
        if (s + g < 3) continue;
        const end = m.index + s + g;
        const given = run.slice(s, s + g);
        if (NUMERALS.test(given) || NUMERALS.test(run.slice(0, s))) continue;
        // 佐々木様: an honorific or a title is never the given name (policy rule 4).
        if (/[様氏殿君]/.test(given) || [...given].some((_, k) => TITLE_START.test(given.slice(k)))) continue;
        // A given name the lexicon knows, or one or two kanji right before a title (早瀬陸斗投手).
        const knownGiven = givenNameEntry(given) !== undefined;
        if (!knownGiven && g > 2) continue;
        const title = followed(text, end);
        // です is a copula as often as a self-introduction: it does not vouch for an unknown given name.
        // It does as the first words of a reply (𠮷田です。携帯は…), where a name is what is being given.
        const titled = HONORIFIC_ONLY.test(text.slice(end, end + 3)) || TITLE_START.test(text.slice(end, end + 6)) || (title && OPENING.test(text.slice(0, m.index)));
        if (!knownGiven && !titled) continue;
        if (ordinaryWord(tokens, m.index, end) || /[市区町村県都府郡]$/.test(run.slice(0, s + g))) continue;
        // The rest of the run must be a title (社長, 投手) or nothing.
        if (s + g < run.length && !title) continue;
        best = { end, score: title || led(text, m.index) ? 0.9 : 0.8 };
        break;
      }
      if (best) break;
    }
    // The tests below take the whole run as a surname: each asks the lexicon once its context is there.
    // 白石ひなのさん: a surname and a given name written in hiragana, before an honorific.
    if (!best && isHiragana(text.charCodeAt(m.index + run.length))) {
      const rest = text.slice(m.index + run.length);
      const hira = /^([\u3041-\u3096]{2,4})(?=さん|様|ちゃん|くん|氏|[（(]\d)/u.exec(rest);
      // 中島さくらと申します, or 中島さくらです said first: a self-introduction vouches for the given reading.
      const introduced = /^([\u3041-\u3096]{2,4}?)(?=と申します|といいます|でございます|です(?:[。、！!\s]|$))/u.exec(rest);
      if ((hira || introduced) && surnameEntry(run)) {
        const introducedName = introduced && givenReading(introduced[1]!) && (!/^です/.test(rest.slice(introduced[1]!.length)) || OPENING.test(text.slice(0, m.index)));
        if (hira) best = { end: m.index + run.length + hira[1]!.length, score: 0.85 };
        else if (introduced && introducedName) best = { end: m.index + run.length + introduced[1]!.length, score: 0.85 };
      }
    }
    // 田辺 涼, 岡部 正志: a surname, a space, a given name.
    if (!best && /^[ \u3000]/.test(text.slice(m.index + run.length)) && surnameEntry(run)) {
      const next = SPACED_GIVEN.exec(text.slice(m.index + run.length));
      if (next) best = { end: m.index + run.length + next[0].length, score: givenNameEntry(next[1]!) ? 0.85 : 0.8 };
    }
    // 颯太くん, 長男の大翔, 颯太の母: a given name alone, with an honorific or a kin word around it.
    const end = m.index + run.length;
    if (!best && run.length <= 3 && givenNameEntry(run) && (givenNameCue(text, end) || led(text, m.index)) && !ordinaryWord(tokens, m.index, end)) {
      best = { end, score: 0.8 };
    }
    // 母の三宅の家: a surname alone after a kin word.
    if (!best && run.length <= 4 && /(?:母|父|祖母|祖父|兄|姉|妻|夫|娘|息子|叔母|叔父|伯母|伯父)の$/.test(text.slice(Math.max(0, m.index - 3), m.index)) && surnameEntry(run)) {
      // Kin make even a place-like surname (三宅, 川口) a name; a common noun (母の家) is not a surname anyway.
      best = { end, score: 0.8 };
    }
    // 葉月五段, 山下様: a surname alone before a title or honorific (not です: 大阪です is an answer).
    if (!best && run.length <= 4 && /^(?!です|より|宛|あて)/.test(text.slice(end, end + 2)) && followed(text, end) && surnameEntry(run) && !ordinaryWord(tokens, m.index, end)) {
      best = { end, score: 0.85 };
    }
    // （西村）, a name alone on its line: a surname the lexicon knows, set apart.
    if (!best && run.length <= 4 && setApart(text, m.index, end) && surnameEntry(run)) best = { end, score: 0.75 };
    if (best) out.push({ start: m.index, end: best.end, score: best.score, patternName: "lexicon-kanji", labelBound: true });
  }
  return out;
}

/** Nothing but fillers before: the start of a reply. */
const OPENING = /^(?:(?:はい|ええ|えっと|えー|あの|あ|もしもし)[、,\s]*)*$/;

/** Kana: a surname reading followed by a given reading (カワグチ ミサキ), or one with context (スズキ様). */
function kanaNames(text: string): Candidate[] {
  const out: Candidate[] = [];
  const words = globalMatches(KANA_WORD, text);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const start = w.index;
    let end = start + w[0].length;
    const next = words[i + 1];
    const gap = next ? text.slice(end, next.index) : "";
    const hiragana = /^[\u3041-\u3096]/.test(w[0]);
    const sameScript = hiragana === /^[\u3041-\u3096]/.test(next?.[0] ?? "");
    const pairedWithNext = next !== undefined && (/^[ \u3000・]$/.test(gap) || (gap === "" && sameScript));
    const after = text.slice(end, end + 4);
    const honorific = HONORIFIC_ONLY.test(after);
    // A hiragana word is a name only with an honorific after it or as a surname paired with the next word:
    // most hiragana words are neither, and need no lookup.
    if (hiragana && !honorific && !pairedWithNext) continue;
    // Particles glued to hiragana (たかはしです): try the longest prefix that is a name.
    const surname = surnameReading(w[0]);
    if (surname && next && pairedWithNext && !NOT_KANA_NAME.test(next[0]) && givenReading(next[0])) {
      out.push({ start, end: next.index + next[0].length, score: 0.85, patternName: "lexicon-kana-full", labelBound: true });
      i++;
      continue;
    }
    const reading = surname ?? givenReading(w[0]);
    // Most kana words are not names: skip the context tests for them.
    if (!reading || NOT_KANA_NAME.test(w[0])) continue;
    // です alone makes a name only of a word said first (はい、スズキです), not of one inside a sentence
    // (…のレンジです); hiragana words need an honorific (やお部屋 is や + お部屋).
    const firstWord = /(?:^|[、。\s!！?？]|はい|私は|わたしは)$/.test(text.slice(Math.max(0, start - 4), start));
    const context = honorific || led(text, start) || (!hiragana && followed(text, end) && (firstWord || !/^です/.test(after)));
    if (reading && context && (!reading.ambiguous || honorific) && (!hiragana || honorific)) {
      // Hiragana before です is also a copula's subject: keep it only with a name-like reading.
      end = start + w[0].length;
      out.push({ start, end, score: 0.8, patternName: "lexicon-kana", labelBound: true });
    }
  }
  return out;
}

/**
 * A full name in kana written as one word, as ASR and forms do (かわしまゆうこです, タカハシケンタ様): a surname
 * reading and a given-name reading that together fill the word, before an honorific or a self-introduction,
 * or after a name cue (お名前は, 私は).
 */
const GLUED_KANA_NAME =
  /(?:(?<![\u3041-\u3096\u30A1-\u30FA\u30FC])|(?<=(?:お名前は|名前は|名前が|わたしは|私は|僕は|わたくし)[、\s]?))(?<name>[\u3041-\u3096]{4,10}?|[\u30A1-\u30FA\u30FC]{4,12}?)(?=です|でございます|と申します|と申し|といいます|って言います|さん|様|さま|くん|ちゃん|[、。\s]|$)/gu;

/**
 * What a glued kana name needs somewhere in the text: an honorific or a strong self-introduction after it, a
 * name cue before it (NAME_LEADER's words), or です ending the text. Without one, none is taken.
 */
const GLUED_KANA_CUE = new RegExp(`さん|様|さま|くん|君|ちゃん|氏|殿|先生|先輩|老师|と申し|といいます|って言います|でございます|です[。！!]?$|${LEADER_WORDS}|[上下]の`);

function gluedKanaNames(text: string): Candidate[] {
  const out: Candidate[] = [];
  if (!GLUED_KANA_CUE.test(text)) return out;
  for (const m of globalMatches(GLUED_KANA_NAME, text)) {
    const word = m.groups?.["name"] ?? "";
    const end = m.index + m[0].length;
    // The particle of a cue glued to the name (名前はたかはしけんたです) is not part of it.
    const skip = /^[はがも]/.test(word) && led(text, m.index + 1) ? 1 : 0;
    const start = m.index + skip;
    const name = word.slice(skip);
    const cued = HONORIFIC_ONLY.test(text.slice(end, end + 3)) || STRONG_SELF_INTRO.test(text.slice(end, end + 6)) || led(text, start);
    // です alone vouches only for a whole answer (はい、かわしまゆうこです), not a clause inside a sentence.
    const answer = /^です[。！!]?$/.test(text.slice(end)) && /^(?:(?:はい|えっと|えー|あ)[、,\s]*)*$/.test(text.slice(0, start));
    if (!cued && !answer) continue;
    for (let cut = 2; cut <= name.length - 2; cut++) {
      const surname = surnameReading(name.slice(0, cut));
      const given = givenReading(name.slice(cut));
      if (surname && given && !(surname.ambiguous && given.ambiguous)) {
        out.push({ start, end, score: 0.8, patternName: "lexicon-kana-glued", labelBound: true });
        break;
      }
    }
  }
  return out;
}
const STRONG_SELF_INTRO = /^(?:と申します|と申し|といいます|って言います|でございます)/;

/** English words that are also romaji of some name (Hi, Mr, Ken, Mine): not names in a pair. */
const ENGLISH_WORDS = new Set(["hi", "hey", "mr", "ms", "mrs", "dr", "my", "me", "mine", "the", "and", "see", "you", "are", "so", "no", "to", "do", "go", "man", "can", "dear", "hello", "thanks", "sorry", "good", "nice", "great", "yes", "ok", "okay", "team", "kind", "regards", "best", "all", "one", "make", "take", "come", "sake", "sushi", "tokyo", "osaka", "kyoto", "japan"]);

/** Romaji: NAKAMURA Rina, Kenta Ono, TSUBASA ASANO — one surname and one given name from the lexicon. */
function romajiNames(text: string): Candidate[] {
  const out: Candidate[] = [];
  // Both words start with a capital letter.
  if (!/[A-Z]/.test(text)) return out;
  for (const m of globalMatches(ROMAN_PAIR, text)) {
    const [a, b] = [m[1]!.toLowerCase(), m[2]!.toLowerCase()];
    const pair = (romajiSurname(a) && romajiGiven(b)) || (romajiGiven(a) && romajiSurname(b));
    if (pair && a.length >= 3 && b.length >= 2 && !ENGLISH_WORDS.has(a) && !ENGLISH_WORDS.has(b)) out.push({ start: m.index, end: m.index + m[0].length, score: 0.8, patternName: "lexicon-romaji", labelBound: true });
  }
  return out;
}

/** Foreign names with ・ (ダニエル・クラーク): names unless every part is an ordinary katakana word. */
function dottedNames(text: string, tokens: readonly Token[]): Candidate[] {
  const out: Candidate[] = [];
  if (!text.includes("・")) return out;
  for (const m of globalMatches(DOTTED_KATAKANA, text)) {
    const start = m.index;
    const end = start + m[0].length;
    const parts = tokens.filter((t) => t.start >= start && t.end <= end && t.surface !== "・");
    const ordinary = parts.length > 0 && parts.every((t) => t.known && t.pos2 !== "人名" && t.pos1 === "一般");
    const known = m[0].split("・").some((p) => givenReading(p)?.kanaOnly || surnameReading(p)?.kanaOnly || givenReading(p) || surnameReading(p));
    if (ordinary && !known) continue;
    out.push({ start, end, score: followed(text, end) || led(text, start) || known ? 0.8 : 0.45, patternName: "dotted-katakana", labelBound: true });
  }
  return out;
}

/** Kin and role words that take さん but are not names (妹さん, 奥さん). */
const KIN_WORDS = new Set(["妹", "弟", "兄", "姉", "娘", "孫", "夫", "妻", "奥", "嫁", "婿", "父", "母", "客", "皆", "隣", "親", "子", "坊", "神"]);

const SINGLE_KANJI = new RegExp(`(?<!${HAN})${HAN}(?!${HAN})`, "gu");

/** 光ちゃん, 兄の遼, 原さん: a single-kanji name needs an honorific or a kin word. */
/** What a single-kanji name needs somewhere in the text: an honorific after it or a kin word before it. */
const SINGLE_KANJI_CUE = /さん|様|くん|君|ちゃん|先生|(?:長男|長女|次男|次女|息子|娘|兄|姉|弟|妹|妻|夫|孫|[上下])の/;

function singleKanjiNames(text: string, tokens: readonly Token[]): Candidate[] {
  const out: Candidate[] = [];
  if (!SINGLE_KANJI_CUE.test(text)) return out;
  for (const m of globalMatches(SINGLE_KANJI, text)) {
    const end = m.index + 1;
    const honorific = /^(?:さん|様|くん|君|ちゃん|先生)/.test(text.slice(end, end + 3)) && !/[おご御]$/.test(text.slice(0, m.index));
    // 上の/下の mean the elder/younger child only on their own (以上の方 is "those above").
    const kin = /(?:長男|長女|次男|次女|息子|娘|兄|姉|弟|妹|妻|夫|孫|(?<![\p{Script=Han}])[上下])の$/u.test(text.slice(Math.max(0, m.index - 3), m.index));
    if (!(honorific || kin) || !(givenNameEntry(m[0]) || surnameEntry(m[0])) || KIN_WORDS.has(m[0]) || explainedKanji(text, m.index, end)) continue;
    // Part of a noun (空港, 光回線); a verb the tokenizer made of 空くん (空く) does not count.
    if (tokens.some((t) => t.start <= m.index && t.end >= end && t.end - t.start > 1 && t.pos === "名詞")) continue;
    out.push({ start: m.index, end, score: 0.75, patternName: "lexicon-single-kanji", labelBound: true });
  }
  return out;
}

/** Agents and staff referred to by name: 岬が承りました, 原が担当いたします, 山下がお待ちしています. */
const STAFF_VERB = /^(?:が(?:承り|担当|対応|お待ち|伺い|ご案内|お伺い|参り|お電話)|を(?:呼んで|お呼び)|でした[。!！]?$|まで(?:ご連絡|お問い合わせ))/;
/** What STAFF_VERB needs somewhere in the text: without it no staff name can be found. */
const STAFF_CUE = /が(?:承り|担当|対応|お待ち|伺い|ご案内|お伺い|参り|お電話)|を(?:呼んで|お呼び)|でした|まで(?:ご連絡|お問い合わせ)/;
const STAFF_WORD = new RegExp(`(?<![\\p{Script=Han}々])${HAN}{1,4}(?=が|を|でした|まで)`, "gu");
/** The whole word before a strong self-introduction (小鳥遊と申します), whatever the dictionary makes of it. */
const INTRODUCED_WORD = /(?<![\p{Script=Han}々\u30A1-\u30FA\u30FC])(?:[\p{Script=Han}々]{1,5}|[\u30A1-\u30FA\u30FC]{2,8})(?=と申します|と申し|といいます|と言います|でございます)/gu;
/** What INTRODUCED_WORD needs after the word. */
const INTRODUCED_WORD_CUE = /と申し|といいます|と言います|でございます/;
const NOT_A_NAME = /^(?:者|担当|担当者|私|わたくし|当社|弊社|当店|当院|当方|こちら|本日|以上|代表|窓口|事務局|係|係員|受付|営業|スタッフ|サポート)$|(?:会社|株式会社|銀行|病院|医院|大学|センター|部|課|室|店|社)$/u;
/** 吉岡、宇野、東の3氏 / 山田、鈴木らが: names listed before 各氏, 両氏, N氏 or ら. */
const NAME_LIST = /(?<![\p{Script=Han}々])(?:[\p{Script=Han}々]{1,4}、){1,5}[\p{Script=Han}々]{1,4}(?=の(?:\d+|[二三四五六七八九十]+|両|各)氏|ら[がはのと、])/gu;

/** A word the lexicon knows as a name: kanji surname or given name, or a kana reading that is not also an
 * everyday word (そう, いい, じゃあ are readings of some name but answers here). */
function plausibleName(word: string): boolean {
  if (/^[\p{Script=Han}々]+$/u.test(word)) return Boolean(surnameEntry(word) || givenNameEntry(word));
  const reading = surnameReading(word) ?? givenReading(word);
  return reading !== undefined && !reading.ambiguous && !/^[\u3041-\u3096]{2}$/.test(word);
}

/** はい、森です。 — the whole utterance is a phone greeting with a surname. */
const GREETING = /^(?:はい|もしもし|あ|ええ)[、,\s]*(?:はい[、,\s]*)?(?<name>[\p{Script=Han}々]{1,4}|[\u30A1-\u30FA\u30FC]{2,8}|[\u3041-\u3096]{2,8}?)(?:です|でございます)[。！!]?$/u;
/** 林は雑木林の林で / 岬は、あの、海に突き出た岬です / 下は誠です: a name part being spelled out. */
const SPELLED_PART = new RegExp(`(?<![\\p{Script=Han}々])(?<name>${HAN}{1,2})は[、,\\s]*(?:あの[、,\\s]*|えー[、,\\s]*)?[^。]{0,14}?(?:の|た)\\k<name>(?:で|です|と書|に)`, "gu");
/** What SPELLED_PART needs after the name: の or た, the name again, then で, に or と書. */
const SPELLED_PART_CUE = new RegExp(`[のた]${HAN}{1,2}(?:で|と書|に)`, "u");
/** 漢字だと四月一日って書きます: a name's written form given after its reading (rule 5: the name, not the cue). */
const KANJI_SPELLING = new RegExp(`漢字(?:だと|では|で(?:書くと)?|は)[、,\\s]*(?:えー[、,\\s]*|えっと[、,\\s]*|あの[、,\\s]*)?(?<name>${HAN}{1,6})(?=って書|と書)`, "gu");
const GIVEN_PART = new RegExp(`(?:下|下の名前|名前)は[、,\\s]*(?<name>${HAN}{1,3})(?=です|と書|で[、。])`, "gu");
/** 開発部の光永と, 情シスのワンから, 教室の佐倉です: a colleague named after their department or office. */
const AFTER_DEPARTMENT = /(?:部|課|室|係|チーム|情シス|経理|総務|人事|営業|開発|広報|法務|教室|校|店|事務所|センター|クリニック)の(?<name>[\p{Script=Han}々]{2,4}|[ァ-ヺー]{2,8})(?=から|が|と|に|です|でございます|より|さん|と申)/gu;
/** What AFTER_DEPARTMENT needs: the last character of one of its words, then の. */
const AFTER_DEPARTMENT_CUE = /[部課室係ムス理務事業発報校店所ーク]の/;
/** What AFTER_COMPANY needs after the name. */
const AFTER_COMPANY_CUE = /です|でございます|と申します/;
/** 有限会社サクラ設計、川口です: a person after their company's name. */
const AFTER_COMPANY = /(?:株式会社|有限会社|合同会社|商事|物産|工業|設計|不動産|銀行|病院|クリニック|事務所|センター|[部課室])[、,\s]\s?(?<name>[\p{Script=Han}々]{1,4})(?=です|でございます|と申します)/gu;

/** Whether kuromoji knows the word as one ordinary dictionary word (サーバー, チーム). */
function knownWord(word: string): boolean {
  const tokens = getTokenizer().tokenize(word);
  return tokens.length === 1 && tokens[0]!.known && tokens[0]!.pos2 !== "人名";
}

/** ゆうと・あかりより: given names joined by ・ that sign a message. */
const SIGNED_NAMES = /(?<![\u3041-\u3096\u30A1-\u30FA\u30FC])(?<names>[\u3041-\u3096\u30A1-\u30FA\u30FC]{2,6}(?:・[\u3041-\u3096\u30A1-\u30FA\u30FC]{2,6}?)+)(?=より|から[」\n!！]|$)/gu;

/** ひかりは6歳です: a kana given name whose age is told right after it. */
const NAME_WITH_AGE = /(?:^|(?<=[、。\s!！?？]))(?<name>[\u3041-\u3096\u30A1-\u30FA\u30FC]{2,6}?)(?:は|が|も)(?:今|いま|もう)?[、\s]?(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?:歳|才|さい)/gu;
/** A number NAME_WITH_AGE needs: digits or kanji numerals. */
const AGE_NUMBER = /[0-9一二三四五六七八九十]/;
/** 葉月五段, 藤井七段: a dan rank follows only a person. */
const DAN_RANK = new RegExp(`(?<![\\p{Script=Han}々])(?<name>${HAN}{2,4}?)(?=[一二三四五六七八九]段(?:は|が|の|と|（|\\(|、|$))`, "gu");
/** A line of katakana words after an account line (普通 5518034 / リ ウェイ): the account holder. */
const HOLDER_LINE = /(?:口座|普通|当座|名義|\d{6,8})[^\n]*\n(?<name>[\u30A1-\u30FA\u30FC]{1,8}(?:[ \u3000][\u30A1-\u30FA\u30FC]{1,8})+)(?=\n|$)/gu;

function staffAndListNames(text: string): Candidate[] {
  const out: Candidate[] = [];
  const push = (start: number, name: string, score: number, patternName: string) => out.push({ start, end: start + name.length, score, patternName, labelBound: true });
  const greeting = GREETING.exec(text.trim());
  const greeted = greeting?.groups?.["name"];
  if (greeting && greeted && !NOT_A_NAME.test(greeted) && plausibleName(greeted)) {
    push(text.indexOf(greeted, text.length - text.trimStart().length), greeted, 0.85, "greeting-name");
  }
  // Each pattern below runs only when the text holds a literal that every match of it needs.
  const spelled = text.includes("は") && SPELLED_PART_CUE.test(text);
  for (const m of spelled ? globalMatches(SPELLED_PART, text) : []) {
    const name = m.groups?.["name"];
    if (name && (surnameEntry(name) || givenNameEntry(name))) push(m.index, name, 0.8, "spelled-name-part");
  }
  for (const m of text.includes("漢字") ? globalMatches(KANJI_SPELLING, text) : []) {
    const name = m.groups?.["name"];
    if (name && !NOT_A_NAME.test(name)) push(m.index + m[0].length - name.length, name, 0.8, "kanji-spelling");
  }
  // 下は, 下の名前は, 名前は
  for (const m of text.includes("下は") || text.includes("名前は") ? globalMatches(GIVEN_PART, text) : []) {
    const name = m.groups?.["name"];
    if (name) push(m.index + m[0].length - name.length, name, 0.8, "given-name-part");
  }
  const afterDepartment = AFTER_DEPARTMENT_CUE.test(text);
  const afterCompany = AFTER_COMPANY_CUE.test(text);
  for (const re of [AFTER_DEPARTMENT, AFTER_COMPANY]) {
    if (!(re === AFTER_DEPARTMENT ? afterDepartment : afterCompany)) continue;
    for (const m of globalMatches(re, text)) {
      const name = m.groups?.["name"];
      if (!name || NOT_A_NAME.test(name)) continue;
      const katakana = /^[\u30A1-\u30FA\u30FC]+$/.test(name);
      // A katakana word the dictionary does not know, named as a colleague (情シスのジョーンズから), is a name
      // too; a known one (メール, データ, and so also ワン) is not taken on this evidence alone.
      const unknownKatakana = katakana && re === AFTER_DEPARTMENT && /^(?:です|から|が)/.test(text.slice(m.index + m[0].length, m.index + m[0].length + 3)) && !knownWord(name);
      if (!(surnameEntry(name) || givenNameEntry(name) || (katakana && (surnameReading(name) || givenReading(name))) || unknownKatakana)) continue;
      push(m.index + m[0].length - name.length, name, 0.8, re === AFTER_DEPARTMENT ? "after-department" : "after-company");
    }
  }
  const introduced = INTRODUCED_WORD_CUE.test(text);
  for (const m of introduced ? globalMatches(INTRODUCED_WORD, text) : []) {
    if (NOT_A_NAME.test(m[0])) continue;
    // でございます is also a polite copula (大丈夫でございます): there the word must look like a name.
    const copula = text.startsWith("でございます", m.index + m[0].length);
    if (copula && !plausibleName(m[0])) continue;
    out.push({ start: m.index, end: m.index + m[0].length, score: 0.85, patternName: "introduced-word", labelBound: true });
  }
  for (const m of STAFF_CUE.test(text) ? globalMatches(STAFF_WORD, text) : []) {
    if (!STAFF_VERB.test(text.slice(m.index + m[0].length, m.index + m[0].length + 6)) || NOT_A_NAME.test(m[0])) continue;
    if (!(surnameEntry(m[0]) || givenNameEntry(m[0]))) continue;
    out.push({ start: m.index, end: m.index + m[0].length, score: 0.8, patternName: "staff-name", labelBound: true });
  }
  const age = (text.includes("歳") || text.includes("才") || text.includes("さい")) && AGE_NUMBER.test(text);
  for (const m of age ? globalMatches(NAME_WITH_AGE, text) : []) {
    const name = m.groups?.["name"];
    const pronoun = /^(?:うち|わたし|わたくし|ぼく|おれ|あたし|みんな|こども|むすこ|むすめ|あの子|この子|その子|ウチ)$/.test(name ?? "");
    if (name && !pronoun && (givenReading(name) || surnameReading(name)) && !NOT_KANA_NAME.test(name)) push(m.index + m[0].indexOf(name), name, 0.75, "name-with-age");
  }
  for (const m of text.includes("段") ? globalMatches(DAN_RANK, text) : []) {
    const name = m.groups?.["name"];
    if (name && !NUMERALS.test(name)) push(m.index, name, 0.8, "dan-rank");
  }
  for (const m of text.includes("\n") ? globalMatches(HOLDER_LINE, text) : []) {
    const name = m.groups?.["name"];
    if (name) push(m.index + m[0].length - name.length, name, 0.75, "account-holder-line");
  }
  for (const m of text.includes("・") ? globalMatches(SIGNED_NAMES, text) : []) {
    const parts = m.groups?.["names"]?.split("・") ?? [];
    if (!parts.every((p) => givenReading(p) || surnameReading(p))) continue;
    let at = m.index;
    for (const part of parts) {
      push(at, part, 0.8, "signed-names");
      at += part.length + 1;
    }
  }
  const list = text.includes("、") && (text.includes("氏") || text.includes("ら"));
  for (const m of list ? globalMatches(NAME_LIST, text) : []) {
    let at = m.index;
    for (const name of m[0].split("、")) {
      if (surnameEntry(name) || givenNameEntry(name) || name.length >= 2) out.push({ start: at, end: at + name.length, score: 0.8, patternName: "name-list", labelBound: true });
      at += name.length + 1;
    }
  }
  return out;
}

/** What an answer to "お名前は？" starts with: a kanji or kana word before です (はい、森です / なかむらです). */
const ASKS_NAME = /お名前|ご氏名|氏名|フルネーム|どちら様|どなた|お名前を|name\?|your name/i;
const ANSWER_NAME = /^(?:はい[、,]?\s?|えー[、,]?\s?|あ[、,]\s?)*(?<name>[\p{Script=Han}々]{1,6}|[\u30A1-\u30FA\u30FC]{2,10}|[\u3041-\u3096\u30FC]{2,8}?)(?=です|と申します|といいます|でございます|[。、\s]|$)/u;

/**
 * The name given in answer to a question asking for it.
 *
 * @example
 * nameAnswer("お名前をお願いします。", "はい、なかむらです。") // → PERSON over なかむら
 */
export function nameAnswer(question: string, answer: string): Candidate[] {
  if (!ASKS_NAME.test(question)) return [];
  const m = ANSWER_NAME.exec(answer);
  const name = m?.groups?.["name"];
  if (!m || !name || NOT_A_NAME.test(name) || !(plausibleName(name) || plausibleName(name.slice(0, 2)) || plausibleName(name.slice(0, 3)))) return [];
  const start = m[0].length - name.length;
  return [{ start, end: start + name.length, score: 0.85, patternName: "name-answer", labelBound: true }];
}

/**
 * @example
 * lexiconNames("長男の大翔が17で", tokens) // → [{ start: 3, end: 5, … }]
 */
export function lexiconNames(text: string, tokens: readonly Token[]): Candidate[] {
  return [
    ...kanjiNames(text, tokens),
    ...singleKanjiNames(text, tokens),
    ...kanaNames(text),
    ...gluedKanaNames(text),
    ...romajiNames(text),
    ...dottedNames(text, tokens),
    ...staffAndListNames(text),
  ];
}
