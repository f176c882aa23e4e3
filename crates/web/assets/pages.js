// The pages: sign-in, the board (district → unit or group) and one owner's obligations
// (subject → obligation), each as of a date the user may pick.
import { api } from "./api.js";
import { formatDate, formatPeriod, shanghaiDate, t } from "./i18n.js";
import { LIGHTS, badge } from "./lights.js";

/** Builds an element: h("a", {href: "#/"}, "text", child…). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/**
 * A form that writes: on submit it disables its button, awaits `send()` and hands the
 * answer to `done`; a refusal is shown in the form, in the API's words, and the button
 * comes back. `extra` buttons (cancel) go beside the submit button.
 */
export function writeForm({ id, submitId, submitLabel, send, done, extra = [], cls = "step", dataset }, ...fields) {
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", id: submitId }, submitLabel);
  return h(
    "form",
    {
      class: cls,
      id,
      dataset,
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        error.hidden = true;
        try {
          done(await send());
        } catch (err) {
          error.textContent = `${t("error")}：${err.message}`;
          error.hidden = false;
          submit.disabled = false;
        }
      },
    },
    ...fields,
    error,
    h("div", { class: "actions" }, submit, ...extra),
  );
}

/** The instant an as-of date stands for: the end of that day in Shanghai. */
function asOfParam(date) {
  return date ? `${date}T23:59:59+08:00` : null;
}

function withAsOf(path, date) {
  const p = asOfParam(date);
  return p ? `${path}${path.includes("?") ? "&" : "?"}as_of=${encodeURIComponent(p)}` : path;
}

/** The as-of picker: a date input and "today"; calls `go(date or null)`. */
function asOfControls(asOf, shownInstant, go) {
  const input = h("input", {
    type: "date",
    id: "as-of",
    value: asOf ?? "",
    title: t("as_of_hint"),
    onchange: (e) => go(e.target.value || null),
  });
  return h(
    "div",
    { class: "controls" },
    h("label", { for: "as-of" }, t("as_of"), " "),
    input,
    h("button", { type: "button", class: "secondary", onclick: () => go(null) }, t("as_of_today")),
    h("span", { class: "as-of-text", id: "as-of-text" }, `${t("as_of")} ${formatDate(shanghaiDate(shownInstant))}`),
  );
}

function legend() {
  return h(
    "ul",
    { class: "legend" },
    LIGHTS.map((l) => h("li", {}, badge(l), h("span", { class: "meaning" }, t(`light_${l}_meaning`)))),
  );
}

export function signInPage(main, onSignedIn) {
  const error = h("p", { class: "error", role: "alert", id: "sign-in-error", hidden: true });
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true });
  const password = h("input", {
    id: "password",
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = h("button", { type: "submit", id: "sign-in-submit" }, t("sign_in"));
  const form = h(
    "form",
    {
      class: "sign-in",
      onsubmit: async (e) => {
        e.preventDefault();
        submit.disabled = true;
        submit.textContent = t("signing_in");
        error.hidden = true;
        try {
          await api.signIn(username.value.trim(), password.value);
          await onSignedIn();
        } catch (err) {
          error.textContent = `${t("sign_in_failed")}：${err.message}`;
          error.hidden = false;
          submit.disabled = false;
          submit.textContent = t("sign_in");
        }
      },
    },
    h("h1", {}, t("app_name")),
    h("p", { class: "subtitle" }, t("app_subtitle")),
    h("label", { for: "username" }, t("username")),
    username,
    h("label", { for: "password" }, t("password")),
    password,
    error,
    submit,
  );
  main.replaceChildren(form);
  username.focus();
}

const SORTABLE = ["red", "yellow", "orange", "green", "pending", "overdue_problems"];

export async function boardPage(main, me, { asOf }, navigate) {
  const board = await api.get(withAsOf("/api/v1/board", asOf));
  let sortBy = "red";
  const title = me.scope.everything ? t("board_title") : t("board_scope_title");
  const totals = h(
    "div",
    { class: "totals", id: "totals" },
    LIGHTS.map((l) =>
      h(
        "div",
        { class: `tile tile-${l}`, dataset: { light: l } },
        badge(l, board.totals[l]),
        h("span", { class: "meaning" }, t(`light_${l}_meaning`)),
      ),
    ),
  );
  const tbody = h("tbody");
  const header = h(
    "tr",
    {},
    h("th", { scope: "col" }, t("unit")),
    h("th", { scope: "col" }, t("unit_kind")),
    LIGHTS.map((l) =>
      h("th", { scope: "col", class: "num sortable", dataset: { sort: l }, onclick: () => sort(l) }, badge(l)),
    ),
    h(
      "th",
      { scope: "col", class: "num sortable", dataset: { sort: "overdue_problems" }, onclick: () => sort("overdue_problems") },
      t("overdue_problems"),
    ),
  );
  function sort(key) {
    sortBy = SORTABLE.includes(key) ? key : "red";
    const rows = [...board.units].sort((a, b) => b[sortBy] - a[sortBy] || a.name.localeCompare(b.name, "zh-CN"));
    tbody.replaceChildren(
      ...rows.map((u) => {
        const href = u.owner_kind === "discipline_group" ? `#/groups/${u.group_id}` : `#/units/${u.unit_id}`;
        return h(
          "tr",
          { dataset: { owner: u.unit_id ?? u.group_id } },
          h("th", { scope: "row" }, h("a", { href: asOf ? `${href}?as_of=${asOf}` : href }, u.name)),
          h("td", {}, t(`kind_${u.kind}`)),
          LIGHTS.map((l) => h("td", { class: `num count-${l}` }, u[l] > 0 ? badge(l, u[l]) : h("span", { class: "zero" }, "0"))),
          h("td", { class: "num" }, u.overdue_problems),
        );
      }),
    );
    for (const th of header.querySelectorAll("th[data-sort]")) {
      th.setAttribute("aria-sort", th.dataset.sort === sortBy ? "descending" : "none");
    }
  }
  sort(sortBy);
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "board" },
      h("h1", {}, title),
      asOfControls(asOf, board.as_of, (d) => navigate(d ? `#/board?as_of=${d}` : "#/board")),
      h("p", { class: "exports" }, h("a", { href: withAsOf("/api/v1/reports/board?format=xlsx", asOf), download: "", id: "export-board" }, t("export_xlsx"))),
      legend(),
      totals,
      board.units.length === 0
        ? h("p", { class: "empty" }, t("no_units"))
        : h("table", { class: "board", id: "board-table" }, h("thead", {}, header), tbody),
    ),
  );
}

