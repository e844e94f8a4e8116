import { parseJapaneseInteger } from "../../text/japanese-numerals.js";
import { type Candidate, type Recognizer, globalMatches } from "../recognizer.js";
import { findDates } from "./dates.js";

const KANJI = "[〇一二三四五六七八九十百]{1,5}";
/** A number as ages are written: ASCII (typed or rewritten from spoken digits) or positional kanji (七十二). */
const NUMBER = `(?<![0-9〇一二三四五六七八九十百千万億,])(?<![0-9]\\.)(?:[0-9]{1,3}|${KANJI})(?![0-9])`;
/** Hiragana numbers as learners and kana-only writers spell ages (にじゅうよんさい, はっさい). */
const KANA_NUMBER =
  "(?<kh>ひゃく)?(?:(?<kt>に|さん|よん|ご|ろく|なな|はち|きゅう)?(?<k10>じゅう|じゅっ|じっ))?(?<ko>いっ|いち|に|さん|よん|ご|ろく|ろっ|なな|しち|はっ|はち|きゅう)?";
const KANA_ONES: Readonly<Record<string, number>> = {
  いっ: 1, いち: 1, に: 2, さん: 3, よん: 4, ご: 5, ろく: 6, ろっ: 6, なな: 7, しち: 7, はっ: 8, はち: 8, きゅう: 9,
};
/** Korean native numerals, which count years of age with 살 (서른 살, 스물네 살). */
const KOREAN_TENS: Readonly<Record<string, number>> = {
  열: 10, 스무: 20, 스물: 20, 서른: 30, 마흔: 40, 쉰: 50, 예순: 60, 일흔: 70, 여든: 80, 아흔: 90,
};
const KOREAN_ONES: Readonly<Record<string, number>> = { 한: 1, 두: 2, 세: 3, 네: 4, 다섯: 5, 여섯: 6, 일곱: 7, 여덟: 8, 아홉: 9 };
const KOREAN_NUMBER = `(?<kot>${Object.keys(KOREAN_TENS).join("|")})?\\s?(?<koo>${Object.keys(KOREAN_ONES).join("|")})?`;
const EN_ONES: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const EN_TENS: Readonly<Record<string, number>> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const EN_ONES_WORD = Object.keys(EN_ONES).sort((a, b) => b.length - a.length).join("|");
const EN_WORD = `(?:(?:${Object.keys(EN_TENS).join("|")})(?:[\\s-](?:one|two|three|four|five|six|seven|eight|nine))?|${EN_ONES_WORD})`;
const EN_NUMBER = `(?:[0-9]{1,3}|${EN_WORD})`;

/** What the age is of: a person said before it (妻が…, 私は…, 年齢は…). */
const PERSON_BEFORE =
  /(?:私|わたし|わたくし|僕|ぼく|俺|おれ|自分|うち|夫|妻|主人|旦那|家内|嫁|奥様|奥さん|母|父|祖母|祖父|息子|娘|兄|姉|弟|妹|彼|彼女|本人|相手|年齢|お年|お歳|[^\p{Script=Han}]年)(?:さん|様)?\s?(?:は|が|も|って|[、,:：])?\s?(?:今|現在|もう|まだ|一応|ちょうど|今年で?)?\s?$/u;
/** Copulas and pauses after an age range that describe the speaker or someone named (30代です, 40代で、). */
const COPULA_AFTER =
  /^\s?(?:です|でした|だ(?:よ|し|けど|から|った)?|でして|なんです|なんで|なので|なの|になり|になっ|に(?:入|突入)|の(?:私|僕|俺|自分|男|女|主婦|会社員|夫|妻|独身|サラリーマン)|(?:男性|女性|男|女)(?:です|で[、,。]|だ)|\s?[。！!…]|\s*$)/;
