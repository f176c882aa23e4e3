// My duties (我的履责): what is due, and recording how a duty was fulfilled, with a clear
// warning before an entry is stored as a late backfill (逾期补录, the orange light).
import { api, fileReference, once } from "./api.js";
import { formatDate, formatPeriod, shanghaiDate, t } from "./i18n.js";
import { LIGHTS, badge } from "./lights.js";
import { h, writeForm } from "./pages.js";

/** Open duties first (red, yellow, then not yet due, by deadline), then the done ones. */
const ORDER = { red: 0, yellow: 1, pending: 2, orange: 3, green: 4 };

/** The first day of a period (2026-M07, 2026-Q3, 2026-H2, 2026, 2026-once): entries for
 *  it are taken from then on. */
export function periodStart(code) {
  const [y, p] = code.split("-");
  if (!p || p === "once") return `${y}-01-01`;
  const n = Number(p.slice(1));
  const month = { M: n, Q: 3 * n - 2, H: 6 * n - 5 }[p[0]];
  return `${y}-${String(month).padStart(2, "0")}-01`;
}

export async function dutiesPage(main, me, { minPosition }, navigate) {
  const query = minPosition ? `?min_position=${minPosition}` : "";
  const answer = await api.get(`/api/v1/cadres/${me.cadre_id}/obligations${query}`);
  const today = shanghaiDate(answer.as_of);
  const all = [...answer.obligations].sort(
    (a, b) => ORDER[a.light] - ORDER[b.light] || a.deadline.localeCompare(b.deadline),
  );
  const unfinished = all.filter((o) => o.count < o.required_count);
  const open = unfinished.filter((o) => periodStart(o.period) <= today);
  const upcoming = unfinished.filter((o) => periodStart(o.period) > today);
  const done = all.filter((o) => o.count >= o.required_count);
  const counts = Object.fromEntries(LIGHTS.map((l) => [l, all.filter((o) => o.light === l).length]));

  function row(o) {
    const cells = h(
      "tr",
      { dataset: { light: o.light, obligation: o.obligation_id } },
      h("td", {}, o.content, h("div", { class: "sub" }, o.subject_name)),
      h("td", {}, formatPeriod(o.period, o.period_label)),
      h("td", {}, formatDate(o.deadline)),
      h("td", { class: "num" }, `${o.count}/${o.required_count}`),
      h("td", {}, badge(o.light), o.backfilled ? h("small", { class: "backfilled" }, t("backfilled")) : null),
      h(
        "td",
        {},
        o.count >= o.required_count
          ? null
          : periodStart(o.period) > today
            ? h("span", { class: "sub" }, `${formatDate(periodStart(o.period))}${t("opens_on")}`)
            : h("button", { type: "button", class: "record", onclick: () => openForm(o, cells) }, t("record_entry")),
      ),
    );
    return cells;
  }

  function openForm(o, after) {
    main.querySelector("form.entry")?.closest("tr")?.remove();
    const late = o.light === "red";
    const warning = late
      ? h("p", { class: "warning", role: "alert", id: "late-warning" }, t("late_warning"))
      : null;
    const confirmLate = late
      ? h("label", { class: "confirm" }, h("input", { type: "checkbox", id: "confirm-late", required: true }), " ", t("late_confirm"))
      : null;
    const performed = h("input", { type: "date", id: "performed-on", value: today, max: today, required: true });
    const content = h("textarea", { id: "entry-content", rows: 3, required: true, maxlength: 4000 });
    const files = h("input", { type: "file", id: "entry-files", multiple: true });
    const form = writeForm(
      {
        cls: "entry",
        submitId: "entry-submit",
        submitLabel: late ? t("record_backfill") : t("save_entry"),
        send: async () => {
          const attachments = [];
          for (const f of files.files) attachments.push(await fileReference(f));
          return api.post(
            `/api/v1/obligations/${o.obligation_id}/entries`,
            { performed_on: performed.value, content: content.value.trim(), attachments },
            once(),
          );
        },
        done: (written) => navigate(`#/duties?min_position=${written.position}`),
        extra: [h("button", { type: "button", class: "secondary", onclick: () => form.closest("tr").remove() }, t("cancel"))],
      },
      h("h3", {}, o.content),
      warning,
      h("label", { for: "performed-on" }, t("performed_on")),
      performed,
      h("label", { for: "entry-content" }, t("entry_content")),
      content,
      h("label", { for: "entry-files" }, t("attachments")),
      files,
      h("p", { class: "hint" }, t("attachments_hint")),
      confirmLate,
    );
    after.after(h("tr", { class: "form-row" }, h("td", { colspan: 6 }, form)));
    content.focus();
  }

  const table = (items, id) =>
    h(
      "table",
      { class: "duties", id },
      h(
        "thead",
        {},
        h("tr", {}, [t("item"), t("period"), t("deadline"), t("progress"), t("light"), ""].map((c) => h("th", { scope: "col" }, c))),
      ),
      h("tbody", {}, items.map(row)),
    );
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "duties" },
      h("h1", {}, t("nav_duties")),
      h("p", { class: "as-of-text" }, `${t("as_of")} ${formatDate(today)}`),
      h("div", { class: "chips" }, LIGHTS.map((l) => h("span", { class: "chip" }, badge(l, counts[l])))),
      h("h2", {}, `${t("duties_open")} (${open.length})`),
      open.length ? table(open, "duties-open") : h("p", { class: "empty" }, t("duties_none_open")),
      h("details", {}, h("summary", {}, `${t("duties_upcoming")} (${upcoming.length})`), table(upcoming, "duties-upcoming")),
      h("details", {}, h("summary", {}, `${t("duties_done")} (${done.length})`), table(done, "duties-done")),
    ),
  );
}
