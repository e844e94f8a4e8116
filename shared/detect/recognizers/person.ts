import type { Token } from "../../text/tokenizer.js";
import { PROVIDERS } from "../lexicon/providers.js";
import { explainedKanji, HONORIFICS, lexiconNames, nameAnswer, TITLES } from "./person-lexicon.js";
import { type Candidate, type NlpArtifacts, type Recognizer, globalMatches } from "../recognizer.js";

/**
 * PERSON: names in kanji, kana, katakana and romaji. kuromoji's IPADIC tags (人名 姓/名/一般) find most kanji
 * names; honorifics, titles and self-introductions (さん, 様, 部長, と申します, お名前は…) are strong context but
 * never part of the span (policy rule 4) and never proof on their own (お客様, 奥様, 患者様 are not names).
 */

/** After a name: honorifics and titles. */
const HONORIFIC = new RegExp(`^(?:${HONORIFICS}|(?:${TITLES})(?![\\p{Script=Han}])|サン|せんせい|家の|様方|-san|san\\b|[（(]\\d{1,3}[）)])`, "u");
/** After a name: self-introductions and answers (山田と申します, 山田です). */
const SELF_INTRO = /^(?:と申します|と申し|と申す|といいます|と言います|っていいます|って言います|という者|と言う者|です|でございます|でした|だよ|だけど|と言いまして)/;
/** Before a name: the question or the role that introduces it. */
const INTRODUCED =
  /(?:お名前は|お名前が|名前は|名前が|なまえは|なまえ[:：]|名前[:：]|氏名は?[:：]?|フルネームで|担当の|担当は|担当者の|担当者は|私は|わたくし|わたしは|僕は|俺は|私、|名義は|名義が|名義[:：]?|名義人は?|宛名は|契約者は|被保険者は|受取人は|ご本人|講師の|先生は|ローマ字は|ローマ字で|My name is|my name is|name is|name as|I'm|I am|This is|call me|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?)[\s、,]*(?:えー|えっと|あの|はい)?[\s、,]*$/;
/** Strong self-introductions: whatever noun stands before them is a name (平野でございます, スズキと申します). */
const STRONG_INTRO = /^(?:と申します|と申し|と申す|といいます|と言います|っていいます|って言います|でございます)/;
/** After a word: it names a place, a shop or a company, not a person (関内支店, 佐川急便さん). */
const NOT_PERSON_AFTER = /^(?:支店|店|駅|銀行|病院|医院|大学|高校|町|村|市|区|県|通り|川|山|橋|線|寺|神社|公園|急便|運輸|商事|物産|工業|建設|電機|株式会社|社|方面|行き)(?![長員])/;
/** Words that end like a company or a place (佐川急便さん, みどり銀行様). */
const NOT_PERSON_SURFACE = /(?:急便|運輸|銀行|商事|物産|工業|建設|電機|病院|医院|大学|支店|店|駅|会社|株式会社|保険|証券|生命|損保|通信)$/;
/** English and romaji names after a greeting or an introduction: Hi Aoi, I'm Emily Carter, Mr. Hayashi. */
const ENGLISH_NAME =
  /(?:\b(?:Hi|Hello|Hey|Dear|Thanks|Thank you|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?|My name is|my name is|I'm|I am|call me|name is|name as|This is|(?:my|our|his|her) (?:wife|husband|son|daughter|mother|father|mom|dad|brother|sister|friend|boss|colleague|teacher|manager|partner))[,]?\s+)(?<name>[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}|[A-Z]{2,}(?:\s[A-Z]{2,}){0,2})(?![A-Za-z])/g;
/** Capitalised words that follow those cues without being names. */
const NOT_ENGLISH_NAME = /^(?:Mr|Ms|Mrs|Dr|Prof|Hi|Hello|Hey|Dear|Bot|Japanese|Korean|Chinese|American|English|British|French|German|Vietnamese|Sorry|Fine|Good|Great|Happy|Ready|Here|Back|Not|So|Very|Really|Just|Still|Also|Going|Looking|Everyone|All|There|Team|Sir|Madam|Teacher|Sensei|OK|Okay|Yes|No|I|The|A|An|In|At|On|From|With|To|For|And|But|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Japan|Tokyo)$/;
/** Words that take さん/様 but are roles or kin, not names (お客さん, 運転手さん, ドライバーさん). */
const ROLE_NOUNS = new Set([
  "客", "奥", "嫁", "娘", "兄", "姉", "坊", "婆", "爺", "皆", "隣", "親", "母", "父", "主人", "旦那", "息子", "孫", "先輩", "後輩",
  "大家", "店員", "業者", "担当", "担当者", "彼", "先方", "相手", "医者", "患者", "社長", "部長", "課長", "所長", "院長", "店長",
  "園長", "校長", "会長", "係長", "次長", "室長", "局長", "署長", "運転手", "看護師", "ドライバー", "ヘルパー", "スタッフ", "ガイド",
  "ママ", "パパ", "ナース", "コーチ", "オーナー", "マスター", "シェフ", "トレーナー", "インストラクター", "カウンセラー", "デザイナー",
  "エンジニア", "メンバー", "ファン", "ユーザー", "ゲスト", "ホスト", "クライアント", "パートナー", "リーダー", "マネージャー", "チーフ",
  "衆院", "参院", "衆議院", "参議院", "都議", "県議", "市議", "准", "お客", "神", "仏", "王", "殿", "妹", "弟", "孫", "夫", "妻", "婿", "お疲れ", "ご苦労", "みな", "みんな", "営業", "受付", "事務", "配達", "業者", "大工", "職人",
]);

const KATAKANA_WORD = /^[\u30A1-\u30FA\u30FC]+(?:・[\u30A1-\u30FA\u30FC]+)*$/;
const KANJI_WORD = /^\p{Script=Han}+$/u;
const SPACE = /^[ \u3000]$/;

function isNameToken(t: Token): boolean {
  // 人名 first: it rules out almost every token with one comparison.
  return t.pos2 === "人名" && t.pos1 === "固有名詞" && t.pos === "名詞";
}

/** A word that becomes a name only through its context (スズキと申します, マイクさん, 空ちゃん, rare surnames). */
function mayBeName(t: Token): boolean {
  if (t.pos !== "名詞") return false;
  // Known nouns other than proper and ordinary ones (する-nouns, numbers, suffixes, pronouns) never qualify.
  if (t.known && t.pos1 !== "固有名詞" && t.pos1 !== "一般") return false;
  if (t.pos2 === "地域" && t.pos3 === "国") return false; // 日本代表: a country, not a person
  const shaped =
    t.pos1 === "固有名詞" || !t.known
      ? KANJI_WORD.test(t.surface) || KATAKANA_WORD.test(t.surface) || /^[A-Za-z]+$/.test(t.surface)
      : // Ordinary nouns: a single kanji (空ちゃん, 翼くん) or a katakana word (マイクさん).
        t.pos1 === "一般" && ((KANJI_WORD.test(t.surface) && t.surface.length === 1) || KATAKANA_WORD.test(t.surface));
  if (!shaped) return false;
  if (/^[A-Z]{1,3}$/.test(t.surface)) return false; // FW, CEO, DF: positions and titles
  return !ROLE_NOUNS.has(t.surface);
}

/** Kanji tokens (at most 3 characters) that end where a name ends: before an honorific, です, a break. */
function givenNameTail(tokens: readonly Token[], from: number, text: string): boolean {
  let length = 0;
  let i = from;
  // Given names the dictionary splits are single kanji (陽|菜, 涼) or proper nouns, never words like 支店.
  const nameKanji = (t: Token) =>
    t.pos === "名詞" && t.pos1 !== "接尾" && KANJI_WORD.test(t.surface) && !ROLE_NOUNS.has(t.surface) && (t.pos1 === "固有名詞" || !t.known || t.surface.length === 1);
  while (i < tokens.length && nameKanji(tokens[i]!)) {
    length += tokens[i]!.surface.length;
    i++;
    if (length > 3) return false;
    const after = text.slice(tokens[i - 1]!.end, tokens[i - 1]!.end + 8);
    if (HONORIFIC.test(after) || SELF_INTRO.test(after) || /^(?:[\s、。\n]|$)/.test(after)) return i - from === 1 || length <= 3;
  }
  return false;
}

/** Single kanji that end a name: art-name (号) suffixes, or a rare kanji kuromoji does not know (玄圃). */
function nameSuffixKanji(t: Token, span: Span): boolean {
  if (t.surface.length !== 1 || !KANJI_WORD.test(t.surface)) return false;
  // An unknown kanji only completes a given name after a surname (in Chinese text most kanji are unknown).
  return /^[斎齋斉庵軒]$/.test(t.surface) || (!t.known && span.hasSurname && span.hasGiven);
}
const NAME_BOUNDARY = /^(?:[はがのもとをにへら、。,.（(「」』)）\s]|$)/;
/** 雪舟斎の門下, 山岡の妻: words of kin, work and following that take a person before の. */
const PERSON_RELATION_AFTER =
  /^の(?:門下|弟子|師匠|妻|夫|息子|娘|長男|長女|次男|次女|父|母|兄|弟|姉|妹|孫|作品|代表作|著書|遺作|生涯|晩年|死後|没後|生家|墓|肖像|自伝|評伝|後任|前任|後継者|秘書|側近|記念館)/;

interface Span {
  start: number;
  end: number;
  /** Token indices covered. */
  first: number;
  last: number;
  nameTokens: number;
  hasSurname: boolean;
  hasGiven: boolean;
}

/** Joins adjacent name tokens (山田 太郎, ジョン・スミス) into one span. */
function nameSpans(tokens: readonly Token[], text: string): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!isNameToken(t) && !mayBeName(t)) continue;
    const span: Span = { start: t.start, end: t.end, first: i, last: i, nameTokens: isNameToken(t) ? 1 : 0, hasSurname: t.pos3 === "姓", hasGiven: t.pos3 === "名" };
    let j = i + 1;
    for (;;) {
      const next = tokens[j];
      const joiner = next && (SPACE.test(next.surface) || next.surface === "・") ? next : undefined;
      const candidate = joiner ? tokens[j + 1] : next;
      const previous = tokens[span.last]!;
      const joins =
        candidate !== undefined &&
        (isNameToken(candidate) ||
          // ジョン・スミス, カワグチ ミサキ, NGUYEN THI THAO: words of the same script in one name
          (joiner !== undefined && KATAKANA_WORD.test(candidate.surface) && KATAKANA_WORD.test(previous.surface)) ||
          (joiner !== undefined && /^[A-Za-z]+$/.test(candidate.surface) && /^[A-Za-z]+$/.test(previous.surface)) ||
          // 佐藤陽菜, 田辺 涼: a given name the dictionary does not know, right after a surname
          (span.hasSurname && (!span.hasGiven || previous.surface.length === 1) && givenNameTail(tokens, joiner ? j + 1 : j, text)));
      if (!joins || !candidate) {
        // 葛城雪舟斎, 藤枝玄圃: an art-name suffix or a kanji the dictionary lacks finishes a name.
        if (next && isNameToken(tokens[span.last]!) && nameSuffixKanji(next, span) && NAME_BOUNDARY.test(text.slice(next.end, next.end + 1))) {
          span.end = next.end;
          span.last = j;
        }
        break;
      }
      if (isNameToken(candidate)) span.nameTokens++;
      span.hasSurname ||= candidate.pos3 === "姓";
      span.hasGiven ||= candidate.pos3 === "名";
      span.end = candidate.end;
      span.last = joiner ? j + 1 : j;
      j = span.last + 1;
    }
    spans.push(span);
    i = span.last;
  }
  return spans.filter((s) => text.slice(s.start, s.end).trim().length > 0);
}

