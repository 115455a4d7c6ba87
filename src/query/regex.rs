//! How a `/regex/` is compiled, with its cost bounded before it runs: a limit on the compiled
//! size and the lazy DFA's cache, and on nested counted repetitions. `/(?:a{100}){100}/` is
//! 10,000 copies of `a`; on a long run of `a`s every copy is live at once and one event of
//! 30 KB took over a second. What these limits let through is bounded in time by the search
//! (`index::compile`'s time budget).

use regex_syntax::hir::{Hir, HirKind};

/// The most memory the compiled program of one `/regex/` may take.
pub const SIZE_LIMIT: usize = 4 << 20;
/// The most memory the lazy DFA of one `/regex/` may cache (per thread).
pub const DFA_SIZE_LIMIT: usize = 8 << 20;
/// The most copies of one piece nested counted repetitions may make (`(?:x{10}){100}` is
/// 1,000 copies of `x`).
pub const MAX_COPIES: u64 = 1_000;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegexError {
    #[error(transparent)]
    Regex(#[from] regex::Error),
    #[error(
        "the regex repeats too much ({copies} copies of one part; at most {MAX_COPIES}): use a smaller count or + and *"
    )]
    Repeats { copies: u64 },
}

/// Compiles `pattern` within [`SIZE_LIMIT`], [`DFA_SIZE_LIMIT`] and [`MAX_COPIES`].
pub fn build(pattern: &str) -> Result<regex::Regex, RegexError> {
    let re = regex::RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .build()?;
    // It parsed above, so it parses here; a parser that disagrees adds no limit.
    if let Ok(hir) = regex_syntax::parse(pattern) {
        let copies = copies(&hir);
        if copies > MAX_COPIES {
            return Err(RegexError::Repeats { copies });
        }
    }
    Ok(re)
}

/// The most copies of any one piece of `hir`: counted repetitions multiply what they repeat
/// (`x{5,}` counts as 6: five copies and a loop).
fn copies(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Repetition(r) => {
            let count = r.max.unwrap_or(r.min.saturating_add(1)).max(1);
            u64::from(count).saturating_mul(copies(&r.sub))
        }
        HirKind::Capture(c) => copies(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().map(copies).max().unwrap_or(1),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costly_patterns_are_refused_and_ordinary_ones_are_not() {
        for p in [
            "(?:a{100}){100}",
            "((a{10}){10}){11}",
            "(?:x{2000})",
            "a{1001,}",
        ] {
            assert!(matches!(build(p), Err(RegexError::Repeats { .. })), "{p}");
        }
        assert!(matches!(
            build(r"\w{2000}"),
            Err(RegexError::Regex(regex::Error::CompiledTooBig(_)))
        ));
        for p in [
            "Failed password for (root|admin)",
            r"^\d{4}-\d{2}-\d{2}T",
            r"(?i)user=\w+ from \d+\.\d+\.\d+\.\d+",
            r"(?:\d{1,3}\.){3}\d{1,3}",
            "a{1000}",
            r"[0-9a-f]{64}",
            r"(?:\w+\s+){10}error",
            r"\w{20}",
            r".{0,200}timeout",
        ] {
            assert!(build(p).is_ok(), "{p}: {:?}", build(p).err());
        }
        assert_eq!(
            build("(?:a{100}){100}").unwrap_err().to_string(),
            "the regex repeats too much (10000 copies of one part; at most 1000): use a smaller count or + and *"
        );
    }
}
