//! Large JSON answers kept as bytes, gzip-compressed once, with a small per-request head
//! spliced in front without compressing the whole again.
//!
//! The commission's board of a province is about 1.5 MB of JSON, the same for every
//! request at one board position and local date except for its first field, the `as_of`
//! asked (issue 10: p99 ≤ 5 ms at 1,000 req/s). Serialising it per request costs
//! milliseconds, and compressing it per request many more. So the cached answer is the JSON
//! *after* its head — a [`Tail`] — and, the first time a client that accepts gzip asks, that
//! tail deflated once. A request then costs:
//!
//! - plain: the head, then the tail's bytes;
//! - gzip: a gzip header; the head as one *stored* (uncompressed, non-final) deflate block;
//!   the tail's deflate stream, which starts on a byte boundary and ends with the final
//!   block; and the trailer, whose CRC-32 of the whole is the head's CRC combined with the
//!   tail's (`crc32fast::Hasher::combine`), and the whole's length. One gzip member, one
//!   deflate stream (RFC 1951 §3.2.3–3.2.4, RFC 1952 §2.3): any decoder reads it, and the
//!   tail's back-references never reach into the head.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::{BufMut, Bytes, BytesMut};
use flate2::Compression;
use flate2::write::DeflateEncoder;
use std::io::Write;
use std::sync::OnceLock;

/// The JSON of an answer after its head, and, once asked for, that JSON deflated.
#[derive(Debug)]
pub(crate) struct Tail {
    /// Everything after the head, e.g. `"totals":{…},"units":[…]}`.
    json: Bytes,
    deflated: OnceLock<Deflated>,
}

/// A tail as a raw deflate stream, with the CRC-32 state of its uncompressed bytes.
#[derive(Debug)]
struct Deflated {
    stream: Bytes,
    crc: crc32fast::Hasher,
}

/// Answers shorter than this are not worth compressing per request.
pub(crate) const WORTH_COMPRESSING: usize = 8 << 10;

/// How hard the tail is compressed: it is done once per board position and date, and a
/// province's board deflates about as small at 6 as at 9.
const LEVEL: Compression = Compression::new(6);

impl Tail {
    /// The tail of `value`'s JSON object: its serialisation without the leading `{`, to
    /// follow a head that opens the object and ends with a field and a comma. `value` must
    /// serialise as a non-empty object.
    pub(crate) fn of(value: &impl serde::Serialize) -> Result<Self, serde_json::Error> {
        let mut json = serde_json::to_vec(value)?;
        debug_assert!(json.len() > 2 && json[0] == b'{' && json[1] != b'}');
        json.remove(0);
        Ok(Self {
            json: json.into(),
            deflated: OnceLock::new(),
        })
    }

    /// How many bytes of JSON the tail holds.
    pub(crate) fn len(&self) -> usize {
        self.json.len()
    }

    fn deflated(&self) -> &Deflated {
        self.deflated.get_or_init(|| {
            let mut encoder = DeflateEncoder::new(Vec::with_capacity(self.json.len() / 8), LEVEL);
            // Writing into a Vec cannot fail.
            let stream = encoder
                .write_all(&self.json)
                .and_then(|()| encoder.finish())
                .unwrap_or_default();
            let mut crc = crc32fast::Hasher::new();
            crc.update(&self.json);
            Deflated {
                stream: stream.into(),
                crc,
            }
        })
    }

