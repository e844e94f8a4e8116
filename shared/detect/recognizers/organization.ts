import { getTokenizer, type Token } from "../../text/tokenizer.js";
import { PROVIDERS } from "../lexicon/providers.js";
import { type Candidate, type NlpArtifacts, type Recognizer, globalMatches } from "../recognizer.js";

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
  /(?:大学院|大学|短期大学|高等学校|高校|中学校|小学校|専門学校|インターナショナルスクール|スクール|学園|学院|学校|協会|組合|研究所|財団|病院|医院|クリニック|診療所|歯科|信用金庫|信用組合|銀行|工務店|商事|物産|商店|製作所|工業|産業|建設|不動産|電機|電気|電工|システムズ|ソリューションズ|テクノロジーズ|ホールディングス|出版|新聞社|放送|証券|生命|損保|損害保険|保険|海上|火災|商会|興業|開発|設計|技研|化成|保育園|幼稚園|警備保障|保障|エネルギー|マテリアル|通信|電力|鉄道|航空|交通|自動車|重工|薬品|ロジスティクス|ファーマ|運輸|物流|製薬|食品|精工|化学|薬局|法律事務所|会計事務所)$/;
/** Nouns that cannot be part of a name run (pronouns, counters, dependent nouns). */
function nameNoun(t: Token): boolean {
  // Verbs, particles and the rest are never part of a name (& aside): answered before the regexes below.
  if (t.pos !== "名詞" && t.pos !== "記号") return t.surface === "&";
  if (t.pos === "記号") return t.surface === "・" || t.surface === "&";
  // kuromoji tags ASCII symbols after normalisation as nouns ( "(" as サ変接続): they are not names.
  if (!/[\p{L}\p{N}]/u.test(t.surface)) return t.surface === "&";
  if (t.pos === "名詞" && t.pos1 === "接尾") return t.pos2 !== "人名" && t.pos2 !== "助数詞"; // 工務|店, 市役|所
  return t.pos === "名詞" && !["代名詞", "非自立", "副詞可能", "数"].includes(t.pos1) && !GENERIC.test(t.surface);
}

/** Extends from token index `from` over name nouns, leftwards or rightwards, at most `max` tokens. */
function nounRun(tokens: readonly Token[], from: number, step: -1 | 1, max = 6): number {
  let i = from;
  while (i + step >= 0 && i + step < tokens.length && Math.abs(i + step - from) <= max && nameNoun(tokens[i + step]!)) {
    // Leftwards, ・ joins katakana parts of one name (グローバル・ノヴァ) but not a category (プロ野球・…).
    if (step === -1 && tokens[i + step]!.surface === "・" && !/^[\u30A1-\u30FA\u30FC]+$/.test(tokens[i + 2 * step]?.surface ?? "")) break;
    i += step;
  }
  while (tokens[i]?.surface === "・" && i !== from) i -= step;
  // A run does not start with a suffix (店 in 工務店 needs 工務 before it).
  while (step === -1 && i < from && tokens[i]!.pos1 === "接尾") i++;
  return i;
}

/** A token that can carry an organisation's name: proper, unknown, katakana, latin or hiragana words. */
function nameLike(t: Token): boolean {
  return t.pos1 === "固有名詞" || !t.known || /^[\u3041-\u309F\u30A1-\u30FA\u30FCA-Za-z]+$/.test(t.surface) || t.surface.length >= 4;
}

function tokenAt(tokens: readonly Token[], offset: number, edge: "start" | "end"): number {
  return tokens.findIndex((t) => (edge === "start" ? t.start === offset : t.end === offset));
}

/** Questions whose answer is someone's employer or school. */
const ASKS_ORGANIZATION = /お勤め先|勤務先|勤め先|会社名|ご所属|所属先|学校名|どちらにお勤め|どちらの会社|お仕事先|work for|company name/i;

/** Words that say the organisation is someone's: employer, school, workplace. */
const TIED = /前職|勤務先|勤め先|職場|勤め|勤務|働い|働き|在籍|所属|の者|社員|職員|から参りました|申します|でございます|の担当|に通って|通ってい|の学生|生徒|卒業|出身|入社|転職|内定|派遣|出向|経営|代表|勤めて|務めて|の社長|の部長|の課長|教授|先生|選手|監督|看護師|医師|院長|に勤|で働|うちの会社|弊社|当社|御社|貴社/;
/** Words that say it is a provider: an account, a card, a contract, a purchase. */
const PROVIDED = /口座|振込|振り込|引き落と|支店|カード|契約|加入|保険に入|利用|使って|申し込|購入|注文|届い|配達|送って|アプリ|で買|に問い合わせ|のサイト|ATM|窓口|提携|取引先|共同研究|予約チャット|予約アシスタント|ポジション|求人|の案件/;
/** Suffixes of companies (not schools or hospitals), which clients address with 様 or 御中. */
const COMPANY_SUFFIX = /(?:商事|物産|商店|製作所|工業|産業|建設|不動産|電機|電工|商会|興業|工務店|技研|化成|精工|運輸|物流|食品|製薬|薬品|重工|システムズ|ソリューションズ|テクノロジーズ|ホールディングス)$/;
/** Generic words, not names, that stand where an agent's company would (弊社営業部の…). */
const GENERIC = /^(?:弊社|当社|御社|貴社|こちら|私|わたくし|担当|営業|受付|本社|支社|会社|当店|当院|当行|お客様|カスタマー|サポート|本日)$/;
/** Department words between a company and a person (営業部の山口). */
const DEPARTMENT = /(?:\p{Script=Han}{1,6}(?:部|課|室|係|事業部|本部|支店|営業所)|(?:カスタマー|サポート|コール)?センター|チーム)$/u;

