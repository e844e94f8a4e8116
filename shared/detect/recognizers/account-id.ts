import type { Recognizer } from "../recognizer.js";
import { labelledAnswerFinder, labelledValueFinder, type LabelledValueSpec, UNIT_AFTER } from "../labelled-value.js";

/** What the account is: membership, customer, contract, policy, login, patient, student, employee … */
const SUBJECTS = [
  "会員", "お客様", "お客さま", "顧客", "契約", "ご契約", "契約者", "証券", "保険証券", "利用者", "ご利用者", "ユーザー", "ユーザ",
  "アカウント", "ログイン", "加入者", "患者", "診察券", "学籍", "社員", "職員", "受講者", "受講生", "生徒", "メンバー",
  "ポイントカード", "ポイント", "メンバーズカード", "会員カード", "保険証", "被保険者", "組合員", "受験",
];
const KINDS = ["番号", "ID", "No.", "No", "ナンバー", "コード", "名"];
const ENGLISH = [
  "member ID", "membership number", "membership no", "member number", "member no", "customer ID", "customer number",
  "customer no", "user ID", "username", "user name", "account ID", "account number", "account name", "login ID",
  "login", "client ID", "contract number", "policy number", "student ID", "employee ID",
];

/** 会員番号, 会員の番号, お客様ID … and the bare ID / ＩＤ (normalised) used alone in chats. */
export const ACCOUNT_LABELS: readonly string[] = [
  ...SUBJECTS.flatMap((s) => KINDS.flatMap((k) => [`${s}${k}`, `${s}の${k}`])),
  ...ENGLISH,
  "ID", "ユーザーネーム", "ログイン名",
  // Cards whose number follows without 番号: 診察券 A-031882
  "診察券", "会員証", "保険証", "学生証", "社員証",
];

const ID_VALUE = /(?:[A-Za-z]{1,4}[- ]?)?[A-Za-z0-9](?:[A-Za-z0-9_.@\-]|[ -](?=[0-9]))*[A-Za-z0-9]/;

function rejectValue(value: string, following: string): boolean {
  if (value.length < 4) return true;
  if (UNIT_AFTER.test(following)) return true;
  // Login names may be letters only, but then they need letters and digits or an underscore-like mark;
  // a plain English word after "ID" is usually prose ("ID and password").
  const digits = value.replace(/[^0-9]/g, "").length;
  if (digits === 0 && !/[_.\-]/.test(value) && !/[A-Z].*[a-z]|[a-z].*[A-Z]/.test(value)) return true;
  return false;
}

const ACCOUNT_SPEC: LabelledValueSpec = {
  patternName: "labelled",
  labels: ACCOUNT_LABELS,
  value: ID_VALUE,
  score: 0.85,
  maxGap: 16,
  reject: rejectValue,
  // Agents split the label when they ask: お手元に証券があれば、番号を… / 会員証の裏の番号を…
  loosePattern: new RegExp(`(?:${SUBJECTS.join("|")}|証券|会員証|カード)[^。？?]{0,12}(?:番号|ID|ＩＤ)`),
  trimTrailing: /[.\-_ ]+$/,
};

/**
 * ACCOUNT_ID: the person's account, membership, contract, policy or login identifier, found after its label.
 * Order, tracking and model numbers have their own labels and are not matched.
 *
 * @example
 * analyze("会員番号は、えっと、A-20391847です") // → ACCOUNT_ID over A-20391847
 */
export const accountIdRecognizer: Recognizer = {
  id: "account-id",
  entity: "ACCOUNT_ID",
  description: "Account, membership, contract and login IDs after their label",
  find: labelledValueFinder(ACCOUNT_SPEC),
  findAnswer: labelledAnswerFinder(ACCOUNT_SPEC),
  context: { words: ACCOUNT_LABELS },
  labels: ACCOUNT_LABELS,
  canonical: (value) => value.replace(/[\s-]/g, "").toUpperCase(),
};
