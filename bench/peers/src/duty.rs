//! The event payload: the realistic duty entry (履责记录) of about 320 bytes that
//! `dutytrace bench append` appends, the same for every event.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A duty entry: what a cadre did for which obligation, on which day, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyEntry {
    /// The obligation the entry fulfils.
    pub obligation_id: Uuid,
    /// The day the duty was performed.
    pub performed_on: NaiveDate,
    /// What was done.
    pub summary: String,
    /// Evidence files, by content hash.
    pub attachments: Vec<Attachment>,
}

/// An evidence file named by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// The file's name as uploaded.
    pub file_name: String,
}

/// The entry every event of the benchmark carries (dutytrace's `bench append` template).
pub fn entry() -> DutyEntry {
    DutyEntry {
        obligation_id: Uuid::from_u128(0x0190c6a2_7b1e_7000_8000_000000000001),
        performed_on: NaiveDate::from_ymd_opt(2026, 6, 30).expect("a valid date"),
        summary: "召开党委会专题研究党风廉政建设工作，分析苗头性倾向性问题并部署整改".to_owned(),
        attachments: vec![Attachment {
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
            file_name: "会议纪要.pdf".to_owned(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_serialises_to_dutytraces_payload_byte_for_byte() {
        let json = serde_json::to_string(&entry()).unwrap();
        assert_eq!(
            json,
            r#"{"obligation_id":"0190c6a2-7b1e-7000-8000-000000000001","performed_on":"2026-06-30","summary":"召开党委会专题研究党风廉政建设工作，分析苗头性倾向性问题并部署整改","attachments":[{"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","file_name":"会议纪要.pdf"}]}"#
        );
        assert_eq!(json.len(), 321);
    }
}
