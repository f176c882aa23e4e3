// How fast the web dashboard's pages are drawn, in a real headless Chromium against
// `dutytrace demo` (DESIGN's users: a page within 300 ms of being asked for). A benchmark,
// not a test: it reports each page's median and slowest opening against the budget and
// exits 0 either way; a page that fails to draw is an error.
//
//   node bench/pages.mjs [--openings N]     # bench/run runs it as its step 6
//
// DUTYTRACE_BIN (default target/release/dutytrace) and CHROMIUM (default /usr/bin/chromium)
// choose the programs; playwright-core comes from tests/browser (npm ci there first).
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cadrePages, commissionPages, drawn, freshIn, launch, openFresh, signInAt, startDemo } from "../tests/browser/harness.mjs";

const BUDGET_MS = 300;
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = resolve(root, process.env.DUTYTRACE_BIN ?? "target/release/dutytrace");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const args = process.argv.slice(2);
let openings = 5;
if (args[0] === "--openings" && Number.isInteger(Number(args[1])) && Number(args[1]) > 0 && args.length === 2) {
  openings = Number(args[1]);
} else if (args.length > 0) {
  console.error("usage: node bench/pages.mjs [--openings N]   (N a whole number above 0)");
  process.exit(2);
}

const rows = [];
/** Opens `url` `openings` times, each from a blank page; records the times to drawn. */
async function measure(page, name, url, drawnAs) {
  const times = [];
  for (let i = 0; i < openings; i++) {
    times.push(await openFresh(page, url, drawnAs));
  }
  rows.push([name, times]);
}

const demo = await startDemo(bin);
const browser = await launch(browserPath);
try {
  const staff = await freshIn(browser);
  await signInAt(staff.page, demo.base, "jiwei");
  for (const [name, [url, drawnAs]] of Object.entries(await commissionPages(staff.page, demo.base))) {
    await measure(staff.page, name, url, drawnAs);
  }
  // Within the application: from the board to the first unit, without loading the page.
  const inApp = [];
  for (let i = 0; i < openings; i++) {
    await staff.page.goto(`${demo.base}/#/board`);
    await drawn(staff.page, "board");
    await staff.page.click("#board-table tbody tr:first-child th a");
    await drawn(staff.page, "owner");
    inApp.push(Number(await staff.page.getAttribute("body", "data-render-ms")));
  }
  rows.push(["unit, from the board (in-app)", inApp]);
  const cadre = await freshIn(browser);
  await signInAt(cadre.page, demo.base, "c001");
  for (const [name, [url, drawnAs]] of Object.entries(cadrePages(demo.base))) {
    await measure(cadre.page, name, url, drawnAs);
  }
  const signedOut = await freshIn(browser);
  await measure(signedOut.page, "sign-in", `${demo.base}/`, "sign-in");
  const errors = [...staff.errors, ...cadre.errors, ...signedOut.errors];
  if (errors.length > 0) throw new Error(`the pages logged errors: ${errors.join("; ")}`);
} finally {
  await browser.close();
  await demo.stop();
}

console.log(`Each page opened ${openings} time(s) from a blank page; milliseconds from navigation to drawn.\n`);
console.log(`| page | median ms | slowest ms | within ${BUDGET_MS} ms |`);
console.log("|---|---:|---:|:-:|");
let over = 0;
for (const [name, times] of rows) {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const within = median < BUDGET_MS;
  if (!within) over += 1;
  console.log(`| ${name} | ${median} | ${sorted.at(-1)} | ${within ? "✔" : "✘"} |`);
}
console.log(`\n${rows.length - over} of ${rows.length} pages within the budget (by their median).`);
