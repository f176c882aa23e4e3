// The web dashboard in a real headless Chromium (Debian's `chromium`), driven by
// playwright-core, against `dutytrace demo`: three roles sign in and see the lights the API
// gives them (no more), the board drills down to a unit and filters by light, the as-of
// date changes the board, the language switches (labels and date formats), and every page
// is drawn in under 300 ms. Screenshots go to target/browser-screenshots/.
//
//   DUTYTRACE_BIN=target/debug/dutytrace node --test tests/browser/dashboard.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = resolve(root, process.env.DUTYTRACE_BIN ?? "target/debug/dutytrace");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const shots = join(root, "target", "browser-screenshots");
const PASSWORD = "dutytrace-demo";
/** The budget of DESIGN's users: a page drawn within 300 ms of being asked for. */
const PAGE_BUDGET_MS = 300;

let server;
let work;
let base;
let browser;
const timings = {};

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

async function until(what, check, ms = 180_000) {
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

before(async () => {
  mkdirSync(shots, { recursive: true });
  work = mkdtempSync(join(tmpdir(), "dutytrace-browser-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ["demo", "--listen", `127.0.0.1:${port}`], {
    cwd: work,
    env: { ...process.env, RUST_LOG: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  server.on("exit", (code) => {
    if (code !== null && code !== 0) console.error(`dutytrace demo exited with ${code}`);
  });
  // The demo seeds the district, then serves; ready once its read models caught up.
  await until("the demo to be ready", async () => {
    const r = await fetch(`${base}/readyz`);
    return r.ok && (await r.json()).status === "ready";
  });
  browser = await chromium.launch({
    executablePath: browserPath,
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
});

after(async () => {
  writeFileSync(join(shots, "timings.json"), `${JSON.stringify(timings, null, 2)}\n`);
  console.log("page times (ms):", JSON.stringify(timings));
  await browser?.close();
  server?.kill("SIGINT");
  await new Promise((r) => (server?.exitCode !== null ? r() : server.on("exit", r)));
  rmSync(work, { recursive: true, force: true });
});

/** A fresh browser (no cookie, no stored language) whose page fails the test on any error. */
async function fresh() {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    // Asking who is signed in before anyone is answers 401, which Chromium logs; the page
    // then shows the sign-in form, as it should. Any other error fails the test.
    if (m.type() !== "error") return;
    if (/status of 401/.test(m.text()) && /\/api\/v1\/auth\/me$/.test(m.location().url)) return;
    errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Waits until the application has drawn `name`; answers how long since navigation. */
async function drawn(page, name) {
  await page.waitForSelector(`body[data-ready="1"][data-page="${name}"]`, { timeout: 30_000 });
  return page.evaluate(() => Math.round(performance.now()));
}

async function signIn(page, username) {
  await page.goto(`${base}/`);
  await drawn(page, "sign-in");
  await page.fill("#username", username);
  await page.fill("#password", PASSWORD);
  await page.click("#sign-in-submit");
  await drawn(page, "board");
}

/** The API's answer, with the page's own session cookie. */
function apiGet(page, path) {
  return page.evaluate(async (p) => (await fetch(p)).json(), path);
}

/** The totals the page shows, by light. */
function shownTotals(page) {
  return page.$$eval("#totals .tile", (tiles) =>
    Object.fromEntries(tiles.map((t) => [t.dataset.light, Number(t.querySelector(".light .text").textContent)])),
  );
}

function shownUnits(page) {
  return page.$$eval("#board-table tbody th[scope=row] a", (as) => as.map((a) => a.textContent));
}

const ROLES = [
  // The commission sees the whole district; a principal leader, their own unit; a
  // discipline group's member, the units their group is stationed at and the group.
  { username: "jiwei", role: "commission", units: (n) => n > 50 },
  { username: "c001", role: "principal_leader", units: (n) => n === 1, only: "区人大常委会机关党组" },
  { username: "c053", role: "discipline_group", units: (n) => n > 1 && n < 10 },
];

for (const who of ROLES) {
  test(`${who.username} (${who.role}) signs in and sees the lights the API gives them`, async () => {
    const { context, page, errors } = await fresh();
    await signIn(page, who.username);
    const board = await apiGet(page, "/api/v1/board");
    assert.deepEqual(await shownTotals(page), board.totals, "the totals are the API's");
    const units = await shownUnits(page);
    assert.deepEqual([...units].sort(), board.units.map((u) => u.name).sort(), "the rows are the API's units");
    assert.ok(who.units(units.length), `${who.username} sees ${units.length} rows`);
    if (who.only) assert.deepEqual(units, [who.only]);
    // Every light is told by a shape and a word too, not by colour alone.
    const badges = await page.$$eval("#totals .light", (ls) => ls.map((l) => [l.dataset.light, l.querySelector(".shape").textContent, l.title]));
    assert.equal(new Set(badges.map((b) => b[1])).size, 5, "five shapes");
    assert.ok(badges.every((b) => b[2].length > 2), "each has a meaning in words");
    const me = await apiGet(page, "/api/v1/auth/me");
    assert.equal(me.role, who.role);
    assert.match(await page.textContent("#who"), new RegExp(me.role_label));
    await page.screenshot({ path: join(shots, `${who.username}-board.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the board drills down to a unit, filters by light and goes back as of a date", async () => {
  const { context, page, errors } = await fresh();
  await signIn(page, "jiwei");
  // The unit with the most red lights is the first row (worst first).
  const board = await apiGet(page, "/api/v1/board");
  const worst = [...board.units].sort((a, b) => b.red - a.red || a.name.localeCompare(b.name, "zh-CN"))[0];
  assert.equal((await shownUnits(page))[0], worst.name);
  await page.click(`#board-table tbody tr:first-child th a`);
  await drawn(page, "owner");
  const ms = Number(await page.getAttribute("body", "data-render-ms"));
  const path = worst.owner_kind === "discipline_group" ? `/api/v1/groups/${worst.group_id}/obligations` : `/api/v1/units/${worst.unit_id}/obligations`;
  const obligations = (await apiGet(page, path)).obligations;
  assert.equal(await page.locator("#obligations tbody tr").count(), obligations.length);
  await page.click('.chips .chip[data-filter="red"]');
  const lights = await page.$$eval("#obligations tbody tr", (rs) => rs.map((r) => r.dataset.light));
  assert.equal(lights.length, obligations.filter((o) => o.light === "red").length);
  assert.ok(lights.length > 0 && lights.every((l) => l === "red"), "only red ones");
  await page.screenshot({ path: join(shots, "jiwei-unit-red.png"), fullPage: true });
  timings["owner page (in-app)"] = ms;

  // As of 30 June: the board as it was then.
  await page.click(".crumbs a");
  await drawn(page, "board");
  await page.fill("#as-of", "2026-06-30");
  await page.dispatchEvent("#as-of", "change");
  await page.waitForFunction(() => location.hash === "#/board?as_of=2026-06-30");
  await drawn(page, "board");
  const then = await apiGet(page, `/api/v1/board?as_of=${encodeURIComponent("2026-06-30T23:59:59+08:00")}`);
  assert.deepEqual(await shownTotals(page), then.totals);
  assert.notDeepEqual(then.totals, board.totals, "the board changed since 30 June");
  assert.match(await page.textContent("#as-of-text"), /2026年6月30日/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the language switches every label and the date format, and is remembered", async () => {
  const { context, page, errors } = await fresh();
  await signIn(page, "jiwei");
  assert.equal(await page.textContent("#board h1"), "全区履责看板");
  assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
  await page.goto(`${base}/#/board?as_of=2026-07-01`);
  await drawn(page, "board");
  assert.match(await page.textContent("#as-of-text"), /截至 2026年7月1日/);
  await page.screenshot({ path: join(shots, "language-zh.png") });
  await page.click("#language");
  await drawn(page, "board");
  assert.equal(await page.textContent("#board h1"), "District board");
  assert.equal(await page.getAttribute("html", "lang"), "en");
  assert.match(await page.textContent("#as-of-text"), /As of 2026-07-01/);
  assert.equal(await page.textContent("#sign-out"), "Sign out");
  const header = await page.$$eval("#board-table thead th", (ths) => ths.map((t) => t.textContent).join("|"));
  assert.doesNotMatch(header, /[\u4e00-\u9fff]/, `no Chinese left in the header: ${header}`);
  await page.screenshot({ path: join(shots, "language-en.png") });
  await page.reload();
  await drawn(page, "board");
  assert.equal(await page.textContent("#board h1"), "District board", "remembered");
  await page.click("#language");
  await drawn(page, "board");
  assert.equal(await page.textContent("#board h1"), "全区履责看板");
  assert.deepEqual(errors, []);
  await context.close();
});

test("each page is drawn within 300 ms of being opened", async () => {
  const { context, page, errors } = await fresh();
  await signIn(page, "jiwei");
  const board = await apiGet(page, "/api/v1/board");
  const unit = board.units.find((u) => u.owner_kind === "unit");
  const pages = {
    board: [`${base}/#/board`, "board"],
    "board as of 30 June": [`${base}/#/board?as_of=2026-06-30`, "board"],
    unit: [`${base}/#/units/${unit.unit_id}`, "owner"],
  };
  for (const [name, [url, drawnAs]] of Object.entries(pages)) {
    // Twice: the first opening of a page after the sign-in warms nothing on the server
    // that a user would not have warmed; the slower of the two counts.
    let slowest = 0;
    for (let i = 0; i < 2; i++) {
      await page.goto("about:blank");
      await page.goto(url);
      slowest = Math.max(slowest, await drawn(page, drawnAs));
    }
    timings[name] = slowest;
    assert.ok(slowest < PAGE_BUDGET_MS, `${name} took ${slowest} ms`);
  }
  await page.goto("about:blank");
  const ctx2 = await fresh();
  await ctx2.page.goto(`${base}/`);
  timings["sign-in"] = await drawn(ctx2.page, "sign-in");
  assert.ok(timings["sign-in"] < PAGE_BUDGET_MS, `sign-in took ${timings["sign-in"]} ms`);
  await ctx2.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test("signing out ends the session: the page asks to sign in again", async () => {
  const { context, page, errors } = await fresh();
  await signIn(page, "c001");
  await page.click("#sign-out");
  await drawn(page, "sign-in");
  const status = await page.evaluate(async () => (await fetch("/api/v1/board")).status);
  assert.equal(status, 401);
  await page.reload();
  await drawn(page, "sign-in");
  await page.fill("#username", "c001");
  await page.fill("#password", "wrong-password-1");
  await page.click("#sign-in-submit");
  await page.waitForSelector("#sign-in-error:not([hidden])");
  assert.match(await page.textContent("#sign-in-error"), /登录失败/);
  // A wrong password is a 401 the page shows, not an error of the page itself.
  // So is the board this test asked for after signing out.
  assert.deepEqual(errors.filter((e) => !/status of 401 .*(auth\/login|v1\/board)\)$/.test(e)), []);
  await context.close();
});
