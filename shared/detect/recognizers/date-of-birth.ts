import { WordsMatcher } from "../labels.js";
import { type Candidate, type Recognizer, globalMatches } from "../recognizer.js";
import { findDates, type DateMatch } from "./dates.js";

/** Words that name a birth date before its value: 生年月日は…, 誕生日：…, DOB 1985-03-05, 생일은 … */
const BIRTH_LABELS = [
  "生年月日", "お誕生日", "誕生日", "たんじょうび", "たんじょう日", "生年", "生誕", "出生日", "出生", "生日", "생년월일", "생일", "출생",
  "date of birth", "birth date", "birthdate", "birthday", "DOB", "D.O.B.",
];
/** Verbs of being born: they link to a date only through a topic (お生まれは…, born in …). */
const BIRTH_VERBS = ["生まれ", "産まれ", "うまれ", "born"];
const BIRTH_WORD = new WordsMatcher([...BIRTH_LABELS, ...BIRTH_VERBS]);
const VERB_WORD = /^(?:生まれ|産まれ|うまれ)$/;
const WINDOW = 30;

/** A birth word that is part of an event (誕生日プレゼント, 誕生日会, birthday party) says nothing of a birth date. */
const EVENT_COMPOUND =
  /^(?:プレゼント|パーティ|会|祝|お祝|ケーキ|カード|クーポン|特典|割引|ポイント|月|当日|前|休暇|休み|祭|記念|おめでとう|メッセージ|旅行|ディナー|セール|キャンペーン|周年|サプライズ|[0-9]|\s?(?:party|present|gift|card|cake|sale|coupon|discount|dinner|trip|celebration|wishes))/i;
/** Dates of other things between a birth word and the date: the date is of those (契約日, 予約, 有効期限 …). */
const COMPETING =
  /契約|更新|有効|期限|満了|開始|終了|予約|会議|打ち?合わ?せ|面談|面接|訪問|配送|配達|発送|お届け|届け|納品|到着|入会|入社|退社|入学|卒業|結婚|記念日|申込|申し込|支払|引き?落|締め?切|入院|退院|手術|来店|受診|予定|発行|交付|登録日|利用開始|加入|購入|注文|プレゼント|パーティ|イベント|セミナー|説明会|日時|日程|候補日|レッスン|授業|例|サンプル|形式|contract|renew|expir|meeting|appointment|deliver|deadline|issued|valid|start|lesson|class|session|e\.g\.|example|format/i;
/** What makes a date the time of an event or a bound rather than a birth: に送ります, から, (火), 14:00. */
const EVENT_AFTER =
  /^\s?(?:に(?!生まれ|産まれ|うまれ|誕生|なり|なっ|なる)|から|まで|より|以降|以前|迄|ごろに|頃に|[(（][月火水木金土日](?:曜日?)?[)）]|[月火水木金土日]曜|,?\s?[0-9]{1,2}\s?[:時]|の(?:予定|週|午前|午後|夜|朝|夕方|便|件)|を予定|必着|[~〜-]|\s(?:to|until|through|at)\b)/;
/** Born on that date: 1985年生まれ, 3月5日に生まれました, 1993년생, 1990年出生. */
const VERB_AFTER = /^(?:\s?(?:に|の|、)?\s?(?:生まれ|産まれ|うまれ|誕生(?!日)|出生|生(?=$|[^\p{Script=Han}]))|\s?(?:에\s?)?(?:태어|출생|생(?=$|[\s이입으의,.])))/u;
/**
 * Born on that date at a place (news and biographies): 1937年、金沢市生まれ / 1871年にハンブルクで生まれた /
 * 1932年、佐賀県有田町の窯元に生まれ. Between them only a place: no verbs, so hiragana only as particles.
 */