/** After the age: a bound, a range, a relative age or a group (以上, から, 年上, 向け, の方, の頃, 児). */
const NOT_ONE_PERSON_AFTER = new RegExp(
  [
    "^\\s?(?:以上|以下|未満|이상|이하|미만|超|以降|以前|前後|程度|まで|から|より|を(?:超|越|過ぎ)|刻み|差|児|違い|年上|年下|上の|下の|若|離れ|[~〜-]|向け|対象|限定|専用|割引|になったら|になると|になれば|になるまで|になる(?:年度|年|月|日|まで|場合|時|とき|頃|前)|を迎えると|で定年|満期|満了|時点|到達|\\s*(?:to|–|and (?:over|up|older|above|under)|or (?:older|younger|over|above|under|more|less))\\b|\\+)",
    "^(?:ぐらい|くらい|位|前後)?の?(?:頃|ころ|方|人|皆|みな|お客|ユーザー|会員|利用者|層|世代|平均|男女|方々|人たち|者|子供たち|子どもたち|こどもたち|子たち|年齢|以上|以下)",
  ].join("|"),
);
/** Words in the rest of the clause that make an age a market or a rule (30代女性に人気, 20代が中心). */
const GROUP_IN_CLAUSE = /人気|向け|対象|限定|中心|多い|増え|層|世代|ターゲット|割引|無料|有料|半額|料金|以上|以下|未満|ユーザー|お客様|の皆|専用|歓迎|募集|平均|みんな|たち|達/;
/** Before the age: a rule or statistic (年齢条件は, 対象は, 平均, 定年は, 二十代後半から, 20~). */
const NOT_ONE_PERSON_BEFORE =
  /(?:以上|以下|未満|対象|条件|制限|年齢層|満期|平均|平均年齢|対象年齢|推奨年齢|年齢制限|年齢条件|定年|上限|下限|ターゲット|客層|推奨|目安|適齢|から|[~〜-]|\b(?:over|under|above|below|least|than|between|from|to|ages?|aged?\s+\d+\s+(?:to|and|or)))\s*(?:は|が|[:：=])?\s*(?:満|数え)?\s*$/i;
/** Units after a bare number: then it counts something else (5人, 3個, 10時, 3年). */
const BARE_NUMBER_END = /^(?:です|でして|でした|で|だ|なんです|なんですけど|なんで|なので|になり|になっ|になる|[。、,!！…?？]|\s*$|\s)/;

interface Hit {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  /** Only ages that need a person or a copula to be one person's (30代, アラフォー). */
  readonly range?: boolean;
}

function kanaValue(g: Record<string, string | undefined>): number | undefined {
  if (!g["kh"] && !g["k10"] && !g["ko"]) return undefined;
  const tens = g["k10"] ? (g["kt"] ? KANA_ONES[g["kt"]]! : 1) * 10 : 0;
  return (g["kh"] ? 100 : 0) + tens + (g["ko"] ? KANA_ONES[g["ko"]]! : 0);
}

function koreanValue(g: Record<string, string | undefined>): number | undefined {
  if (!g["kot"] && !g["koo"]) return undefined;
  return (g["kot"] ? KOREAN_TENS[g["kot"]]! : 0) + (g["koo"] ? KOREAN_ONES[g["koo"]]! : 0);
}

function englishValue(raw: string): number | undefined {
  if (/^[0-9]+$/.test(raw)) return Number(raw);
  const [tens, ones] = raw.toLowerCase().split(/[\s-]/);
  if (tens === undefined) return undefined;
  if (tens in EN_ONES) return EN_ONES[tens];
  return (EN_TENS[tens] ?? 0) + (ones ? (EN_ONES[ones] ?? 0) : 0);
}

const plausible = (n: number | undefined): n is number => n !== undefined && n >= 0 && n <= 120;

