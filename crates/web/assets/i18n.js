// Every label of the dashboard, in Chinese (the default) and English, and the dates of
// each: 2026年7月1日 in Chinese, ISO 8601 (2026-07-01) in English.

export const LANGUAGES = ["zh-CN", "en"];

const TEXT = {
  "zh-CN": {
    app_name: "履责纪实",
    app_subtitle: "两个责任 · 全程纪实",
    switch_language: "English",
    sign_in: "登录",
    sign_out: "退出",
    username: "用户名",
    password: "密码",
    signing_in: "正在登录…",
    sign_in_failed: "登录失败",
    nav_board: "履责看板",
    board_title: "全区履责看板",
    board_scope_title: "履责看板",
    as_of: "截至",
    as_of_today: "今天",
    as_of_hint: "选择日期，查看当日的看板",
    totals: "合计",
    unit: "单位",
    unit_kind: "类别",
    overdue_problems: "逾期未整改问题",
    no_units: "没有可查看的单位",
    subject: "责任主体",
    item: "履责事项",
    category: "类别",
    period: "周期",
    deadline: "截止日期",
    progress: "完成情况",
    light: "灯色",
    all_lights: "全部",
    obligations_count: "项",
    back_to_board: "返回看板",
    loading: "正在加载…",
    error: "出错了",
    retry: "重试",
    not_found: "没有这个页面",
    light_green: "绿灯",
    light_green_meaning: "按时完成",
    light_yellow: "黄灯",
    light_yellow_meaning: "临近截止",
    light_red: "红灯",
    light_red_meaning: "逾期未完成",
    light_orange: "橙灯",
    light_orange_meaning: "逾期后补录",
    light_pending: "未到期",
    light_pending_meaning: "尚未到截止日期",
    kind_party_committee: "党委",
    kind_party_group: "党组",
    kind_working_committee: "工委",
    kind_discipline_group: "派驻纪检监察组",
    subject_leadership_team: "领导班子",
    subject_principal_leader: "主要负责人",
    subject_team_member: "班子成员",
    subject_discipline_group: "派驻纪检监察组",
    backfilled: "补录",
    nav_duties: "我的履责",
    nav_problems: "问题台账",
    duties_open: "待完成",
    duties_done: "已完成",
    duties_upcoming: "尚未开始",
    opens_on: "起可记录",
    duties_none_open: "没有待完成的履责事项",
    record_entry: "记录履责",
    save_entry: "保存记录",
    record_backfill: "确认补录",
    performed_on: "履责日期",
    entry_content: "履责情况",
    attachments: "附件",
    attachments_hint: "附件以内容指纹（SHA-256）登记，原件请按规定留存。",
    late_warning: "该事项已过截止日期：本次记录将作为“逾期补录”保存，灯色为橙灯，不会变为绿灯，且记录不可删除。",
    late_confirm: "我已知晓，确认作为逾期补录保存",
    cancel: "取消",
    problem: "问题",
    problem_type: "问题类型",
    found_on: "发现日期",
    rectify_by: "整改期限",
    status: "状态",
    problems_none: "没有可查看的问题",
    status_registered: "已登记",
    status_planned: "已制定整改方案",
    status_rectifying: "整改中",
    status_submitted: "已申请销号",
    status_closed: "已销号",
    step_plan: "制定整改方案",
    step_progress: "报送整改进展",
    step_request_closing: "申请销号",
    step_close: "验收销号",
    step_reject: "退回整改",
    field_plan: "整改方案",
    field_text: "整改进展",
    field_summary: "整改情况总结",
    field_conclusion: "验收意见",
    field_reason: "退回理由",
    evidence: "佐证材料",
    timeline: "整改过程",
    timeline_registered: "登记问题",
    timeline_planned: "制定整改方案",
    timeline_progressed: "报送整改进展",
    timeline_closing_requested: "申请销号",
    timeline_closing_rejected: "退回整改",
    timeline_closed: "验收销号",
    nav_filings: "事项报备",
    nav_notifications: "通知提醒",
    filings_none: "没有可查看的报备",
    cadre: "干部",
    filing_kind: "报备类型",
    filing_what: "报备内容",
    filed_on: "报备日期",
    acknowledged_by: "已阅人数",
    acknowledge: "已阅",
    filing_late: "逾期报备，天数",
    filing_travel: "外出报备",
    filing_family_event: "婚丧喜庆报备",
    filing_status_filed: "已报备",
    filing_status_revised: "已变更",
    filing_status_cancelled: "已撤销",
    filing_status_returned: "已返回",
    purpose_on_duty: "因公",
    purpose_private: "因私",
    family_wedding: "本人婚礼",
    family_child_wedding: "子女婚嫁",
    family_funeral: "丧事",
    file_travel: "外出报备",
    travel_purpose: "事由",
    travel_destination: "目的地",
    travel_leave_on: "离开日期",
    travel_return_on: "返回日期",
    unread: "未读",
    mark_all_read: "全部标为已读",
    notifications_none: "没有通知",
    export_xlsx: "导出 Excel",
  },
  en: {
    app_name: "dutytrace",
    app_subtitle: "The two responsibilities, on record",
    switch_language: "中文",
    sign_in: "Sign in",
    sign_out: "Sign out",
    username: "Username",
    password: "Password",
    signing_in: "Signing in…",
    sign_in_failed: "Sign-in failed",
    nav_board: "Board",
    board_title: "District board",
    board_scope_title: "Board",
    as_of: "As of",
    as_of_today: "Today",
    as_of_hint: "Pick a date to see the board as it was that day",
    totals: "Totals",
    unit: "Unit",
    unit_kind: "Kind",
    overdue_problems: "Overdue problems",
    no_units: "No unit to show",
    subject: "Subject",
    item: "Duty",
    category: "Category",
    period: "Period",
    deadline: "Deadline",
    progress: "Done",
    light: "Light",
    all_lights: "All",
    obligations_count: "duties",
    back_to_board: "Back to the board",
    loading: "Loading…",
    error: "Something went wrong",
    retry: "Try again",
    not_found: "No such page",
    light_green: "Green",
    light_green_meaning: "done on time",
    light_yellow: "Yellow",
    light_yellow_meaning: "deadline near",
    light_red: "Red",
    light_red_meaning: "overdue, not done",
    light_orange: "Orange",
    light_orange_meaning: "backfilled after the deadline",
    light_pending: "Pending",
    light_pending_meaning: "not yet due",
    kind_party_committee: "Party committee",
    kind_party_group: "Party group",
    kind_working_committee: "Working committee",
    kind_discipline_group: "Discipline inspection group",
    subject_leadership_team: "Leadership team",
    subject_principal_leader: "Principal leader",
    subject_team_member: "Team member",
    subject_discipline_group: "Discipline inspection group",
    backfilled: "backfilled",
    nav_duties: "My duties",
    nav_problems: "Problem ledger",
    duties_open: "To do",
    duties_done: "Done",
    duties_upcoming: "Not yet begun",
    opens_on: " onwards",
    duties_none_open: "Nothing left to do",
    record_entry: "Record",
    save_entry: "Save",
    record_backfill: "Save as a late backfill",
    performed_on: "Performed on",
    entry_content: "What was done",
    attachments: "Attachments",
    attachments_hint: "Attachments are registered by their content fingerprint (SHA-256); keep the originals as the rules require.",
    late_warning: "The deadline has passed: this entry will be stored as a late backfill. The light turns orange, never green, and the entry cannot be deleted.",
    late_confirm: "I understand; store it as a late backfill",
    cancel: "Cancel",
    problem: "Problem",
    problem_type: "Type",
    found_on: "Found on",
    rectify_by: "Rectify by",
    status: "Status",
    problems_none: "No problem to show",
    status_registered: "Registered",
    status_planned: "Planned",
    status_rectifying: "Rectifying",
    status_submitted: "Closing requested",
    status_closed: "Closed",
    step_plan: "Plan the rectification",
    step_progress: "Report progress",
    step_request_closing: "Request closing",
    step_close: "Verify and close",
    step_reject: "Send back",
    field_plan: "Plan",
    field_text: "Progress",
    field_summary: "What was rectified",
    field_conclusion: "Conclusion",
    field_reason: "Reason",
    evidence: "Evidence",
    timeline: "Timeline",
    timeline_registered: "Registered",
    timeline_planned: "Planned",
    timeline_progressed: "Progress reported",
    timeline_closing_requested: "Closing requested",
    timeline_closing_rejected: "Sent back",
    timeline_closed: "Closed",
    nav_filings: "Filings",
    nav_notifications: "Notifications",
    filings_none: "No filing to show",
    cadre: "Cadre",
    filing_kind: "Kind",
    filing_what: "What",
    filed_on: "Filed on",
    acknowledged_by: "Acknowledged by",
    acknowledge: "Acknowledge",
    filing_late: "Filed late, days:",
    filing_travel: "Travel",
    filing_family_event: "Family event",
    filing_status_filed: "Filed",
    filing_status_revised: "Revised",
    filing_status_cancelled: "Cancelled",
    filing_status_returned: "Returned",
    purpose_on_duty: "On duty",
    purpose_private: "Private",
    family_wedding: "Own wedding",
    family_child_wedding: "Child's wedding",
    family_funeral: "Funeral",
    file_travel: "File a trip",
    travel_purpose: "Purpose",
    travel_destination: "Destination",
    travel_leave_on: "Leaving on",
    travel_return_on: "Back on",
    unread: "Unread",
    mark_all_read: "Mark all as read",
    notifications_none: "No notification",
    export_xlsx: "Export to Excel",
  },
};