function context(text: string, start: number, end: number): { tied: boolean; provided: boolean } {
  const window = text.slice(Math.max(0, start - 25), start) + "|" + text.slice(end, end + 25);
  return { tied: TIED.test(window), provided: PROVIDED.test(window) };
}

/** Built once: isProvider runs for every organisation candidate. */
const LEGAL_EDGES = new RegExp(`^(?:${LEGAL})|(?:${LEGAL})$`, "gu");

function isProvider(surface: string): boolean {
  const bare = surface.replace(LEGAL_EDGES, "").trim();
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

/** Department and desk words between a company and a person (営業部, お客様センター, 受付デスク). */
function departmentToken(t: Token): boolean {
  return /(?:部|課|室|係|センター|窓口|デスク|チーム|事業部|本部|支店|営業所|グループ)$/.test(t.surface) || /^(?:お客様|カスタマー|サポート|受付|営業|総務|経理|人事|開設|口座|相談|コール|問い合わせ|お問い合わせ|担当|人材紹介|紹介|サービス|契約|契約者|会員|ご|お)$/.test(t.surface);
}

/** The name run before the の at token `no`, past department words (ミナトシステムズ|営業部|の). */
function companyBefore(text: string, tokens: readonly Token[], no: number): { start: number; end: number; name: string; run: Token[] } | undefined {
  let k = no - 1;
  while (k >= 0 && departmentToken(tokens[k]!)) k--;
  if (k < 0 || !nameNoun(tokens[k]!)) return undefined;
  const first = nounRun(tokens, k, -1);
  const start = tokens[first]!.start;
  const end = tokens[k]!.end;
  return { start, end, name: text.slice(start, end), run: tokens.slice(first, k + 1) };
}

/** A word kuromoji does not know, glued to its desk (ソラネットサポートセンター): the company is what precedes the desk. */
const GLUED_DESK = /^(?<name>[\u30A1-\u30FA\u30FC\p{Script=Han}A-Za-z0-9]{2,}?)(?:カスタマーサポートセンター|サポートセンター|カスタマーセンター|お客様センター|コールセンター|サポートデスク|ヘルプデスク|受付センター|営業部)$/u;
function gluedDesk(t: Token): { start: number; end: number; name: string; run: Token[] } | undefined {
  if (t.known) return undefined;
  const name = GLUED_DESK.exec(t.surface)?.groups?.["name"];
  return name ? { start: t.start, end: t.start + name.length, name, run: [t] } : undefined;
}

/** The company before an agent's self-introduction: "<company>[department]の<person>と申します/でございます/です". */
function agentCompanies(text: string, tokens: readonly Token[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i]!.surface !== "の") continue;
    const person = tokens[i + 1];
    if (!person || person.pos !== "名詞") continue;
    const after = text.slice(person.end, person.end + 10);
    const strong = /^(?:\p{Script=Han}{0,2})(?:と申します|でございます|と言います|といいます)/u.test(after);
    const weak = /^(?:です|でした)/.test(after) && person.pos2 === "人名";
    if (!strong && !weak) continue;
    const company = companyBefore(text, tokens, i) ?? gluedDesk(tokens[i - 1]!);
    if (!company || !company.run.some(nameLike) || GENERIC.test(company.name) || isProvider(company.name)) continue;
    out.push({ start: company.start, end: company.end, score: 0.8, patternName: "agent-company", labelBound: true });
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
  for (const m of globalMatches(LEGAL, text)) {
    const end = m.index + m[0].length;
    // 株式会社はるかぜ不動産: the name may be hiragana up to a company word.
    const spelled = /^[\u3041-\u3096\u30A1-\u30FA\u30FC\p{Script=Han}A-Za-z0-9・&]{0,12}?(?:不動産|商事|物産|工業|建設|電機|設計|保険|銀行|運輸|食品|製作所|工務店|システムズ|ホールディングス|テック|サービス)/u.exec(text.slice(end));
    const next = tokenAt(tokens, end, "start");
    if (next !== -1 && nameNoun(tokens[next]!)) {
      const runEnd = tokens[nounRun(tokens, next, 1)]!.end;
      push(m.index, Math.max(runEnd, spelled ? end + spelled[0].length : 0), 0.85, "legal-form-before");
      continue;
    }
    if (spelled) {
      push(m.index, end + spelled[0].length, 0.85, "legal-form-before");
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
    // ひまわり保育園, しらさぎ信用金庫: a hiragana name kuromoji cuts into pieces.
    let start = tokens[first]!.start;
    const hiragana = /(?:^|[^\u3041-\u3096])([\u3041-\u3096]{2,7})$/.exec(text.slice(Math.max(0, start - 8), start));
    if (hiragana) start -= hiragana[1]!.replace(/^[はがをにでともへの](?=[\u3041-\u3096]{2})/, "").length;
    // 保険証券, 総合病院: ordinary words before the suffix do not make a name.
    // Unless the company is addressed with 様/御中 (北斗物産様), or a school or employer the person attends or
    // works at is a compound of two or more words (白樺|学院|高校に通っています).
    const honoured = COMPANY_SUFFIX.test(t.surface) && /^(?:様|さん|御中)/.test(text.slice(t.end, t.end + 2));
    const attended = i - first >= 2 && EMPLOYMENT_AFTER.test(text.slice(t.end, t.end + 8));
    if (start === tokens[first]!.start && !tokens.slice(first, i + 1).some(nameLike) && !honoured && !attended) continue;
    // Banks, insurers and brokers are named as providers far more often than as employers.
    push(start, t.end, /(?:銀行|信用金庫|信用組合|証券|保険|損保|生命|海上|火災)$/.test(t.surface) ? 0.4 : 0.55, "institution");
  }
  for (const t of tokens) {
    // Unknown words come out as 組織 too (Emily, SATO): only dictionary organisations count.
    if (t.pos1 === "固有名詞" && t.pos2 === "組織" && t.known) push(t.start, t.end, 0.4, "ipadic-organization");
  }
  out.push(...agentCompanies(text, tokens), ...employers(text, tokens), ...affiliations(text, tokens));
  // 会社（ミナト物流株式会社）, 宮城菜々子選手（湘南スイミングクラブ）: an affiliation in brackets.
  for (const m of globalMatches(BRACKETED_AFFILIATION, text)) {
    const org = m.groups?.["org"];
    // （本名・田村静子）, （英語名 Kenta Ono）: a name in brackets, not an affiliation.
    if (!org || /^\d+$/.test(org) || !/[\p{Script=Han}\u30A1-\u30FA\u30FCA-Za-z]/u.test(org) || /^(?:本名|旧姓|英語名|通称|芸名|愛称|旧名)/.test(org)) continue;
    const start = m.index + m[0].length - org.length - 1;
    push(start, start + org.length, 0.8, "bracketed-affiliation");
  }
  // Shirakaba Gakuin High School, Minato Clinic: capitalised words before an English institution word.
  for (const m of globalMatches(ENGLISH_INSTITUTION, text)) {
    const attended = /(?:go(?:es)? to|went to|attend(?:s|ed)?|work(?:s|ed)? (?:at|for)|stud(?:y|ies|ied) at|graduated from|student at|teach(?:es)? at)\s+(?:the\s+)?$/i.test(text.slice(Math.max(0, m.index - 24), m.index));
    if (!/^(?:The|A|An|My|Our|Your|Japanese|English|Public|Private|Local)\s/.test(m[0]) || attended) push(m.index, m.index + m[0].length, attended ? 0.8 : 0.55, "english-institution");
  }
  for (const m of globalMatches(ENGLISH_EMPLOYER, text)) {
    // A sentence's full stop is not part of the name (Inc. and Co. keep theirs: a letter run before the stop).
    const found = m.groups?.["org"];
    if (!found) continue;
    const start = m.index + m[0].length - found.length;
    const org = found.replace(/(?<=[a-z]{4,})\.$/, "");
    push(start, start + org.length, 0.8, "english-employer");
  }
  return out;
}

/** A person with a title after の: 東西電機の山本社長, 北海ブリザードのFWルーカス・ベルナール. */
const TITLED_PERSON = new RegExp(
  "^の(?:FW|MF|DF|GK|選手|投手|捕手)?[\\p{Script=Han}\\u30A1-\\u30FA\\u30FC・]{1,10}?(?:社長|副社長|会長|専務|常務|取締役|部長|課長|係長|主任|教授|准教授|助教|講師|研究員|医師|院長|監督|コーチ|選手|投手|捕手|主将|代表|最高経営責任者|CEO|氏|[（(]\\d{1,3}[）)])",
  "u",
);

/** The organisation a titled person belongs to (news style), unless it is only a place (東京の田中社長?). */
function affiliations(text: string, tokens: readonly Token[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i]!.surface !== "の" || !TITLED_PERSON.test(text.slice(tokens[i]!.start, tokens[i]!.start + 24))) continue;
    const company = companyBefore(text, tokens, i);
    if (!company) continue;
    const { run, name } = company;
    // The titled person is the evidence: any noun run of two characters or more (東西電機) will do, but not a
    // single dictionary word (テニスの, 上司の, 長男の, 衆院議員の: a field, a relation or a role).
    const single = run.length === 1 && run[0]!.known && run[0]!.pos1 !== "固有名詞";
    const role = /(?:議員|学者|者|家|手|員|長|役|職|議)$/.test(name);
    if ([...name].length < 2 || single || role || run.every((t) => t.pos2 === "地域") || GENERIC.test(name) || isProvider(name)) continue;
    out.push({ start: company.start, end: company.end, score: 0.8, patternName: "affiliation", labelBound: true });
  }
  return out;
}

