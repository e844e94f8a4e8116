import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { ENTITY_COLOURS } from "../../shared/report/entity-colours.js";
import { RAW_DATA_WARNING } from "../../shared/report/render-report.js";
import { eventPath, repoRoot } from "../helpers/fixtures.js";

/** Debian's chromium package; .ci/run installs it. playwright-core downloads no browser of its own. */
const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
/** Screenshots for a person to look at; out/ is gitignored. */
const ARTIFACTS = join(repoRoot, "out", "test-artifacts");

const SAMPLES = ["chatbot-log.jsonl", "helpdesk-export.csv", "notes.txt", "sales-call-diarized.json", "support-call-stereo.json"];

/** `#rrggbb` → the `rgb(r, g, b)` that getComputedStyle reports. */
function rgb(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

/** The computed background colour of the first element a locator finds (evaluated in the page, which has a DOM). */
async function backgroundOf(locator: Locator): Promise<string> {
  return locator.first().evaluate((element) => {
    const window = globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } };
    return window.getComputedStyle(element).backgroundColor;
  });
}

// Skipped where Debian's chromium is not installed (the browser is a system package, not an npm one); the
// suite's name then says so in the test output.
const SUITE = HAS_CHROMIUM
  ? `the review report in headless Chromium (${CHROMIUM})`
  : `the review report in headless Chromium: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`;

describe.skipIf(!HAS_CHROMIUM)(SUITE, () => {
  let temp: string;
  let reportUrl: string;
  let entities: number;
  let browser: Browser;
  /** What the page reported while loading: console errors and warnings, uncaught errors, requests that are not the file. */
  const problems: string[] = [];
  let page: Page;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), "tokumei-chromium-"));
    const err: string[] = [];
    const code = await main(["report", ...SAMPLES.map((s) => eventPath(`conversations/${s}`)), "--out", temp, "--roles", "spk_0=agent,spk_1=customer,ch_0=agent,ch_1=customer"], {
      out: () => undefined,
      err: (line) => void err.push(line),
    });
    if (code !== 0) throw new Error(`tokumei report exited ${code}`);
    entities = Number(/(\d+) entities$/.exec(err[0] ?? "")?.[1]);
    reportUrl = pathToFileURL(join(temp, "report.html")).href;

    // Root (CI containers) cannot use Chromium's sandbox.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ["--no-sandbox"] : [] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("request", (request) => {
      if (request.url() !== reportUrl) problems.push(`request: ${request.url()}`);
    });
    await page.goto(reportUrl, { waitUntil: "load" });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it("loads without a console error, an uncaught error or any request but the file itself", () => {
    // Assess
    expect(problems).toEqual([]);
  });

  it("shows the raw-data banner at the top of the window", async () => {
    // Act
    const banner = page.locator("header.banner");

    // Assess
    await expect(banner.isVisible()).resolves.toBe(true);
    expect(await banner.textContent()).toContain(RAW_DATA_WARNING);
    expect((await banner.boundingBox())?.y).toBe(0);
  });

  it("highlights every entity once in the masked column and once in the original, each in its type's colour", async () => {
    // Act
    const masked = await page.locator("td.masked mark.pii").count();
    const original = await page.locator("td.original mark.pii").count();
    const phone = await backgroundOf(page.locator("td.masked mark.t-PHONE"));
    const person = await backgroundOf(page.locator("td.original mark.t-PERSON"));

    // Assess
    expect(entities).toBeGreaterThanOrEqual(15);
    expect(masked).toBe(entities);
    expect(original).toBe(entities);
    expect(phone).toBe(rgb(ENTITY_COLOURS.PHONE.background));
    expect(person).toBe(rgb(ENTITY_COLOURS.PERSON.background));
  });

  it("draws one chart row per type found, both sources", async () => {
    // Act
    const rows = await page.locator("svg.chart g.row").count();
    const types = await page.locator("table.counts tbody tr").count();

    // Assess
    expect(rows).toBe(types);
    expect(await page.locator("svg.chart rect.bar-call").count()).toBe(types);
    expect(await page.locator("svg.chart rect.bar-chat").count()).toBe(types);
  });

  it("saves a screenshot of the whole page as a test artefact", async () => {
    // Arrange
    await mkdir(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, "review-report.png");

    // Act
    await page.screenshot({ path, fullPage: true });

    // Assess: a PNG, taller than one window.
    const png = await readFile(path);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(20)).toBeGreaterThan(1000);
  });

  it("hides the original column and switches a type's highlight off from the controls", async () => {
    // Act
    await page.uncheck("#show-original");
    const originalsHidden = await page.locator("td.original").first().isHidden();
    await page.click('button.chip[data-type="PHONE"]');
    const phoneOff = await backgroundOf(page.locator("td.masked mark.t-PHONE"));
    const pressed = await page.getAttribute('button.chip[data-type="PHONE"]', "aria-pressed");
    await page.click('button.chip[data-type="PHONE"]');
    await page.check("#show-original");

    // Assess
    expect(originalsHidden).toBe(true);
    expect(phoneOff).toBe("rgba(0, 0, 0, 0)");
    expect(pressed).toBe("false");
    await expect(page.locator("td.original").first().isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
  });

  it("cannot reach the network: its Content-Security-Policy blocks a request made from the page", async () => {
    // Act: a documentation address (RFC 5737), refused before any connection is tried.
    const outcome = await page.evaluate(() => fetch("http://192.0.2.1/leak").then(() => "sent", () => "blocked"));

    // Assess
    expect(outcome).toBe("blocked");
    expect(problems.filter((p) => p.startsWith("request:"))).toEqual([]);
  });
});
