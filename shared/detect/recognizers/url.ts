import type { Recognizer } from "../recognizer.js";
import { labelledAnswerFinder, labelledValueFinder, type LabelledValueSpec } from "../labelled-value.js";

const URL_CHARS = "[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'*+,;=%]";
const TLDS = "(?:com|net|org|info|biz|jp|co\\.jp|ne\\.jp|or\\.jp|ac\\.jp|go\\.jp|io|me|dev|app|blog|site|xyz|tokyo|link|page|so|cc|tv)";

const LINE_ID_SPEC: LabelledValueSpec = {
  patternName: "line-id",
  labels: [
    "LINE ID", "LINEID", "LINEのID", "ラインID", "ラインのID", "ID検索", "Skype ID", "スカイプID", "SkypeのID", "WeChat ID",
    "WeChat", "微信号", "微信", "カカオID", "KakaoTalk ID", "カカオトークID", "Discord ID", "DiscordのID", "インスタのID",
    "Instagram ID",
  ],
  value: /@?[A-Za-z0-9][A-Za-z0-9._\-:]{2,29}/,
  // Messenger IDs are often names joined by a hyphen (naoto-takada).
  shape: /[0-9]|[A-Za-z][_.@:\-][A-Za-z0-9]/,
  score: 0.9,
  maxGap: 8,
  trimTrailing: /[.\-_]+$/,
};

/**
 * URL: personal URLs and handles (own site, blog, SNS profile, @handle, LINE ID). Provider pages named as
 * such (公式, ヘルプ, FAQ …) are demoted by negative context.
 *
 * @example
 * analyze("ブログは https://taro.example.jp/diary です") // → URL
 */
export const urlRecognizer: Recognizer = {
  id: "url",
  entity: "URL",
  description: "Personal URLs, SNS handles and LINE IDs",
  patterns: [
    { name: "scheme", regex: new RegExp(`\\bhttps?:\\/\\/${URL_CHARS}+`, "gi"), score: 0.7 },
    { name: "www", regex: new RegExp(`(?<![A-Za-z0-9.\\-/])www\\.${URL_CHARS}+`, "gi"), score: 0.7 },
    {
      name: "bare-domain-path",
      regex: new RegExp(`(?<![A-Za-z0-9.\\-/@])[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.${TLDS}\\/${URL_CHARS}*`, "gi"),
      score: 0.65,
    },
    { name: "bare-domain", regex: new RegExp(`(?<![A-Za-z0-9.\\-/@])[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.${TLDS}(?![A-Za-z0-9.\\-@/])`, "gi"), score: 0.45 },
    {
      name: "handle",
      regex: /(?<![A-Za-z0-9._%+\-@])@(?!(?:channel|here|everyone|all)(?![A-Za-z0-9_]))[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,29}[A-Za-z0-9_])?(?![A-Za-z0-9_])/g,
      score: 0.6,
    },
  ],
  find: labelledValueFinder(LINE_ID_SPEC),
  findAnswer: labelledAnswerFinder(LINE_ID_SPEC),
  context: {
    words: ["ブログ", "サイト", "ホームページ", "HP", "URL", "インスタ", "Instagram", "Twitter", "ツイッター", "X", "TikTok",
      "Facebook", "Threads", "note", "YouTube", "SNS", "アカウント", "フォロー", "LINE", "ポートフォリオ", "プロフィール", "個人"],
    negative: ["公式", "弊社", "当社", "ヘルプ", "サポートページ", "FAQ", "よくある質問", "マニュアル", "ログインページ", "管理画面", "詳しくは"],
    before: 25,
    after: 10,
  },
  labels: ["LINE ID", "LINEのID", "ラインID", "Skype ID", "WeChat", "微信号", "URL", "ブログ", "インスタ", "Instagram", "Twitter"],
  canonical: (value) => value.toLowerCase().replace(/\/$/, ""),
};
