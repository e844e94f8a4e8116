/**
 * Providers commonly mentioned as providers (policy rule 6): banks, card brands, carriers, couriers, software
 * and shops. Mentioned as such they are not PII; as someone's employer they are, which context decides.
 */
export const PROVIDERS: ReadonlySet<string> = new Set([
  // banks as providers
  "ゆうちょ銀行", "ゆうちょ", "三菱UFJ銀行", "三井住友銀行", "みずほ銀行", "りそな銀行", "楽天銀行", "PayPay銀行", "住信SBIネット銀行",
  "ソニー銀行", "イオン銀行", "セブン銀行", "SBI証券", "楽天証券", "野村證券", "日本生命", "第一生命",
  // card brands and payment
  "VISA", "Visa", "JCB", "Mastercard", "マスターカード", "AMEX", "アメックス", "アメリカン・エキスプレス", "ダイナース", "PayPay", "ペイペイ",
  "楽天ペイ", "d払い", "auPAY", "メルペイ", "Suica", "スイカ", "PASMO", "パスモ", "iD", "QUICPay",
  // carriers and ISPs
  "ドコモ", "docomo", "NTTドコモ", "au", "KDDI", "ソフトバンク", "SoftBank", "楽天モバイル", "ワイモバイル", "Y!mobile", "UQモバイル",
  "ahamo", "NTT", "NTT東日本", "NTT西日本", "フレッツ", "ビッグローブ", "BIGLOBE", "ニフティ", "So-net",
  // couriers and post
  "ヤマト運輸", "ヤマト", "クロネコヤマト", "佐川急便", "佐川", "日本郵便", "ゆうパック", "郵便局", "西濃運輸", "福山通運", "DHL", "FedEx",
  // software and platforms
  "Zoom", "ズーム", "LINE", "ライン", "Slack", "Teams", "Microsoft", "マイクロソフト", "Google", "グーグル", "Gmail", "Excel", "エクセル",
  "Word", "Apple", "アップル", "iPhone", "Android", "Windows", "YouTube", "Instagram", "インスタ", "X", "Twitter", "Facebook", "TikTok",
  "Skype", "WeChat", "Chatwork", "Salesforce", "Amazon", "アマゾン", "楽天", "Yahoo", "ヤフー", "メルカリ", "Netflix", "Spotify",
  // shops and chains
  "セブンイレブン", "セブン", "ローソン", "ファミリーマート", "ファミマ", "ユニクロ", "無印良品", "イオン", "ヨドバシカメラ", "ビックカメラ",
  "スターバックス", "スタバ", "マクドナルド", "マック", "ダイソー", "ニトリ", "コストコ", "トヨタ", "ホンダ", "日産",
]);
