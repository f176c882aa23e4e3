//! Spreadsheet IO for imports and reports: CSV and XLSX, bytes in and bytes out.
//!
//! Reports are built as [`Sheet`]s of typed [`Cell`]s and turned into a file with [`write()`];
//! uploads are read with [`read`] (or [`read_csv`] / [`read_xlsx`] when the format is known)
//! into a [`Table`] of trimmed strings whose [`Row::line`] is the row number a person sees in
//! Excel, so an import can point at the exact line that is wrong.
//!
//! The crate touches neither the network nor the disk: callers hand it bytes and get bytes
//! back, which keeps it usable from an HTTP handler, a CLI or a test alike. Files are made for
//! Chinese users first: CSV is written with a UTF-8 byte order mark so that Excel on a Chinese
//! Windows opens it correctly, and CSV uploads saved by Excel as GBK/GB18030 are recognised.

mod error;
mod format;
mod read;
mod sheet;
mod write;

pub use error::{ReadError, UnknownFormat, WriteError};
pub use format::Format;
pub use read::{Encoding, MAX_COLUMNS, MAX_ROWS, Row, Table, read, read_csv, read_xlsx};
pub use sheet::{Cell, Sheet};
pub use write::write;
