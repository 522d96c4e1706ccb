// End to end, in headless Chromium: builds web/ (scripts/build-web.mjs), serves web/dist from
// 127.0.0.1, and drives the page as an analyst would: picks or drops a file, waits for the scan,
// reads the campaign cards, downloads the JSON report. Checks that the planted campaigns are found
// with their templates, that the report is the one the CLI writes for the same file, that the page
// is usable by keyboard, and that nothing tried to leave the machine (the browser's proxy is a
// recorder that refuses and logs every non-loopback request). Screenshots go to
// test/browser/artifacts/.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { main } from "../../src/cli/main";
import { ROOT, browserGate, isLocal, launchChromium, serveStatic, startEgressRecorder, type Chromium, type StaticServer } from "./harness";

const gate = browserGate();
const ARTIFACTS = join(ROOT, "test/browser/artifacts");
const EXAMPLES = join(ROOT, "examples/prompts.jsonl");
const FIXTURE_JSONL = join(ROOT, "test/browser/fixtures/campaigns.jsonl");
const FIXTURE_CSV = join(ROOT, "test/browser/fixtures/campaigns.csv");

/** Wording each planted campaign's template must show (templates are case-folded). */
const PHRASES: Record<string, string> = {
  "jailbreak-roleplay": "act as nexus",
  "review-spam": "review of",
  "prompt-extraction": "print your full system prompt",
  "phishing-email": "customer security officer",
  "seo-articles": "seo article about",
  "benchmark-scrape": "answer with only the letter of the correct option",
  "gift-card-scam": "gift card",
  "homework-ghostwriting": "calculus homework",
};

interface Planted { name: string; ids: string[] }
interface ReportCluster { rank: number; size: number; flagged: boolean; template: string; memberIds?: (string | null)[] }
interface Report { stats: Record<string, number>; options: Record<string, unknown>; clusters: ReportCluster[] }
interface Card { size: number; rank: number; flagged: boolean; template: string; heading: string }

/** The example file and its planted campaigns (from the generator), or the fixture when it is missing. */
async function exampleData(): Promise<{ file: string; planted: Planted[] }> {
  const generator = join(ROOT, "scripts/make-examples.mjs");
  if (existsSync(EXAMPLES) && existsSync(generator)) {
    const mod = (await import(pathToFileURL(generator).href)) as { makeExamples(): { campaigns: Planted[] } };
    return { file: EXAMPLES, planted: mod.makeExamples().campaigns.map((c) => ({ name: c.name, ids: c.ids })) };
  }
  return { file: FIXTURE_JSONL, planted: fixtureTruth() };
}

function fixtureTruth(): Planted[] {
  const by = new Map<string, string[]>();
  for (const line of readFileSync(FIXTURE_JSONL, "utf8").trim().split("\n")) {
    const r = JSON.parse(line) as { id: string; campaign: string };
    if (r.campaign !== "") by.set(r.campaign, [...(by.get(r.campaign) ?? []), r.id]);
  }
  return [...by].map(([name, ids]) => ({ name, ids }));
}

