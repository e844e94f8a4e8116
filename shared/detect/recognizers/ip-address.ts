import { isIPv6 } from "node:net";
import { type Candidate, type Recognizer, globalMatches } from "../recognizer.js";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![0-9.])(?:${OCTET}\\.){3}${OCTET}(?:\\/(?:3[0-2]|[12]?\\d))?(?![0-9]|\\.\\d)`, "g");
/**
 * Broad IPv6 candidates; node:net decides. An address starts with a hex digit or "::", also right after a
 * label's colon (アドレス:2001:db8::1, IP:…), but never inside another address.
 */
const IPV6_CANDIDATE = /(?<![0-9A-Fa-f.])(?<![0-9A-Fa-f:]:)(?=[0-9A-Fa-f]|::)(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:\/\d{1,3})?(?![0-9A-Fa-f:])/g;

function findIPv6(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const match of globalMatches(IPV6_CANDIDATE, text)) {
    const [address, prefix] = match[0].split("/");
    if (!address || !isIPv6(address) || !/[0-9A-Fa-f]/.test(address)) continue;
    if (prefix !== undefined && Number(prefix) > 128) continue;
    out.push({ start: match.index, end: match.index + match[0].length, score: 0.95, patternName: "ipv6", validated: true, canonical: match[0].toLowerCase() });
  }
  return out;
}

/**
 * IP_ADDRESS: IPv4 and IPv6, with an optional CIDR suffix. Version strings (ver 1.2.3.4) are demoted by
 * negative context.
 *
 * @example
 * analyze("接続元は192.0.2.15です") // → IP_ADDRESS
 */
export const ipAddressRecognizer: Recognizer = {
  id: "ip-address",
  entity: "IP_ADDRESS",
  description: "IPv4/IPv6 addresses with optional CIDR",
  patterns: [{ name: "ipv4", regex: IPV4, score: 0.85 }],
  find: findIPv6,
  context: {
    words: ["IP", "アドレス", "address", "ルーター", "接続元", "グローバル", "サブネット", "固定IP"],
    negative: ["バージョン", "version", "ver", "Ver", "v", "ビルド", "build", "OS"],
    before: 12,
    after: 0,
  },
  selfEvident: true,
};