const KANA_ONLY = /^[\u3041-\u309F\u30A1-\u30FA\u30FC・ ]+$/;

function scoreSpan(span: Span, tokens: readonly Token[], text: string): number {
  const after = text.slice(span.end, span.end + 12);
  const before = text.slice(Math.max(0, span.start - 20), span.start);
  // A word only context can make a name, with none of that context: the tests below would all give 0.
  if (span.nameTokens === 0 && !HONORIFIC.test(after) && !STRONG_INTRO.test(after) && !INTRODUCED.test(before)) return 0;
  const surface = text.slice(span.start, span.end);
  // Part of a longer kana word (マイ|ナンバー, みず|なみ), or of a place or company (関内|支店, 佐川急便さん).
  const glued = (re: RegExp) => re.test(text[span.start - 1] ?? "") || re.test(text[span.end] ?? "");
  if (/^[\u30A1-\u30FA\u30FC]/.test(surface) && glued(/[\u30A1-\u30FA\u30FC]/)) return 0;
  if (/^[\u3041-\u309F]+$/.test(surface) && /[\u3041-\u309F]/.test(text[span.start - 1] ?? "") && !/[はがもをにのとへ、]/.test(text[span.start - 1] ?? "")) return 0;
  if (NOT_PERSON_AFTER.test(after) || NOT_PERSON_SURFACE.test(surface) || PROVIDERS.has(surface) || explainedKanji(text, span.start, span.end)) return 0;
  const precededByPrefix = /[おご御]$|(?:株式会社|有限会社|合同会社)$/.test(before); // お客さん, ご主人様, 株式会社Xさん
  const honorific = HONORIFIC.test(after) && !precededByPrefix;
  const introduced = SELF_INTRO.test(after) || INTRODUCED.test(before);
  if (span.nameTokens === 0) {
    // Only context makes these names: an honorific, a strong self-introduction, or a cue like 名義.
    if (honorific || STRONG_INTRO.test(after)) return 0.75;
    if (INTRODUCED.test(before)) return 0.7;
    return 0;
  }
  if (honorific || introduced) return 0.9;
  // Kana-only names (マイ, さくら) are everyday words more often than not: they need context.
  if (KANA_ONLY.test(surface)) return 0;
  if (span.hasSurname && span.hasGiven) return 0.85;
  // A lone name word without context: a longer one is a name when it acts in the sentence (中村が来ました,
  // 中川から連絡), not when it is an object or a modifier (石橋を叩く, 小川のせせらぎ); a single kanji (森, 原,
  // 光) is not enough.
  if ([...surface].length === 1) return 0;
  if (!/^(?:[がはもとへ、。,.!！?？\n]|から|より|$)/.test(after) && !PERSON_RELATION_AFTER.test(after)) return 0;
  const first = tokens[span.first]!;
  return first.pos3 === "姓" ? 0.6 : 0.55;
}

