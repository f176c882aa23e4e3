// The problem ledger (问题台账): the list, one problem's timeline, and the steps of its
// rectification each role may take — registered → planned → rectifying → submitted →
// closed (or rejected back to rectifying). Only the buttons of the steps this user may
// take are shown; the API has the last word.
import { api, fileReference, once } from "./api.js";
import { formatDate, shanghaiDate, t } from "./i18n.js";
import { badge } from "./lights.js";
import { h, writeForm } from "./pages.js";

/** Whether `me` answers for the problem's rectification (the unit's principal leader or
 *  the cadre named on it). */
function rectifies(me, p) {
  if (!me.cadre_id) return false;
  if (p.cadre_id && p.cadre_id === me.cadre_id) return true;
  return me.role === "principal_leader" && me.scope.units.includes(p.unit_id);
}

/** Whether `me` oversees it (the commission, or a discipline group stationed in the unit). */
function oversees(me, p) {
  if (me.role === "commission") return true;
  return me.role === "discipline_group" && me.scope.units.includes(p.unit_id);
}

/** The steps `me` may take now: [name, path, field, label key]. */
export function steps(me, p) {
  const out = [];
  if (rectifies(me, p)) {
    if (p.status === "registered") out.push(["plan", "plan", "plan", "step_plan"]);
    if (p.status === "planned" || p.status === "rectifying") out.push(["progress", "progress", "text", "step_progress"]);
    if (p.status === "rectifying" && p.progress_entries > 0)
      out.push(["closing-request", "closing-request", "summary", "step_request_closing"]);
  }
  if (oversees(me, p) && p.status === "submitted") {
    out.push(["closure", "closure", "conclusion", "step_close"]);
    out.push(["rejection", "rejection", "reason", "step_reject"]);
  }
  return out;
}

function statusLabel(status) {
  return t(`status_${status}`);
}

// The ledger's queries wait for the ledger to reach the log's head, so a page drawn after a
// write always shows it (the `min_position` of the page's address only makes it redraw).
/** Registering a problem (登记问题): the commission, or a discipline group for the units it
 *  is stationed in (the board's units of one's scope). The form's choices are fetched when
 *  the fold is first opened, not with every drawing of the ledger. */
function registerFold(me, navigate) {
  if (!["commission", "discipline_group"].includes(me.role)) return null;
  const fold = h("details", { id: "register-problem" }, h("summary", {}, t("register_problem")));
  let built = false;
  fold.addEventListener("toggle", async () => {
    if (!fold.open || built) return;
    built = true;
    try {
      fold.append(await registerForm(navigate));
    } catch (err) {
      built = false;
      fold.append(h("p", { class: "error", role: "alert" }, `${t("error")}：${err.message}`));
    }
  });
  return fold;
}

async function registerForm(navigate) {
  const [board, types] = await Promise.all([api.get("/api/v1/board"), api.get("/api/v1/problem-types")]);
  const today = shanghaiDate(board.as_of);
  const units = board.units.filter((u) => u.owner_kind === "unit");
  const field = (id, label, control) => [h("label", { for: id }, t(label)), control];
  const unit = h("select", { id: "new-unit", required: true }, units.map((u) => h("option", { value: u.unit_id }, u.name)));
  const type = h("select", { id: "new-type" }, types.map((ty) => h("option", { value: ty.key }, ty.label)));
  const source = h("select", { id: "new-source" }, ["supervision", "inspection", "audit", "platform", "other"].map((v) => h("option", { value: v }, t(`source_${v}`))));
  const severity = h("select", { id: "new-severity" }, ["minor", "moderate", "serious"].map((v) => h("option", { value: v }, t(`severity_${v}`))));
  const description = h("textarea", { id: "new-description", rows: 3, required: true, maxlength: 2000 });
  const found = h("input", { id: "new-found-on", type: "date", value: today, max: today, required: true });
  const by = h("input", { id: "new-rectify-by", type: "date", min: today, required: true });
  return writeForm(
      {
        submitId: "new-submit",
        submitLabel: t("register_problem"),
        send: () =>
          api.post(
            "/api/v1/problems",
            {
              unit_id: unit.value,
              type: type.value,
              source: source.value,
              severity: severity.value,
              description: description.value.trim(),
              found_on: found.value,
              rectify_by: by.value,
            },
            once(),
          ),
        done: (w) => navigate(`#/problems/${w.id}`),
      },
      field("new-unit", "unit", unit),
      field("new-type", "problem_type", type),
      field("new-source", "problem_source", source),
      field("new-severity", "severity", severity),
      field("new-description", "problem", description),
      field("new-found-on", "found_on", found),
      field("new-rectify-by", "rectify_by", by),
  );
}

