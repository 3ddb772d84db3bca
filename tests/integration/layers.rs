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
    let mut folders = vec![src.join(module)];
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
    files.retain(|f| f.is_file());
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
