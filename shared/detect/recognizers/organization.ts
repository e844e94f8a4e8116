import type { Token } from "../../text/tokenizer.js";
import { PROVIDERS } from "../lexicon/providers.js";
import type { Candidate, NlpArtifacts, Recognizer } from "../recognizer.js";

/**
 * ORGANIZATION: the employer, school or company of a participant or of a named person (policy rule 6):
 * 株式会社X / X株式会社 (legal form included), X大学, X病院, X商事 …, kuromoji's 組織 tags, and the company an
 * agent names before introducing themself (ミナトシステムズ営業部の山口です). Departments are not part of it;
 * providers mentioned as providers (banks, carriers, couriers, software, shops) are not PII.
 */

const LEGAL_FORMS: readonly string[] = [
  "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人",
  "社会福祉法人", "医療法人社団", "医療法人財団", "医療法人", "学校法人", "宗教法人", "特定非営利活動法人", "NPO法人", "(株)", "(有)", "㈱", "㈲",
];
const LEGAL = new RegExp(LEGAL_FORMS.map((f) => f.replace(/[()]/g, "\\$&")).join("|"), "g");
/** Suffixes that make a name an institution or a company. */
const INSTITUTION_SUFFIX =
  /(?:大学院|大学|短期大学|高等学校|高校|中学校|小学校|専門学校|学園|病院|医院|クリニック|診療所|歯科|信用金庫|信用組合|銀行|工務店|商事|物産|商店|製作所|工業|産業|建設|不動産|電機|電気|電工|システムズ|ソリューションズ|テクノロジーズ|ホールディングス|出版|新聞社|放送|証券|生命|損保|運輸|物流|製薬|食品|精工|化学|薬局|法律事務所|会計事務所)$/;
/** Nouns that cannot be part of a name run (pronouns, counters, dependent nouns). */
function nameNoun(t: Token): boolean {
  if (t.pos === "記号") return t.surface === "・" || t.surface === "&";
  if (t.pos === "接頭詞") return false;
  if (t.pos === "名詞" && t.pos1 === "接尾") return t.pos2 !== "人名" && t.pos2 !== "助数詞"; // 工務|店, 市役|所
  return t.pos === "名詞" && !["代名詞", "非自立", "副詞可能", "数"].includes(t.pos1) && !GENERIC.test(t.surface);
}

/** Extends from token index `from` over name nouns, leftwards or rightwards, at most `max` tokens. */
function nounRun(tokens: readonly Token[], from: number, step: -1 | 1, max = 6): number {
  let i = from;
  while (i + step >= 0 && i + step < tokens.length && Math.abs(i + step - from) <= max && nameNoun(tokens[i + step]!)) {
    i += step;
  }
  // A run does not start with a suffix (店 in 工務店 needs 工務 before it).
  while (step === -1 && i < from && tokens[i]!.pos1 === "接尾") i++;
  return i;
}

function tokenAt(tokens: readonly Token[], offset: number, edge: "start" | "end"): number {
  return tokens.findIndex((t) => (edge === "start" ? t.start === offset : t.end === offset));
}

/** Words that say the organisation is someone's: employer, school, workplace. */
const TIED = /勤め|勤務|働い|働き|在籍|所属|の者|社員|職員|から参りました|申します|でございます|の担当|に通って|通ってい|の学生|生徒|卒業|出身|入社|転職|内定|派遣|出向|経営|代表|勤めて|務めて|の社長|の部長|の課長|教授|先生|選手|監督|看護師|医師|院長|に勤|で働|うちの会社|弊社|当社|御社|貴社/;
/** Words that say it is a provider: an account, a card, a contract, a purchase. */
const PROVIDED = /口座|振込|振り込|引き落と|支店|カード|契約|加入|利用|使って|申し込|購入|注文|届い|配達|送って|アプリ|で買|に問い合わせ|のサイト|ATM|窓口/;
/** Generic words, not names, that stand where an agent's company would (弊社営業部の…). */
const GENERIC = /^(?:弊社|当社|御社|貴社|こちら|私|わたくし|担当|営業|受付|本社|支社|会社|当店|当院|当行|お客様|カスタマー|サポート|本日)$/;
/** Department words between a company and a person (営業部の山口). */
const DEPARTMENT = /(?:\p{Script=Han}{1,6}(?:部|課|室|係|事業部|本部|支店|営業所)|(?:カスタマー|サポート|コール)?センター|チーム)$/u;

