//! Embeds the event schemas kept in `schemas/events/` (`<EventType>.v<N>.json`): writes
//! `$OUT_DIR/event_schemas.rs`, a list of every file as `(type, version, include_str!(…))`,
//! so the app enforces the published files themselves and is rebuilt when one changes.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dir = manifest.join("../../schemas/events");
    // A directory is scanned whole: any file added, removed or changed reruns this.
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, u32, PathBuf)> = Vec::new();
    // No directory yet (a fresh checkout before the schemas are generated) embeds nothing:
    // every append then fails its check, and the schema tests say how to generate them.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries {
            let path = entry.expect("readable schemas/events").path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Some(stem) = name.strip_suffix(".json") else {
                continue;
            };
            let parsed = stem
                .rsplit_once(".v")
                .and_then(|(t, v)| Some((t.to_owned(), v.parse::<u32>().ok()?)));
            let Some((event_type, version)) = parsed else {
                panic!("schemas/events/{name} is not named <EventType>.v<N>.json");
            };
            let path = path.canonicalize().expect("a schema file's path");
            files.push((event_type, version, path));
        }
    }
    files.sort();
    let mut out = String::from(
        "/// Every schema file of `schemas/events/`: event type, version, content.\n\
         static FILES: &[(&str, u32, &str)] = &[\n",
    );
    for (event_type, version, path) in &files {
        let path = path.to_str().expect("a UTF-8 path");
        writeln!(
            out,
            "    ({event_type:?}, {version}, include_str!({path:?})),"
        )
        .expect("writing to a String");
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("event_schemas.rs");
    std::fs::write(target, out).expect("writable OUT_DIR");
}