export async function problemsPage(main, me, navigate) {
  const problems = await api.get("/api/v1/problems");
  const rows = problems.map((p) =>
    h(
      "tr",
      { dataset: { problem: p.problem_id, status: p.status } },
      h("td", {}, h("a", { href: `#/problems/${p.problem_id}` }, p.description)),
      h("td", {}, p.unit_name),
      h("td", {}, p.type.label),
      h("td", {}, formatDate(p.found_on)),
      h("td", {}, formatDate(p.rectify_by)),
      h("td", {}, statusLabel(p.status)),
      h("td", {}, badge(p.light)),
    ),
  );
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "problems" },
      h("h1", {}, t("nav_problems")),
      h("p", { class: "exports" }, h("a", { href: "/api/v1/reports/ledger?format=xlsx", download: "", id: "export-ledger" }, t("export_xlsx"))),
      registerFold(me, navigate),
      problems.length === 0
        ? h("p", { class: "empty" }, t("problems_none"))
        : h(
            "table",
            { class: "problems", id: "problems-table" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                [t("problem"), t("unit"), t("problem_type"), t("found_on"), t("rectify_by"), t("status"), t("light")].map((c) =>
                  h("th", { scope: "col" }, c),
                ),
              ),
            ),
            h("tbody", {}, rows),
          ),
    ),
  );
}

export async function problemPage(main, me, { id }, navigate) {
  const p = await api.get(`/api/v1/problems/${id}`);
  const actions = h("div", { class: "actions", id: "problem-actions" });
  const form = h("div", { id: "problem-form" });

  function open([name, path, field, label]) {
    const text = h("textarea", { id: "step-text", rows: 3, required: true, maxlength: 2000 });
    const files = name === "progress" ? h("input", { type: "file", id: "step-files", multiple: true, required: true }) : null;
    form.replaceChildren(
      writeForm(
        {
          dataset: { step: name },
          submitId: "step-submit",
          submitLabel: t(label),
          send: async () => {
            const body = { [field]: text.value.trim() };
            if (files) {
              body.attachments = [];
              for (const f of files.files) body.attachments.push(await fileReference(f));
            }
            return api.post(`/api/v1/problems/${id}/${path}`, body, once());
          },
          done: (written) => navigate(`#/problems/${id}?min_position=${written.position}`),
          extra: [h("button", { type: "button", class: "secondary", onclick: () => form.replaceChildren() }, t("cancel"))],
        },
        h("h3", {}, t(label)),
        h("label", { for: "step-text" }, t(`field_${field}`)),
        text,
        files ? [h("label", { for: "step-files" }, t("evidence")), files] : null,
      ),
    );
    text.focus();
  }

  for (const step of steps(me, p)) {
    actions.append(h("button", { type: "button", dataset: { step: step[0] }, onclick: () => open(step) }, t(step[3])));
  }
  const timeline = h(
    "ol",
    { class: "timeline", id: "timeline" },
    p.timeline.map((s) =>
      h(
        "li",
        { dataset: { step: s.step } },
        h("strong", {}, t(`timeline_${s.step}`)),
        " ",
        h("span", { class: "sub" }, `${formatDate(shanghaiDate(s.at))} · ${s.actor.replace(/^user:/, "")}`),
        s.text ? h("p", {}, s.text) : null,
        s.evidence?.length ? h("p", { class: "sub" }, `${t("evidence")}：${s.evidence.map((e) => e.file_name).join("、")}`) : null,
      ),
    ),
  );
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "problem", dataset: { status: p.status } },
      h("nav", { class: "crumbs" }, h("a", { href: "#/problems" }, t("nav_problems"))),
      h("h1", {}, p.description),
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("unit")), h("dd", {}, p.unit_name),
        h("dt", {}, t("problem_type")), h("dd", {}, p.type.label),
        h("dt", {}, t("rectify_by")), h("dd", {}, formatDate(p.rectify_by)),
        h("dt", {}, t("status")), h("dd", { id: "problem-status" }, statusLabel(p.status)),
        h("dt", {}, t("light")), h("dd", {}, badge(p.light)),
      ),
      actions,
      form,
      h("h2", {}, t("timeline")),
      timeline,
    ),
  );
}