/** Emily先生, Jessica Miller です: capitalised words right before an honorific or a self-introduction. */
const LATIN_HONORIFIC = /(?<![A-Za-z])[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}(?=\s?(?:先生|さん|様|くん|ちゃん|-san|です|と申します|といいます))/g;
/** Great news, Takumi! — a capitalised word addressed at the end of a clause. */
const VOCATIVE = /(?<=[,，]\s?)[A-Z][a-z]+(?=\s?(?:[!！?？.。]|\p{Extended_Pictographic}|$))/gu;
/** さくらさん, ゆいちゃん: a hiragana word set off before an honorific. */
const KANA_HONORIFIC = /(?:(?<=[のはがもとを、。\s！!？?「])|(?<![\u3041-\u309F]))[\u3041-\u309F]{2,4}(?=(?:さん|ちゃん|くん|様|さま)(?:[^\u3041-\u309F]|[もはがのにとへをや]|です|$))/g;
/** What KANA_HONORIFIC needs somewhere in the text. */
const KANA_HONORIFIC_CUE = /さん|ちゃん|くん|様|さま/;
/** Korean: 저는 X입니다, X 씨/님. */
const HANGUL_NAME = /(?:저는|제 이름은)\s?(?<name>[가-힣]{2,5}(?:\s[가-힣]{2,5})?)(?=입니다|이에요|예요|이라고)|(?<name2>[가-힣]{2,5})(?=\s?(?:씨|님)(?![가-힣]))/g;
const HANGUL = /[가-힣]/;
/** An upper-case Latin letter: every English-name pattern needs one. */
const CAPITAL = /[A-Z]/;