/** Honorifics, roles and titles after a name in news style (氏, さん, 容疑者, 投手, 副社長, 五段 …). */
const TITLE =
  "氏|さん|さま|様|容疑者|被告人|被告|受刑者|選手|投手|捕手|監督|会長|社長|議員|知事|市長|首相|大臣|教授|博士|医師|弁護士|ちゃん|くん|君|先生|師匠|[一二三四五六七八九]段|名人|棋士|横綱|大関|理事長|院長|代表";
/**
 * A name right before the parentheses: kanji (真壁涼介), kanji with hiragana (椎名もも), katakana with ・
 * (ルーカス・ベルナール), but not the nouns numbered lists use (手順（2）, ステップ（3）).
 */
const NEWS_NAME = [
  "(?<![\\p{Script=Han}])\\p{Script=Han}{2,6}(?<![順目題問件図表例項条番号料式数量率額回章節部階位名点])",
  "(?<![\\p{Script=Han}])\\p{Script=Han}{1,3}[ぁ-ゖ]{2,3}",
  "(?<![ァ-ヺー・])(?!ステップ|ページ|パート|ケース|タイプ|プラン|コース|レベル|ランク|サイズ|ポイント|セット|パターン|グループ|チーム|ルール|エリア|ゾーン|バージョン|フェーズ|ラウンド|ステージ|メニュー|オプション|シーズン)[ァ-ヺー]{2,}(?:・[ァ-ヺー]{2,})*",
].join("|");

interface Form {
  readonly name: string;
  readonly regex: RegExp;
  readonly value: (m: RegExpMatchArray) => number | undefined;
  /** Span inside the match, when it is not the whole match. */
  readonly group?: string;
  readonly range?: boolean;
  /** What every match contains (3歳, 30代, "(54)"): a text without it is not searched (unitHits runs on every text twice). */
  readonly marker: RegExp;
}

