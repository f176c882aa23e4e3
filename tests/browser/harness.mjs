// What the browser tests (dashboard.test.mjs) and the page-time benchmark (bench/pages.mjs)
// share: a `dutytrace demo` on a free port, headless Chromium, signing in, and the list of
// the dashboard's pages.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

/** The demo's password for every seeded login. */
export const PASSWORD = "dutytrace-demo";

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

/** Polls `check` until it answers true, or fails naming `what` after `ms`. */
export async function until(what, check, ms = 180_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch (_) {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts `bin demo` in a scratch directory; answers its address once its read models are
 *  ready, and `stop`, which ends it and removes the directory. */
export async function startDemo(bin) {
  const work = mkdtempSync(join(tmpdir(), "dutytrace-browser-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(bin, ["demo", "--listen", `127.0.0.1:${port}`], {
    cwd: work,
    env: { ...process.env, RUST_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  server.on("exit", (code) => {
    if (code !== null && code !== 0) console.error(`dutytrace demo exited with ${code}`);
  });
  const stop = async () => {
    server.kill("SIGINT");
    await new Promise((r) => (server.exitCode !== null ? r() : server.on("exit", r)));
    rmSync(work, { recursive: true, force: true });
  };
  try {
    // The demo seeds the district, then serves; ready once its read models caught up.
    await until("the demo to be ready", async () => {
      const r = await fetch(`${base}/readyz`);
      return r.ok && (await r.json()).status === "ready";
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { base, stop };
}

/** Debian's headless Chromium, in Chinese as the users' is. */
export function launch(executablePath) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--lang=zh-CN",
    ],
  });
}

/** A fresh browser context (no cookie, no stored language); `errors` collects every error
 *  the page logs or throws. */
export async function freshIn(browser) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    // Asking who is signed in before anyone is answers 401, which Chromium logs; the page
    // then shows the sign-in form, as it should. Any other error counts.
    if (m.type() !== "error") return;
    if (/status of 401/.test(m.text()) && /\/api\/v1\/auth\/me$/.test(m.location().url)) return;
    errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Waits until the application has drawn `name`; answers how long since navigation (ms).
 *  Drawing another page (an error, not found) fails with what it shows. */
export async function drawn(page, name) {
  await page.waitForFunction(
    (n) => document.body.dataset.ready === "1" && [n, "error", "not-found"].includes(document.body.dataset.page),
    name,
    { timeout: 30_000 },
  );
  const [drawnAs, ms] = await page.evaluate(() => [document.body.dataset.page, Math.round(performance.now())]);
  if (drawnAs !== name) {
    throw new Error(`expected the ${name} page, drew ${drawnAs}: ${await page.textContent("#main")}`);
  }
  return ms;
}

/** Opens `url` from a blank page and waits until `drawnAs` is drawn; answers how long
 *  since navigation (ms). */
export async function openFresh(page, url, drawnAs) {
  await page.goto("about:blank");
  await page.goto(url);
  return drawn(page, drawnAs);
}

/** Signs `username` in through the form; answers once the board is drawn. */
export async function signInAt(page, base, username) {
  await page.goto(`${base}/`);
  await drawn(page, "sign-in");
  await page.fill("#username", username);
  await page.fill("#password", PASSWORD);
  await page.click("#sign-in-submit");
  await drawn(page, "board");
}

/** The API's answer, with the page's own session cookie. */
export function apiGet(page, path) {
  return page.evaluate(async (p) => (await fetch(p)).json(), path);
}

/** The commission's pages, by name: [address, the page drawn]. `page` is signed in as the
 *  commission (it asks the API for a unit, a problem and a cadre to open). */
export async function commissionPages(page, base) {
  const board = await apiGet(page, "/api/v1/board");
  const unit = board.units.find((u) => u.owner_kind === "unit");
  const problem = (await apiGet(page, "/api/v1/problems"))[0];
  const cadre = (await apiGet(page, "/api/v1/cadres"))[0];
  return {
    board: [`${base}/#/board`, "board"],
    "board as of 30 June": [`${base}/#/board?as_of=2026-06-30`, "board"],
    unit: [`${base}/#/units/${unit.unit_id}`, "owner"],
    "problem ledger": [`${base}/#/problems`, "problems"],
    problem: [`${base}/#/problems/${problem.problem_id}`, "problem"],
    filings: [`${base}/#/filings`, "filings"],
    notifications: [`${base}/#/notifications`, "notifications"],
    statistics: [`${base}/#/statistics`, "statistics"],
    assessment: [`${base}/#/assessment`, "assessment"],
    search: [`${base}/#/search?q=${encodeURIComponent("廉政")}`, "search"],
    "cadre history": [`${base}/#/history?cadre=${cadre.cadre_id}&purpose=test`, "history"],
  };
}

/** A cadre's own page: [address, the page drawn]. */
export function cadrePages(base) {
  return { "my duties": [`${base}/#/duties`, "duties"] };
}
