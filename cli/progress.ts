/**
 * A one-line progress bar on stderr, drawn only on a terminal (CI logs and pipes stay clean).
 */
export class ProgressBar {
  private readonly enabled: boolean;
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly label: string,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.stream = stream;
    this.enabled = Boolean(stream.isTTY) && total > 1;
  }

  private readonly stream: NodeJS.WriteStream;

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (done < this.total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = 30;
    const filled = Math.round((done / this.total) * width);
    this.stream.write(`\r${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${this.total}`);
  }

  /** Erases the bar so a line can be printed above it; the next update draws it again. */
  clear(): void {
    if (!this.enabled) return;
    this.stream.write("\r\x1b[2K");
    this.lastDraw = 0;
  }

  finish(): void {
    if (this.enabled) this.stream.write("\n");
  }
}
