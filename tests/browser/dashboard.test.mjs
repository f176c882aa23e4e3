// The web dashboard in a real headless Chromium (Debian's `chromium`), driven by
// playwright-core, against `dutytrace demo`: three roles sign in and see the lights the API
// gives them (no more), the board drills down to a unit and filters by light, the as-of
// date changes the board, the language switches (labels and date formats), and every page
// opens without an error. Screenshots go to target/browser-screenshots/. How fast the pages
// are drawn is measured by a benchmark, not here (bench/pages.mjs, BENCHMARKS.md).
//
//   DUTYTRACE_BIN=target/debug/dutytrace node --test tests/browser/dashboard.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { apiGet, cadrePages, commissionPages, drawn, freshIn, launch, openFresh, signInAt, startDemo } from "./harness.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = resolve(root, process.env.DUTYTRACE_BIN ?? "target/debug/dutytrace");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const shots = join(root, "target", "browser-screenshots");

let demo;
let base;
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  demo = await startDemo(bin);
  base = demo.base;
  browser = await launch(browserPath);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A fresh browser (no cookie, no stored language); the tests fail on any error it logs. */
function fresh() {
  return freshIn(browser);
}

/** Waits for a form's write to land (the page moves to ?min_position=…), or fails with the
 *  error the page shows. */
/**
 * Clicks a form's button and waits for the write: the page's address moves to a new
 * `min_position` (not one an earlier write left there) or the form shows an error.
 */
async function submit(page, selector) {
  const before = await page.evaluate(() => location.hash);
  await page.click(selector);
  await page.waitForFunction(
    (prev) =>
      (location.hash !== prev && /min_position=\d+/.test(location.hash)) ||
      [...document.querySelectorAll("form .error")].some((e) => !e.hidden),
    before,
  );
  const shown = await page.$$eval("form .error", (es) => es.filter((e) => !e.hidden).map((e) => e.textContent));
  assert.deepEqual(shown, [], "the write was refused");
}

