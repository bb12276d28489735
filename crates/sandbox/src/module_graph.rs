//! A test that keeps the core's modules free of import cycles: every module named through `crate::`
//! in another's code (comments and unit tests aside) is an edge, and the graph must have no cycle. The six-module
//! cycle fetch → host_calls → tools → watchdog → outcome → rich (issue 22) grew unnoticed; this fails
//! at the first edge that closes a new one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module of the crate (`guest::engine`, `outcome`; the crate root is ``) with its source.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).unwrap().with_extension("");
                let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
                if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                    parts.pop();
                }
                let source = std::fs::read_to_string(&path).unwrap();
                // A module's unit tests (at its end) may use whatever they test with.
                let code = source.split("#[cfg(test)]\nmod tests").next().unwrap_or_default().to_string();
                out.insert(parts.join("::"), code);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    // The test-only modules: this one names `crate::` in its strings, and the helpers the unit tests
    // share use what they fake.
    out.remove("module_graph");
    out.remove("test_support");
    out
}

/// The modules `source` names through `crate::` paths outside comments, each as the longest module
/// the path starts with.
fn uses(source: &str, modules: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        assert!(!code.contains("crate::{"), "a grouped `crate::{{…}}` import hides its modules from this test: {line}");
        for (at, _) in code.match_indices("crate::") {
            let path: String = code[at + "crate::".len()..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            if let Some(module) = (1..=segments.len()).rev().map(|n| segments[..n].join("::")).find(|m| modules.contains_key(m)) {
                found.insert(module);
            }
        }
    }
    found
}

/// A cycle of `graph`, if it has one, as the modules around it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(at: &str, graph: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == at) {
            let mut cycle = path[start..].to_vec();
            cycle.push(at.to_string());
            return Some(cycle);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.to_string());
        for next in &graph[at] {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(at.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|m| visit(m, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_import_each_other_without_a_cycle() {
    let modules = modules();
    let graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|(name, source)| (name.clone(), uses(source, &modules).into_iter().filter(|m| m != name).collect()))
        .collect();
    assert!(graph.len() > 20 && graph["guest::engine"].contains("guest::pool"), "the graph was read: {graph:?}");
    if let Some(cycle) = cycle(&graph) {
        panic!("an import cycle: {}", cycle.join(" → "));
    }
    // Nor between the folders (guest/, host/, lang/) and the top-level modules: host functions and
    // languages never reach up into the guests that use them.
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let top = |m: &str| m.split("::").next().unwrap_or_default().to_string();
    for (module, uses) in &graph {
        let entry = folders.entry(top(module)).or_default();
        entry.extend(uses.iter().map(|u| top(u)).filter(|u| *u != top(module)));
    }
    for uses in folders.clone().values() {
        for u in uses {
            folders.entry(u.clone()).or_default();
        }
    }
    if let Some(cycle) = cycle(&folders) {
        panic!("an import cycle between folders: {}", cycle.join(" → "));
    }
}

/// The modules that may name the engine crate: the hyperlight-unikraft guest behind the [`Guest`]
/// trait, and what hands the engine something of ours in its own types (the hypervisor check, the
/// mounts' filesystem, the snapshots on disk, the network policy). Everything else drives a guest
/// through the trait.
///
/// [`Guest`]: crate::guest::Guest
const ENGINE_ADAPTERS: [&str; 5] = ["guest::engine", "guest::hypervisor", "guest::memfs", "guest::snapshot_cache", "host::network"];

#[test]
fn only_the_engine_s_adapters_name_the_engine_crate() {
    let naming: Vec<String> = modules()
        .into_iter()
        .filter(|(_, source)| source.lines().any(|l| l.split("//").next().unwrap_or_default().contains("hyperlight_unikraft")))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(naming, ENGINE_ADAPTERS, "a module outside guest::engine's adapters names hyperlight_unikraft");
}

#[test]
fn a_cycle_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec![])].into_iter().map(|(m, to)| (m.into(), to.into_iter().map(String::from).collect())).collect();
    assert_eq!(cycle(&graph), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
}
