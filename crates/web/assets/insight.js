// For the commission, auditors and regulators: search (检索), statistics with a chart
// (统计分析), assessment scores (年度考核) and a cadre's history (履责档案) as recorded,
// with when each fact happened and when the platform learned it.
import { api } from "./api.js";
import { formatDate, has, shanghaiDate, t } from "./i18n.js";
import { LIGHTS, badge } from "./lights.js";
import { h } from "./pages.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

export async function searchPage(main, _me, { query }, navigate) {
  const q = query.get("q") ?? "";
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  const input = h("input", { id: "search-q", type: "search", value: q, required: true, maxlength: 100 });
  const fromInput = h("input", { id: "search-from", type: "date", value: from });
  const toInput = h("input", { id: "search-to", type: "date", value: to });
  const form = h(
    "form",
    {
      class: "controls",
      role: "search",
      onsubmit: (e) => {
        e.preventDefault();
        const p = new URLSearchParams({ q: input.value.trim() });
        if (fromInput.value) p.set("from", fromInput.value);
        if (toInput.value) p.set("to", toInput.value);
        navigate(`#/search?${p}`);
      },
    },
    h("label", { for: "search-q" }, t("keywords")),
    input,
    h("label", { for: "search-from" }, t("date_from")),
    fromInput,
    h("label", { for: "search-to" }, t("date_to")),
    toInput,
    h("button", { type: "submit", id: "search-submit" }, t("search")),
  );
  let results = null;
  if (q) {
    const p = new URLSearchParams({ q, limit: "50" });
    if (from) p.set("from", from);
    if (to) p.set("to", to);
    const answer = await api.get(`/api/v1/search?${p}`);
    results = h(
      "div",
      {},
      h("p", { id: "search-total" }, `${t("search_total")} ${answer.total}`),
      h(
        "ol",
        { class: "hits", id: "search-hits" },
        answer.hits.map((hit) =>
          h(
            "li",
            { dataset: { kind: hit.kind } },
            h("span", { class: "tag" }, t(`hit_${hit.kind}`)),
            " ",
            hit.problem_id ? h("a", { href: `#/problems/${hit.problem_id}` }, hit.snippet) : hit.snippet,
            h("div", { class: "sub" }, formatDate(hit.date)),
          ),
        ),
      ),
    );
  }
  main.replaceChildren(h("section", { class: "page", id: "search" }, h("h1", {}, t("nav_search")), form, results));
}

/** A stacked bar per month of the lights of the obligations due that month. */
function lightsChart(months) {
  const width = 720;
  const height = 260;
  const pad = { left: 48, right: 12, top: 12, bottom: 28 };
  const max = Math.max(1, ...months.map((m) => LIGHTS.reduce((s, l) => s + m[l], 0)));
  const band = (width - pad.left - pad.right) / 12;
  const y = (v) => ((height - pad.top - pad.bottom) * v) / max;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", id: "lights-chart" });
  chart.append(svg("title", {}, t("chart_lights_title")));
  for (let i = 0; i <= 4; i++) {
    const v = Math.round((max * i) / 4);
    const yy = height - pad.bottom - y(v);
    chart.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: yy, y2: yy, class: "grid" }));
    chart.append(svg("text", { x: pad.left - 6, y: yy + 4, class: "axis", "text-anchor": "end" }, v));
  }
  for (const m of months) {
    const x = pad.left + (m.month - 1) * band + band * 0.15;
    let base = height - pad.bottom;
    for (const l of LIGHTS) {
      if (!m[l]) continue;
      const hgt = y(m[l]);
      base -= hgt;
      const rect = svg("rect", { x, y: base, width: band * 0.7, height: hgt, class: `bar-${l}`, "data-light": l, "data-month": m.month });
      rect.append(svg("title", {}, `${m.month}${t("month_suffix")} ${t(`light_${l}`)} ${m[l]}`));
      chart.append(rect);
    }
    chart.append(svg("text", { x: x + band * 0.35, y: height - 8, class: "axis", "text-anchor": "middle" }, `${m.month}${t("month_suffix")}`));
  }
  return chart;
}