const FORMS: readonly Form[] = [
  {
    // 42歳, 四十二歳, 七十二才, 三十八岁, 30세, 1歳半
    name: "years",
    marker: /[0-9〇一二三四五六七八九十百]\s?[歳才岁세]/,
    regex: new RegExp(`(?<n>${NUMBER})\\s?(?:歳|才|岁|세(?![가-힣]))半?`, "gu"),
    value: (m) => parseJapaneseInteger(m.groups!["n"]!),
  },
  {
    // 24さい, にじゅうよんさい, はっさい: kana さい only where it ends a phrase (にさいして is に際して).
    name: "years-kana",
    // さい after the last character of a number (a digit, a kanji numeral, or the kana of じゅう, はっ, いち, に,
    // さん, ご, ろく, なな …): a bare さい (ください, なさい) has no value and is never a hit.
    marker: /[0-9〇一二三四五六七八九十百うっちにんごくな]さい/,
    regex: new RegExp(`(?:(?<n>${NUMBER})|${KANA_NUMBER})さい(?=$|[。、！!？?…\\s・)）」』~]|です|でし|だ|で[、,。\\s]|に(?:なり|なっ|なる)|なん|の|と)`, "g"),
    value: (m) => (m.groups!["n"] ? parseJapaneseInteger(m.groups!["n"]) : kanaValue(m.groups!)),
  },
  {
    // はたち (twenty) said on its own
    name: "hatachi",
    marker: /はたち|二十歳/,
    regex: /(?<![ぁ-ゖ])(?:はたち|二十歳)(?=です|でし|だ|に(?:なり|なっ|なる)|[。、！!…]|$)/g,
    value: () => 20,
  },
  {
    // 서른 살, 스물네 살, 30살
    name: "korean",
    marker: /살/,
    regex: new RegExp(`(?<![가-힣])(?:(?<n>[0-9]{1,3})|${KOREAN_NUMBER})\\s?살(?!아|고|았|면|지|림|짜|균|인|해|려)`, "g"),
    value: (m) => (m.groups!["n"] ? Number(m.groups!["n"]) : koreanValue(m.groups!)),
  },
  {
    // 30代, 三十代前半, 40代後半
    name: "decade",
    marker: /[0十百]\s?(?:代|だい)/,
    regex: /(?<![0-9〇一二三四五六七八九十百千年第])(?<n>[1-9]0|[二三四五六七八九]?十|百)\s?(?:代(?!目|表|金|理|替|わ|償|行|謝|官|議|用|々|価|物|打|筆|入)|だい(?![じすぶがひく]))(?:前半|後半|半ば|なかば|中盤|中頃|初め|はじめ|ぜんはん|こうはん)?/g,
    value: (m) => parseJapaneseInteger(m.groups!["n"]!),
    range: true,
  },
  {
    // アラサー, アラフォー, アラフィフ, アラカン: "around 30/40/50/60", a range like 30代
    name: "around",
    marker: /アラ(?:サー|フォー|フィフ|カン|還|ハタ)/,
    regex: /(?<![\u30A1-\u30FA\u30FC])アラ(?:サー|フォー|フィフ|カン|還|ハタ)(?![\u30A1-\u30FA\u30FC])/g,
    // Always a plausible age: the word itself says 30, 40, 50 or 60-ish.
    value: () => 40,
    range: true,
  },
  {
    // 36 years old, thirty years old, 36-year-old, 36 yrs old, 36 y/o
    name: "english-years-old",
    marker: /(?:years?|yrs?)[\s-]?old|y\/?o/i,
    regex: new RegExp(`(?<![0-9A-Za-z])(?<n>${EN_NUMBER})(?:[\\s-]?(?:years?|yrs?)[\\s-]?old|\\s?y/?o)(?![A-Za-z])`, "gi"),
    value: (m) => englishValue(m.groups!["n"]!),
  },
  {
    // aged 36, age 36, age: 36
    name: "english-aged",
    marker: /age/i,
    regex: /(?<![A-Za-z])(?:aged?|Age)[:\s]\s*(?<n>[0-9]{1,3})(?![0-9])/gi,
    value: (m) => Number(m.groups!["n"]),
    group: "n",
  },
  {
    // I'm 36, she's thirty, turned 40: the number only, and only where nothing after it makes it a quantity.
    name: "english-im",
    marker: /I['’]?m|I am|he['’]s|she['’]s|he is|she is|turn/i,
    regex: new RegExp(
      `(?<![A-Za-z])(?:I['’]?m|I am|he['’]s|she['’]s|he is|she is|turn(?:ed|ing|s)?)\\s+(?<n>${EN_NUMBER})(?=\\s*(?:[.,!?…;]|$|\\s+(?:now|this year|next|last|and|but|so|in|too|already|on)\\b))`,
      "gi",
    ),
    value: (m) => englishValue(m.groups!["n"]!),
    group: "n",
  },
  {
    // 山田太郎氏（54）, 田中一郎容疑者（32）= news style: the age in parentheses after a name or title.
    name: "news",
    marker: /\([0-9]{1,3}\)/,
    regex: new RegExp(`(?:${TITLE}|${NEWS_NAME})\\s?\\((?<n>[0-9]{1,3})\\)(?=$|[=、,。\\s)]|[はがもをにとのへで])`, "gu"),
    value: (m) => Number(m.groups!["n"]),
    group: "n",
  },
];

function span(m: RegExpMatchArray, group: string | undefined): { start: number; end: number } {
  if (!group) return { start: m.index!, end: m.index! + m[0].length };
  const value = m.groups![group]!;
  const start = m.index! + m[0].lastIndexOf(value);
  return { start, end: start + value.length };
}

/** The clause after the age, up to the next comma or sentence end. */
function clauseAfter(text: string, end: number): string {
  const rest = text.slice(end, end + 14);
  const stop = rest.search(/[、。,.!！?？\n]/);
  return stop === -1 ? rest : rest.slice(0, stop);
}

/** Whether an age form names one person's age rather than a group's or a rule's. */
function onePersons(text: string, hit: Hit): boolean {
  const after = text.slice(hit.end, hit.end + 16);
  const before = text.slice(Math.max(0, hit.start - 16), hit.start);
  if (NOT_ONE_PERSON_AFTER.test(after) || NOT_ONE_PERSON_BEFORE.test(before)) return false;
  if (GROUP_IN_CLAUSE.test(clauseAfter(text, hit.end))) return false;
  // A range (30代, アラフォー) is a person's only when said of someone or as a predicate: 私は30代です.
  if (hit.range) return PERSON_BEFORE.test(before) || COPULA_AFTER.test(after);
  return true;
}

/** The forms of one person's age (no ranges): what makes a question about someone's age. */
const PERSON_FORMS = FORMS.filter((form) => !form.range);

function unitHits(text: string, forms: readonly Form[] = FORMS): Hit[] {
  const hits: Hit[] = [];
  for (const form of forms) {
    if (!form.marker.test(text)) continue;
    for (const m of globalMatches(form.regex, text)) {
      if (m[0].length === 0 || !plausible(form.value(m))) continue;
      hits.push({ ...span(m, form.group), name: form.name, ...(form.range ? { range: true } : {}) });
    }
  }
  return hits;
}

const BARE = `(?<n>${NUMBER})(?:歳|才)?`;
/** 年齢は42, 年は今三十四です: a bare number after an age label. */
const LABELLED_BARE = new RegExp(
  `(?:享年\\s?|(?:年齢|お年|お歳|(?<![\\p{Script=Han}0-9])年|(?<![\\p{Script=Han}])歳|(?<![ぁ-ゖ])とし)(?:は|が|も|って|[:：]))\\s?(?:[、\\s]|えー|えっと|えーと|あの|今年で?|今|現在|もう|ちょうど|まだ)*${BARE}`,
  "gu",
);
/** もう五十八になって, 今年で40です: a number a person has reached. */
const REACHED_BARE = new RegExp(
  `(?:もう|今年で?|来年で?|来月で?|今月で?|先月|去年|この前|ついに|やっと|もうすぐ|来週で?|今度)\\s?${BARE}(?=に(?:なり|なっ|なる|なった)|です|だ|なので|なんで|なん)`,
  "g",
);
/** 妻が三十九で、 / 長男の大翔が17で: a bare number said of a family member is an age. */
const FAMILY = "夫|妻|主人|旦那|家内|嫁|母|父|祖母|祖父|息子|娘|兄|姉|弟|妹|長男|長女|次男|次女|三男|三女|末っ子|子供|子ども|こども|孫";
const FAMILY_BARE = new RegExp(
  `(?:${FAMILY})(?:の[^\\s、。,]{1,6}?)?(?:は|が|も)\\s?(?:今年で?|今|現在|もう|まだ|ちょうど)?\\s?${BARE}(?=で|です|なんです|なので|なんで|[、,。]|$)`,
  "g",
);
const FAMILY_CLAUSE_BARE = new RegExp(
  `(?<=(?:${FAMILY})[^。!！?？\\n]{0,24}(?:\\.\\.\\.|[、,\\s]))${BARE}(?=なんです|なんですけど|なんで|なので)`,
  "g",
);
/** 私は42で、上が八歳: said of anyone else, only when the text is about ages. */
const PERSON_BARE = new RegExp(`(?:私|わたし|僕|俺|自分|上|下|彼|彼女|本人)(?:は|が|も)\\s?${BARE}(?=で[、,]|です|[、,。]|$)`, "g");
/** Words that make a text about ages: then a bare number said of a person is one. */
const AGE_TOPIC = /年齢|おいくつ|何歳|なんさい|歳|才|how old|\bage\b/i;

/** After a birth date: 1987年の四月十五日で、今三十八です / 平成元年生まれで、今三十六です. */
const AFTER_BIRTH_DATE = new RegExp(
  `(?:生まれ|産まれ)?(?:です|でして|で|の)?[、,。]?\\s?(?:今年で?|今|現在|もう|満)?\\s?${BARE}(?=です|で[、,]|なんです|なので|なんで|になり|[。、]|$)`,
  "y",
);

const AFTER_AGE_QUESTION = new RegExp(`(?<=(?:年齢|おいくつ|何歳|ご年齢)[^。\\n]{0,30}[?？。、\\s])${BARE}(?=なんです|です|でして|だけど|だよ)`, "g");

/** Every bare age is a NUMBER: ASCII digits or a kanji numeral. */
const ANY_AGE_NUMBER = /[0-9〇一二三四五六七八九十百]/;
/** What the lookbehind patterns need, tested first: they would otherwise look back from every position. */
const FAMILY_CLAUSE_END = /なんで|なので/;
const AGE_QUESTION_WORD = /年齢|おいくつ|何歳/;
/** Every label of LABELLED_BARE: 享年, 年齢, お年, 年, お歳, 歳, とし. */
const AGE_LABEL_WORD = /[年歳]|とし/;

function bareHits(text: string, units: readonly Hit[]): Hit[] {
  const hits: Hit[] = [];
  if (!ANY_AGE_NUMBER.test(text)) return hits;
  const add = (m: RegExpMatchArray, name: string) => {
    const { start, end } = span(m, "n");
    const full = m[0].endsWith("歳") || m[0].endsWith("才") ? end + 1 : end;
    if (plausible(parseJapaneseInteger(m.groups!["n"]!)) && BARE_NUMBER_END.test(text.slice(full, full + 12))) {
      hits.push({ start, end: full, name });
    }
  };
  if (AGE_LABEL_WORD.test(text)) for (const m of globalMatches(LABELLED_BARE, text)) add(m, "labelled");
  for (const m of globalMatches(REACHED_BARE, text)) add(m, "reached");
  for (const m of globalMatches(FAMILY_BARE, text)) add(m, "of-family");
  for (const date of findDates(text)) {
    if (date.year === undefined) continue;
    AFTER_BIRTH_DATE.lastIndex = date.end;
    const m = AFTER_BIRTH_DATE.exec(text);
    if (m) add(m, "after-birth-date");
  }
  if (units.length > 0 || AGE_TOPIC.test(text)) for (const m of globalMatches(PERSON_BARE, text)) add(m, "of-person");
  // 兄の遼も出たいって言い出して…11なんですけど: a bare predicate number in a sentence about a family member.
  if (FAMILY_CLAUSE_END.test(text)) for (const m of globalMatches(FAMILY_CLAUSE_BARE, text)) add(m, "family-clause");
  // 年齢で料金かわるプランってありました？ 33なんですけど: a number opening a clause right after an age question.
  if (AGE_QUESTION_WORD.test(text)) for (const m of globalMatches(AFTER_AGE_QUESTION, text)) add(m, "after-age-question");
  return hits;
}

function findAges(text: string): Candidate[] {
  const units = unitHits(text).filter((h) => onePersons(text, h));
  const all = [...units, ...bareHits(text, units).filter((h) => onePersons(text, h))];
  return all.map((h) => ({ start: h.start, end: h.end, score: h.name.startsWith("english-im") || h.name === "news" ? 0.7 : 0.8, patternName: h.name }));
}

/** A question about someone's age (ご年齢は, おいくつ, how old), not about an age limit (何歳から使えますか). */
const AGE_QUESTION = /年齢|おいくつ|お幾つ|何歳|なんさい|何才|お年は|お歳は|how old|your age|\bage\b|몇\s?살|나이|几岁|多大|年龄/i;
const LIMIT_QUESTION = /から|まで|以上|以下|未満|制限|条件|対象|限定/;
const ANSWER_LEAD = "^(?:[\\s、。,!！]|はい|ええ|えー|えっと|えーと|あの|うーん|まあ|あ|今年で|今年|今|現在|もう|ちょうど|満|私は|僕は|わたしは|俺は|I['’]?m|I am)*";
const ANSWER = new RegExp(
  `${ANSWER_LEAD}(?<v>(?<n>[0-9]{1,3}|${KANJI}|${EN_WORD})(?![0-9])\\s?(?:歳|才|さい|岁|살|\\s?years old)?)(?=です|だ|で[すし、,]|になり|になっ|になる|なん|[。、,!！…?？.]|\\s|$)`,
  "i",
);

/** A number opening a clause later in the answer: 北村 悠真、24です / …11なんですけど. */
const CLAUSE_NUMBER = new RegExp(`(?<=[、,。.!！?？…\\s])(?<v>(?<n>${NUMBER})(?:歳|才)?)(?=です|なんです|でして|だけど)`, "g");

/**
 * The bare number that answers a question about an age (ご年齢は？ → 二十七です), or that goes on about ages
 * just given (岡本 光、七歳です → 兄の遼も…11なんですけど).
 */
function findAgeAnswer(question: string, answer: string): Candidate[] {
  const ask = AGE_QUESTION.exec(question);
  const asked = ask !== null && !LIMIT_QUESTION.test(question.slice(ask.index, ask.index + 20));
  if (!asked && !unitHits(question, PERSON_FORMS).some((h) => onePersons(question, h))) return [];
  const out: Candidate[] = [];
  const m = asked ? ANSWER.exec(answer) : null;
  if (m?.groups?.["v"]) {
    const n = m.groups["n"]!;
    const start = m.index + m[0].length - m.groups["v"].length;
    const hit: Hit = { start, end: start + m.groups["v"].length, name: "answer" };
    if (plausible(/^[0-9]+$/.test(n) ? Number(n) : (parseJapaneseInteger(n) ?? englishValue(n))) && onePersons(answer, hit)) {
      out.push({ ...hit, score: 0.8, patternName: "answer" });
    }
  }
  for (const c of globalMatches(CLAUSE_NUMBER, answer)) {
    const start = c.index;
    const hit: Hit = { start, end: start + c.groups!["v"]!.length, name: "answer-clause" };
    if (start > 40 || !plausible(parseJapaneseInteger(c.groups!["n"]!)) || !onePersons(answer, hit)) continue;
    // A number after a label of something else is that thing (会員番号、1234です).
    if (/(?:番号|ID|コード|号室|番地|円|点)[^、。]{0,6}$/.test(answer.slice(Math.max(0, start - 12), start))) continue;
    out.push({ ...hit, score: 0.75, patternName: "answer-clause" });
  }
  return out;
}

/**
 * AGE: one specific person's age: 42歳, 七十二才, 30代後半, アラフォー said of someone, "36 years old", "I'm 36",
 * 山田太郎氏（54）, and a bare number given as an age (年は今三十四です, もう五十八になって, or answering
 * ご年齢は？). 歳 and "years old" are inside the span (policy rule 7). Demographic targets, plan conditions,
 * ranges and time references (20代の方に人気, 60歳以上は割引, 子どもが3歳くらいの頃) are not ages of a person.
 *
 * @example
 * analyze("妻が三十九で、子供が上が八歳です") // → AGE over 三十九 and 八歳
 */
export const ageRecognizer: Recognizer = {
  id: "age",
  entity: "AGE",
  description: "A person's age: N歳, decades said of someone, English forms, news-style (54), answers to age questions",
  find: findAges,
  findAnswer: findAgeAnswer,
  context: {
    words: ["年齢", "ご年齢", "歳", "才", "おいくつ", "何歳", "age", "years old", "how old"],
  },
  labels: ["年齢", "ご年齢"],
  // Every candidate already carries its own evidence (歳, 代, an age label or question): a price label nearby
  // (年齢で料金かわるプラン… 33なんですけど) does not make it a price.
  selfEvident: true,
};
