import fc from "fast-check";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * Generators for the property tests: valid identifiers (invented: card numbers pass Luhn, My Numbers carry a valid
 * check digit, e-mail domains are reserved example names, IPs come from the documentation ranges) in every written
 * form the policy names, and Japanese context around them. The checks in leaks.ts never use the detector's code.
 */

/** An identifier as written in a generated text, and what of it must not survive masking. */
export interface Identifier {
  readonly kind: "phone" | "card" | "my-number" | "email" | "ipv4" | "ipv6";
  /** The written form, as it appears in the text. */
  readonly written: string;
  readonly form: string;
  /** The digits of the value (phones, cards, My Numbers, IPs), compared against every digit the output keeps. */
  readonly digits?: string;
  /** Parts that identify on their own (digit groups, an e-mail's local part), each at least three characters. */
  readonly pieces: readonly string[];
}

const KANJI_DIGIT = "〇一二三四五六七八九";
const KANA_DIGIT: readonly (readonly string[])[] = [
  ["ゼロ", "まる", "れい"], ["いち"], ["に", "にー"], ["さん"], ["よん"], ["ご", "ごー"], ["ろく"], ["なな"], ["はち"], ["きゅう", "きゅー"],
];
const FULL_WIDTH_OFFSET = 0xfee0;

const digit = fc.integer({ min: 0, max: 9 });
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(""));

/** ASCII letters, digits and symbols in their full-width forms (０９０－…, ｔａｒｏ＠…). */
export function fullWidth(text: string): string {
  return text.replace(/[!-~]/g, (c) => (c === "-" ? "－" : String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET)));
}

function kanji(group: string): string {
  return [...group].map((d) => KANJI_DIGIT[Number(d)]).join("");
}

/** Hesitations and pauses between the parts of a spoken number. */
const SPOKEN_JOIN = fc.constantFrom("の", "、", "の、", "、えー、", "、あのー、", "、えっと、", " ", "、えー、の、");

/** Groups read aloud: kanji digits (〇九〇の一二三四…) or kana digits (ゼロきゅうゼロ、いちにさんよん…). */
function spoken(groups: readonly string[], script: "kanji" | "kana"): fc.Arbitrary<{ written: string; pieces: string[] }> {
  const readings = groups.map((g) =>
    script === "kanji"
      ? fc.constant(kanji(g))
      : fc.tuple(...[...g].map((d) => fc.constantFrom(...KANA_DIGIT[Number(d)]!))).map((r) => r.join("")),
  );
  return fc.tuple(fc.tuple(...readings), fc.array(SPOKEN_JOIN, { minLength: groups.length - 1, maxLength: groups.length - 1 })).map(([said, joins]) => ({
    written: said.map((s, i) => (i === 0 ? s : `${joins[i - 1]}${s}`)).join(""),
    pieces: said.filter((s) => s.length >= 3),
  }));
}

/** Digit groups in one of the typed or spoken forms. */
function writtenGroups(groups: readonly string[], forms: readonly string[]): fc.Arbitrary<{ written: string; form: string; pieces: string[] }> {
  const typed = (written: string, form: string) => fc.constant({ written, form, pieces: groups.filter((g) => g.length >= 3) });
  const choices: Record<string, fc.Arbitrary<{ written: string; form: string; pieces: string[] }>> = {
    hyphenated: typed(groups.join("-"), "hyphenated"),
    spaced: typed(groups.join(" "), "spaced"),
    plain: typed(groups.join(""), "plain"),
    "full-width": fc.constantFrom("－", "ー", "　").map((sep) => {
      const written = groups.map(fullWidth).join(sep);
      return { written, form: "full-width", pieces: groups.filter((g) => g.length >= 3).map(fullWidth) };
    }),
    "kanji-spoken": spoken(groups, "kanji").map((s) => ({ ...s, form: "kanji-spoken" })),
    "kana-spoken": spoken(groups, "kana").map((s) => ({ ...s, form: "kana-spoken" })),
  };
  return fc.oneof(...forms.map((f) => choices[f]!));
}

const ALL_FORMS = ["hyphenated", "spaced", "plain", "full-width", "kanji-spoken", "kana-spoken"] as const;

/** A valid Japanese number: mobile, Tokyo/Osaka/other fixed line, toll-free or IP phone, in its usual grouping. */
const phoneGroups = fc
  .oneof(
    fc.tuple(fc.constantFrom("070", "080", "090"), digits(4), digits(4)).map((g) => [...g]),
    fc.tuple(fc.constantFrom("03", "06"), digits(4), digits(4)).map((g) => [...g]),
    fc.tuple(fc.constantFrom("045", "052", "092", "011"), digits(3), digits(4)).map((g) => [...g]),
    fc.tuple(fc.constantFrom("0466", "0422", "0276"), digits(2), digits(4)).map((g) => [...g]),
    fc.tuple(fc.constant("0120"), digits(3), digits(3)).map((g) => [...g]),
    fc.tuple(fc.constant("050"), digits(4), digits(4)).map((g) => [...g]),
  )
  .filter((groups) => parsePhoneNumberFromString(groups.join(""), "JP")?.isValid() === true);

