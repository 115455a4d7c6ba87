//! The log view's source column: each event's `host/file` tag, and how wide the column is.
//! The width is that of the longest tag of the logs' files, within a cap that grows with the
//! terminal (12 columns at 80, 18 from 100, 24 from 120), worked out when the files or the
//! terminal's width change (`fit`), so the message column, wrapping and `event_rows` agree
//! with the drawing.

use super::layout::{char_cols, clean, str_cols};
use super::state::AppState;

/// The column's width before the logs are open, and its cap on a narrow terminal.
pub const DEFAULT_COLS: usize = 12;
/// The narrowest the column gets (tags shorter than this are padded).
const MIN_COLS: usize = 6;
/// The least room a shortened folder keeps before its `…` (`fr…/syslog`, never `f…/`).
const MIN_DIR_COLS: usize = 3;

/// The cap on the column for a terminal `width` columns wide.
pub fn cap(width: u16) -> usize {
    match width {
        0..100 => DEFAULT_COLS,
        100..120 => 18,
        _ => 24,
    }
}

/// `source`'s folder (the last one) and its file name without compression and rotation
/// suffixes (`remote/web01/auth.log.2.gz` → `web01`, `auth`), escaped for the screen.
pub fn parts(source: &str) -> (Option<String>, String) {
    let mut parts = source.rsplit('/');
    let file = parts.next().unwrap_or("");
    let dir = parts.next().filter(|d| !d.is_empty());
    let mut stem = file;
    loop {
        let before = stem;
        for suffix in [".gz", ".bz2", ".xz", ".zst", ".log"] {
            stem = stem.strip_suffix(suffix).unwrap_or(stem);
        }
        if let Some((head, n)) = stem.rsplit_once('.')
            && !head.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
        {
            stem = head;
        }
        if stem == before {
            break;
        }
    }
    (dir.map(clean), clean(stem))
}

/// Columns of `source`'s whole tag (`web01/auth`).
fn natural_cols(source: &str) -> usize {
    match parts(source) {
        (Some(d), stem) => str_cols(&d) + 1 + str_cols(&stem),
        (None, stem) => str_cols(&stem),
    }
}

/// The column's width for these files on a terminal `width` wide.
pub fn cols_for<'a>(paths: impl Iterator<Item = &'a str>, width: u16) -> usize {
    let longest = paths.map(natural_cols).max().unwrap_or(DEFAULT_COLS);
    longest.clamp(MIN_COLS, cap(width).max(MIN_COLS))
}

/// Works the column's width out again when the files or the terminal's width changed since
/// it last was (a refresh of the same files costs nothing).
pub fn fit(s: &mut AppState) {
    let files = s.span.as_ref().map_or(0, |p| p.files.len());
    let key = (files, s.width);
    if s.source_fit == Some(key) {
        return;
    }
    s.source_fit = Some(key);
    s.source_cols = match &s.span {
        Some(span) if !span.files.is_empty() => {
            cols_for(span.files.iter().map(|f| f.path.as_str()), s.width)
        }
        _ => DEFAULT_COLS.min(cap(s.width)),
    };
}

/// The tag of `source` in exactly `cols` columns: whole when it fits; else the file name kept
/// whole and the folder shortened from its end (`fra-db…/syslog`) when at least
/// [`MIN_DIR_COLS`] of it can stay; else the file name alone, shortened when it must be.
pub fn tag(source: &str, cols: usize) -> String {
    let (dir, stem) = parts(source);
    let stem_cols = str_cols(&stem);
    let tag = match dir {
        Some(d) if str_cols(&d) + 1 + stem_cols <= cols => format!("{d}/{stem}"),
        Some(d) if stem_cols + 1 + MIN_DIR_COLS <= cols => {
            format!("{}/{stem}", clip(&d, cols - stem_cols - 1))
        }
        _ => clip(&stem, cols),
    };
    let pad = cols.saturating_sub(str_cols(&tag));
    format!("{tag}{}", " ".repeat(pad))
}

/// `s` cut to `cols` columns, with `…` when cut.
fn clip(s: &str, cols: usize) -> String {
    if str_cols(s) <= cols {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 1;
    for c in s.chars() {
        let w = char_cols(c);
        if used + w > cols {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_keep_the_file_name_and_shorten_the_folder_from_its_end() {
        assert_eq!(tag("remote/web01/auth.log.2.gz", 12), "web01/auth  ");
        assert_eq!(tag("remote/fra-db01/auth.log", 12), "fra-db…/auth");
        assert_eq!(tag("nginx/access.log.1", 12), "nginx/access");
        // Not `a…/api.jsonl`: a lone letter says nothing; the file name alone does.
        assert_eq!(tag("app/api.jsonl", 12), "api.jsonl   ");
        assert_eq!(tag("app/api.jsonl", 24), format!("{:<24}", "app/api.jsonl"));
        assert_eq!(tag("fra-web01/syslog", 12), "fra-…/syslog");
        assert_eq!(
            tag("fra-web01/syslog", 24),
            format!("{:<24}", "fra-web01/syslog")
        );
        assert_eq!(tag("syslog.1", 12), "syslog      ");
        assert_eq!(tag("x/a-very-long-file-name.log", 12), "a-very-long…");
        assert_eq!(str_cols(&tag("a/日本語日本語日本語.log", 12)), 12);
    }

    #[test]
    fn the_column_is_as_wide_as_the_longest_tag_within_a_cap_set_by_the_terminal() {
        let paths = ["/var/log/fra-web01/syslog", "/var/log/app/api.jsonl"];
        assert_eq!(cols_for(paths.into_iter(), 160), 16);
        assert_eq!(cols_for(paths.into_iter(), 110), 16);
        assert_eq!(cols_for(paths.into_iter(), 80), 12);
        let long = ["/logs/eu-central-fra-db01/postgresql-main.log"];
        assert_eq!(cols_for(long.into_iter(), 160), 24);
        assert_eq!(cols_for(["/logs/a/b"].into_iter(), 160), MIN_COLS);
    }
}
