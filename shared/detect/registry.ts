import { ConfigError } from "../errors.js";
import type { AnalyzerConfig } from "../schema/analyzer-config.js";
import type { NlpArtifacts, Recognizer } from "./recognizer.js";
import { accountIdRecognizer } from "./recognizers/account-id.js";
import { addressRecognizer } from "./recognizers/address.js";
import { ageRecognizer } from "./recognizers/age.js";
import { bankAccountRecognizer } from "./recognizers/bank-account.js";
import { creditCardRecognizer } from "./recognizers/credit-card.js";
import { dateOfBirthRecognizer } from "./recognizers/date-of-birth.js";
import { driversLicenseRecognizer } from "./recognizers/drivers-license.js";
import { emailRecognizer } from "./recognizers/email.js";
import { ipAddressRecognizer } from "./recognizers/ip-address.js";
import { locationRecognizer } from "./recognizers/location.js";
import { myNumberRecognizer } from "./recognizers/my-number.js";
import { organizationRecognizer } from "./recognizers/organization.js";
import { passportRecognizer } from "./recognizers/passport.js";
import { passwordRecognizer } from "./recognizers/password.js";
import { personRecognizer } from "./recognizers/person.js";
import { phoneRecognizer } from "./recognizers/phone.js";
import { postalCodeRecognizer } from "./recognizers/postal-code.js";
import { urlRecognizer } from "./recognizers/url.js";

/**
 * Every built-in recognizer, imported explicitly: adding one is this list, its file and its test.
 */
export const BUILT_IN_RECOGNIZERS: readonly Recognizer[] = [
  phoneRecognizer,
  emailRecognizer,
  creditCardRecognizer,
  myNumberRecognizer,
  postalCodeRecognizer,
  bankAccountRecognizer,
  driversLicenseRecognizer,
  passportRecognizer,
  ipAddressRecognizer,
  urlRecognizer,
  accountIdRecognizer,
  passwordRecognizer,
  personRecognizer,
  organizationRecognizer,
  locationRecognizer,
  addressRecognizer,
  dateOfBirthRecognizer,
  ageRecognizer,
];

/**
 * The recognizers a config enables, with score overrides applied.
 *
 * @example
 * buildRegistry(AnalyzerConfigSchema.parse({ recognizers: { "jp-passport": { enabled: false } } }))
 * // → every built-in recognizer but jp-passport
 */
export function buildRegistry(config: AnalyzerConfig, available: readonly Recognizer[] = BUILT_IN_RECOGNIZERS): Recognizer[] {
  const known = new Set(available.map((r) => r.id));
  const unknown = Object.keys(config.recognizers).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown recognizer id(s): ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
  }
  const wanted = config.entities ? new Set(config.entities) : undefined;
  return available
    .filter((r) => config.recognizers[r.id]?.enabled !== false && (!wanted || wanted.has(r.entity)))
    .map((r) => withScore(r, config.recognizers[r.id]?.score));
}

function withScore(recognizer: Recognizer, score: number | undefined): Recognizer {
  if (score === undefined) return recognizer;
  const find = recognizer.find;
  return {
    ...recognizer,
    patterns: recognizer.patterns?.map((p) => ({ ...p, score })),
    ...(find ? { find: (text: string, nlp: NlpArtifacts) => find(text, nlp).map((c) => ({ ...c, score })) } : {}),
  };
}