export const phone: fc.Arbitrary<Identifier> = phoneGroups.chain((groups) =>
  fc.oneof(
    { weight: 6, arbitrary: writtenGroups(groups, ALL_FORMS) },
    // +81 and brackets, as typed in chats and forms.
    { weight: 1, arbitrary: fc.constant({ written: `+81-${groups[0]!.slice(1)}-${groups.slice(1).join("-")}`, form: "+81", pieces: groups.slice(1).filter((g) => g.length >= 3) }) },
    { weight: 1, arbitrary: fc.constant({ written: `(${groups[0]})${groups[1]}-${groups[2]}`, form: "brackets", pieces: groups.slice(1).filter((g) => g.length >= 3) }) },
  ).map((w) => ({ kind: "phone" as const, ...w, digits: w.form === "+81" ? groups.join("").slice(1) : groups.join("") })),
);

/** Luhn check digit for `body` (the number without its last digit). */
export function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d *= 2;
    sum += d > 9 ? d - 9 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Visa, Mastercard, JCB (16 digits, 4-4-4-4) and American Express (15 digits, 4-6-5), passing Luhn. */
export const card: fc.Arbitrary<Identifier> = fc
  .oneof(
    fc.tuple(fc.constantFrom("4", "51", "53", "55", "2221", "3528", "3589"), fc.constant(16)),
    fc.tuple(fc.constantFrom("34", "37"), fc.constant(15)),
  )
  .chain(([prefix, length]) => digits(length - 1 - prefix.length).map((body) => `${prefix}${body}`).map((base) => `${base}${luhnDigit(base)}`))
  .chain((number) => {
    const groups = number.length === 15 ? [number.slice(0, 4), number.slice(4, 10), number.slice(10)] : number.match(/\d{4}/g)!;
    return writtenGroups(groups, ALL_FORMS).map((w) => ({ kind: "card" as const, ...w, digits: number }));
  });

/** 個人番号 check digit (pii-facts.md 5.2), written here from the reference, not from the detector. */
export function myNumberCheckDigit(eleven: string): number {
  let sum = 0;
  for (let n = 1; n <= 11; n++) sum += Number(eleven[11 - n]) * (n <= 6 ? n + 1 : n - 5);
  const remainder = sum % 11;
  return remainder <= 1 ? 0 : 11 - remainder;
}

export const myNumber: fc.Arbitrary<Identifier> = digits(11)
  .map((eleven) => `${eleven}${myNumberCheckDigit(eleven)}`)
  .chain((number) => writtenGroups(number.match(/\d{4}/g)!, ALL_FORMS).map((w) => ({ kind: "my-number" as const, ...w, digits: number })));

const LOCAL_WORDS = ["taro", "hanako", "yamada", "k.sato", "mika_t", "info.tanaka", "s-kobayashi", "yuki1988", "n.ito.2024"];
const DOMAINS = ["example.com", "example.net", "example.org", "mail.example.com", "example.co.jp", "sub.example.org"];
/** How a domain is said: エグザンプル ドット コム. */
const SPOKEN_DOMAINS: Readonly<Record<string, string>> = {
  "example.com": "エグザンプル ドット コム",
  "example.net": "エグザンプル ドット ネット",
  "example.org": "エグザンプル ドット オーグ",
  "example.co.jp": "エグザンプル ドット シーオー ドット ジェーピー",
};
/** Local parts as said: a name in katakana, or letters spelled one by one. */
const SPOKEN_LOCALS: readonly (readonly [string, string])[] = [
  ["ヤマダタロウ", "yamadataro"], ["タナカ", "tanaka"], ["サトウハナコ", "satohanako"], ["コバヤシ", "kobayashi"],
  ["エス、ティー、エー、アール", "star"], ["ケー、エム、アイ", "kmi"], ["ワイ、ユー、ケー、アイ", "yuki"],
];

