//! The query parser over arbitrary text: no panic; an error points inside the query; a parsed
//! query prints back to text that parses to the same expression.
#![no_main]

use libfuzzer_sys::fuzz_target;
use timberline::query::{parse, to_query_string};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse(text) {
        Err(e) => assert!(e.position <= text.chars().count(), "{e:?}"),
        Ok(expr) => {
            let printed = to_query_string(&expr);
            let again = parse(&printed)
                .unwrap_or_else(|e| panic!("{text:?} printed as {printed:?}: {e}"));
            assert_eq!(again, expr, "{text:?} printed as {printed:?}");
        }
    }
});