const PLACE_THEN_VERB = /^[にで、,\s]?[^\p{Script=Hiragana}。！!？?\n]{1,20}?(?:[のにで][^\p{Script=Hiragana}。！!？?\n]{1,12}?)*[にで]?(?:生まれ|産まれ|うまれ)/u;
/** Generic birth cohorts (1990年生まれの方, …以降に生まれた人) are conditions, not someone's birth date. */
const COHORT_AFTER = /^(?:の|た)?(?:方|人|皆|みな|お客|世代|以降|以前|まで|から|向け|限定|対象|[~〜-])/;
/** The date is someone's birthday: 3月5日は妻の誕生日, 12월 9일이 생일, March 5 is my birthday. */
const LABEL_AFTER = new RegExp(
  [
    "^\\s?(?:は|が|も|って|こそ|、|,)\\s?(?:[^\\s。、！？!?]{0,8}?の\\s?)?(?:お?誕生日|生年月日|たんじょうび|生日)",
    // 4月18日の誕生日に合わせて: the birthday that falls on the date
    "^\\s?の\\s?(?:お?誕生日|たんじょうび)",
    "^(?:이|가|은|는)?\\s?(?:제|내|저의|나의)?\\s?(?:\\S{0,4}\\s)?생일",
    "^,?\\s+(?:is|was)\\s+(?:my|his|her|our|their|your|the)\\s+(?:\\S+\\s+)?birthday",
  ].join("|"),
  "i",
);
/** After 生まれ the date must be its topic (お生まれは…, 生まれたのは…); 東京生まれで、2010年に… is not. */
const VERB_LINK = /^(?:は|も|が|って|[:：]|た(?:の|年|日|とき|時)?(?:は|が|って|も)|年(?:は|が|も|って)|年月日(?:は|が|も)|月日(?:は|が|も)|日(?:は|が|も))/;
/** Between "born" and the year only prepositions and place names: born in Sendai in 1997. */
const BORN_GAP = /^(?:\s+|,|\b(?:in|on|at|the|year|of|around|about|back)\b|[A-Z][A-Za-z.'’-]*)*$/;
const SENTENCE_END = /[。！!？?\n]/g;
/** Only a particle or a colon between a birth label and the date: the label names the date. */
const APPOSITION = /^\s?(?:は|が|の|:|：|、|\s)*\s?$/;

/** Whether the nearest birth word before the date (within the window) names it. */
function labelledBefore(text: string, date: DateMatch, dates: readonly DateMatch[]): boolean {
  let word: RegExpMatchArray | undefined;
  for (const m of BIRTH_WORD.matchAll(text.slice(Math.max(0, date.start - WINDOW - 20), date.start))) word = m;
  if (!word) return false;
  const wordEnd = Math.max(0, date.start - WINDOW - 20) + word.index! + word[0].length;
  const gap = text.slice(wordEnd, date.start);
  if (gap.length > WINDOW || EVENT_COMPOUND.test(gap)) return false;
  if (VERB_WORD.test(word[0]) && !VERB_LINK.test(gap)) return false;
  if (/^born$/i.test(word[0]) && !BORN_GAP.test(gap)) return false;
  if (COMPETING.test(gap) || dates.some((d) => d.start >= wordEnd && d.end <= date.start)) return false;
  // A sentence may end between the question and the value (生年月日は？ 1985年…), but the value then opens the next one.
  const ends = globalMatches(SENTENCE_END, gap);
  const lastEnd = ends[ends.length - 1];
  if (lastEnd && gap.length - (lastEnd.index + 1) > 8) return false;
  // 誕生日の5月12日に届けたい: the date is the birthday itself, whatever happens on it.
  if (!VERB_WORD.test(word[0]) && APPOSITION.test(gap)) return true;
  return !EVENT_AFTER.test(text.slice(date.end));
}

function placeThenVerb(after: string, dates: readonly DateMatch[], date: DateMatch): RegExpExecArray | null {
  const m = PLACE_THEN_VERB.exec(after);
  if (!m || COMPETING.test(m[0]) || /[0-9]/.test(m[0])) return null;
  return dates.some((d) => d.start >= date.end && d.start < date.end + m[0].length) ? null : m;
}

/** Why the date is a birth date, or undefined when nothing in the text says so. */
function birthReason(text: string, date: DateMatch, dates: readonly DateMatch[]): string | undefined {
  const after = text.slice(date.end, date.end + 20);
  const before = text.slice(Math.max(0, date.start - 2), date.start);
  if (/[~〜-]\s?$/.test(before)) return undefined;
  const verb = VERB_AFTER.exec(after) ?? placeThenVerb(text.slice(date.end, date.end + 40), dates, date);
  if (verb) return COHORT_AFTER.test(after.slice(verb[0].length)) ? undefined : "born-on";
  const label = LABEL_AFTER.exec(after);
  if (label && !EVENT_COMPOUND.test(after.slice(label[0].length))) return "is-birthday";
  if (labelledBefore(text, date, dates)) return "labelled";
  return undefined;
}

function findBirthDates(text: string): Candidate[] {
  const dates = findDates(text);
  const out: Candidate[] = [];
  for (const date of dates) {
    const reason = birthReason(text, date, dates);
    if (reason) out.push({ start: date.start, end: date.end, score: 0.85, patternName: `${date.form}:${reason}` });
  }
  return out;
}

/** A question about a birth date: its birth word is not part of an event (誕生日会はいつ…). */
function asksBirthDate(question: string): boolean {
  return BIRTH_WORD.matchAll(question).some((m) => !EVENT_COMPOUND.test(question.slice(m.index + m[0].length)));
}

/** How far apart the dates of one answer may be (私が…で、今三十八です。妻が…で、八九年六月二日…). */
const ANSWER_REACH = 40;
/** Read-backs are of identity checks: a full date at least this many years back is no appointment. */
const READ_BACK_MIN_AGE = 3;

const sameDay = (a: DateMatch, b: DateMatch) => a.parts === "ymd" && a.year === b.year && a.month === b.month && a.day === b.day;

/**
 * The dates that answer a question about a birth date: the first date near the start of the answer, and the
 * ones that follow it in a list (私が…、妻が…、息子が…), up to a word that makes a date something else
 * (契約日, 予約). Also a full date read back from the previous utterance (昭和五十八年二月十四日です →
 * 昭和58年2月14日ですね), when the previous utterance names nothing else and the date is years back.
 */
function findBirthDateAnswer(question: string, answer: string): Candidate[] {
  const dates = findDates(answer);
  if (dates.length === 0) return [];
  const out: Candidate[] = [];
  if (asksBirthDate(question)) {
    let from = 0;
    for (const date of dates) {
      const lead = answer.slice(from, date.start);
      if (date.start - from > ANSWER_REACH || COMPETING.test(lead)) break;
      from = date.end;
      if (EVENT_AFTER.test(answer.slice(date.end)) || /[~〜-]\s?$/.test(lead)) continue;
      // Thu 11/14, 金曜の3月5日: a weekday makes it a day in a schedule.
      if (/(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s*$|[月火水木金土日]曜日?の?\s*$/.test(lead)) continue;
      out.push({ start: date.start, end: date.end, score: 0.8, patternName: `${date.form}:answer` });
    }
    return out;
  }
  if (COMPETING.test(question)) return [];
  const said = findDates(question);
  const latest = new Date().getFullYear() - READ_BACK_MIN_AGE;
  for (const date of dates) {
    if (date.year === undefined || date.year > latest || !said.some((d) => sameDay(d, date))) continue;
    if (COMPETING.test(answer.slice(Math.max(0, date.start - 15), date.end + 15))) continue;
    out.push({ start: date.start, end: date.end, score: 0.7, patternName: `${date.form}:read-back` });
  }
  return out;
}

/**
 * DATE_OF_BIRTH: a birth date, also partial (year only, month and day) and in era forms, found only where
 * the text says it is a birth date (生年月日は…, …生まれ, 誕生日は…, born in …) or where it answers a question
 * about one. 生まれ and です stay outside the span (policy rule 7); meeting, contract and delivery dates, and
 * dates near 誕生日 that are of an event (誕生日プレゼントを3月5日に…), are not birth dates.
 *
 * @example
 * analyze("昭和五十八年の、えー、十一月二十日生まれです") // → DATE_OF_BIRTH over 昭和五十八年の、えー、十一月二十日
 */
export const dateOfBirthRecognizer: Recognizer = {
  id: "date-of-birth",
  entity: "DATE_OF_BIRTH",
  description: "Birth dates (era, Western, English, partial) in birth context or answering a birth-date question",
  find: findBirthDates,
  findAnswer: findBirthDateAnswer,
  context: {
    words: [...BIRTH_LABELS, ...BIRTH_VERBS, "태어", "お生まれ"],
    before: WINDOW,
    after: 15,
  },
  labels: ["生年月日", "誕生日", "お誕生日", "生年", "date of birth", "birth date", "birthday", "DOB"],
  // Every candidate already carries its birth evidence (生まれ, 生年月日は, a birth-date question): another type's
  // label nearby, even one left in the previous utterance (…家族に電話で… / 1962年生まれ), does not retype it.
  selfEvident: true,
};
