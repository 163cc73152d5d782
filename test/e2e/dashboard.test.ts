// The live dashboard in a real browser: `lamina train --dashboard` in a child process, its page in
// headless Chromium (Debian's /usr/bin/chromium driven by playwright-core). The loss curve must
// gain points while training runs, again after a reload mid-run, the page must show the finished
// run, and `lamina dashboard <runs dir>` must serve it afterwards. Screenshots go to a temp folder
// (printed), for people to look at.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = process.cwd();

interface LaminaProcess {
  child: ChildProcessWithoutNullStreams;
  url: Promise<string>;
  output: () => string;
  exit: Promise<number | null>;
  /** undefined while the process runs. */
  exitCode: () => number | null | undefined;
}

function lamina(args: string[]): LaminaProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/lamina.ts"), ...args], { cwd: ROOT });
  let text = "";
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const m = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (m) resolve(m[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c: Buffer) => { text += c.toString(); });
    child.on("exit", (code) => reject(new Error(`lamina ${args[0]} exited (${code}) before printing its URL:\n${text}`)));
  });
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => { exited = code; resolve(code); }));
  return { child, url, output: () => text, exit, exitCode: () => exited };
}

/** Points drawn in the loss chart (batch running means + epoch values). */
async function lossPoints(page: Page): Promise<number> {
  const svg = page.locator("#chart-loss svg");
  return (await svg.count()) === 0 ? 0 : Number(await svg.getAttribute("data-points"));
}

/** The body's data-* attribute the page keeps up to date (status, batches, epochs). */
async function bodyData(page: Page, name: "status" | "epochs"): Promise<string | null> {
  return page.locator("body").getAttribute(`data-${name}`);
}

/** Polls `check`; on time-out the error carries `context()` (the page's and the child's state). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, context: () => Promise<string> = async () => ""): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${await context()}`);
}

test("dashboard e2e: live curves in Chromium during lamina train, across a reload, and the finished run in lamina dashboard", { timeout: 600_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is absent: install Debian's chromium (apt-get install chromium; .ci/run does) to run the dashboard check`);
    return;
  }
  let chromium: typeof import("playwright-core").chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    t.skip("playwright-core is not installed (npm ci installs it as a dev dependency)");
    return;
  }
  const shots = mkdtempSync(join(tmpdir(), "lamina-dashboard-shots-"));
  const runs = mkdtempSync(join(tmpdir(), "lamina-dashboard-runs-"));
  console.log(`screenshots: ${shots}`);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM });
  const train = lamina(["train", "--model", "cnn", "--dataset", "fashion_mnist", "--train-samples", "1500", "--test-samples", "300",
    "--epochs", "4", "--batch-size", "32", "--out", runs, "--dashboard"]);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const url = await train.url;
    await page.goto(url);
    await waitFor("the first points of the loss curve", async () => (await lossPoints(page)) > 0, 120_000);
    const first = await lossPoints(page);
    await waitFor("new points while training runs", async () => (await lossPoints(page)) > first, 60_000);
    assert.equal(await bodyData(page, "status"), "running");
    assert.match(await page.textContent("#summary") ?? "", /Total params: 411,690/);

    // A reload mid-run rebuilds the whole state from the server, then keeps growing.
    const beforeReload = await lossPoints(page);
    await page.reload();
    await waitFor("the curve after the reload", async () => (await lossPoints(page)) >= beforeReload, 60_000);
    const afterReload = await lossPoints(page);
    assert.equal(await bodyData(page, "status"), "running", "training ended before the reload could be checked; make the run longer");
    await waitFor("new points after the reload", async () => (await lossPoints(page)) > afterReload, 60_000);
    await page.screenshot({ path: join(shots, "1-live.png"), fullPage: true });

    // The page must say "finished" once fit ends, well before the process exits; a process that
    // ended without it (a crash, or a status event lost at close) fails at once with its output.
    await waitFor("the end of training", async () => {
      if ((await bodyData(page, "status")) === "finished") return true;
      const code = train.exitCode();
      if (code !== undefined) {
        await new Promise((r) => setTimeout(r, 1000));
        if ((await bodyData(page, "status")) === "finished") return true;
        throw new Error(`lamina train exited (${code}) and the page still says ${await bodyData(page, "status")} (${await page.textContent("#connection")}):\n${train.output()}`);
      }
      return false;
    }, 480_000, async () => `page status ${await bodyData(page, "status")}, connection "${await page.textContent("#connection")}", lamina train ${train.exitCode() === undefined ? "still running" : `exited (${train.exitCode()})`}; its output:\n${train.output()}`);
    assert.equal(await bodyData(page, "epochs"), "4");
    // Validation curve and sample predictions with images and class names.
    assert.ok(await page.locator('#chart-loss path[data-series="val_loss"]').count() === 1);
    assert.ok(await page.locator("#chart-accuracy svg").count() === 1);
    assert.ok(await page.locator("#samples figure img").count() >= 5);
    assert.match(await page.textContent("#samples") ?? "", /true: (T-shirt\/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot)/);
    await page.screenshot({ path: join(shots, "2-finished.png"), fullPage: true });
    assert.equal(await train.exit, 0, train.output());

    const [run] = readdirSync(runs);
    for (const f of ["dashboard.json", "model.keras", "report.html", "history.png"]) assert.ok(statSync(join(runs, run, f)).size > 0, f);

    // The finished run, served from the runs folder.
    const serveRuns = lamina(["dashboard", runs]);
    try {
      const listUrl = await serveRuns.url;
      await page.goto(listUrl);
      assert.equal(await page.locator("#runs a", { hasText: run }).count(), 1);
      await page.locator("#runs a", { hasText: run }).click();
      await waitFor("the stored curves", async () => (await lossPoints(page)) > 4, 30_000);
      assert.equal(await bodyData(page, "status"), "finished");
      assert.equal(await bodyData(page, "epochs"), "4");
      assert.ok(await page.locator('#files a[href="files/report.html"]').count() === 1);
      await page.screenshot({ path: join(shots, "3-runs-dashboard.png"), fullPage: true });
    } finally {
      serveRuns.child.kill("SIGTERM");
      assert.equal(await serveRuns.exit, 0, serveRuns.output());
    }
  } finally {
    if (train.child.exitCode === null) train.child.kill("SIGTERM");
    await browser.close();
  }
});
