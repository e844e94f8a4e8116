import { email, ipv4, ipv6, myNumber } from "./arbitraries.js";
import { describeLeaks } from "./leak-suite.js";

describeLeaks([
  { what: "My Numbers", property: "my numbers never leak", value: myNumber, cases: 2000 },
  { what: "e-mail addresses", property: "e-mails never leak", value: email, cases: 1500 },
  { what: "IPv4 addresses", property: "ipv4 never leaks", value: ipv4, cases: 1000 },
  { what: "IPv6 addresses", property: "ipv6 never leaks", value: ipv6, cases: 1000 },
]);
