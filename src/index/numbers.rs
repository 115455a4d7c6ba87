//! Long integer field values (`pid=48211`, `bytes=86544`, `job_id=1234567`) kept in fast
//! columns instead of the term dictionary.
//!
//! Such values are nearly unique, and in tantivy every distinct term of a segment costs a hash
//! entry, a place in the sorted dictionary and its own posting list: on the 1 GB benchmark they
//! were 4.5 M of the 7.9 M `key=value` terms. Integers of five digits or more (no leading zero,
//! at most 18 digits, optional `-`) go instead to the `num` JSON field, which is fast-only: one
//! column per key, no terms. Shorter numbers (`status=502`, `uid=0`) and everything else stay
//! `key=value` terms.
//!
//! Queries look in both places, so the split is invisible: `key:N` on a long integer is a column
//! equality, `key:[A TO B]` with numeric ends is the terms in range plus the column range, and
//! `key:12*` is the terms with that prefix plus the column ranges of the integers written with
//! that prefix.

use super::schema::Fields;
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery};
use tantivy::schema::OwnedValue;

/// Fewest digits of a value kept in a column.
const MIN_DIGITS: usize = 5;
/// Most digits of a value kept in a column (every such integer fits in an i64).
const MAX_DIGITS: usize = 18;

/// The value as a column integer, when it is written as one: `-`?, 5–18 digits, no leading 0.
pub fn long_integer(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let canonical = (MIN_DIGITS..=MAX_DIGITS).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    if canonical { value.parse().ok() } else { None }
}

/// The column key of a field key: lowercased (keys match case-insensitively, as `key=value`
/// terms do), with `.`, `\`, `%` and control characters percent-encoded, since tantivy reads a
/// dot in a column path as a nesting step.
pub fn column_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars().flat_map(char::to_lowercase) {
        if c == '.' || c == '\\' || c == '%' || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn term(fields: Fields, key: &str, value: i64) -> Term {
    let mut t = Term::from_field_json_path(fields.num, &column_key(key), false);
    t.append_type_and_fast_value(value);
    t
}

fn between(fields: Fields, key: &str, lo: i64, hi: i64) -> Box<dyn Query> {
    Box::new(RangeQuery::new(
        Bound::Included(term(fields, key, lo)),
        Bound::Included(term(fields, key, hi)),
    ))
}

/// Events whose `key` column holds a value in `lo..=hi` (`None` when the range is empty).
pub fn range(fields: Fields, key: &str, lo: i64, hi: i64) -> Option<Box<dyn Query>> {
    (lo <= hi).then(|| between(fields, key, lo, hi))
}

/// `key:N` for a long integer `N`.
pub fn equals(fields: Fields, key: &str, n: i64) -> Box<dyn Query> {
    between(fields, key, n, n)
}

/// The integer bounds of a numeric range with `f64` ends (`None`: unbounded on that side), or
/// `None` when no integer lies inside.
pub fn integer_bounds(lo: Option<(f64, bool)>, hi: Option<(f64, bool)>) -> Option<(i64, i64)> {
    let lo = match lo {
        None => i64::MIN,
        Some((v, inclusive)) => {
            let first = if inclusive { v.ceil() } else { v.floor() + 1.0 };
            if v.is_nan() || first > i64::MAX as f64 {
                return None;
            }
            if first <= i64::MIN as f64 {
                i64::MIN
            } else {
                first as i64
            }
        }
    };
    let hi = match hi {
        None => i64::MAX,
        Some((v, inclusive)) => {
            let last = if inclusive { v.floor() } else { v.ceil() - 1.0 };
            if v.is_nan() || last < i64::MIN as f64 {
                return None;
            }
            if last >= i64::MAX as f64 {
                i64::MAX
            } else {
                last as i64
            }
        }
    };
    (lo <= hi).then_some((lo, hi))
}

/// The ranges of column integers whose decimal writing starts with `prefix` (`-`? digits), or
/// `None` when the prefix cannot start a long integer.
pub fn prefix_ranges(prefix: &str) -> Option<Vec<(i64, i64)>> {
    if prefix.is_empty() {
        return Some(vec![(i64::MIN, i64::MAX)]);
    }
    let (negative, digits) = match prefix.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, prefix),
    };
    if digits.len() > MAX_DIGITS
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let head: i64 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let mut ranges = Vec::new();
    for len in MIN_DIGITS.max(digits.len())..=MAX_DIGITS {
        let scale = 10i64.pow((len - digits.len()) as u32);
        // "-": every negative long integer.
        let (lo, hi) = if digits.is_empty() {
            (10i64.pow(len as u32 - 1), scale - 1)
        } else {
            (head * scale, (head + 1) * scale - 1)
        };
        ranges.push(if negative { (-hi, -lo) } else { (lo, hi) });
    }
    Some(ranges)
}

