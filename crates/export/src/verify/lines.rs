//! The lines of an export file, plain or gzip, one at a time in one reused buffer.

use std::io::{BufRead, BufReader, Read};

use event_store::MAX_PAYLOAD_BYTES;
use flate2::read::MultiGzDecoder;

use crate::error::{VerifyError, VerifyErrorKind};

/// The longest line an export can have: the largest payload, the envelope around it and a
/// proof of 64 hashes, with room to spare.
const MAX_LINE: usize = MAX_PAYLOAD_BYTES + 64 * 1024;

/// Read buffer: big enough that reading is never the bottleneck.
const BUFFER: usize = 256 * 1024;

/// The gzip magic bytes (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

pub(crate) struct Lines<'a> {
    reader: Box<dyn BufRead + 'a>,
    buf: Vec<u8>,
    /// Lines read so far (the number of the current one).
    pub number: u64,
    /// Bytes read so far, uncompressed.
    pub bytes: u64,
    pub gzip: bool,
}

/// One line, without its `\n`.
pub(crate) struct Line<'b> {
    pub text: &'b [u8],
    /// Whether it ended with `\n` (the last line of a file cut off does not).
    pub terminated: bool,
    /// Its number, from 1.
    pub number: u64,
}

impl<'a> Lines<'a> {
    /// Reads `input`, unpacking it if it starts with the gzip magic bytes.
    pub fn open(mut input: impl Read + 'a) -> Result<Self, VerifyError> {
        let mut magic = [0u8; 2];
        let mut got = 0;
        while got < magic.len() {
            match input.read(&mut magic[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(read_error(&e, 0)),
            }
        }
        let gzip = got == 2 && magic == GZIP_MAGIC;
        let input = std::io::Cursor::new(magic).take(got as u64).chain(input);
        let reader: Box<dyn BufRead + 'a> = if gzip {
            Box::new(BufReader::with_capacity(
                BUFFER,
                MultiGzDecoder::new(BufReader::with_capacity(BUFFER, input)),
            ))
        } else {
            Box::new(BufReader::with_capacity(BUFFER, input))
        };
        Ok(Self {
            reader,
            buf: Vec::with_capacity(4096),
            number: 0,
            bytes: 0,
            gzip,
        })
    }

    /// The next line, or `None` at the end of the input.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>, VerifyError> {
        self.buf.clear();
        let n = (&mut self.reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| read_error(&e, self.number))?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        self.bytes += n as u64;
        let terminated = self.buf.last() == Some(&b'\n');
        if terminated {
            self.buf.pop();
        } else if self.buf.len() > MAX_LINE {
            return Err(VerifyError::new(
                VerifyErrorKind::Format,
                format!(
                    "line {} is longer than any export line can be ({MAX_LINE} bytes)",
                    self.number
                ),
            ));
        }
        Ok(Some(Line {
            text: &self.buf,
            terminated,
            number: self.number,
        }))
    }
}

fn read_error(e: &std::io::Error, lines: u64) -> VerifyError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        VerifyError::new(
            VerifyErrorKind::Truncated,
            format!("truncated: the compressed file ends early, after line {lines}"),
        )
    } else {
        VerifyError::new(
            VerifyErrorKind::Read,
            format!("cannot read the file after line {lines}: {e}"),
        )
    }
}