export const email: fc.Arbitrary<Identifier> = fc.oneof(
  fc.tuple(fc.constantFrom(...LOCAL_WORDS), fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }), fc.constantFrom(...DOMAINS)).chain(([local, n, domain]) => {
    const user = `${local}${n ?? ""}`;
    const address = `${user}@${domain}`;
    return fc.constantFrom(
      { kind: "email" as const, written: address, form: "plain", pieces: [user] },
      { kind: "email" as const, written: fullWidth(address), form: "full-width", pieces: [fullWidth(user)] },
      { kind: "email" as const, written: address.toUpperCase(), form: "upper-case", pieces: [user.toUpperCase()] },
    );
  }),
  fc.tuple(fc.constantFrom(...SPOKEN_LOCALS), fc.constantFrom(...Object.keys(SPOKEN_DOMAINS)), fc.constantFrom("アットマーク", "アット"), fc.constantFrom(" ", "、")).map(
    ([[said], domain, at, pause]) => {
      const written = `${said}${pause}${at}${pause}${SPOKEN_DOMAINS[domain]!.replace(/ /g, pause)}`;
      return { kind: "email" as const, written, form: "spoken", pieces: [said] };
    },
  ),
);

const IPV4_NETWORKS = ["192.0.2", "198.51.100", "203.0.113"];

export const ipv4: fc.Arbitrary<Identifier> = fc
  .tuple(fc.constantFrom(...IPV4_NETWORKS), fc.integer({ min: 1, max: 254 }), fc.constantFrom("", "/24", "/32", "/28"), fc.boolean())
  .map(([network, host, cidr, wide]) => {
    const address = `${network}.${host}${cidr}`;
    return { kind: "ipv4" as const, written: wide ? fullWidth(address) : address, form: wide ? "full-width" : cidr ? "cidr" : "plain", digits: address.replace(/\/.*$/, "").replace(/\D/g, ""), pieces: [wide ? fullWidth(address) : address] };
  });

const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));

export const ipv6: fc.Arbitrary<Identifier> = fc
  .tuple(fc.array(hextet, { minLength: 6, maxLength: 6 }), fc.constantFrom("full", "compressed", "upper", "cidr"))
  .map(([rest, form]) => {
    const full = ["2001", "0db8", ...rest.map((h) => h.padStart(4, "0"))].join(":");
    const compressed = ["2001", "db8", "", ...rest.slice(2)].join(":");
    const written = form === "full" ? full : form === "upper" ? compressed.toUpperCase() : form === "cidr" ? `${compressed}/64` : compressed;
    return { kind: "ipv6" as const, written, form, pieces: [written.replace(/\/64$/, "")] };
  });

/** Every identifier kind, for properties that mix them. */
export const anyIdentifier: fc.Arbitrary<Identifier> = fc.oneof(phone, card, myNumber, email, ipv4, ipv6);

/**
 * Words said around a value, including what must not disturb detection: fillers, other numbers (prices, times),
 * full-width letters, emoji, a surrogate pair, names and placeholders from earlier masking.
 */
export const CONTEXT_PIECES = [
  "はい、", "えー、", "あの", "お電話", "ありがとうございます。", "です", "ね", "月額9,800円", "来週の火曜日", "14時に", "田中さん",
  "ｔｅｓｔ", "　", "型番KX-2040B", "ご確認ください。", "〇", "一二", "に", "さん", "😀", "𠮷野", "よろしくお願いします", "少々お待ちください。",
  "そうですね", "念のため", "控えておきます", "\n", "3名様で", "2024年4月1日から", "Thank you!", "ｶﾀｶﾅ", "（笑）", "ー",
] as const;
export const context = fc.array(fc.constantFrom(...CONTEXT_PIECES), { maxLength: 6 }).map((parts) => parts.join(""));

/** What introduces each kind in speech and chat (no label at all included). */
export const LEADS: Readonly<Record<Identifier["kind"], readonly string[]>> = {
  phone: ["携帯は", "電話番号は、", "お電話番号、", "連絡先は", "TEL:", "番号は", "", "こちらの番号 "],
  card: ["カード番号は", "クレジットカードは、", "カードの番号、", "番号は", "", "カード "],
  "my-number": ["マイナンバーは", "個人番号、", "マイナンバーカードの番号は", "番号は", ""],
  email: ["メールアドレスは", "メールは ", "アドレス、", "連絡先：", "", "mail: "],
  ipv4: ["IPアドレスは", "接続元は", "固定IP ", "アドレスは", ""],
  ipv6: ["IPv6アドレスは", "接続元は", "アドレス：", ""],
};
/** What ends the utterance after a value: a word that cannot continue it. */
export const TRAILERS = ["です", "です。", "ですね", "。", "です、はい", "でお願いします", "になります", "で登録しています", "！", "です😀"] as const;

/** Placeholders left by earlier masking and vendor redaction: they must come out unchanged. */
export const PLACEHOLDERS = ["<XX>", "＊＊", "<PERSON_1>", "<PHONE_2>", "[PII]", "○○", "****", "<XXXX>"] as const;