function signIn(page, username) {
  return signInAt(page, base, username);
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
  const path = worst.owner_kind === "discipline_group" ? `/api/v1/groups/${worst.group_id}/obligations` : `/api/v1/units/${worst.unit_id}/obligations`;
  const obligations = (await apiGet(page, path)).obligations;
  assert.equal(await page.locator("#obligations tbody tr").count(), obligations.length);
  await page.click('.chips .chip[data-filter="red"]');
  const lights = await page.$$eval("#obligations tbody tr", (rs) => rs.map((r) => r.dataset.light));
  assert.equal(lights.length, obligations.filter((o) => o.light === "red").length);
  assert.ok(lights.length > 0 && lights.every((l) => l === "red"), "only red ones");
  await page.screenshot({ path: join(shots, "jiwei-unit-red.png"), fullPage: true });

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

test("each page opens from its address and is drawn without an error", async () => {
  const { context, page, errors } = await fresh();
  await signIn(page, "jiwei");
  for (const [url, drawnAs] of Object.values(await commissionPages(page, base))) {
    await openFresh(page, url, drawnAs);
  }
  const cadre = await fresh();
  await signIn(cadre.page, "c001");
  for (const [url, drawnAs] of Object.values(cadrePages(base))) {
    await openFresh(cadre.page, url, drawnAs);
  }
  assert.deepEqual(cadre.errors, []);
  await cadre.context.close();
  const signedOut = await fresh();
  await signedOut.page.goto(`${base}/`);
  await drawn(signedOut.page, "sign-in");
  assert.deepEqual(signedOut.errors, []);
  await signedOut.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

/** The first day of a period (2026-M07, 2026-Q3, 2026-H2, 2026). */
function periodStart(code) {
  const [y, p] = code.split("-");
  if (!p || p === "once") return `${y}-01-01`;
  const n = Number(p.slice(1));
  const month = { M: n, Q: 3 * n - 2, H: 6 * n - 5 }[p[0]];
  return `${y}-${String(month).padStart(2, "0")}-01`;
}

/** As `page`'s user (the commission): the username of a cadre. */
async function usernameOf(page, cadreId) {
  const users = await apiGet(page, "/api/v1/users");
  return users.find((u) => u.account.cadre_id === cadreId).username;
}

test("a cadre records an entry and the board changes; a late one is warned of first", async () => {
  const { context, page, errors } = await fresh();
  await signIn(page, "c001");
  const me = await apiGet(page, "/api/v1/auth/me");
  const before = (await apiGet(page, "/api/v1/board")).totals;
  await page.click('#nav a[href="#/duties"]');
  await drawn(page, "duties");
  const mine = (await apiGet(page, `/api/v1/cadres/${me.cadre_id}/obligations`)).obligations;
  const open = mine.filter((o) => o.count < o.required_count);
  const begun = open.filter((o) => periodStart(o.period) <= "2026-07-31");
  assert.equal(await page.locator("#duties-open tbody tr").count(), begun.length);
  assert.equal(await page.locator("#duties-upcoming tbody tr").count(), open.length - begun.length);
  // The first open duty of a period already begun that one more entry completes, not late.
  const today = "2026-07-31";
  const duty = open.find(
    (o) => ["pending", "yellow"].includes(o.light) && o.required_count - o.count === 1 && periodStart(o.period) <= today,
  );
  assert.ok(duty, "a duty one entry completes");
  await page.click(`#duties-open tr[data-obligation="${duty.obligation_id}"] button.record`);
  assert.equal(await page.locator("#late-warning").count(), 0, "no warning for a duty on time");
  await page.fill("#entry-content", "组织召开专题会议，研究部署党风廉政建设工作（浏览器测试）");
  await page.setInputFiles("#entry-files", { name: "会议纪要.pdf", mimeType: "application/pdf", buffer: Buffer.from("纪要") });
  await submit(page, "#entry-submit");
  await drawn(page, "duties");
  assert.equal(await page.locator(`#duties-open tr[data-obligation="${duty.obligation_id}"]`).count(), 0, "no longer open");
  assert.equal(await page.getAttribute(`#duties-done tr[data-obligation="${duty.obligation_id}"]`, "data-light"), "green");
  await page.click('#nav a[href="#/board"]');
  await drawn(page, "board");
  const after = await shownTotals(page);
  assert.equal(after.green, before.green + 1, "one more green on the board");
  assert.equal(after.pending, before.pending - 1, "one fewer pending");
  await page.screenshot({ path: join(shots, "c001-after-entry.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();

  // A cadre with a red duty: the form warns before it is stored as a late backfill, and
  // will not send it until the warning is acknowledged.
  const staff = await fresh();
  await signIn(staff.page, "jiwei");
  const late = await staff.page.evaluate(async () => {
    const cadres = await (await fetch("/api/v1/cadres")).json();
    for (const c of cadres) {
      const os = (await (await fetch(`/api/v1/cadres/${c.cadre_id}/obligations`)).json()).obligations;
      const red = os.find((o) => o.light === "red");
      if (red) return { cadre: c.cadre_id, obligation: red.obligation_id };
    }
    return null;
  });
  assert.ok(late, "the demo has a red duty somewhere");
  const username = await usernameOf(staff.page, late.cadre);
  await staff.context.close();
  const cadre = await fresh();
  await signIn(cadre.page, username);
  await cadre.page.goto(`${base}/#/duties`);
  await drawn(cadre.page, "duties");
  await cadre.page.click(`#duties-open tr[data-obligation="${late.obligation}"] button.record`);
  assert.match(await cadre.page.textContent("#late-warning"), /逾期补录/);
  await cadre.page.fill("#entry-content", "补录：已于月底完成（浏览器测试）");
  await cadre.page.click("#entry-submit");
  // Not acknowledged: the browser keeps the form (the checkbox is required).
  assert.equal(await cadre.page.locator("#entry-submit").count(), 1);
  assert.equal(await cadre.page.evaluate(() => document.querySelector("#confirm-late").validity.valueMissing), true);
  await cadre.page.screenshot({ path: join(shots, "late-backfill-warning.png"), fullPage: true });
  await cadre.page.check("#confirm-late");
  await submit(cadre.page, "#entry-submit");
  await drawn(cadre.page, "duties");
  assert.equal(await cadre.page.getAttribute(`tr[data-obligation="${late.obligation}"]`, "data-light"), "orange", "backfilled: orange, not green");
  assert.deepEqual(cadre.errors, []);
  await cadre.context.close();
});

test("a problem is walked from registered to closed, each role seeing only its own steps", async () => {
  const staff = await fresh();
  await signIn(staff.page, "jiwei");
  // The commission registers it in c001's unit through the form.
  await staff.page.click('#nav a[href="#/problems"]');
  await drawn(staff.page, "problems");
  await staff.page.click("#register-problem summary");
  await staff.page.selectOption("#new-unit", { label: "区人大常委会机关党组" });
  await staff.page.selectOption("#new-type", "integrity_risk");
  await staff.page.selectOption("#new-source", "supervision");
  await staff.page.selectOption("#new-severity", "moderate");
  await staff.page.fill("#new-description", "机关食堂采购未按规定公开比选（浏览器测试）");
  await staff.page.fill("#new-rectify-by", "2026-09-30");
  await staff.page.click("#new-submit");
  await drawn(staff.page, "problem");
  const id = staff.page.url().split("#/problems/")[1];
  const problem = await apiGet(staff.page, `/api/v1/problems/${id}`);
  assert.equal(problem.status, "registered");
  assert.equal(problem.description, "机关食堂采购未按规定公开比选（浏览器测试）");
  const leader = "c001";
  assert.deepEqual(await staff.page.$$eval("#problem-actions button", (bs) => bs.map((b) => b.dataset.step)), [], "nothing for the commission to do yet");

  const unit = await fresh();
  await signIn(unit.page, leader);
  await unit.page.click('#nav a[href="#/problems"]');
  await drawn(unit.page, "problems");
  await unit.page.click(`#problems-table tr[data-problem="${problem.problem_id}"] a`);
  await drawn(unit.page, "problem");
  const stepsNow = () => unit.page.$$eval("#problem-actions button", (bs) => bs.map((b) => b.dataset.step));
  const take = async (step, text, files) => {
    await unit.page.click(`#problem-actions button[data-step="${step}"]`);
    await unit.page.fill("#step-text", text);
    if (files) await unit.page.setInputFiles("#step-files", files);
    await submit(unit.page, "#step-submit");
    await drawn(unit.page, "problem");
    // The next render has its own min_position: clear the mark for the next step.
    await unit.page.evaluate(() => history.replaceState(null, "", location.pathname + location.hash.replace(/\?.*/, "")));
  };
  assert.deepEqual(await stepsNow(), ["plan"]);
  await take("plan", "逐项制定整改措施，明确责任人和完成时限");
  assert.equal(await unit.page.getAttribute("#problem", "data-status"), "planned");
  assert.deepEqual(await stepsNow(), ["progress"]);
  await take("progress", "已修订招投标管理制度并组织培训", { name: "制度文件.pdf", mimeType: "application/pdf", buffer: Buffer.from("制度") });
  assert.equal(await unit.page.getAttribute("#problem", "data-status"), "rectifying");
  assert.deepEqual(await stepsNow(), ["progress", "closing-request"]);
  await take("closing-request", "整改措施已全部落实，申请销号");
  assert.equal(await unit.page.getAttribute("#problem", "data-status"), "submitted");
  assert.deepEqual(await stepsNow(), [], "the unit cannot close its own problem");
  assert.deepEqual(unit.errors, []);
  await unit.context.close();

  await staff.page.goto(`${base}/#/problems/${problem.problem_id}?min_position=1`);
  await staff.page.reload();
  await drawn(staff.page, "problem");
  assert.deepEqual(await staff.page.$$eval("#problem-actions button", (bs) => bs.map((b) => b.dataset.step)), ["closure", "rejection"]);
  await staff.page.click('#problem-actions button[data-step="closure"]');
  await staff.page.fill("#step-text", "经核查，整改到位，同意销号");
  await staff.page.click("#step-submit");
  await staff.page.waitForFunction(() => /min_position=\d+/.test(location.hash) && !location.hash.endsWith("=1"));
  await drawn(staff.page, "problem");
  assert.equal(await staff.page.getAttribute("#problem", "data-status"), "closed");
  const steps = await staff.page.$$eval("#timeline li", (ls) => ls.map((l) => l.dataset.step));
  assert.deepEqual(steps, ["registered", "planned", "progressed", "closing_requested", "closed"]);
  await staff.page.screenshot({ path: join(shots, "problem-closed.png"), fullPage: true });
  assert.deepEqual(staff.errors, []);
  await staff.context.close();
});

test("a trip filed by a team member is acknowledged by the unit's principal leader", async () => {
  const member = await fresh();
  await signIn(member.page, "c073");
  await member.page.click('#nav a[href="#/filings"]');
  await drawn(member.page, "filings");
  await member.page.click("#file-travel summary");
  await member.page.selectOption("#travel-purpose", "private");
  await member.page.fill("#travel-destination", "杭州（浏览器测试）");
  await member.page.fill("#travel-leave", "2026-08-10");
  await member.page.fill("#travel-return", "2026-08-12");
  await submit(member.page, "#travel-submit");
  await drawn(member.page, "filings");
  const filings = await apiGet(member.page, "/api/v1/filings?limit=200");
  const mine = filings.find((f) => f.travel?.destination === "杭州（浏览器测试）");
  assert.ok(mine, "the trip is in the register");
  const row = `#filings-table tr[data-filing="${mine.filing_id}"]`;
  assert.equal(await member.page.getAttribute(row, "data-status"), "filed");
  assert.equal(await member.page.locator(`${row} button.acknowledge`).count(), 0, "not one's own");
  // A family event too (婚丧喜庆): it joins the register.
  await member.page.click("#file-family-event summary");
  await member.page.selectOption("#family-kind", "child_wedding");
  await member.page.fill("#family-date", "2026-09-12");
  await member.page.fill("#family-scale", "宴请亲友6桌约60人");
  await member.page.fill("#family-venue", "区内某酒店（浏览器测试）");
  await submit(member.page, "#family-submit");
  await drawn(member.page, "filings");
  const events = (await apiGet(member.page, "/api/v1/filings?limit=200")).filter((f) => f.family_event?.venue === "区内某酒店（浏览器测试）");
  assert.equal(events.length, 1);
  assert.equal(await member.page.locator(`#filings-table tr[data-filing="${events[0].filing_id}"]`).count(), 1);
  assert.deepEqual(member.errors, []);
  await member.context.close();

  const leader = await fresh();
  await signIn(leader.page, "c001");
  await leader.page.goto(`${base}/#/filings`);
  await drawn(leader.page, "filings");
  await submit(leader.page, `${row} button.acknowledge`);
  await drawn(leader.page, "filings");
  assert.equal(await leader.page.locator(`${row} button.acknowledge`).count(), 0, "acknowledged once");
  assert.equal(await leader.page.textContent(`${row} td.num`), "1");
  await leader.page.screenshot({ path: join(shots, "c001-filings.png"), fullPage: true });
  assert.deepEqual(leader.errors, []);
  await leader.context.close();
});

test("notifications are marked read, and the board and ledger export to Excel", async () => {
  const { context, page, errors } = await fresh();
  await signIn(page, "c001");
  await page.click('#nav a[href="#/notifications"]');
  await drawn(page, "notifications");
  const before = await apiGet(page, "/api/v1/notifications");
  assert.ok(before.unread > 0, "the demo reminded c001 of something");
  assert.equal(await page.locator("#notification-list li.unread").count(), before.items.filter((n) => !n.read).length);
  await page.click("#mark-all-read");
  await page.waitForFunction(() => location.hash.startsWith("#/notifications?"));
  await drawn(page, "notifications");
  assert.equal(await page.locator("#notification-list li.unread").count(), 0);
  assert.equal((await apiGet(page, "/api/v1/notifications")).unread, 0);

  for (const [hash, link] of [["#/board", "#export-board"], ["#/problems", "#export-ledger"]]) {
    await page.goto(`${base}/${hash}`);
    await drawn(page, hash.slice(2));
    const href = await page.getAttribute(link, "href");
    const file = await page.evaluate(async (h) => {
      const r = await fetch(h);
      const bytes = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, type: r.headers.get("content-type"), magic: String.fromCharCode(bytes[0], bytes[1]) };
    }, href);
    assert.deepEqual(file, {
      status: 200,
      type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      magic: "PK",
    }, `${link} downloads a workbook`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("an auditor sees statistics with a chart, the assessment, search hits and a cadre's history", async () => {
  const { context, page, errors } = await fresh();
  await signIn(page, "shenji");
  await page.click('#nav a[href="#/statistics"]');
  await drawn(page, "statistics");
  const stats = await apiGet(page, "/api/v1/statistics/lights");
  for (const light of ["green", "red", "orange"]) {
    const api = stats.rows.reduce((n, r) => n + r[light], 0);
    const shown = await page.$$eval(`#lights-by-month tbody tr`, (rs, l) => {
      const i = ["green", "yellow", "red", "orange", "pending"].indexOf(l) + 1;
      return rs.reduce((n, r) => n + Number(r.children[i].textContent), 0);
    }, light);
    assert.equal(shown, api, `${light} per month adds up to the API's`);
    const bars = await page.locator(`#lights-chart rect[data-light="${light}"]`).count();
    assert.ok(bars > 0, `the chart draws ${light} bars`);
  }
  // Problems by type, for an auditor: one row of bars per type of the API's answer.
  const byType = await apiGet(page, "/api/v1/statistics/problems?dimension=type");
  const labels = await page.$$eval("#problems-chart text[text-anchor=end]", (ts) => ts.map((t) => t.textContent));
  assert.deepEqual(labels, byType.buckets.map((b) => b.label));
  await page.screenshot({ path: join(shots, "shenji-statistics.png"), fullPage: true });

  await page.click('#nav a[href="#/assessment"]');
  await drawn(page, "assessment");
  const assessment = await apiGet(page, "/api/v1/assessments/2026");
  const scores = await page.$$eval("#assessment-table tbody td.score", (tds) => tds.map((td) => Number(td.textContent)));
  assert.equal(scores.length, assessment.scores.length);
  assert.deepEqual(scores, [...scores].sort((a, b) => a - b), "lowest score first");

  await page.click('#nav a[href="#/search"]');
  await drawn(page, "search");
  await page.fill("#search-q", "廉政");
  await page.click("#search-submit");
  await page.waitForFunction(() => location.hash.startsWith("#/search?"));
  await drawn(page, "search");
  const found = await apiGet(page, `/api/v1/search?q=${encodeURIComponent("廉政")}&limit=50`);
  assert.match(await page.textContent("#search-total"), new RegExp(String(found.total)));
  assert.equal(await page.locator("#search-hits li").count(), found.hits.length);

  await page.click('#nav a[href="#/history"]');
  await drawn(page, "history");
  const cadres = await apiGet(page, "/api/v1/cadres");
  const zhang = cadres.find((c) => c.name === "张德颖");
  await page.selectOption("#history-cadre", zhang.cadre_id);
  await page.fill("#history-purpose", "年度审计抽查（浏览器测试）");
  await page.click("#history-submit");
  await page.waitForFunction(() => location.hash.startsWith("#/history?"));
  await drawn(page, "history");
  const events = (await apiGet(page, `/api/v1/cadres/${zhang.cadre_id}/history?purpose=check`)).events;
  assert.equal(await page.locator("#history li").count(), events.length);
  assert.equal(await page.locator('#history li[data-type="DutyBackfilled"] strong').first().textContent(), "逾期补录");
  await page.screenshot({ path: join(shots, "shenji-history.png"), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();

  // The read was recorded with its purpose, for the commission to see.
  const staff = await fresh();
  await signIn(staff.page, "jiwei");
  const log = await apiGet(staff.page, "/api/v1/access-log?limit=20");
  assert.ok(log.some((r) => r.reader_username === "shenji" && r.purpose === "年度审计抽查（浏览器测试）"), "the purpose is in the access log");
  await staff.context.close();
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