/** Problems per bucket (type or unit) as horizontal bars: closed, open, overdue. */
function problemsChart(buckets) {
  const rowH = 26;
  const width = 720;
  const label = 220;
  const height = rowH * buckets.length + 8;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const scale = (v) => ((width - label - 40) * v) / max;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img", id: "problems-chart" });
  chart.append(svg("title", {}, t("chart_problems_title")));
  buckets.forEach((b, i) => {
    const y = 4 + i * rowH;
    chart.append(svg("text", { x: label - 8, y: y + rowH * 0.65, class: "axis", "text-anchor": "end" }, b.label));
    let x = label;
    // Open counts overdue ones too: the bar shows closed, then open on time, then overdue.
    for (const [part, value] of [["closed", b.closed], ["open", b.open - b.overdue], ["overdue", b.overdue]]) {
      if (value <= 0) continue;
      const w = scale(value);
      const rect = svg("rect", { x, y: y + 4, width: w, height: rowH - 8, class: `bar-problem-${part}`, "data-part": part });
      rect.append(svg("title", {}, `${b.label} ${t(`problems_${part}`)} ${value}`));
      chart.append(rect);
      x += w;
    }
    chart.append(svg("text", { x: x + 6, y: y + rowH * 0.65, class: "axis" }, b.count));
  });
  return chart;
}

export async function statisticsPage(main, me) {
  // By type for those who see the whole district's problems; by unit for the others.
  const dimension = ["commission", "auditor"].includes(me.role) ? "type" : "unit";
  const [answer, problems] = await Promise.all([
    api.get("/api/v1/statistics/lights"),
    api.get(`/api/v1/statistics/problems?dimension=${dimension}`),
  ]);
  const months = Array.from({ length: 12 }, (_, i) => Object.fromEntries([["month", i + 1], ...LIGHTS.map((l) => [l, 0])]));
  for (const r of answer.rows) for (const l of LIGHTS) months[r.month - 1][l] += r[l];
  const table = h(
    "table",
    { class: "statistics", id: "lights-by-month" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("month")), LIGHTS.map((l) => h("th", { scope: "col", class: "num" }, badge(l))))),
    h(
      "tbody",
      {},
      months
        .filter((m) => LIGHTS.some((l) => m[l] > 0))
        .map((m) => h("tr", { dataset: { month: m.month } }, h("th", { scope: "row" }, `${m.month}${t("month_suffix")}`), LIGHTS.map((l) => h("td", { class: "num" }, m[l])))),
    ),
  );
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "statistics" },
      h("h1", {}, `${t("nav_statistics")} · ${answer.year}`),
      h("p", { class: "exports" }, h("a", { href: `/api/v1/reports/statistics?format=xlsx&year=${answer.year}`, download: "", id: "export-statistics" }, t("export_xlsx"))),
      h("h2", {}, t("chart_lights_title")),
      lightsChart(months),
      table,
      h("h2", {}, `${t("chart_problems_title")} · ${t(`by_${dimension}`)}`),
      h(
        "ul",
        { class: "legend" },
        ["closed", "open", "overdue"].map((part) => h("li", {}, h("span", { class: `swatch bar-problem-${part}` }), t(`problems_${part}`))),
      ),
      problems.buckets.length ? problemsChart(problems.buckets) : h("p", { class: "empty" }, t("problems_none")),
    ),
  );
}