/// `key:prefix*` over the column, or `None` when no long integer is written with `prefix`.
pub fn prefix(fields: Fields, key: &str, prefix: &str) -> Option<Box<dyn Query>> {
    let ranges = prefix_ranges(prefix)?;
    let clauses = ranges
        .into_iter()
        .filter_map(|(lo, hi)| range(fields, key, lo, hi))
        .map(|q| (Occur::Should, q))
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// One event's long integers, gathered for its `num` field.
#[derive(Default)]
pub struct Columns(Vec<(String, OwnedValue)>);

impl Columns {
    /// Keeps `value` when it is a long integer (true), else leaves it to the caller (false).
    pub fn take(&mut self, key: &str, value: &str) -> bool {
        match long_integer(value) {
            Some(n) => {
                self.0.push((column_key(key), OwnedValue::I64(n)));
                true
            }
            None => false,
        }
    }

    pub fn add_to(self, doc: &mut tantivy::TantivyDocument, fields: Fields) {
        if !self.0.is_empty() {
            doc.add_field_value(fields.num, &OwnedValue::Object(self.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_canonical_integers_go_to_columns() {
        for (value, expected) in [
            ("48211", Some(48211)),
            ("-48211", Some(-48211)),
            ("123456789012345678", Some(123_456_789_012_345_678)),
            ("1234", None),
            ("502", None),
            ("01234", None),
            ("12345.5", None),
            ("1234567890123456789", None),
            ("12a45", None),
            ("+12345", None),
            ("", None),
        ] {
            assert_eq!(long_integer(value), expected, "{value:?}");
        }
    }

    #[test]
    fn column_keys_are_lowercase_and_dot_free() {
        assert_eq!(column_key("PID"), "pid");
        assert_eq!(column_key("http.bytes"), "http%2Ebytes");
        assert_eq!(column_key("a%2Eb"), "a%252eb");
        assert_ne!(column_key("a.b"), column_key("a%2Eb"));
    }

    #[test]
    fn numeric_bounds_become_the_integers_inside() {
        assert_eq!(
            integer_bounds(Some((10.0, true)), Some((20.0, false))),
            Some((10, 19))
        );
        assert_eq!(
            integer_bounds(Some((10.0, false)), Some((20.0, true))),
            Some((11, 20))
        );
        assert_eq!(
            integer_bounds(Some((1.5, true)), Some((3.5, true))),
            Some((2, 3))
        );
        assert_eq!(integer_bounds(Some((1.5, false)), Some((1.7, false))), None);
        assert_eq!(
            integer_bounds(None, Some((-3.5, true))),
            Some((i64::MIN, -4))
        );
        assert_eq!(integer_bounds(Some((f64::NAN, true)), None), None);
        assert_eq!(integer_bounds(Some((1e300, true)), None), None);
        assert_eq!(
            integer_bounds(Some((-1e300, true)), None),
            Some((i64::MIN, i64::MAX))
        );
    }

    #[test]
    fn prefix_ranges_cover_exactly_the_integers_written_with_the_prefix() {
        let ranges = prefix_ranges("12").unwrap();
        assert_eq!(ranges[0], (12_000, 12_999));
        assert_eq!(ranges[1], (120_000, 129_999));
        assert_eq!(ranges.len(), MAX_DIGITS - MIN_DIGITS + 1);
        assert_eq!(prefix_ranges("123456").unwrap()[0], (123_456, 123_456));
        assert_eq!(prefix_ranges("-4").unwrap()[0], (-49_999, -40_000));
        assert_eq!(prefix_ranges("").unwrap(), vec![(i64::MIN, i64::MAX)]);
        assert_eq!(prefix_ranges("-").unwrap()[0], (-99_999, -10_000));
        assert_eq!(prefix_ranges("0"), None);
        assert_eq!(prefix_ranges("1x"), None);
        let in_ranges =
            |n: i64, r: &[(i64, i64)]| r.iter().any(|(lo, hi)| (*lo..=*hi).contains(&n));
        for n in [12_345i64, 129_999, 1_200_000, 99_999, 13_000, 11_999] {
            assert_eq!(
                in_ranges(n, &ranges),
                n.to_string().starts_with("12"),
                "{n}"
            );
        }
    }
}
