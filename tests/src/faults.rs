//! What the fault tests (`crash_server`, `disk_faults`) check after a fault: the log read
//! straight from its SQLite file, the read models dumped table by table to compare with a
//! rebuild, SQLite's own integrity check, and running the binary's other commands.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every event of an SQLite log, read from its file: position → (event type, payload).
pub fn read_log(db: &Path) -> BTreeMap<u64, (String, String)> {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("{}: {e}", db.display()));
    let mut q = c
        .prepare("SELECT position, event_type, payload FROM events ORDER BY position")
        .expect("the events table");
    q.query_map([], |r| {
        Ok((
            u64::try_from(r.get::<_, i64>(0)?).unwrap_or_default(),
            (r.get(1)?, r.get(2)?),
        ))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("readable")
}

/// The positions of the events whose payload contains `tag`, from [`read_log`]'s answer.
pub fn positions_of(log: &BTreeMap<u64, (String, String)>, tag: &str) -> Vec<u64> {
    log.iter()
        .filter(|(_, (_, payload))| payload.contains(tag))
        .map(|(p, _)| *p)
        .collect()
}

/// Every acknowledged command (tagged, with the position it was answered) is in `log`
/// exactly once, there; every refused one is not in it at all.
pub fn assert_kept<'a>(
    log: &BTreeMap<u64, (String, String)>,
    acknowledged: &[(String, u64)],
    refused: impl IntoIterator<Item = &'a str>,
) {
    for (tag, p) in acknowledged {
        assert_eq!(positions_of(log, tag), [*p], "{tag}");
    }
    for tag in refused {
        assert!(
            positions_of(log, tag).is_empty(),
            "{tag} was refused and is in the log"
        );
    }
}

/// SQLite's `PRAGMA integrity_check` of a file: panics unless it answers `ok`.
pub fn assert_intact(db: &Path) {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|e| panic!("{}: {e}", db.display()));
    let answers: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .expect("a pragma")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("readable");
    assert_eq!(answers, ["ok"], "integrity_check of {}", db.display());
}

/// Every row of every table of a read-model file, as text, sorted: table → rows.
///
/// Compares what a reader can see, so it leaves out SQLite's own tables and the shadow
/// tables of FTS5 indexes (their pages depend on the order rows came in); each FTS5 index
/// is checked against its content with FTS5's `integrity-check` instead. The projectors'
/// checkpoints (`projector_checkpoints`: position and version of each model) are compared
/// like any table: both files must be at the same head.
pub fn dump_models(db: &Path) -> BTreeMap<String, Vec<String>> {
    let c = rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("{}: {e}", db.display()));
    let tables: Vec<(String, String)> = c
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .expect("a query")
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("readable");
    let fts: Vec<String> = tables
        .iter()
        .filter(|(_, sql)| sql.to_ascii_uppercase().contains("USING FTS5"))
        .map(|(name, _)| name.clone())
        .collect();
    for t in &fts {
        c.execute(
            &format!("INSERT INTO \"{t}\" (\"{t}\") VALUES ('integrity-check')"),
            [],
        )
        .unwrap_or_else(|e| panic!("{}: {t} disagrees with its content: {e}", db.display()));
    }
    let mut out = BTreeMap::new();
    for (name, _) in &tables {
        let shadow = fts
            .iter()
            .any(|f| name == f || name.starts_with(&format!("{f}_")));
        if name.starts_with("sqlite_") || shadow {
            continue;
        }
        let mut q = c
            .prepare(&format!("SELECT * FROM \"{}\"", name.replace('"', "\"\"")))
            .expect("a query");
        let n = q.column_count();
        let mut rows: Vec<String> = q
            .query_map([], |r| {
                let mut row = Vec::with_capacity(n);
                for i in 0..n {
                    row.push(format!("{:?}", r.get_ref(i)?));
                }
                Ok(row.join("|"))
            })
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("readable");
        rows.sort();
        out.insert(name.clone(), rows);
    }
    out
}

/// Copies every file of `from` (a stopped service's log, read models, credentials, key and
/// checkpoints) into `to`, and rebuilds the read models of the copy of `log_name` from its
/// log with `bin rebuild`; then compares each table of the live read models
/// (`<stem>.views.db` in `from`) with the rebuilt one, panicking on the first that differs
/// with the rows only one side has. Answers (tables, rows) compared.
pub fn assert_models_equal_a_rebuild(
    bin: &Path,
    from: &Path,
    to: &Path,
    log_name: &str,
) -> (usize, usize) {
    std::fs::create_dir_all(to).expect("a directory");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("an entry");
        if entry.file_type().expect("a type").is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copied");
        }
    }
    let copy = to.join(log_name);
    let said = run(
        bin,
        &[
            "rebuild",
            "--store",
            &format!("sqlite://{}", copy.display()),
        ],
    );
    let views = format!(
        "{}.views.db",
        Path::new(log_name)
            .file_stem()
            .expect("a name")
            .to_string_lossy()
    );
    let live = dump_models(&from.join(&views));
    let rebuilt = dump_models(&to.join(&views));
    assert_eq!(
        live.keys().collect::<Vec<_>>(),
        rebuilt.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    let mut rows = 0;
    for (table, live_rows) in &live {
        let rebuilt_rows = &rebuilt[table];
        rows += live_rows.len();
        if live_rows != rebuilt_rows {
            let only_live: Vec<_> = live_rows
                .iter()
                .filter(|r| !rebuilt_rows.contains(r))
                .take(5)
                .collect();
            let only_rebuilt: Vec<_> = rebuilt_rows
                .iter()
                .filter(|r| !live_rows.contains(r))
                .take(5)
                .collect();
            panic!(
                "read model table {table}: {} rows live, {} rebuilt; only live: {only_live:#?}; \
                 only rebuilt: {only_rebuilt:#?}\n{said}",
                live_rows.len(),
                rebuilt_rows.len()
            );
        }
    }
    (live.len(), rows)
}

/// Runs `bin args`; panics unless it succeeds; answers its standard output.
pub fn run(bin: &Path, args: &[&str]) -> String {
    let out = Command::new(bin)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "dutytrace {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}
