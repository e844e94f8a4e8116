import { getTokenizer, type Token } from "../../text/tokenizer.js";
import { type Candidate, type NlpArtifacts, type Recognizer, globalMatches } from "../recognizer.js";

/**
 * LOCATION: a city, prefecture or country tied to a person (hometown, residence, a move, a relative's city).
 * kuromoji tags place names (固有名詞,地域) and their suffixes (市, 区, 県); the tie to a person comes from the
 * words around them. Travel destinations, branches and venues are public places, not PII.
 */

/** Words that tie a place to a person. */
const TIED_BEFORE =
  /(?:出身は|出身が|出身地は|実家は|実家が|地元は|地元が|住まいは|お住まいは|住所は|生まれは|育ちは|今は|いまは|現在は|転勤先は|引っ越し先は|転居先は|故郷は|ふるさとは|国籍は?|こくせき|出身国は?|転勤で|引っ越して|(?:娘|息子|母|父|両親|兄|姉|弟|妹|祖父|祖母|家族|夫|妻|主人|親戚)(?:は|も|が)|地元の|郷里の|私が|私は|僕は)\s?[、,:：]?\s?$/;
const TIED_AFTER = /^(?:出身|しゅっしん|のご出身|に戻|へ戻|にいて|にいる|にいます|から来|からき|に出ます|に出る|あたりに引っ越|あたりに住|の自宅|の実家|在住|の(?:無職|会社員|主婦|自営業|農家|学生|男性|女性|住人|方)|の[^\s、。]{1,4}に生まれ|なんで|なので|生まれ|育ち|在住|住み|に住ん|に住む|に住んで|にすんで|にすむ|に来て|で所帯|で暮らし|に暮らし|でくらし|に引っ越|へ引っ越|に転勤|へ転勤|に転居|へ転居|に移住|へ移住|に単身赴任|の実家|に実家|が実家|が地元|の出身|で生まれ|で育|に嫁い|に帰省|にいる(?:両親|母|父|兄|姉|弟|妹|祖父|祖母|息子|娘)|の(?:両親|母|父|兄|姉|弟|妹|祖父|祖母|息子|娘|家族))/;
const ENGLISH_TIED = /(?:I'm from|I am from|I live in|I'm living in|born in|grew up in|moved to|moving to|my hometown is|based in)\s$/i;
/** Words that make it a trip or a public place, not a person's place. */
const NOT_TIED = /^(?:旅行|観光|出張|に旅行|へ旅行|に行って|へ行って|に行き|へ行き|に遊び|へ遊び|店|支店|駅|空港|営業所|会場|方面|行き|経由|に出張|へ出張)/;

function isPlace(t: Token): boolean {
  return t.pos1 === "固有名詞" && t.pos2 === "地域";
}

/** Foreign places kuromoji does not know (ハノイ) count when the words around them tie them to someone. */
function unknownKatakana(t: Token): boolean {
  return !t.known && /^[\u30A1-\u30FA\u30FC]{2,}$/.test(t.surface);
}

/** A place span: place names with their suffixes, joined by の (横浜の港北区). */
function placeSpans(tokens: readonly Token[]): Array<{ start: number; end: number; last: number }> {
  const spans: Array<{ start: number; end: number; last: number }> = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!isPlace(tokens[i]!)) continue;
    let last = i;
    for (;;) {
      const next = tokens[last + 1];
      if (next && (isPlace(next) || (next.pos1 === "接尾" && next.pos2 === "地域"))) {
        last++;
        continue;
      }
      // 大阪の吹田, 秋田の横手: a prefecture or city and a place in it.
      if (next?.surface === "の" && tokens[last + 2] && isPlace(tokens[last + 2]!)) {
        last += 2;
        continue;
      }
      break;
    }
    spans.push({ start: tokens[i]!.start, end: tokens[last]!.end, last });
    i = last;
  }
  return spans;
}

/** Places in English and romaji: I live in Kawasaki, born in 1997, in Sendai, my hometown is Fukuoka. */
const ENGLISH_PLACE =
  /(?:live in|living in|lived in|born in|grew up in|moved to|moving to|I'm from|I am from|come from|hometown is|based in)\s+(?:(?:\d{4}|the)\s*,?\s*(?:in\s+)?)?(?<place>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)/g;
const NOT_PLACE = /^(?:January|February|March|April|May|June|July|August|September|October|November|December|Japan's|The|A|An|My|Our|This)$/;

/** Questions whose answer is where someone lives or comes from. */
const ASKS_PLACE = /ご住所|住所|お住まい|どちらに住|どこに住|ご出身|出身は|出身地|どちらから|お引っ越し先|引っ越し先|転居先|where do you live|where are you from|hometown/i;

function findLocations(text: string, nlp: NlpArtifacts): Candidate[] {
  const out: Candidate[] = [];
  for (const m of globalMatches(ENGLISH_PLACE, text)) {
    const place = m.groups?.["place"];
    if (!place || NOT_PLACE.test(place.split(/[ -]/)[0]!)) continue;
    const start = m.index + m[0].length - place.length;
    out.push({ start, end: start + place.length, score: 0.8, patternName: "english-tied-place", labelBound: true });
  }
  for (const t of nlp.tokens) {
    if (!unknownKatakana(t)) continue;
    if (/^\s?(?:出身|しゅっしん|から来|からき|のご出身|生まれ|育ち|に住ん|にすんで)/.test(text.slice(t.end, t.end + 8))) {
      out.push({ start: t.start, end: t.end, score: 0.75, patternName: "tied-foreign-place", labelBound: true });
    }
  }
  for (const span of placeSpans(nlp.tokens)) {
    const before = text.slice(Math.max(0, span.start - 12), span.start);
    const after = text.slice(span.end, span.end + 12);
    if (NOT_TIED.test(after)) continue;
    const tied = TIED_AFTER.test(after) || TIED_BEFORE.test(before) || ENGLISH_TIED.test(before);
    if (tied) out.push({ start: span.start, end: span.end, score: 0.8, patternName: "tied-place", labelBound: true });
  }
  return out;
}

/**
 * @example
 * analyze("大阪出身で、今は横浜の港北区に住んでいます") // → LOCATION 大阪, LOCATION 横浜の港北区
 */
export const locationRecognizer: Recognizer = {
  id: "location",
  entity: "LOCATION",
  description: "Places tied to a person: hometown, residence, moves (IPADIC 地域 + context)",
  find: findLocations,
  // ハノイです！ after ご出身は？: the first place of an answer to where someone lives or comes from.
  findAnswer: (question, answer, nlp) => {
    if (!ASKS_PLACE.test(question)) return [];
    const span = placeSpans(nlp?.tokens ?? getTokenizer().tokenize(answer)).find((s) => s.start < 12);
    return span ? [{ start: span.start, end: span.end, score: 0.75, patternName: "answered-place", labelBound: true }] : [];
  },
  needsTokens: true,
};
