import type { Token } from "../../text/tokenizer.js";
import type { Candidate, NlpArtifacts, Recognizer } from "../recognizer.js";

/**
 * PERSON: names in kanji, kana, katakana and romaji. kuromoji's IPADIC tags (人名 姓/名/一般) find most kanji
 * names; honorifics, titles and self-introductions (さん, 様, 部長, と申します, お名前は…) are strong context but
 * never part of the span (policy rule 4) and never proof on their own (お客様, 奥様, 患者様 are not names).
 */

/** After a name: honorifics and titles. */
const HONORIFIC = /^(?:さん|様|さま|サン|くん|君|ちゃん|チャン|氏|殿|先生|せんせい|先輩|部長|課長|係長|次長|社長|副社長|専務|常務|取締役|会長|主任|店長|院長|園長|校長|教授|准教授|講師|博士|選手|監督|コーチ|容疑者|被告|議員|知事|市長|町長|首相|大臣|長官|夫妻|一家|家の|様方|-san|san\b)/;
/** After a name: self-introductions and answers (山田と申します, 山田です). */
const SELF_INTRO = /^(?:と申します|と申し|と申す|といいます|と言います|っていいます|って言います|という者|と言う者|です|でございます|でした|だよ|だけど|と言いまして)/;
/** Before a name: the question or the role that introduces it. */
const INTRODUCED = /(?:お名前は|お名前が|名前は|名前が|氏名は|フルネームで|担当の|担当は|担当者の|担当者は|私は|わたくし|わたしは|僕は|俺は|私、|名義は|名義が|宛名は|契約者は|ご本人|講師の|先生は|My name is|my name is|I'm|I am|This is|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?)[\s、,]*(?:えー|えっと|あの|はい)?[\s、,]*$/;
/** Words that take さん/様 but are roles or kin, not names (お客さん, 運転手さん, ドライバーさん). */
const ROLE_NOUNS = new Set([
  "客", "奥", "嫁", "娘", "兄", "姉", "坊", "婆", "爺", "皆", "隣", "親", "母", "父", "主人", "旦那", "息子", "孫", "先輩", "後輩",
  "大家", "店員", "業者", "担当", "担当者", "彼", "先方", "相手", "医者", "患者", "社長", "部長", "課長", "所長", "院長", "店長",
  "園長", "校長", "会長", "係長", "次長", "室長", "局長", "署長", "運転手", "看護師", "ドライバー", "ヘルパー", "スタッフ", "ガイド",
  "ママ", "パパ", "ナース", "コーチ", "オーナー", "マスター", "シェフ", "トレーナー", "インストラクター", "カウンセラー", "デザイナー",
  "エンジニア", "メンバー", "ファン", "ユーザー", "ゲスト", "ホスト", "クライアント", "パートナー", "リーダー", "マネージャー", "チーフ",
  "お客", "神", "仏", "王", "殿", "お疲れ", "ご苦労", "みな", "みんな", "営業", "受付", "事務", "配達", "業者", "大工", "職人",
]);

const KATAKANA_WORD = /^[\u30A1-\u30FA\u30FC]+$/;
const KANJI_WORD = /^\p{Script=Han}+$/u;
const SPACE = /^[ \u3000]$/;

function isNameToken(t: Token): boolean {
  return t.pos === "名詞" && t.pos1 === "固有名詞" && t.pos2 === "人名";
}

/** A word that becomes a name only through its context (スズキと申します, マイクさん, 空ちゃん, rare surnames). */
function mayBeName(t: Token): boolean {
  if (t.pos !== "名詞" || ROLE_NOUNS.has(t.surface)) return false;
  if (t.pos1 === "固有名詞" || !t.known) return KANJI_WORD.test(t.surface) || KATAKANA_WORD.test(t.surface) || /^[A-Za-z]+$/.test(t.surface);
  // Ordinary nouns: a single kanji (空ちゃん, 翼くん) or a katakana word (マイクさん).
  return t.pos1 === "一般" && ((KANJI_WORD.test(t.surface) && t.surface.length === 1) || KATAKANA_WORD.test(t.surface));
}

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
      if (!candidate || !(isNameToken(candidate) || (joiner?.surface === "・" && KATAKANA_WORD.test(candidate.surface)))) break;
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

function scoreSpan(span: Span, tokens: readonly Token[], text: string): number {
  const after = text.slice(span.end, span.end + 12);
  const before = text.slice(Math.max(0, span.start - 20), span.start);
  const surface = text.slice(span.start, span.end);
  const precededByPrefix = /[おご御]$/.test(before); // お客さん, ご主人様
  const honorific = HONORIFIC.test(after) && !precededByPrefix;
  const introduced = SELF_INTRO.test(after) || INTRODUCED.test(before);
  if (span.nameTokens === 0) {
    // Only context makes these names.
    if (!(honorific || /^(?:と申します|と申し|といいます|と言います|っていいます)/.test(after))) return 0;
    return 0.75;
  }
  if (honorific || introduced) return 0.9;
  if (span.hasSurname && span.hasGiven) return 0.85;
  // A lone name word without context: a longer one is very likely a name, a single kanji (森, 原, 光) is not.
  if ([...surface].length === 1) return 0;
  const first = tokens[span.first]!;
  return first.pos3 === "姓" ? 0.6 : 0.55;
}

function findNames(text: string, nlp: NlpArtifacts): Candidate[] {
  const out: Candidate[] = [];
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
  needsTokens: true,
};
