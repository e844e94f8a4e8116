/**
 * Word lists of the ADDRESS recognizer (see ../address.ts): kept apart so that the recognizer reads as logic.
 */

/** Hesitation fillers ASR leaves between the parts of one address (policy rule 3: they stay inside the span). */
export const FILLERS: readonly string[] = [
  "えーっと", "ええっと", "えーと", "ええと", "えっと", "あのー", "あのう", "あの", "えー", "ええ", "えと", "まあ", "まぁ",
  "うーん", "んー", "んーと", "あー", "あぁ", "うー", "っと",
].sort((a, b) => b.length - a.length);

/**
 * Words that end a building name (ハイツ天神橋, 新横浜第二ビル): after the 番地 a katakana or kanji run with one
 * of these, or one that ends in a room number, is the building.
 */
export const BUILDING_WORDS: readonly string[] = [
  "マンション", "ハイツ", "コーポ", "レジデンス", "レジデンシャル", "メゾン", "ハイム", "ビル", "コート", "タワー", "ヒルズ", "パレス",
  "アパート", "ハウス", "プラザ", "テラス", "ガーデン", "ヴィラ", "シャトー", "ドミール", "フラット", "キャッスル", "パーク",
  "ホームズ", "カーサ", "グラン", "ライオンズ", "エステート", "スクエア", "フォレスト", "ヴィレッジ", "ビレッジ", "ステーション",
  "ロイヤル", "サンシャイン", "リバーサイド", "荘", "寮", "団地", "住宅", "棟", "館", "邸", "苑", "舎", "会館", "センター",
];

/**
 * Words written right before a place name without a particle (新住所横浜市…, 実家 世田谷区…): the name starts
 * after them.
 */
export const LEAD_WORDS: readonly string[] = [
  "新住所", "旧住所", "現住所", "住所", "所在地", "送付先", "配送先", "郵送先", "発送先", "設置先", "移転先", "転居先", "勤務先",
  "宛先", "連絡先", "請求先", "届先", "自宅", "実家", "本社", "支社", "本店", "事務所", "会社", "現在", "以前", "登録", "住居",
].sort((a, b) => b.length - a.length);

/** Municipalities written in hiragana (さいたま市, つくば市): kana the kanji-based name scan would miss. */
export const KANA_MUNICIPALITIES: readonly string[] = [
  "さいたま", "つくばみらい", "つくば", "ひたちなか", "いわき", "かすみがうら", "みどり", "いすみ", "あきる野", "うるま", "えびの",
  "みよし", "たつの", "かほく", "あわら", "おいらせ", "にかほ", "むつ", "いなべ", "みやま", "さくら", "うきは", "みなかみ", "ときがわ",
].sort((a, b) => b.length - a.length);

/** Prefectures in romaji, as English addresses end (…, Fukuoka-shi, Fukuoka). */
export const PREFECTURES_ROMAJI: readonly string[] = [
  "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki", "Tochigi", "Gunma", "Saitama", "Chiba",
  "Tokyo", "Kanagawa", "Niigata", "Toyama", "Ishikawa", "Fukui", "Yamanashi", "Nagano", "Gifu", "Shizuoka", "Aichi", "Mie", "Shiga",
  "Kyoto", "Osaka", "Hyogo", "Nara", "Wakayama", "Tottori", "Shimane", "Okayama", "Hiroshima", "Yamaguchi", "Tokushima", "Kagawa",
  "Ehime", "Kochi", "Fukuoka", "Saga", "Nagasaki", "Kumamoto", "Oita", "Miyazaki", "Kagoshima", "Okinawa",
];