    /// The answer `head` + tail as JSON, gzip-encoded if `gzip`.
    pub(crate) fn answer(&self, head: &[u8], gzip: bool) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if !gzip {
            let mut body = BytesMut::with_capacity(head.len() + self.json.len());
            body.put_slice(head);
            body.put_slice(&self.json);
            return (headers, Body::from(body.freeze())).into_response();
        }
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        (headers, Body::from(self.gzip(head))).into_response()
    }

    /// `head` + tail as one gzip member.
    fn gzip(&self, head: &[u8]) -> Bytes {
        let tail = self.deflated();
        // A stored block holds at most 65,535 bytes; heads are a few dozen.
        let head = &head[..head.len().min(u16::MAX as usize)];
        let mut crc = crc32fast::Hasher::new();
        crc.update(head);
        crc.combine(&tail.crc);
        let total = (head.len() + self.json.len()) as u32; // ISIZE is the length mod 2³²
        let mut out = BytesMut::with_capacity(10 + 5 + head.len() + tail.stream.len() + 8);
        // ID1 ID2, CM = deflate, no flags, no mtime, XFL 0, OS unknown.
        out.put_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
        // A stored block, not the last: BFINAL 0, BTYPE 00, padded to the byte; LEN, NLEN.
        let len = head.len() as u16;
        out.put_u8(0);
        out.put_u16_le(len);
        out.put_u16_le(!len);
        out.put_slice(head);
        out.put_slice(&tail.stream);
        out.put_u32_le(crc.finalize());
        out.put_u32_le(total);
        out.freeze()
    }
}

/// Whether the request's `Accept-Encoding` accepts gzip (`gzip` or `*` with a q-value
/// above 0, RFC 9110 §12.5.3).
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None;
    let mut any = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gzip = Some(q > 0.0);
            } else if coding == "*" {
                any = Some(q > 0.0);
            }
        }
    }
    gzip.or(any).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    #[derive(serde::Serialize)]
    struct Body {
        totals: u32,
        units: Vec<String>,
    }

    fn tail() -> Tail {
        Tail::of(&Body {
            totals: 7,
            units: (0..5_000).map(|i| format!("单位{i}")).collect(),
        })
        .unwrap()
    }

    fn gunzip(bytes: &[u8]) -> String {
        let mut out = String::new();
        GzDecoder::new(bytes).read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn the_spliced_gzip_member_decodes_to_head_and_tail_with_a_valid_crc() {
        let t = tail();
        let head = br#"{"as_of":"2026-07-31T10:00:00Z","#;
        let whole = gunzip(&t.gzip(head));
        let expected = format!(
            "{}{}",
            std::str::from_utf8(head).unwrap(),
            std::str::from_utf8(&t.json).unwrap()
        );
        assert_eq!(whole, expected);
        let v: serde_json::Value = serde_json::from_str(&whole).unwrap();
        assert_eq!(v["as_of"], "2026-07-31T10:00:00Z");
        assert_eq!(v["units"][4999], "单位4999");
        // Compressed once, much smaller than the JSON.
        assert!(t.gzip(head).len() * 4 < t.len());
        // Another head, the same cached stream: still a valid member (GzDecoder checks the
        // CRC and the length, and fails on a mismatch).
        let other = gunzip(&t.gzip(br#"{"as_of":"2026-06-30T15:59:59Z","#));
        assert!(other.starts_with(r#"{"as_of":"2026-06-30T15:59:59Z","totals":7,"#));
    }

    #[test]
    fn a_corrupted_trailer_is_caught_by_a_decoder() {
        let t = tail();
        let mut bytes = t.gzip(b"{\"a\":1,").to_vec();
        let n = bytes.len();
        bytes[n - 8] ^= 1; // the CRC
        let mut out = Vec::new();
        assert!(GzDecoder::new(&bytes[..]).read_to_end(&mut out).is_err());
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn gzip_is_accepted_as_browsers_and_rfc_9110_say() {
        assert!(accepts_gzip(&headers(&["gzip, deflate, br, zstd"])));
        assert!(accepts_gzip(&headers(&["br;q=1.0, GZIP;q=0.5"])));
        assert!(accepts_gzip(&headers(&["*"])));
        assert!(accepts_gzip(&headers(&["identity", "x-gzip"])));
        assert!(!accepts_gzip(&headers(&[])));
        assert!(!accepts_gzip(&headers(&["br, deflate"])));
        assert!(!accepts_gzip(&headers(&["gzip;q=0"])));
        assert!(!accepts_gzip(&headers(&["*, gzip;q=0"])));
        assert!(!accepts_gzip(&headers(&["*;q=0"])));
    }
}
