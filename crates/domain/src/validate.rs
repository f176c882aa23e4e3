//! Field rules shared by the aggregates' decisions: texts with a length in characters, and
//! lists of unit references.

use crate::error::DomainError;
use crate::ids::UnitId;
use std::collections::BTreeSet;

/// `value` trimmed, if it has 1 to `max` characters (Unicode scalar values, so a Chinese
/// character counts as one).
pub(crate) fn text(field: &'static str, value: &str, max: usize) -> Result<String, DomainError> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len == 0 {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if len > max {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters, not {len}"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Like [`text`], for a name or title: one line, no control characters.
pub(crate) fn name(field: &'static str, value: &str, max: usize) -> Result<String, DomainError> {
    let trimmed = text(field, value, max)?;
    if trimmed.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must be one line without control characters",
        ));
    }
    Ok(trimmed)
}

/// A non-empty list of distinct units, none of them in `unknown` (the units the
/// application found missing).
pub(crate) fn units(
    field: &'static str,
    units: &[UnitId],
    unknown: &[UnitId],
) -> Result<(), DomainError> {
    if units.is_empty() {
        return Err(DomainError::invalid(field, "must name at least one unit"));
    }
    let mut seen = BTreeSet::new();
    for unit in units {
        if !seen.insert(unit) {
            return Err(DomainError::invalid(
                field,
                format!("unit {unit} is named twice"),
            ));
        }
        if unknown.contains(unit) {
            return Err(DomainError::invalid(
                field,
                format!("unit {unit} does not exist"),
            ));
        }
    }
    Ok(())
}

/// Whether two unit lists name the same units, in any order.
pub(crate) fn same_units(a: &[UnitId], b: &[UnitId]) -> bool {
    a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_counted_in_characters() {
        assert_eq!(text("name", "  区纪委  ", 3).unwrap(), "区纪委");
        assert!(text("name", "区纪委监委", 4).is_err());
        assert_eq!(
            text("name", " \t\n", 10),
            Err(DomainError::invalid("name", "must not be empty"))
        );
        assert!(name("name", "a\nb", 10).is_err());
        assert!(text("content", "a\nb", 10).is_ok());
    }

    #[test]
    fn unit_lists_are_non_empty_distinct_and_known() {
        let (a, b) = (UnitId::new(), UnitId::new());
        assert!(units("units", &[a, b], &[]).is_ok());
        assert!(units("units", &[], &[]).is_err());
        assert!(units("units", &[a, a], &[]).is_err());
        assert_eq!(
            units("units", &[a, b], &[b]),
            Err(DomainError::invalid(
                "units",
                format!("unit {b} does not exist")
            ))
        );
        assert!(same_units(&[a, b], &[b, a]));
        assert!(!same_units(&[a, b], &[a]));
    }
}