/** 東亜データサービスに入って / で働いています: the name run right before an employment verb. */
const EMPLOYMENT_AFTER = /^(?:に(?:勤め|勤務|入社|入って|就職|転職|在籍|通って|内定)|で(?:働|勤務|勤め)|の(?:社員|職員|正社員|契約社員|派遣社員|学生|生徒|研究室|者です))/;
/** 会社（ミナト物流株式会社）, 選手（湘南スイミングクラブ）. */
const BRACKETED_AFFILIATION = /(?:会社|勤務先|勤め先|職場|学校|所属|選手|さん|氏|様)[（(](?<org>[^（()）、。\n]{2,20})[）)]/gu;
const EMPLOYMENT_FIRST = new Set(["に", "で", "の"]);
const ENGLISH_INSTITUTION = /(?<![A-Za-z])(?:[A-Z][A-Za-z&'-]+\s){1,4}(?:Junior High School|Senior High School|High School|Elementary School|School|University|College|Academy|Institute|Hospital|Clinic)(?![A-Za-z])/g;
const ENGLISH_EMPLOYER = /(?:work(?:s|ing)? (?:for|at)|employed (?:at|by)|I'm with|joined|student at|studying at)\s+(?:the\s+)?(?<org>[A-Z][A-Za-z&.]*(?:\s[A-Z][A-Za-z&.]*){0,3})/g;

function employers(text: string, tokens: readonly Token[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // EMPLOYMENT_AFTER starts with に, で or の: most tokens are not followed by one.
    if (!EMPLOYMENT_FIRST.has(text[t.end] ?? "") || !nameNoun(t) || !EMPLOYMENT_AFTER.test(text.slice(t.end, t.end + 8))) continue;
    const first = nounRun(tokens, i, -1);
    const run = tokens.slice(first, i + 1);
    if (!run.some(nameLike) || GENERIC.test(text.slice(tokens[first]!.start, t.end))) continue;
    if (run.every((r) => r.pos1 === "固有名詞" && r.pos2 === "人名")) continue; // 山田さんの社員? a person, not a company
    const c = scored(text, tokens[first]!.start, t.end, 0.75, "employer");
    if (c) out.push(c);
  }
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
  // しらさぎ信用金庫です。 after お勤め先は？: the organisation an answer names first is the one asked for.
  findAnswer: (question, answer, nlp) => {
    if (!ASKS_ORGANIZATION.test(question)) return [];
    const tokens = nlp?.tokens ?? getTokenizer().tokenize(answer);
    const found = findOrganizations(answer, { tokens }).filter((c) => c.start < 12);
    if (found.length > 0) return found.map((c) => ({ ...c, score: Math.max(c.score, 0.85), patternName: `${c.patternName}-answer` }));
    const run = /^(?:はい[、,]?\s?|えー[、,]?\s?|あ[、,]\s?)*(?<org>[\p{Script=Han}\u30A1-\u30FA\u30FC\u3041-\u3096A-Za-z0-9・&]{2,20}?)(?=です|でございます|に勤め|で働|[。、]|$)/u.exec(answer);
    const org = run?.groups?.["org"];
    // A clause (変わってないです, ご勤務先宛てでも発行可能です) is not a name: no verb or particle endings inside.
    if (!run || !org || GENERIC.test(org) || /^(?:はい|いいえ|そう|会社員|無職|主婦|学生|自営業|パート)$/.test(org) || /(?:ない|ます|ません|った|でも|では|には|から|まで|宛)|[\u3041-\u3096]$/.test(org)) return [];
    const start = run[0].length - org.length;
    return [{ start, end: start + org.length, score: 0.8, patternName: "answered-organization", labelBound: true }];
  },
  needsTokens: true,
};
