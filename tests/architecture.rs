//! The explorer's core has no import loop: `update` turns actions into calls on modules below
//! it, and `view` (what every action module uses) uses none of them. Read from the sources'
//! `super::` paths (test modules left out).

use std::collections::{BTreeMap, BTreeSet};

fn deps_of(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = BTreeSet::new();
    let words: Vec<char> = code.chars().collect();
    let s: String = words.iter().collect();
    for (i, _) in s.match_indices("super::") {
        let rest = &s[i + "super::".len()..];
        if let Some(rest) = rest.strip_prefix('{') {
            // `use super::{a::X, b::{Y, Z}}`: the modules named at the top of the group.
            let group: String = rest.chars().take_while(|&c| c != ';').collect();
            let mut depth = 0;
            let mut word = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ':' if depth == 0 && !word.is_empty() => {
                        out.insert(std::mem::take(&mut word));
                    }
                    c if c.is_ascii_lowercase() || c == '_' => word.push(c),
                    _ => word.clear(),
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if rest[name.len()..].starts_with("::") || rest[name.len()..].starts_with(';') {
                out.insert(name);
            }
        }
    }
    out
}

#[test]
fn the_explorers_core_has_no_import_loop() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "mod" || name.ends_with("_tests") || name == "fake" {
            continue;
        }
        let mut deps = deps_of(&std::fs::read_to_string(&path).unwrap());
        deps.remove(&name);
        graph.insert(name, deps);
    }
    assert!(graph.contains_key("view") && graph["update"].contains("view"));
    for start in graph.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&String> = graph[start].iter().collect();
        while let Some(m) = stack.pop() {
            assert!(m != start, "import loop through app/{start}.rs: {graph:#?}");
            if seen.insert(m.clone()) {
                stack.extend(graph.get(m).into_iter().flatten());
            }
        }
    }
}
