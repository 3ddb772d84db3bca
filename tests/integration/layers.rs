//! The import graph of `src/`, read from the source: the search side (`search`, `snippet`,
//! `web`) imports neither extraction nor ingestion, and no two top-level modules import each
//! other, directly or through others. Test code (after `#[cfg(test)]`) and comments are not
//! counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` with the top-level modules its code (not its tests) names.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules: BTreeSet<String> = std::fs::read_dir(&src)
        .expect("src")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let module = name.strip_suffix(".rs").unwrap_or(&name).to_string();
            (module != "lib" && module != "main").then_some(module)
        })
        .collect();
    let mut graph = BTreeMap::new();
    for module in &modules {
        let mut named = BTreeSet::new();
        for file in rust_files(&src, module) {
            let code = std::fs::read_to_string(&file).expect("source");
            let code = code.split("#[cfg(test)]").next().unwrap_or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (at, _) in line.match_indices("crate::") {
                    for name in named_modules(&line[at + "crate::".len()..]) {
                        if modules.contains(&name) && &name != module {
                            named.insert(name);
                        }
                    }
                }
            }
        }
        graph.insert(module.clone(), named);
    }
    graph
}

/// The first names after `crate::`: `x` of `crate::x::y`, and `x`, `y` of `crate::{x::{a, b}, y}`.
fn named_modules(after: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let Some(group) = after.strip_prefix('{') else {
        return vec![ident(after)];
    };
    let (mut names, mut depth, mut start) = (Vec::new(), 1, true);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 1 => break,
            '}' => depth -= 1,
            ',' if depth == 1 => start = true,
            c if start && (c.is_alphanumeric() || c == '_') => {
                names.push(ident(&group[i..]));
                start = false;
            }
            _ => {}
        }
    }
    names
}

/// The `.rs` files of a top-level module: `src/module.rs` and everything under `src/module/`.
fn rust_files(src: &Path, module: &str) -> Vec<PathBuf> {
    let mut files = vec![src.join(format!("{module}.rs"))];
    files.extend(rust_files_under(&src.join(module)));
    files.retain(|f| f.is_file());
    files
}

/// Every `.rs` file under `folder`, at any depth.
fn rust_files_under(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// A path of imports from `from` back to `from`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().cloned().unwrap_or_default();
        for next in graph.get(&last).into_iter().flatten() {
            if next == from {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push([path.clone(), vec![next.clone()]].concat());
            }
        }
    }
    None
}

#[test]
fn the_search_side_imports_neither_extraction_nor_ingestion() {
    let graph = imports();
    for reader in ["search", "snippet", "web"] {
        let named = &graph[reader];
        assert!(
            !named.contains("extract") && !named.contains("ingest"),
            "{reader} imports {named:?}"
        );
    }
}

#[test]
fn no_module_imports_itself_through_others() {
    let graph = imports();
    // The reading itself works: edges that are there are found.
    assert!(graph["search"].contains("query") && graph["extract"].contains("lang"));
    for module in graph.keys() {
        assert_eq!(circle(&graph, module), None, "an import circle");
    }
}

/// A file a newcomer reads in one sitting.
const MAX_FILE_LINES: usize = 500;
/// A function that fits on a screen or two; orchestrating ones are shorter still.
const MAX_FUNCTION_LINES: usize = 80;

/// Every `.rs` file under `src/`.
fn all_rust_files() -> Vec<PathBuf> {
    rust_files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

/// The functions of `code` (up to its tests) with their first line and length in lines: from
/// the `fn` line to the line whose brace closes the body, counting braces outside string and
/// character literals and comments. A declaration without a body (a trait's) is none.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let code = code.split("#[cfg(test)]").next().unwrap_or_default();
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        let (mut depth, mut opened) = (0i64, false);
        for (j, l) in lines.iter().enumerate().skip(i) {
            let l = without_literals(l);
            for c in l.chars() {
                match c {
                    '{' => (depth, opened) = (depth + 1, true),
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if opened && depth <= 0 {
                found.push((name.clone(), i + 1, j - i + 1));
                break;
            }
            if !opened && l.trim_end().ends_with(';') {
                break;
            }
        }
    }
    found
}

/// The name of the function a line declares, if it does.
fn fn_name(line: &str) -> Option<String> {
    let mut rest = line.trim_start();
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A line with its string and character literals emptied and its comment cut off.
fn without_literals(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            // A character literal ('{', '\''), not a lifetime ('a).
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') {
                    chars.by_ref().take_while(|&c| c != '\'').for_each(drop);
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.nth(1);
                }
            }
            '/' if chars.peek() == Some(&'/') => break,
            c => out.push(c),
        }
    }
    out
}

#[test]
fn no_file_is_longer_than_a_sitting() {
    let mut long: Vec<(usize, PathBuf)> = all_rust_files()
        .into_iter()
        .map(|f| {
            (
                std::fs::read_to_string(&f).expect("source").lines().count(),
                f,
            )
        })
        .filter(|(n, _)| *n > MAX_FILE_LINES)
        .collect();
    long.sort();
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines: {long:?}"
    );
}

#[test]
fn no_function_is_longer_than_a_screen_or_two() {
    // The reading itself works.
    let sample = "fn a() {\n    let s = \"}\";\n    let c = '{';\n}\n\nfn b(x: &'static str) -> usize { x.len() }\n";
    assert_eq!(
        functions(sample),
        [("a".to_string(), 1, 4), ("b".to_string(), 6, 1)]
    );
    let mut long = Vec::new();
    for file in all_rust_files() {
        let code = std::fs::read_to_string(&file).expect("source");
        for (name, line, length) in functions(&code) {
            if length > MAX_FUNCTION_LINES {
                long.push(format!("{}:{line} {name} ({length} lines)", file.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: {long:#?}"
    );
}
