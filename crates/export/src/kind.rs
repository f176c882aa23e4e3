//! Which of the three verifiable files a file is, from its first line, so `dutytrace verify
//! FILE` needs no flag to say.

/// A file `verify` can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// An export (plain or gzip): [`crate::verify`].
    Export,
    /// An inclusion-proof document: [`crate::verify_proof`].
    Proof,
    /// A file of published checkpoints: [`crate::verify_checkpoints`].
    Checkpoints,
}

/// The kind of a file from its start (at least its first line, or the first two bytes of a
/// gzip file); `None` if it is none of them.
pub fn file_kind(start: &[u8]) -> Option<FileKind> {
    if start.starts_with(&[0x1f, 0x8b]) {
        return Some(FileKind::Export);
    }
    let first = start.split(|&b| b == b'\n').next().unwrap_or_default();
    let fields: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(first).ok()?;
    if fields.get("format").and_then(|f| f.as_str()) == Some(crate::FORMAT) {
        Some(FileKind::Export)
    } else if fields.contains_key("leaf") && fields.contains_key("position") {
        Some(FileKind::Proof)
    } else if fields.contains_key("tree_size") && fields.contains_key("signature") {
        Some(FileKind::Checkpoints)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_told_by_its_first_line() {
        let export = br#"{"format":"dutytrace-export/1","origin":"x"}
{"leaf":"00"}"#;
        assert_eq!(file_kind(export), Some(FileKind::Export));
        assert_eq!(file_kind(&[0x1f, 0x8b, 8]), Some(FileKind::Export));
        let proof = br#"{"position":1,"tree_size":1,"leaf":"00","proof":[]}"#;
        assert_eq!(file_kind(proof), Some(FileKind::Proof));
        let checkpoints = br#"{"origin":"x","tree_size":3,"root":"00","signature":"x"}
{"origin":"x","tree_size":4}"#;
        assert_eq!(file_kind(checkpoints), Some(FileKind::Checkpoints));
        assert_eq!(file_kind(b"hello"), None);
        assert_eq!(file_kind(br#"{"format":"other/1"}"#), None);
    }
}
