//! Every built-in line parser over arbitrary lines: the first byte picks the parser, the rest
//! is the text, split into lines parsed in order with one context (year inference and all).
#![no_main]

use libfuzzer_sys::fuzz_target;
use timberline::format::{Format, LineContext, LineKind, builtin_names};
use timberline::time::Zone;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let names: Vec<&str> = builtin_names().collect();
    let name = names[usize::from(pick) % names.len()];
    let Some(format) = Format::by_name(name, &[]) else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    // A zone with DST gaps and folds, a fixed offset, and UTC.
    let zone = ["America/New_York", "+05:30", "UTC"][usize::from(pick >> 6) % 3];
    let zone = Zone::parse(zone).unwrap_or(Zone::Local);
    let mut ctx = LineContext::new(&zone, 1_790_000_000_000_000);
    for line in text.split('\n') {
        if let LineKind::Start(p) = format.parse_line(line, &mut ctx) {
            // A time the index can hold (nanoseconds in an i64: years 1677 to 2262); a line
            // with a time past them is a bad timestamp, not an event.
            assert!(
                (i64::MIN / 1000..=i64::MAX / 1000).contains(&p.ts),
                "{name}: time {} out of range for {line:?}",
                p.ts
            );
        }
    }
});
