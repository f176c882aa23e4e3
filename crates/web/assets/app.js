// The application: who is signed in, the header, and a page per address
// (#/board, #/units/<id>, #/groups/<id>, each with ?as_of=YYYY-MM-DD).
import { api } from "./api.js";
import { language, setLanguage, t } from "./i18n.js";
import { dutiesPage } from "./duties.js";
import { filingsPage, notificationsPage } from "./filings.js";
import { assessmentPage, historyPage, searchPage, statisticsPage } from "./insight.js";
import { boardPage, h, ownerPage, signInPage } from "./pages.js";
import { problemPage, problemsPage } from "./problems.js";

const main = document.getElementById("main");
let me = null;

function parse(hash) {
  const [path, query] = (hash.replace(/^#/, "") || "/board").split("?");
  const params = new URLSearchParams(query ?? "");
  const asOf = params.get("as_of");
  const minPosition = params.get("min_position");
  return {
    query: params,
    parts: path.split("/").filter(Boolean),
    asOf: /^\d{4}-\d{2}-\d{2}$/.test(asOf ?? "") ? asOf : null,
    minPosition: /^\d+$/.test(minPosition ?? "") ? minPosition : null,
  };
}

// The page is not ready from the moment it is asked for: `hashchange` comes later, as a
// task of its own, and until then the page before it must not pass for the new one.
// A hash that stays the same (once the browser has encoded it) fires no `hashchange`.
function navigate(hash) {
  document.body.dataset.ready = "";
  const before = location.hash;
  location.hash = hash;
  if (location.hash === before) render();
}

function header() {
  const top = document.getElementById("top");
  top.hidden = !me;
  document.title = t("app_name");
  document.getElementById("brand").textContent = t("app_name");
  document.getElementById("language").textContent = t("switch_language");
  document.getElementById("sign-out").textContent = t("sign_out");
  // Only what this user may use: my duties for a cadre.
  const links = [["#/board", "nav_board"]];
  if (me?.cadre_id) links.push(["#/duties", "nav_duties"]);
  links.push(["#/problems", "nav_problems"], ["#/filings", "nav_filings"], ["#/notifications", "nav_notifications"]);
  links.push(["#/statistics", "nav_statistics"], ["#/assessment", "nav_assessment"], ["#/search", "nav_search"]);
  // A cadre's whole history is for those who oversee and audit.
  if (["commission", "auditor", "regulator", "discipline_group"].includes(me?.role)) links.push(["#/history", "nav_history"]);
  const here = `#/${parse(location.hash).parts[0] ?? "board"}`;
  document.getElementById("nav").replaceChildren(
    ...links.map(([href, key]) => h("a", { href, "aria-current": href === here ? "page" : undefined }, t(key))),
  );
  document.getElementById("who").textContent = me ? `${me.display_name} · ${me.role_label}` : "";
}

async function render() {
  const started = performance.now();
  document.body.dataset.ready = "";
  header();
  if (!me) {
    signInPage(main, async () => {
      me = await api.me();
      render();
    });
    done("sign-in", started);
    return;
  }
  const { parts, asOf, minPosition, query } = parse(location.hash);
  main.replaceChildren(h("p", { class: "loading" }, t("loading")));
  try {
    if (parts[0] === "board" || parts.length === 0) {
      await boardPage(main, me, { asOf }, navigate);
      done("board", started);
    } else if ((parts[0] === "units" || parts[0] === "groups") && parts[1]) {
      await ownerPage(main, me, { kind: parts[0], id: parts[1], asOf }, navigate);
      done("owner", started);
    } else if (parts[0] === "duties" && me.cadre_id) {
      await dutiesPage(main, me, { minPosition }, navigate);
      done("duties", started);
    } else if (parts[0] === "problems" && parts[1]) {
      await problemPage(main, me, { id: parts[1] }, navigate);
      done("problem", started);
    } else if (parts[0] === "filings") {
      await filingsPage(main, me, {}, navigate);
      done("filings", started);
    } else if (parts[0] === "notifications") {
      await notificationsPage(main, me, {}, navigate);
      done("notifications", started);
    } else if (parts[0] === "search") {
      await searchPage(main, me, { query }, navigate);
      done("search", started);
    } else if (parts[0] === "statistics") {
      await statisticsPage(main, me);
      done("statistics", started);
    } else if (parts[0] === "assessment") {
      await assessmentPage(main, me, { query });
      done("assessment", started);
    } else if (parts[0] === "history") {
      await historyPage(main, me, { query }, navigate);
      done("history", started);
    } else if (parts[0] === "problems") {
      await problemsPage(main, me, navigate);
      done("problems", started);
    } else {
      main.replaceChildren(h("p", { class: "empty" }, t("not_found")));
      done("not-found", started);
    }
  } catch (e) {
    if (e.status === 401) {
      me = null;
      return render();
    }
    main.replaceChildren(
      h("div", { class: "error", role: "alert" }, h("p", {}, `${t("error")}：${e.message}`),
        h("button", { type: "button", onclick: render }, t("retry"))),
    );
    done("error", started);
  }
}

/** Marks the page as drawn (the browser tests wait for this and read the time it took). */
function done(page, started) {
  document.body.dataset.page = page;
  document.body.dataset.renderMs = String(Math.round(performance.now() - started));
  document.body.dataset.ready = "1";
}

document.getElementById("language").addEventListener("click", () => {
  setLanguage(language() === "zh-CN" ? "en" : "zh-CN");
  render();
});
document.getElementById("sign-out").addEventListener("click", async () => {
  try {
    await api.signOut();
  } finally {
    me = null;
    location.hash = "#/board";
    render();
  }
});
window.addEventListener("hashchange", render);

setLanguage(language());
me = await api.me();
render();