function context(text: string, start: number, end: number): { tied: boolean; provided: boolean } {
  const window = text.slice(Math.max(0, start - 25), start) + "|" + text.slice(end, end + 25);
  return { tied: TIED.test(window), provided: PROVIDED.test(window) };
}

function isProvider(surface: string): boolean {
  const bare = surface.replace(new RegExp(`^(?:${LEGAL})|(?:${LEGAL})$`, "gu"), "").trim();
  return PROVIDERS.has(surface) || PROVIDERS.has(bare);
}

function scored(text: string, start: number, end: number, base: number, patternName: string): Candidate | undefined {
  const surface = text.slice(start, end);
  const { tied, provided } = context(text, start, end);
  let score = base;
  if (isProvider(surface)) score = tied && !provided ? 0.7 : 0;
  else if (tied) score = Math.max(score, 0.85);
  else if (provided) score = Math.min(score, 0.35);
  return score > 0 ? { start, end, score, patternName, labelBound: true } : undefined;
}

/** The company before an agent's self-introduction: "<company>[department]の<person>です/と申します". */
function agentCompanies(text: string, tokens: readonly Token[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!(t.pos1 === "固有名詞" && t.pos2 === "人名")) continue;
    const after = text.slice(t.end, t.end + 10);
    if (!/^(?:と申します|でございます|です|と言います|といいます)/.test(after) && !/^[\p{Script=Han}]{0,2}(?:と申します|でございます)/u.test(after)) continue;
    const no = tokens[i - 1];
    if (!no || no.surface !== "の") continue;
    let before = text.slice(0, no.start);
    const department = DEPARTMENT.exec(before);
    if (department) before = before.slice(0, before.length - department[0].length);
    const name = /[\p{Script=Han}\u30A1-\u30FA\u30FCA-Za-z0-9&・]{2,20}$/u.exec(before);
    if (!name || GENERIC.test(name[0]) || isProvider(name[0])) continue;
    const start = before.length - name[0].length;
    out.push({ start, end: before.length, score: 0.8, patternName: "agent-company", labelBound: true });
  }
  return out;
}

function findOrganizations(text: string, nlp: NlpArtifacts): Candidate[] {
  const tokens = nlp.tokens;
  const out: Candidate[] = [];
  const push = (start: number, end: number, base: number, name: string) => {
    if (end <= start) return;
    const c = scored(text, start, end, base, name);
    if (c) out.push(c);
  };
  // 株式会社北斗物産 / 山本工務店株式会社: the legal form with the name run next to it.
  for (const m of text.matchAll(LEGAL)) {
    const end = m.index + m[0].length;
    const next = tokenAt(tokens, end, "start");
    if (next !== -1 && nameNoun(tokens[next]!)) {
      push(m.index, tokens[nounRun(tokens, next, 1)]!.end, 0.85, "legal-form-before");
      continue;
    }
    const previous = tokenAt(tokens, m.index, "end");
    if (previous !== -1 && nameNoun(tokens[previous]!)) push(tokens[nounRun(tokens, previous, -1)]!.start, end, 0.85, "legal-form-after");
  }
  // さくら総合病院, 東都大学, アオバ商事: a name run ending in an institution suffix.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!INSTITUTION_SUFFIX.test(t.surface) || !nameNoun(t)) continue;
    const first = nounRun(tokens, i, -1);
    if (first === i && INSTITUTION_SUFFIX.exec(t.surface)![0] === t.surface) continue; // a bare 病院 or 大学
    push(tokens[first]!.start, t.end, 0.55, "institution");
  }
  for (const t of tokens) {
    if (t.pos1 === "固有名詞" && t.pos2 === "組織") push(t.start, t.end, 0.4, "ipadic-organization");
  }
  out.push(...agentCompanies(text, tokens));
  return out;
}

/**
 * @example
 * analyze("株式会社北斗物産の佐々木と申します") // → ORGANIZATION over 株式会社北斗物産
 */
export const organizationRecognizer: Recognizer = {
  id: "organization",
  entity: "ORGANIZATION",
  description: "Employers, schools, hospitals: legal forms, institution suffixes, IPADIC 組織, agents' companies",
  find: findOrganizations,
  needsTokens: true,
};