export async function ownerPage(main, me, { kind, id, asOf }, navigate) {
  const path = kind === "groups" ? `/api/v1/groups/${id}/obligations` : `/api/v1/units/${id}/obligations`;
  const [answer, board] = await Promise.all([
    api.get(withAsOf(path, asOf)),
    api.get(withAsOf("/api/v1/board", asOf)),
  ]);
  const owner = board.units.find((u) => (u.unit_id ?? u.group_id) === id);
  const obligations = answer.obligations;
  let shown = null; // every light
  const counts = Object.fromEntries(LIGHTS.map((l) => [l, obligations.filter((o) => o.light === l).length]));
  const list = h("div", { id: "obligations" });
  const chips = h(
    "div",
    { class: "chips", role: "group" },
    h("button", { type: "button", class: "chip", dataset: { filter: "all" }, onclick: () => filter(null) }, `${t("all_lights")} ${obligations.length}`),
    LIGHTS.map((l) =>
      h("button", { type: "button", class: "chip", dataset: { filter: l }, onclick: () => filter(l) }, badge(l, counts[l])),
    ),
  );
  function filter(light) {
    shown = light;
    for (const c of chips.querySelectorAll(".chip")) {
      c.setAttribute("aria-pressed", String((c.dataset.filter === "all" && !light) || c.dataset.filter === light));
    }
    const bySubject = new Map();
    for (const o of obligations) {
      if (shown && o.light !== shown) continue;
      const key = `${o.subject.kind}:${o.subject_name}`;
      if (!bySubject.has(key)) bySubject.set(key, []);
      bySubject.get(key).push(o);
    }
    list.replaceChildren(
      ...[...bySubject.entries()].map(([key, items]) => {
        const kindKey = `subject_${key.split(":")[0]}`;
        return h(
          "section",
          { class: "subject" },
          h("h2", {}, items[0].subject_name, " ", h("small", {}, t(kindKey)), " ", h("small", {}, `${items.length} ${t("obligations_count")}`)),
          h(
            "table",
            { class: "obligations" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                [t("item"), t("category"), t("period"), t("deadline"), t("progress"), t("light")].map((c) => h("th", { scope: "col" }, c)),
              ),
            ),
            h(
              "tbody",
              {},
              items.map((o) =>
                h(
                  "tr",
                  { dataset: { light: o.light } },
                  h("td", {}, o.content),
                  h("td", {}, o.category),
                  h("td", {}, formatPeriod(o.period, o.period_label)),
                  h("td", {}, formatDate(o.deadline)),
                  h("td", { class: "num" }, `${o.count}/${o.required_count}`),
                  h("td", {}, badge(o.light), o.backfilled ? h("small", { class: "backfilled" }, t("backfilled")) : null),
                ),
              ),
            ),
          ),
        );
      }),
    );
  }
  filter(null);
  const back = asOf ? `#/board?as_of=${asOf}` : "#/board";
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "owner" },
      h("nav", { class: "crumbs" }, h("a", { href: back }, t("back_to_board"))),
      h("h1", {}, owner?.name ?? obligations[0]?.subject_name ?? ""),
      asOfControls(asOf, answer.as_of, (d) => navigate(`#/${kind}/${id}${d ? `?as_of=${d}` : ""}`)),
      legend(),
      chips,
      list,
    ),
  );
}