function findNames(text: string, nlp: NlpArtifacts): Candidate[] {
  const out: Candidate[] = lexiconNames(text, nlp.tokens);
  // The Latin and Hangul patterns run only on text that has the letters they need (most utterances do not).
  const latin = CAPITAL.test(text);
  for (const m of latin ? globalMatches(ENGLISH_NAME, text) : []) {
    const name = m.groups?.["name"];
    // The first word decides (Nguyen Van An: An is a name here, not the article).
    if (!name || NOT_ENGLISH_NAME.test(name.split(/\s/)[0]!)) continue;
    const start = m.index + m[0].length - name.length;
    out.push({ start, end: start + name.length, score: 0.8, patternName: "english-name", labelBound: true });
  }
  for (const m of latin ? globalMatches(LATIN_HONORIFIC, text) : []) {
    if (!m[0].split(/\s/).some((w) => NOT_ENGLISH_NAME.test(w))) {
      out.push({ start: m.index, end: m.index + m[0].length, score: 0.8, patternName: "latin-honorific", labelBound: true });
    }
  }
  for (const m of latin ? globalMatches(VOCATIVE, text) : []) {
    if (!NOT_ENGLISH_NAME.test(m[0])) out.push({ start: m.index, end: m.index + m[0].length, score: 0.65, patternName: "vocative", labelBound: true });
  }
  for (const m of KANA_HONORIFIC_CUE.test(text) ? globalMatches(KANA_HONORIFIC, text) : []) {
    // Not a kin or role word, and not honorifics or copulas themselves (さんさんですさん).
    if (!/^[おご]|^(?:みな|みんな|あかちゃ|おばあ|おじい|おかあ|おとう|おねえ|おにい)|^(?:さん|さま|くん|ちゃん)|です|ます/.test(m[0])) {
      out.push({ start: m.index, end: m.index + m[0].length, score: 0.7, patternName: "kana-honorific", labelBound: true });
    }
  }
  for (const m of HANGUL.test(text) ? globalMatches(HANGUL_NAME, text) : []) {
    const name = m.groups?.["name"] ?? m.groups?.["name2"];
    if (!name) continue;
    const start = m.index + m[0].length - name.length;
    out.push({ start, end: start + name.length, score: 0.75, patternName: "hangul-name", labelBound: true });
  }
  for (const span of nameSpans(nlp.tokens, text)) {
    const score = scoreSpan(span, nlp.tokens, text);
    if (score > 0) out.push({ start: span.start, end: span.end, score, patternName: span.nameTokens > 0 ? "ipadic-name" : "context-name", labelBound: true });
  }
  return out;
}

/**
 * @example
 * analyze("株式会社北斗物産の佐々木と申します") // → PERSON over 佐々木 (and ORGANIZATION over 株式会社北斗物産)
 */
export const personRecognizer: Recognizer = {
  id: "person",
  entity: "PERSON",
  description: "Person names: IPADIC name tags, honorific and self-introduction context",
  find: findNames,
  findAnswer: nameAnswer,
  needsTokens: true,
};
