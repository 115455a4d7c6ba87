//! The format detector over arbitrary lines, then the detected format over the same lines:
//! no panic, and a format is only picked when some line has its shape (starts an event, or
//! would but for an unreadable timestamp, which is reported).
#![no_main]

use libfuzzer_sys::fuzz_target;
use timberline::format::{LineContext, LineKind, detect};
use timberline::time::Zone;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.split('\n').collect();
    let Some(format) = detect(&lines, &[]) else {
        return;
    };
    let zone = Zone::parse("UTC").unwrap_or(Zone::Local);
    let mut ctx = LineContext::new(&zone, 1_790_000_000_000_000);
    let starts = lines
        .iter()
        .filter(|l| {
            matches!(
                format.parse_line(l, &mut ctx),
                LineKind::Start(_) | LineKind::BadTimestamp { .. }
            )
        })
        .count();
    assert!(
        format.is_plain_text() || starts > 0,
        "{} detected with no line of its shape",
        format.name()
    );
});
