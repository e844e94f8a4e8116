import { card, phone } from "./arbitraries.js";
import { describeLeaks } from "./leak-suite.js";

describeLeaks([
  { what: "phone numbers", property: "phones never leak", value: phone, cases: 2500 },
  { what: "card numbers", property: "cards never leak", value: card, cases: 2000 },
]);
