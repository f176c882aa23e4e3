//! Column widths for XLSX, in Excel's unit (about one Latin character of the default font).

use crate::sheet::Cell;

/// No column narrower than Excel's default.
const MIN: usize = 8;
/// Long texts wrap in the cell rather than widen the column without end.
const MAX: usize = 60;
/// Room for the bold header and a little air.
const PADDING: usize = 2;

/// Fits a column to its widest entry, in Excel width units.
pub(super) fn fit(widest: usize) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "at most MAX, exact in f64")]
    let width = (widest + PADDING).clamp(MIN, MAX) as f64;
    width
}

/// How wide a cell's content shows.
pub(super) fn of_cell(cell: &Cell) -> usize {
    match cell {
        Cell::Text(text) => of_text(text),
        Cell::Int(value) => value.to_string().len(),
        Cell::Number(value) => value.to_string().len(),
        Cell::Date(_) => "2026-07-01".len(),
        Cell::Empty => 0,
    }
}

/// The width of the longest line of a text, counting East Asian wide characters as 2.
pub(super) fn of_text(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().map(of_char).sum())
        .max()
        .unwrap_or(0)
}

/// 2 for the East Asian wide and fullwidth ranges (CJK, kana, hangul, fullwidth forms), else 1.
fn of_char(c: char) -> usize {
    match u32::from(c) {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_double_and_the_longest_line_wins() {
        assert_eq!(of_text("单位"), 4);
        assert_eq!(of_text("A处（二）"), 9);
        assert_eq!(of_text("短\n长一些的行"), 10);
        assert_eq!(of_cell(&Cell::Int(-1234)), 5);
    }

    #[test]
    fn widths_are_padded_and_bounded() {
        assert!((fit(0) - 8.0).abs() < f64::EPSILON);
        assert!((fit(10) - 12.0).abs() < f64::EPSILON);
        assert!((fit(500) - 60.0).abs() < f64::EPSILON);
    }
}
