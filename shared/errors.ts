/**
 * Error classes of the engine. Messages name the file, line and problem but never quote input text:
 * an error message ends up in logs, and logs must never hold PII.
 */

/** Base class so callers can tell tokumei's own failures from bugs. */
export class TokumeiError extends Error {
  override readonly name: string = "TokumeiError";
}

/**
 * Input that cannot be parsed: wrong shape, bad encoding, missing fields.
 *
 * @example
 * throw new InputFormatError("missing column 'text'", { file: "log.csv", line: 1 });
 */
export class InputFormatError extends TokumeiError {
  override readonly name = "InputFormatError";
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(problem: string, where: { file?: string; line?: number } = {}) {
    const at = [where.file, where.line !== undefined ? `line ${where.line}` : undefined]
      .filter((part) => part !== undefined)
      .join(", ");
    super(at ? `${at}: ${problem}` : problem);
    this.file = where.file;
    this.line = where.line;
  }
}

/** Configuration (policy, recognizer settings, format mapping) that fails validation. */
export class ConfigError extends TokumeiError {
  override readonly name = "ConfigError";
}

/** Detection or anonymization failed; the text must not be written (fail closed). */
export class DetectionError extends TokumeiError {
  override readonly name = "DetectionError";
}

/**
 * Reading the input from storage failed part-way (a dropped connection, S3 throttling mid-body). Not a
 * problem of the input: the pipeline rethrows it instead of quarantining, so the message is retried.
 * The message names the key and the error's class, never data.
 */
export class StorageReadError extends Error {
  override readonly name = "StorageReadError";
}

/** A review report could not be rendered faithfully (a highlight outside its text); nothing is written. */
export class ReportError extends TokumeiError {
  override readonly name = "ReportError";
}

/**
 * A 匿名加工 release that cannot be made as asked: no input, inconsistent datasets, or k not reachable. Nothing
 * of the release is written.
 *
 * @example
 * throw new ReleaseError("only 3 conversations in the input; k = 5 needs at least 5");
 */
export class ReleaseError extends TokumeiError {
  override readonly name = "ReleaseError";
}
