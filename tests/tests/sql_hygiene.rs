//! No SQL is built by pasting values into its text (issue 11): every value reaches SQLite and
//! PostgreSQL as a bound parameter, and the statements live in the migration files and in
//! string constants. The few statements whose text is formatted at all name an *identifier*
//! the code itself chose — a scratch schema, a table of a read model, an index being
//! rebuilt, a pragma's number — never anything a request carries. This test reads every
//! source file of the workspace and fails on any formatted SQL that is not in that list, so a
//! new one has to be looked at (and added here, with why it is safe) before it lands.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The formatted statements allowed, by file and the start of their text, each with why
/// nothing outside the code reaches it.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "crates/store-sqlite/src/bulk.rs",
        "DROP INDEX \"{}\"",
        "an index name read from sqlite_schema, quoted with its quotes doubled",
    ),
    (
        "crates/store-sqlite/src/bulk.rs",
        "PRAGMA cache_size = -4096; PRAGMA temp_store = FILE; PRAGMA threads = {helpers};",
        "a usize the code computes",
    ),
    (
        "crates/store-postgres/src/scratch.rs",
        "CREATE SCHEMA {name}",
        "a scratch schema named by the code (scratch_<position>_<pid>)",
    ),
    (
        "crates/store-postgres/src/scratch.rs",
        "DROP SCHEMA IF EXISTS {name} CASCADE",
        "the same scratch schema",
    ),
    (
        "projections/projector/src/sql.rs",
        "ATTACH DATABASE ?1 AS {SCRATCH_SCHEMA}",
        "a constant; the file is a bound parameter",
    ),
    (
        "projections/projector/src/sql.rs",
        "DROP TABLE IF EXISTS main.{}",
        "a read model's own table name, quoted by ident()",
    ),
    (
        "projections/projector/src/sql.rs",
        "INSERT INTO main.{t} SELECT * FROM {SCRATCH_SCHEMA}.{t}",
        "a read model's own table name (from its schema) and a constant",
    ),
];

const SQL_WORDS: &[&str] = &[
    "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "CREATE ", "DROP ", "ATTACH ", "PRAGMA ", "ALTER ",
    "VACUUM ", "WITH ", " WHERE ", " FROM ", " VALUES",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is in the workspace")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            // Tests and examples may format what they like; `target` is not source.
            if !matches!(name.as_ref(), "tests" | "examples" | "benches" | "target") {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The text of the string literal starting at `s` (after any whitespace), or `None`.
fn literal(s: &str) -> Option<String> {
    let s = s.trim_start();
    let (body, raw) = if let Some(rest) = s.strip_prefix('"') {
        (rest, None)
    } else if let Some(rest) = s.strip_prefix('r') {
        let hashes = rest.chars().take_while(|c| *c == '#').count();
        let rest = rest[hashes..].strip_prefix('"')?;
        (rest, Some(hashes))
    } else {
        return None;
    };
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match (c, raw) {
            ('"', Some(n)) => {
                if chars.as_str().starts_with(&"#".repeat(n)) {
                    return Some(out);
                }
                out.push(c);
            }
            ('"', None) => return Some(out),
            ('\\', None) => match chars.next() {
                // A line continuation: the newline and the next line's indentation go.
                Some('\n') => {
                    let rest = chars.as_str().trim_start();
                    chars = rest.chars();
                }
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => return None,
            },
            _ => out.push(c),
        }
    }
    None
}

/// Every formatted string of `source` that reads as SQL and interpolates something.
fn formatted_sql(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["format!(", "format_args!(", "write!(", "writeln!("] {
        let mut at = 0;
        while let Some(i) = source[at..].find(marker) {
            let start = at + i + marker.len();
            at = start;
            let mut rest = &source[start..];
            // write!(out, "...") names its target first.
            if marker.starts_with("write") {
                match rest.find(',') {
                    Some(comma) if !rest[..comma].contains('"') => rest = &rest[comma + 1..],
                    _ => continue,
                }
            }
            let Some(text) = literal(rest) else { continue };
            let upper = text.to_uppercase();
            let sql = SQL_WORDS
                .iter()
                .any(|w| upper.starts_with(w.trim_start()) || upper.contains(w));
            let interpolates = text.replace("{{", "").contains('{');
            if sql && interpolates && looks_like_a_statement(&upper) {
                found.push(text);
            }
        }
    }
    found
}

/// Messages mention "from" and "where" too; a statement starts with its verb.
fn looks_like_a_statement(upper: &str) -> bool {
    let first = upper.split_whitespace().next().unwrap_or("");
    matches!(
        first,
        "SELECT"
            | "INSERT"
            | "UPDATE"
            | "DELETE"
            | "CREATE"
            | "DROP"
            | "ATTACH"
            | "PRAGMA"
            | "ALTER"
            | "VACUUM"
            | "WITH"
            | "REPLACE"
            | "DETACH"
    )
}

#[test]
fn no_sql_is_built_by_formatting_values_into_it() {
    let root = workspace();
    let mut files = Vec::new();
    for dir in ["crates", "projections"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(
        files.len() > 100,
        "the workspace's sources were found ({})",
        files.len()
    );
    let mut seen = BTreeSet::new();
    let mut unexpected = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let rel = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for text in formatted_sql(&source) {
            let allowed = ALLOWED
                .iter()
                .find(|(f, start, _)| *f == rel && text.starts_with(start));
            match allowed {
                Some(a) => {
                    seen.insert((a.0, a.1));
                }
                None => unexpected.push(format!("{rel}: {text:?}")),
            }
        }
    }
    assert!(
        unexpected.is_empty(),
        "SQL formatted with values (bind them as parameters instead, or add the statement to \
         ALLOWED with why nothing from outside reaches it):\n{}",
        unexpected.join("\n")
    );
    // The list stays true: each allowed statement is still there.
    let missing: Vec<_> = ALLOWED
        .iter()
        .filter(|(f, s, _)| !seen.contains(&(*f, *s)))
        .map(|(f, s, _)| format!("{f}: {s}"))
        .collect();
    assert!(
        missing.is_empty(),
        "no longer in the source, drop from ALLOWED: {missing:?}"
    );
}

#[test]
fn the_scanner_finds_a_value_pasted_into_sql() {
    let bad = r#"
        let q = format!("SELECT * FROM board_units WHERE unit_id = '{id}'");
        let ok = format!("the unit {id} was not found where asked");
        let w = write!(out, "DELETE FROM x WHERE a = {}", a);
        let raw = format!(r"UPDATE t SET a = {a}");
        let cont = format!("INSERT INTO t \
                            VALUES ({v})");
    "#;
    assert_eq!(
        formatted_sql(bad),
        [
            "SELECT * FROM board_units WHERE unit_id = '{id}'",
            "UPDATE t SET a = {a}",
            "INSERT INTO t VALUES ({v})",
            "DELETE FROM x WHERE a = {}",
        ]
    );
}