if (gate.skip) {
  describe("browser tool, end to end", () => {
    console.warn(`neardup: ${gate.reason}`);
    it.skip(gate.reason, () => {});
  });
} else {
  describe("browser tool, end to end (headless Chromium)", () => {
    let server: StaticServer | undefined;
    let browser: Chromium | undefined;
    let recorder: Awaited<ReturnType<typeof startEgressRecorder>> | undefined;
    const leftMachine: string[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      const buildScript = pathToFileURL(join(ROOT, "scripts/build-web.mjs")).href;
      const { buildWeb } = (await import(buildScript)) as { buildWeb(): Promise<unknown> };
      await buildWeb();
      mkdirSync(ARTIFACTS, { recursive: true });
      recorder = await startEgressRecorder();
      server = await serveStatic([{ prefix: "/", dir: join(ROOT, "web/dist") }]);
      browser = await launchChromium({ proxy: recorder.url, downloads: true });
      browser.context.on("request", (r) => { if (!isLocal(r.url())) leftMachine.push(r.url()); });
      browser.context.on("page", (p) => {
        p.on("pageerror", (e) => pageErrors.push(e.message));
        p.on("console", (m) => { if (m.type() === "error") pageErrors.push(m.text()); });
      });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await recorder?.close();
    });

    async function open(): Promise<Page> {
      const page = await browser!.context.newPage();
      await page.goto(`${server!.origin}/`);
      await page.waitForSelector("body[data-state=idle]");
      return page;
    }

    /** Sets the form, gives it the file, and waits until the scan is done (or fails). */
    async function scan(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }, mode: "template" | "near-duplicate", minSize: number): Promise<void> {
      await page.getByRole("radio", { name: mode === "template" ? "Template" : "Near-duplicate" }).check();
      await page.getByLabel("Minimum campaign size").fill(String(minSize));
      await page.getByLabel(/Drop a file here/).setInputFiles(file);
      await page.waitForSelector("body[data-state=done], body[data-state=error]", { timeout: 90_000 });
    }

    async function cards(page: Page): Promise<Card[]> {
      return page.$$eval("article.campaign", (els) => els.map((e) => ({
        size: Number((e as HTMLElement).dataset.size),
        rank: Number((e as HTMLElement).dataset.rank ?? NaN),
        flagged: e.classList.contains("flagged"),
        template: (e.querySelector(".template") as HTMLElement).dataset.template ?? "",
        heading: e.querySelector("h3")?.textContent ?? "",
      })));
    }

    async function download(page: Page): Promise<Report> {
      const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download JSON report" }).click()]);
      expect(dl.suggestedFilename()).toMatch(/\.neardup\.json$/);
      return JSON.parse(readFileSync((await dl.path())!, "utf8")) as Report;
    }

    it("finds the planted campaigns in the example file, with their templates, and reports what the CLI reports", async () => {
      const { file, planted } = await exampleData();
      const page = await open();
      expect(await page.locator("#privacy").textContent()).toContain("Your file never leaves this browser");
      const t0 = performance.now();
      await scan(page, file, "template", 5);
      const seconds = (performance.now() - t0) / 1000;
      expect(await page.locator("body").getAttribute("data-state"), await page.locator("#error").textContent() ?? "").toBe("done");
      expect(await page.locator("#progress").evaluate((p: HTMLProgressElement) => p.value)).toBe(1);

      const shown = await cards(page);
      const report = await download(page);
      const flagged = report.clusters.filter((c) => c.flagged);
      // the first page of cards (100) is the largest flagged campaigns, in the report's order
      expect(shown.map((c) => c.size)).toEqual(flagged.slice(0, 100).map((c) => c.size));
      for (let i = 1; i < shown.length; i++) expect(shown[i].size).toBeLessThanOrEqual(shown[i - 1].size);
      expect(shown.every((c) => c.flagged && c.size >= 5)).toBe(true);

      const lines: string[] = [];
      for (const p of planted) {
        const phrase = PHRASES[p.name];
        expect(phrase, `no phrase for planted campaign ${p.name}`).toBeDefined();
        const ids = new Set(p.ids);
        // clusters made (almost) only of this campaign's prompts
        const own = flagged.filter((c) => {
          const m = c.memberIds ?? [];
          return m.length > 0 && m.filter((id) => id !== null && ids.has(id)).length >= 0.9 * m.length;
        });
        expect(own.length, `no flagged campaign is made of ${p.name}'s prompts`).toBeGreaterThan(0);
        const named = own.filter((c) => c.template.toLowerCase().includes(phrase));
        expect(named.length, `${p.name}: no campaign of its prompts has a template with "${phrase}"; templates: ${JSON.stringify(own.map((c) => c.template))}`).toBeGreaterThan(0);
        for (const c of named) {
          expect(shown.some((x) => x.size === c.size && x.template === c.template), `${p.name}: the card of its campaign of ${c.size}`).toBe(true);
        }
        const found = own.reduce((n, c) => n + c.size, 0);
        const withTemplate = named.reduce((n, c) => n + c.size, 0);
        lines.push(`${p.name}: ${own.length} campaign(s) (largest ${own[0].size}), ${found}/${p.ids.length} prompts found, ` +
          `${withTemplate} under a template with "${phrase}"`);
      }
      console.log(`${file.replace(`${ROOT}/`, "")}: ${report.stats.prompts} prompts, ${flagged.length} flagged, scan + render ${seconds.toFixed(2)} s\n  ${lines.join("\n  ")}`);

      // the same file through the CLI: the same clusters, templates and members
      const tmp = mkdtempSync(join(tmpdir(), "neardup-e2e-"));
      try {
        const out = join(tmp, "cli.json");
        const sink = { write: () => true, isTTY: false, columns: 120 };
        const stdin = (async function* () {})();
        const code = await main(["scan", file, "--mode", "template", "--min-size", "5", "--json", out], { stdin, stdout: sink, stderr: sink });
        expect(code).toBe(0);
        const cli = JSON.parse(readFileSync(out, "utf8")) as Report;
        expect(report.clusters).toEqual(cli.clusters);
        const { seconds: _a, ...webStats } = report.stats;
        const { seconds: _b, ...cliStats } = cli.stats;
        expect(webStats).toEqual(cliStats);
        expect(report.options).toEqual(cli.options);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }

      // the size chart: one bar per size range, flagged ranges marked, and its data as a table
      const chart = page.getByRole("img", { name: /Clusters by size/ });
      expect(await chart.isVisible()).toBe(true);
      expect(await page.locator("svg.size-chart rect.bar.flagged").count()).toBeGreaterThan(0);
      expect(await page.locator(".chart-data tbody tr").count()).toBe(await page.locator("svg.size-chart rect.bar:not(.flagged)").count());
      await page.screenshot({ path: join(ARTIFACTS, "e2e-examples.png"), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 3200 } });
      await page.close();
    });

    it("reads a CSV in near-duplicate mode: exactly the planted campaigns, bad rows reported", async () => {
      const planted = fixtureTruth();
      const page = await open();
      await scan(page, FIXTURE_CSV, "near-duplicate", 5);
      expect(await page.locator("body").getAttribute("data-state")).toBe("done");
      expect(await page.locator("#summary").textContent()).toContain("(CSV)");
      expect(await page.locator(".bad-lines summary").textContent()).toBe("1 bad line was skipped");
      const report = await download(page);
      const flagged = report.clusters.filter((c) => c.flagged);
      planted.sort((a, b) => b.ids.length - a.ids.length);
      expect(flagged.map((c) => [...(c.memberIds ?? [])].sort())).toEqual(planted.map((p) => [...p.ids].sort()));
      const shown = await cards(page);
      expect(shown.map((c) => c.size)).toEqual(planted.map((p) => p.ids.length));
      planted.forEach((p, i) => expect(shown[i].template).toContain(PHRASES[p.name]));
      expect(await page.locator("article.campaign").first().locator(".examples li").count()).toBe(5);
      expect(await page.locator(".examples .invisible").count(), "zero-width characters are shown").toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, "e2e-csv-near-duplicate.png"), fullPage: true });
      await page.emulateMedia({ colorScheme: "dark" });
      await page.screenshot({ path: join(ARTIFACTS, "e2e-csv-near-duplicate-dark.png"), fullPage: true });
      await page.close();
    });

    it("accepts a dropped text file, and explains a file it cannot read", async () => {
      const page = await open();
      const lines = [
        ...Array.from({ length: 8 }, (_, i) => `Translate into French: the meeting on day ${i + 1} has been moved to the afternoon`),
        "What is the tallest mountain in Europe?", "Write a limerick about a cat who owns a bakery", "How do magnets work?",
      ];
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], "dropped.txt", { type: "text/plain" }));
        const drop = document.getElementById("drop")!;
        drop.dispatchEvent(new DragEvent("dragenter", { dataTransfer: dt, bubbles: true, cancelable: true }));
        drop.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, lines.join("\n"));
      await page.waitForSelector("body[data-state=done]", { timeout: 60_000 });
      expect(await page.locator("#summary").textContent()).toContain(`${lines.length} prompts read from dropped.txt (TEXT)`);
      expect(await page.locator("#file-name").textContent()).toContain("dropped.txt");

      await page.getByLabel(/Drop a file here/).setInputFiles({ name: "no-prompt.csv", mimeType: "text/csv", buffer: Buffer.from("message,user\nhello,u1\n") });
      await page.waitForSelector("body[data-state=error]", { timeout: 60_000 });
      const alert = await page.getByRole("alert").textContent();
      expect(alert).toContain('no "prompt" or "text" column');
      expect(alert).toContain("the Prompt field option");
      await page.close();
    });

    it("is usable by keyboard, and every control has a label", async () => {
      const page = await open();
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("file");
      const order: string[] = [];
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press("Tab");
        order.push(await page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName ?? ""));
      }
      expect(order.slice(0, 2)).toEqual(["mode-template", "min-size"]);
      const unlabeled = await page.$$eval("input, select, button, progress", (els) =>
        els.filter((e) => {
          const labels = (e as HTMLInputElement).labels;
          return !(labels && labels.length > 0) && !e.getAttribute("aria-label") && !(e.textContent ?? "").trim() && !(e as HTMLElement).hidden;
        }).map((e) => e.id || e.outerHTML.slice(0, 60)));
      expect(unlabeled).toEqual([]);
      expect(await page.getAttribute("html", "lang")).toBe("en");
      await page.close();
    });

    it("made no network request beyond this machine, and logged no error", () => {
      // requests of the page and its workers, as Chromium reports them
      expect(leftMachine).toEqual([]);
      // everything that reached the proxy: Debian's Chromium itself calls its own services (component
      // updater, account and autofill checks) whatever the page does; anything else came from the page
      const browserOwn = /^(CONNECT |[A-Z]+ https?:\/\/)([a-z0-9-]+\.googleapis\.com|accounts\.google\.com|clients\d*\.google\.com)[:/]/;
      const own = [...new Set(recorder!.seen.filter((r) => browserOwn.test(r)).map((r) => r.replace(/[?].*$/, "")))];
      if (own.length > 0) console.log(`Chromium's own service traffic (refused by the recorder): ${own.join(", ")}`);
      expect(recorder!.seen.filter((r) => !browserOwn.test(r))).toEqual([]);
      expect(server!.requests.every((p) => ["/", "/index.html", "/style.css", "/app.js", "/scan-worker.js"].includes(p))).toBe(true);
      expect(pageErrors).toEqual([]);
    });
  });
}