const STORAGE_KEY = "dutytrace.language";

let current = (() => {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(saved)) return saved;
  } catch (_) {
    // Storage refused (a private window): Chinese, as by default.
  }
  return "zh-CN";
})();

export function language() {
  return current;
}

export function setLanguage(lang) {
  if (!LANGUAGES.includes(lang)) throw new Error(`unknown language ${lang}`);
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch (_) {
    // Not remembered; still switched for this page.
  }
  document.documentElement.lang = lang;
}

/** The label `key` in the current language; a missing one shows its key, loudly. */
export function t(key) {
  const text = TEXT[current][key];
  if (text === undefined) {
    console.error(`no ${current} text for ${key}`);
    return `⟦${key}⟧`;
  }
  return text;
}

/** Every key of a language (for the test that both languages have every label). */
export function keys(lang) {
  return Object.keys(TEXT[lang]);
}

/** A calendar date (YYYY-MM-DD) as the current language writes it. */
export function formatDate(iso) {
  const [y, m, d] = iso.slice(0, 10).split("-");
  if (current === "zh-CN") return `${Number(y)}年${Number(m)}月${Number(d)}日`;
  return `${y}-${m}-${d}`;
}

/** The date in Shanghai (UTC+8, no daylight saving) of an RFC 3339 instant. */
export function shanghaiDate(instant) {
  const ms = Date.parse(instant) + 8 * 3600 * 1000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** A period code (2026-M01, 2026-Q2, 2026-H1, 2026) as the current language writes it. */
export function formatPeriod(code, chineseLabel) {
  if (current === "zh-CN" && chineseLabel) return chineseLabel;
  const month = /^(\d{4})-M(\d{2})$/.exec(code);
  if (month) return `${month[1]}-${month[2]}`;
  return code;
}