export async function assessmentPage(main, _me, { query }) {
  const year = /^\d{4}$/.test(query.get("year") ?? "") ? query.get("year") : "2026";
  const a = await api.get(`/api/v1/assessments/${year}`);
  const scores = [...a.scores].sort((x, y) => x.score - y.score || x.unit_name.localeCompare(y.unit_name, "zh-CN"));
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "assessment" },
      h("h1", {}, `${t("nav_assessment")} · ${a.year}`),
      h("p", { class: "sub" }, a.finalised_on ? `${t("finalised_on")} ${formatDate(a.finalised_on)}` : `${t("live_as_of")} ${formatDate(shanghaiDate(a.as_of))}`),
      h(
        "p",
        { class: "sub", id: "assessment-rules" },
        `${t("rules")}：${t("rule_base")} ${a.rules.base}；${t("rule_red")} −${a.rules.per_red_light}；${t("rule_problem")} −${a.rules.per_overdue_problem}；${t("rule_filing")} −${a.rules.per_late_filing}；${t("rule_accountability")} −${a.rules.per_accountability}`,
      ),
      h("p", { class: "exports" }, h("a", { href: `/api/v1/reports/assessment?format=xlsx&year=${a.year}`, download: "" }, t("export_xlsx"))),
      h(
        "table",
        { class: "assessment", id: "assessment-table" },
        h(
          "thead",
          {},
          h("tr", {}, [t("unit"), t("red_lights"), t("overdue_problems"), t("late_filings"), t("accountability_measures"), t("deduction"), t("score")].map((c, i) => h("th", { scope: "col", class: i ? "num" : "" }, c))),
        ),
        h(
          "tbody",
          {},
          scores.map((s) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, s.unit_name),
              [s.red_lights, s.overdue_problems, s.late_filings, s.accountability_measures, s.deduction].map((v) => h("td", { class: "num" }, v)),
              h("td", { class: "num score" }, s.score),
            ),
          ),
        ),
      ),
    ),
  );
}

export async function historyPage(main, _me, { query }, navigate) {
  const cadres = await api.get("/api/v1/cadres");
  const chosen = query.get("cadre");
  const purpose = query.get("purpose") ?? "";
  const select = h(
    "select",
    { id: "history-cadre", required: true },
    h("option", { value: "" }, t("choose_cadre")),
    [...cadres]
      .sort((a, b) => a.name.localeCompare(b.name, "zh-CN"))
      .map((c) => h("option", { value: c.cadre_id, selected: c.cadre_id === chosen }, `${c.name} · ${c.post}`)),
  );
  const why = h("input", { id: "history-purpose", value: purpose, required: true, maxlength: 200, placeholder: t("purpose_hint") });
  const form = h(
    "form",
    {
      class: "controls",
      onsubmit: (e) => {
        e.preventDefault();
        navigate(`#/history?${new URLSearchParams({ cadre: select.value, purpose: why.value.trim() })}`);
      },
    },
    h("label", { for: "history-cadre" }, t("cadre")),
    select,
    h("label", { for: "history-purpose" }, t("read_purpose")),
    why,
    h("button", { type: "submit", id: "history-submit" }, t("show_history")),
  );
  let timeline = null;
  if (chosen) {
    const p = new URLSearchParams({ purpose: purpose || t("purpose_not_stated") });
    const history = await api.get(`/api/v1/cadres/${chosen}/history?${p}`);
    timeline = h(
      "ol",
      { class: "timeline", id: "history" },
      history.events.map((e) => {
        const late = shanghaiDate(e.recorded_at) !== shanghaiDate(e.occurred_at);
        return h(
          "li",
          { dataset: { type: e.event_type, position: e.position } },
          h("strong", {}, has(`event_${e.event_type}`) ? t(`event_${e.event_type}`) : e.event_type),
          " ",
          h("span", { class: "sub" }, `#${e.position} · ${formatDate(shanghaiDate(e.occurred_at))} · ${e.actor.replace(/^user:/, "")}`),
          late ? h("div", { class: "late" }, `${t("recorded_on")} ${formatDate(shanghaiDate(e.recorded_at))}`) : null,
          e.payload.content ? h("p", {}, e.payload.content) : null,
        );
      }),
    );
  }
  main.replaceChildren(h("section", { class: "page", id: "cadre-history" }, h("h1", {}, t("nav_history")), form, timeline));
}
