// Filings (事项报备): filing a trip, the register one sees (newest first), and
// acknowledging (已阅) what one was shown — principal leaders, leaders in charge,
// discipline groups and the commission, never for their own filings.
import { api, once } from "./api.js";
import { formatDate, shanghaiDate, t } from "./i18n.js";
import { h, writeForm } from "./pages.js";

const ACKNOWLEDGERS = ["principal_leader", "leader_in_charge", "discipline_group", "commission"];

function mayAcknowledge(me, f) {
  if (!ACKNOWLEDGERS.includes(me.role)) return false;
  if (f.cadre_id && f.cadre_id === me.cadre_id) return false;
  return !f.acknowledgements.some((a) => a.user_id === me.user_id);
}

function what(f) {
  if (f.travel) {
    const tr = f.travel;
    return `${t(`purpose_${tr.purpose}`)} · ${tr.destination} · ${formatDate(tr.leave_on)}–${formatDate(tr.return_on)}`;
  }
  const e = f.family_event;
  return `${t(`family_${e.kind}`)} · ${formatDate(e.date)} · ${e.venue}`;
}

export async function filingsPage(main, me, _params, navigate) {
  const filings = await api.get("/api/v1/filings?limit=200");
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const rows = filings.map((f) =>
    h(
      "tr",
      { dataset: { filing: f.filing_id, status: f.status } },
      h("td", {}, f.cadre_name, h("div", { class: "sub" }, f.unit_name ?? f.group_name ?? "")),
      h("td", {}, t(`filing_${f.kind}`)),
      h("td", {}, what(f)),
      h("td", {}, formatDate(f.filed_on), f.late ? h("div", { class: "late" }, `${t("filing_late")} ${f.days_late}`) : null),
      h("td", {}, t(`filing_status_${f.status}`)),
      h("td", { class: "num" }, String(f.acknowledgements.length)),
      h(
        "td",
        {},
        mayAcknowledge(me, f)
          ? h(
              "button",
              {
                type: "button",
                class: "acknowledge",
                onclick: async (e) => {
                  e.target.disabled = true;
                  try {
                    const w = await api.post(`/api/v1/filings/${f.filing_id}/acknowledgement`, {});
                    navigate(`#/filings?min_position=${w.position}`);
                  } catch (err) {
                    error.textContent = `${t("error")}：${err.message}`;
                    error.hidden = false;
                    e.target.disabled = false;
                  }
                },
              },
              t("acknowledge"),
            )
          : null,
      ),
    ),
  );
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "filings" },
      h("h1", {}, t("nav_filings")),
      me.cadre_id ? travelForm(navigate) : null,
      me.cadre_id ? familyEventForm(navigate) : null,
      error,
      filings.length === 0
        ? h("p", { class: "empty" }, t("filings_none"))
        : h(
            "table",
            { class: "filings", id: "filings-table" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                [t("cadre"), t("filing_kind"), t("filing_what"), t("filed_on"), t("status"), t("acknowledged_by"), ""].map((c) =>
                  h("th", { scope: "col" }, c),
                ),
              ),
            ),
            h("tbody", {}, rows),
          ),
    ),
  );
}

/** A filing form in a fold: `fields` are [id, label, control]; `body()` what is sent. */
function filingForm(foldId, submitId, label, path, fields, body, navigate) {
  return h(
    "details",
    { id: foldId },
    h("summary", {}, t(label)),
    writeForm(
      {
        submitId,
        submitLabel: t(label),
        send: () => api.post(path, body(), once()),
        done: (w) => navigate(`#/filings?min_position=${w.position}`),
      },
      fields.map(([id, key, control]) => [h("label", { for: id }, t(key)), control]),
    ),
  );
}

/** Filing a trip (外出报备): purpose, destination and the dates. */
function travelForm(navigate) {
  const purpose = h("select", { id: "travel-purpose" }, ["on_duty", "private"].map((p) => h("option", { value: p }, t(`purpose_${p}`))));
  const destination = h("input", { id: "travel-destination", required: true, maxlength: 200 });
  const leave = h("input", { id: "travel-leave", type: "date", required: true });
  const back = h("input", { id: "travel-return", type: "date", required: true });
  return filingForm(
    "file-travel",
    "travel-submit",
    "file_travel",
    "/api/v1/filings/travel",
    [
      ["travel-purpose", "travel_purpose", purpose],
      ["travel-destination", "travel_destination", destination],
      ["travel-leave", "travel_leave_on", leave],
      ["travel-return", "travel_return_on", back],
    ],
    () => ({ purpose: purpose.value, destination: destination.value.trim(), leave_on: leave.value, return_on: back.value }),
    navigate,
  );
}

/** Filing a family event (婚丧喜庆事宜报备): kind, date, scale and venue. */
function familyEventForm(navigate) {
  const kind = h("select", { id: "family-kind" }, ["wedding", "child_wedding", "funeral"].map((k) => h("option", { value: k }, t(`family_${k}`))));
  const date = h("input", { id: "family-date", type: "date", required: true });
  const scale = h("input", { id: "family-scale", required: true, maxlength: 200, placeholder: t("family_scale_hint") });
  const venue = h("input", { id: "family-venue", required: true, maxlength: 200 });
  return filingForm(
    "file-family-event",
    "family-submit",
    "file_family_event",
    "/api/v1/filings/family-events",
    [
      ["family-kind", "family_kind", kind],
      ["family-date", "family_date", date],
      ["family-scale", "family_scale", scale],
      ["family-venue", "family_venue", venue],
    ],
    () => ({ kind: kind.value, date: date.value, scale: scale.value.trim(), venue: venue.value.trim() }),
    navigate,
  );
}

/** Notifications (通知提醒): reminders and notices, newest first, unread marked. */
export async function notificationsPage(main, me, _params, navigate) {
  const answer = await api.get("/api/v1/notifications");
  main.replaceChildren(
    h(
      "section",
      { class: "page", id: "notifications" },
      h("h1", {}, t("nav_notifications")),
      h(
        "div",
        { class: "controls" },
        h("span", { id: "unread" }, `${t("unread")} ${answer.unread}`),
        answer.unread > 0
          ? h(
              "button",
              {
                type: "button",
                id: "mark-all-read",
                class: "secondary",
                onclick: async () => {
                  await api.post("/api/v1/notifications/read", { all: true });
                  navigate("#/notifications?min_position=0");
                },
              },
              t("mark_all_read"),
            )
          : null,
      ),
      answer.items.length === 0
        ? h("p", { class: "empty" }, t("notifications_none"))
        : h(
            "ul",
            { class: "notifications", id: "notification-list" },
            answer.items.map((n) =>
              h(
                "li",
                { class: n.read ? "read" : "unread", dataset: { key: n.key } },
                h("strong", {}, n.title),
                h("div", { class: "sub" }, formatDate(shanghaiDate(n.occurred_at))),
              ),
            ),
          ),
    ),
  );
}
