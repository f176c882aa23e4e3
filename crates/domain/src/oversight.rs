//! Oversight records (廉情数据, DESIGN.md §2): intra-Party supervision, integrity talks,
//! discipline enforcement (正风肃纪), personnel selection (选人用人), accountability, audit
//! and inspection findings about a unit (and optionally one of its cadres), counted in the
//! statistics and the assessment.
//!
//! A record is entered one at a time (`OversightRecorded`, stream `oversight-<record id>`)
//! or many at once from a spreadsheet ([`import`]): an import is checked whole first and
//! stored all or nothing, as `OversightImported` events of at most [`IMPORT_PART`] records
//! each, appended together to the new stream `oversight-import-<import id>`. The import id
//! is derived from the file's content ([`import_id_for`]), so the same file imported twice
//! is refused as already imported instead of counted twice.
//!
//! Who may is the caller's business (the commission, see the API).

pub mod import;

use crate::aggregate::Aggregate;
use crate::calendar::local_date;
use crate::error::DomainError;
use crate::events::{Event, OversightImported, OversightRecorded};
use crate::ids::{CadreId, ImportId, OversightId, UnitId};
use crate::validate;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Longest summary, in characters.
pub const MAX_SUMMARY: usize = 2000;
/// Longest reference (文号), in characters.
pub const MAX_REFERENCE: usize = 100;
/// Longest file name of an import, in characters.
pub const MAX_FILE_NAME: usize = 200;
/// Most records of one import.
pub const MAX_IMPORT_ROWS: usize = 50_000;
/// Most records of one `OversightImported` event.
pub const IMPORT_PART: usize = 500;
/// The earliest date a record may carry.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// What kind of oversight a record is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OversightKind {
    /// 党内监督
    IntraPartySupervision,
    /// 廉政谈话
    IntegrityTalk,
    /// 正风肃纪
    DisciplineEnforcement,
    /// 选人用人
    PersonnelSelection,
    /// 问责
    Accountability,
    /// 审计发现
    AuditFinding,
    /// 巡视巡察发现
    InspectionFinding,
}

impl OversightKind {
    pub const ALL: [OversightKind; 7] = [
        Self::IntraPartySupervision,
        Self::IntegrityTalk,
        Self::DisciplineEnforcement,
        Self::PersonnelSelection,
        Self::Accountability,
        Self::AuditFinding,
        Self::InspectionFinding,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IntraPartySupervision => "intra_party_supervision",
            Self::IntegrityTalk => "integrity_talk",
            Self::DisciplineEnforcement => "discipline_enforcement",
            Self::PersonnelSelection => "personnel_selection",
            Self::Accountability => "accountability",
            Self::AuditFinding => "audit_finding",
            Self::InspectionFinding => "inspection_finding",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::IntraPartySupervision => "党内监督",
            Self::IntegrityTalk => "廉政谈话",
            Self::DisciplineEnforcement => "正风肃纪",
            Self::PersonnelSelection => "选人用人",
            Self::Accountability => "问责",
            Self::AuditFinding => "审计发现",
            Self::InspectionFinding => "巡视巡察发现",
        }
    }

    /// Reads a kind as people write it in a spreadsheet: the Chinese label (also 审计,
    /// 巡视巡察, 巡视, 巡察 for the findings) or the wire name.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.label_zh() == t || k.as_str() == t)
            .or(match t {
                "审计" => Some(Self::AuditFinding),
                "巡视巡察" | "巡视" | "巡察" => Some(Self::InspectionFinding),
                _ => None,
            })
    }
}

/// One oversight record, as stored.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OversightRecord {
    pub record_id: OversightId,
    pub kind: OversightKind,
    pub unit_id: UnitId,
    /// A cadre of the unit it concerns, if any.
    pub cadre_id: Option<CadreId>,
    /// The local date it happened.
    pub occurred_on: NaiveDate,
    /// What happened, 1–2000 characters.
    pub summary: String,
    /// A document number (文号) or other reference, up to 100 characters.
    pub reference: Option<String>,
}

/// One record of an import, with the line of the file it came from.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedRecord {
    /// The line number in the file (the header is line 1).
    pub line: u32,
    #[serde(flatten)]
    pub record: OversightRecord,
}

/// The organisation as far as records care: the units and cadres known now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgIndex {
    /// Unit id → name.
    pub units: HashMap<UnitId, String>,
    /// Cadre id → (name, the unit of their current duty; `None` for a discipline group's).
    pub cadres: HashMap<CadreId, (String, Option<UnitId>)>,
}

impl OrgIndex {
    /// The unit with this id or this exact name.
    pub fn unit(&self, text: &str) -> Result<UnitId, String> {
        let t = text.trim();
        if let Ok(id) = t.parse::<UnitId>() {
            return if self.units.contains_key(&id) {
                Ok(id)
            } else {
                Err(format!("no unit has the id {id}"))
            };
        }
        let found: Vec<UnitId> = self
            .units
            .iter()
            .filter(|(_, n)| n.as_str() == t)
            .map(|(id, _)| *id)
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!("no unit is named {t:?}")),
            _ => Err(format!(
                "{} units are named {t:?}: give the unit id",
                found.len()
            )),
        }
    }

    /// The cadre of `unit` with this id or this exact name.
    pub fn cadre(&self, unit: UnitId, text: &str) -> Result<CadreId, String> {
        let t = text.trim();
        let unit_name = self.units.get(&unit).map_or("the unit", String::as_str);
        if let Ok(id) = t.parse::<CadreId>() {
            return match self.cadres.get(&id) {
                Some((_, Some(u))) if *u == unit => Ok(id),
                Some(_) => Err(format!("cadre {id} is not a cadre of {unit_name}")),
                None => Err(format!("no cadre has the id {id}")),
            };
        }
        let found: Vec<CadreId> = self
            .cadres
            .iter()
            .filter(|(_, (n, u))| n.as_str() == t && *u == Some(unit))
            .map(|(id, _)| *id)
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!("no cadre of {unit_name} is named {t:?}")),
            _ => Err(format!(
                "{} cadres of {unit_name} are named {t:?}: give the cadre id",
                found.len()
            )),
        }
    }
}

