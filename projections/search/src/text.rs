//! Text as the search index sees it (ADR 0010): folded (lower case, full-width ASCII as
//! half-width), then cut into terms — each run of CJK characters as overlapping character
//! bigrams (a lone CJK character as itself), every other run of letters and digits as one
//! whole word. A keyword is cut the same way into a phrase of its terms, so "廉政" finds the
//! bigram 廉政 inside "召开党风廉政建设专题会议" while "廉洁" finds nothing there.
//!
//! The terms are joined by spaces and tokenised by FTS5's `unicode61`; a keyword only ever
//! reaches FTS5 as quoted strings, so no input is read as FTS5 syntax.

/// Characters of a snippet.
const SNIPPET_CHARS: usize = 80;
/// Characters of a snippet kept before the first hit.
const SNIPPET_BEFORE: usize = 20;

/// One character as searched: a full-width ASCII form (`Ａ`, `１`, `：`) as its ASCII
/// character, the ideographic space as a space, and lower case where that is one character
/// — so a text and its folding have the same characters, one for one.
pub(crate) fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// A text folded character by character ([`fold_char`]).
pub(crate) fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Han ideographs (with 々 〆 〇), kana and Hangul: scripts written without spaces between
/// words, indexed as bigrams (the classes of Lucene's CJKBigramFilter). Punctuation in those
/// blocks (、。・「」) is not one of them.
fn is_cjk(c: char) -> bool {
    matches!(
        u32::from(c),
        0x3005..=0x3007
            | 0x3040..=0x30FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7AF
            | 0xF900..=0xFAFF
            | 0x20000..=0x323AF
    ) && c.is_alphanumeric()
}

/// A maximal run of characters of one class, in folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Run {
    /// Letters and digits of other scripts: one term.
    Word(String),
    /// CJK characters: their bigrams, or the one character.
    Cjk(Vec<char>),
}

impl Run {
    /// A lone CJK character: the index holds it as a term only where it stands alone, so
    /// a keyword holding one is also checked as a substring.
    fn is_lone_cjk(&self) -> bool {
        matches!(self, Run::Cjk(c) if c.len() == 1)
    }

    fn terms(&self) -> Vec<String> {
        match self {
            Run::Word(w) => vec![w.clone()],
            Run::Cjk(c) if c.len() == 1 => vec![c[0].to_string()],
            Run::Cjk(c) => c.windows(2).map(|w| w.iter().collect()).collect(),
        }
    }
}

fn runs(folded: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    // Whether the previous character continued the last run.
    let mut open = false;
    for c in folded.chars() {
        if is_cjk(c) {
            match out.last_mut() {
                Some(Run::Cjk(run)) if open => run.push(c),
                _ => out.push(Run::Cjk(vec![c])),
            }
            open = true;
        } else if c.is_alphanumeric() {
            match out.last_mut() {
                Some(Run::Word(run)) if open => run.push(c),
                _ => out.push(Run::Word(c.to_string())),
            }
            open = true;
        } else {
            open = false;
        }
    }
    out
}

/// The terms of `text` as the index stores them, separated by spaces: the folded text with
/// every run of CJK characters as its overlapping bigrams (a lone CJK character as itself)
/// and every other run of letters and digits whole; anything else separates terms.
///
/// `"召开党风廉政会议，2024年Q1"` → `"召开 开党 党风 风廉 廉政 政会 会议 2024 年 q1"`.
pub fn bigrams(text: &str) -> String {
    runs(&fold(text))
        .iter()
        .flat_map(Run::terms)
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a keyword is looked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The FTS5 expression a text's terms must match: one quoted phrase per keyword,
    /// ANDed. `None` when no keyword has a term the index can look up by itself.
    pub(crate) fts: Option<String>,
    /// Folded keywords that must also occur in the folded text, as written: those with a
    /// lone CJK character (one-character keywords included), or with no term at all.
    pub(crate) substrings: Vec<String>,
    /// Every folded keyword, to place the snippet.
    pub(crate) keywords: Vec<String>,
}

/// An FTS5 string: double quotes, inner ones doubled. Inside one, `OR`, `*`, `:`, `NEAR(`
/// and the like are text; the tokenizer cuts it into a phrase.
fn quoted(terms: &[String]) -> String {
    format!("\"{}\"", terms.join(" ").replace('"', "\"\""))
}

/// The plan of a query: its keywords are separated by white space and all must match.
pub(crate) fn plan(keyword: &str) -> Plan {
    let mut plan = Plan::default();
    let mut phrases = Vec::new();
    for k in fold(keyword).split_whitespace() {
        let runs = runs(k);
        if runs.is_empty() || runs.iter().any(Run::is_lone_cjk) {
            // The index cannot place a lone character inside a bigram: narrow by the other
            // runs (each a phrase of its own), then check the keyword as a substring.
            plan.substrings.push(k.to_owned());
            phrases.extend(
                runs.iter()
                    .filter(|r| !r.is_lone_cjk())
                    .map(|r| quoted(&r.terms())),
            );
        } else {
            let terms: Vec<String> = runs.iter().flat_map(Run::terms).collect();
            phrases.push(quoted(&terms));
        }
        plan.keywords.push(k.to_owned());
    }
    plan.fts = (!phrases.is_empty()).then(|| phrases.join(" AND "));
    plan
}

