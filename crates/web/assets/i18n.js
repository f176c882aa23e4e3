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
