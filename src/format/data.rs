//! The long tail of layouts as data: `formats/builtin.toml`, embedded in the binary and read by
//! the same engine as a user's `[[format]]` (see `user`). A new layout is a reviewed row with
//! real sample lines, and a user can copy one to adapt it.

use super::{Format, UserFormat};
use serde::Deserialize;
use std::sync::OnceLock;

const BUILTIN_TOML: &str = include_str!("../../formats/builtin.toml");

/// One row of `formats/builtin.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct DataFormat {
    #[serde(flatten)]
    pub format: UserFormat,
    pub description: String,
    /// Real lines the row must read (checked by the tests).
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    pub samples: Vec<String>,
}

/// The description of a data format, by name.
pub fn describe(name: &str) -> Option<&'static str> {
    rows()
        .iter()
        .find(|r| r.format.name == name)
        .map(|r| r.description.as_str())
}

#[derive(Deserialize)]
struct File {
    format: Vec<DataFormat>,
}

/// The rows, parsed once. The file is part of the binary and checked by the tests, so a row
/// that fails to parse or compile is left out rather than stopping the program.
pub fn rows() -> &'static [DataFormat] {
    static ROWS: OnceLock<Vec<DataFormat>> = OnceLock::new();
    ROWS.get_or_init(|| {
        toml::from_str::<File>(BUILTIN_TOML)
            .map(|f| f.format)
            .unwrap_or_default()
    })
}

/// The rows as formats, in file order.
pub fn formats() -> &'static [Format] {
    static FORMATS: OnceLock<Vec<Format>> = OnceLock::new();
    FORMATS.get_or_init(|| {
        rows()
            .iter()
            .filter_map(|r| Format::user(&r.format))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{LineContext, LineKind, detect};
    use crate::time::Zone;

    #[test]
    fn every_row_compiles_and_reads_its_samples_and_is_detected_on_them() {
        let file: File = toml::from_str(BUILTIN_TOML).expect("formats/builtin.toml parses");
        assert_eq!(formats().len(), file.format.len(), "a row does not compile");
        for row in rows() {
            let f = Format::user(&row.format).unwrap();
            assert!(!row.samples.is_empty(), "{}: no samples", row.format.name);
            let mut ctx = LineContext::new(&Zone::parse("UTC").unwrap(), 1_796_292_000_000_000);
            for s in &row.samples {
                match f.parse_line(s, &mut ctx) {
                    LineKind::Start(p) => assert!(p.time_span.is_some(), "{s}"),
                    kind => panic!("{}: {s}: {kind:?}", row.format.name),
                }
            }
            let lines: Vec<&str> = row.samples.iter().map(String::as_str).collect();
            let got = detect(&lines, &[]).map(|f| f.name().to_string());
            assert_eq!(got.as_deref(), Some(row.format.name.as_str()));
        }
    }
}
