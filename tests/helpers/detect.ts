import { Analyzer } from "../../shared/detect/analyze.js";
import type { AnalyzerConfigInput } from "../../shared/schema/analyzer-config.js";

const shared = new Analyzer();

/** Detected spans of `text` as [type, surface] pairs in order: one assertion shape for every table test. */
export function spans(text: string, options: { precedingText?: string; config?: AnalyzerConfigInput } = {}): Array<[string, string]> {
  const analyzer = options.config ? new Analyzer(options.config) : shared;
  const findings = analyzer.analyze(text, options.precedingText !== undefined ? { precedingText: options.precedingText } : {});
  return findings.map((f) => [f.entity, text.slice(f.start, f.end)]);
}