fn find(haystack: &[char], needle: &str) -> Option<usize> {
    let needle: Vec<char> = needle.chars().collect();
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// About [`SNIPPET_CHARS`] characters of `text` around the first place a keyword (or, if a
/// keyword matched across punctuation or spaces, its first term) occurs, with `…` where
/// text was cut; line breaks and other controls as spaces.
pub(crate) fn snippet(text: &str, keywords: &[String]) -> String {
    let chars: Vec<char> = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let folded: Vec<char> = chars.iter().copied().map(fold_char).collect();
    let hit = keywords
        .iter()
        .filter_map(|k| {
            find(&folded, k).or_else(|| {
                let first = runs(k).first().and_then(|r| r.terms().into_iter().next())?;
                find(&folded, &first)
            })
        })
        .min()
        .unwrap_or(0);
    let end = (hit.saturating_sub(SNIPPET_BEFORE) + SNIPPET_CHARS).min(chars.len());
    let start = end.saturating_sub(SNIPPET_CHARS);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_overlapping_bigrams_and_words_stay_whole() {
        assert_eq!(bigrams("廉政"), "廉政");
        assert_eq!(
            bigrams("召开党风廉政建设专题会议"),
            "召开 开党 党风 风廉 廉政 政建 建设 设专 专题 题会 会议"
        );
        assert_eq!(
            bigrams("召开党风廉政会议，2024年Q1"),
            "召开 开党 党风 风廉 廉政 政会 会议 2024 年 q1"
        );
        // Punctuation and spaces end a run; a lone character stays a unigram.
        assert_eq!(bigrams("一、整改 到位。"), "一 整改 到位");
        assert_eq!(bigrams("Hello, World-2"), "hello world 2");
        assert_eq!(bigrams("二〇二四年々"), "二〇 〇二 二四 四年 年々");
        assert_eq!(bigrams("カタカナ"), "カタ タカ カナ");
        assert_eq!(bigrams(""), "");
        assert_eq!(bigrams("“”《》——……"), "");
    }

    #[test]
    fn full_width_ascii_and_case_fold_to_half_width_lower_case() {
        assert_eq!(bigrams("ＡＢＣ１２３　ｘｙ"), "abc123 xy");
        assert_eq!(fold("ＰＤＦ文件"), "pdf文件");
        // One character for one, whatever the case mapping.
        let s = "İstanbul ＡÉ";
        assert_eq!(fold(s).chars().count(), s.chars().count());
    }

    #[test]
    fn a_keyword_is_one_quoted_phrase_and_keywords_are_anded() {
        let p = plan("廉政 专题会议");
        assert_eq!(p.fts.as_deref(), Some("\"廉政\" AND \"专题 题会 会议\""));
        assert!(p.substrings.is_empty());
        assert_eq!(p.keywords, ["廉政", "专题会议"]);
        assert_eq!(plan("ＰＤＦ").fts.as_deref(), Some("\"pdf\""));
    }

    #[test]
    fn fts_syntax_in_a_keyword_is_only_text() {
        let p = plan("\"廉政\" OR * a:b NEAR(");
        assert_eq!(
            p.fts.as_deref(),
            Some("\"廉政\" AND \"or\" AND \"a b\" AND \"near\"")
        );
        // `*` has no term: it must occur as written.
        assert_eq!(p.substrings, ["*"]);
    }

    #[test]
    fn a_lone_cjk_character_falls_back_to_a_substring() {
        let p = plan("廉");
        assert_eq!(p.fts, None);
        assert_eq!(p.substrings, ["廉"]);
        let p = plan("Ａ级");
        assert_eq!(p.fts.as_deref(), Some("\"a\""));
        assert_eq!(p.substrings, ["a级"]);
    }

    #[test]
    fn a_snippet_is_a_window_of_characters_around_the_first_hit() {
        let text = format!("{}廉政{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&text, &["廉政".to_owned()]);
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 2);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert_eq!(s.chars().position(|c| c == '廉'), Some(SNIPPET_BEFORE + 1));
        // Short texts whole; a hit near the end still gets a full window.
        assert_eq!(snippet("短文\n廉政", &["廉政".to_owned()]), "短文 廉政");
        let text = format!("{}廉政", "甲".repeat(100));
        let s = snippet(&text, &["廉政".to_owned()]);
        assert!(s.starts_with('…') && s.ends_with("廉政"));
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        // A phrase matched across a space: placed at its first term.
        let s = snippet(
            &format!("{}2024 年度", "甲".repeat(50)),
            &["2024年度".to_owned()],
        );
        assert!(s.contains("2024 年度"));
        // No hit: from the start.
        assert_eq!(snippet("ABC", &["x".to_owned()]), "ABC");
    }
}