/// The import id of a file whose SHA-256 is `sha256_hex`: the same content, the same id.
pub fn import_id_for(sha256_hex: &str) -> ImportId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6f76_6572_7369_6768_7400_0000_0000_0001);
    ImportId(Uuid::new_v5(&NAMESPACE, sha256_hex.as_bytes()))
}

/// The id of the record read from `line` of import `import`.
pub fn record_id_for(import: ImportId, line: u32) -> OversightId {
    OversightId(Uuid::new_v5(&import.0, format!("line-{line}").as_bytes()))
}

/// Checks the fields every record shares: the unit (and cadre) known, the date in range,
/// the texts within their lengths. `today` is the local date now.
pub fn check(
    mut record: OversightRecord,
    org: &OrgIndex,
    today: NaiveDate,
) -> Result<OversightRecord, DomainError> {
    if !org.units.contains_key(&record.unit_id) {
        return Err(DomainError::invalid(
            "unit_id",
            format!("unit {} does not exist", record.unit_id),
        ));
    }
    if let Some(cadre) = record.cadre_id {
        org.cadre(record.unit_id, &cadre.to_string())
            .map_err(|m| DomainError::invalid("cadre_id", m))?;
    }
    check_date(record.occurred_on, today).map_err(|m| DomainError::invalid("occurred_on", m))?;
    record.summary = validate::text("summary", &record.summary, MAX_SUMMARY)?;
    record.reference = match record.reference.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(validate::name("reference", r, MAX_REFERENCE)?),
    };
    Ok(record)
}

/// A record's date: from [`EARLIEST`] to `today`.
pub fn check_date(date: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if date > today {
        return Err(format!("{date} is in the future (today is {today})"));
    }
    if date < EARLIEST {
        return Err(format!("{date} is before {EARLIEST}"));
    }
    Ok(())
}

/// 登记廉情数据: one record by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOversight {
    pub record: OversightRecord,
}

/// A hand-entered record's stream: whether it exists.
#[derive(Debug)]
pub struct OversightAggregate;

impl Aggregate for OversightAggregate {
    type State = bool;
    type Command = RecordOversight;
    type Context = OrgIndex;

    fn evolve(state: &mut bool, event: &Event) {
        if matches!(event, Event::OversightRecorded(_)) {
            *state = true;
        }
    }

    fn decide(
        state: &bool,
        command: RecordOversight,
        org: &OrgIndex,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        if *state {
            return Err(DomainError::AlreadyExists {
                what: "oversight record",
                id: command.record.record_id.to_string(),
            });
        }
        let record = check(command.record, org, local_date(now))?;
        Ok(vec![OversightRecorded { record }.into()])
    }
}

/// 导入廉情数据: records already read and checked by [`import::read`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOversight {
    pub import_id: ImportId,
    pub file_name: String,
    /// How the file was read, e.g. `xlsx`, `utf-8`, `gb18030`.
    pub encoding: String,
    pub records: Vec<ImportedRecord>,
}

/// An import's stream: when it was stored, if it was.
#[derive(Debug)]
pub struct OversightImportAggregate;

impl Aggregate for OversightImportAggregate {
    type State = bool;
    type Command = ImportOversight;
    type Context = ();

    fn evolve(state: &mut bool, event: &Event) {
        if matches!(event, Event::OversightImported(_)) {
            *state = true;
        }
    }

    fn decide(
        state: &bool,
        c: ImportOversight,
        _: &(),
        _: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        if *state {
            return Err(DomainError::AlreadyExists {
                what: "import of this file",
                id: c.import_id.to_string(),
            });
        }
        let file_name = validate::name("file_name", &c.file_name, MAX_FILE_NAME)?;
        if c.records.is_empty() {
            return Err(DomainError::invalid("file", "the file has no records"));
        }
        if c.records.len() > MAX_IMPORT_ROWS {
            return Err(DomainError::invalid(
                "file",
                format!(
                    "{} records are more than one import takes ({MAX_IMPORT_ROWS})",
                    c.records.len()
                ),
            ));
        }
        let rows = u32::try_from(c.records.len()).unwrap_or(u32::MAX);
        let parts = u32::try_from(c.records.len().div_ceil(IMPORT_PART)).unwrap_or(u32::MAX);
        Ok(c.records
            .chunks(IMPORT_PART)
            .zip(1..)
            .map(|(chunk, part)| {
                OversightImported {
                    import_id: c.import_id,
                    file_name: file_name.clone(),
                    encoding: c.encoding.clone(),
                    rows,
                    part,
                    parts,
                    records: chunk.to_vec(),
                }
                .into()
            })
            .collect())
    }
}

#[cfg(test)]
mod tests;
