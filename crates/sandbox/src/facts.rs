//! The facts every layer must agree on — languages and their aliases, file extensions, limits and
//! their ranges, error codes, the tool-name rule, the host functions and the sizes of host calls —
//! written out as a TypeScript module (`src/generated/core-facts.ts`), so the tool, the CLI, the MCP
//! server and `NanvixSandbox` take them from here and cannot disagree, and as a module each guest's
//! warm-up takes its host functions and piece sizes from (`guest/javascript/generated/facts.js`,
//! bundled into the warm-up; `guest/python/generated/lci_facts.py`, put ahead of the warm-up by
//! `guest/build.sh`). The modules are committed; [`tests::the_generated_modules_are_current`] fails
//! when one is stale and rewrites them with `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated`.

use std::fmt::Write;

use crate::config;
use crate::error::ErrorCode;
use crate::guest::images::PythonImage;
use crate::host::{host_calls, tools};
use crate::lang::language::{FileKind, Language, ALIASES, EXTENSIONS, SOURCE_EXTENSIONS};

/// Where the module lives, from the repository's root.
pub const TYPESCRIPT_MODULE: &str = "src/generated/core-facts.ts";
/// Where the JavaScript guest's module lives, from the repository's root.
pub const JAVASCRIPT_GUEST_MODULE: &str = "guest/javascript/generated/facts.js";
/// Where the Python guest's module lives, from the repository's root.
pub const PYTHON_GUEST_MODULE: &str = "guest/python/generated/lci_facts.py";

/// The host functions every guest may call, by the name the guests' modules give them.
fn host_functions() -> [(&'static str, &'static str); 4] {
    [
        ("TOOL", tools::HOST_FUNCTION),
        ("FETCH", crate::host::fetch::HOST_FUNCTION),
        ("MORE", host_calls::MORE_FUNCTION),
        ("UPLOAD", host_calls::UPLOAD_FUNCTION),
    ]
}

/// The keys of a host call's reply envelope, by the name the guests' modules give them.
fn reply_keys() -> [(&'static str, &'static str); 3] {
    [("WHOLE", host_calls::REPLY_WHOLE), ("MORE", host_calls::REPLY_MORE), ("LAST", host_calls::REPLY_LAST)]
}

/// `text` as a single-quoted string literal of JavaScript and Python (the same escapes serve both).
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'").replace('\n', "\\n"))
}

/// The JavaScript guest's module: an ES module the warm-up imports (esbuild bundles it in).
pub fn javascript_guest() -> String {
    let mut js = String::new();
    let w = &mut js;
    let _ = writeln!(w, "// Generated from the Rust core (crates/sandbox/src/facts.rs) by");
    let _ = writeln!(w, "// `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated`. Do not edit: `cargo test` fails when");
    let _ = writeln!(w, "// this file and the core disagree. The warm-up (warmup.js) imports it; the bundle carries it.\n");
    let _ = writeln!(w, "// The host functions of crates/sandbox/src/host/host_calls.rs.");
    let _ = writeln!(w, "export const HOST_FUNCTIONS = Object.freeze({{");
    for (name, function) in host_functions() {
        let _ = writeln!(w, "  {name}: {},", quoted(function));
    }
    let _ = writeln!(w, "}});\n");
    let _ = writeln!(w, "// The keys of a reply's envelope: whole, a piece more follow, the last piece.");
    let _ = writeln!(w, "export const REPLY = Object.freeze({{");
    for (name, key) in reply_keys() {
        let _ = writeln!(w, "  {name}: {},", quoted(key));
    }
    let _ = writeln!(w, "}});\n");
    let _ = writeln!(w, "// The most characters of an argument sent inline or in one upload piece.");
    let _ = writeln!(w, "export const UPLOAD_PIECE_CHARS = {};", host_calls::UPLOAD_PIECE_CHARS);
    js
}

/// The Python guest's module: one dict, `_LCI_FACTS`, that `guest/build.sh` puts ahead of the
/// warm-up (which takes what it needs and deletes the name, so programs never see it).
pub fn python_guest() -> String {
    let mut py = String::new();
    let w = &mut py;
    let _ = writeln!(w, "# Generated from the Rust core (crates/sandbox/src/facts.rs) by");
    let _ = writeln!(w, "# `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated`. Do not edit: `cargo test` fails when");
    let _ = writeln!(w, "# this file and the core disagree. guest/build.sh puts it ahead of warmup.py, which deletes the name.");
    let _ = writeln!(w, "_LCI_FACTS = {{");
    for (name, function) in host_functions() {
        let _ = writeln!(w, "    {}: {},", quoted(&format!("{name}_FUNCTION")), quoted(function));
    }
    for (name, key) in reply_keys() {
        let _ = writeln!(w, "    {}: {},", quoted(&format!("REPLY_{name}")), quoted(key));
    }
    let _ = writeln!(w, "    'UPLOAD_PIECE_CHARS': {},", host_calls::UPLOAD_PIECE_CHARS);
    let _ = writeln!(w, "}}");
    py
}

/// The TypeScript module.
pub fn typescript() -> String {
    let mut ts = String::new();
    let w = &mut ts;
    let _ = writeln!(w, "// Generated from the Rust core (crates/sandbox/src/facts.rs) by");
    let _ = writeln!(w, "// `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated`. Do not edit: `cargo test` fails when");
    let _ = writeln!(w, "// this file and the core disagree.\n");
    let names: Vec<String> = Language::ALL.iter().map(|l| format!("'{}'", l.name())).collect();
    let _ = writeln!(w, "/** A language the micro-VM sandbox runs. */\nexport type Language = {}\n", names.join(" | "));
    let _ = writeln!(w, "/** Every language, in the order they are documented. */\nexport const LANGUAGES: readonly Language[] = [{}]\n", names.join(", "));
    let _ = writeln!(w, "/** Every name `runCode` takes for a language (lower case; matched case-insensitively), and the language it means. */");
    let _ = writeln!(w, "export const LANGUAGE_ALIASES: Readonly<Record<string, Language>> = {{");
    for (alias, language) in ALIASES {
        let _ = writeln!(w, "  '{alias}': '{}',", language.name());
    }
    let _ = writeln!(w, "}}\n");
    let _ = writeln!(w, "/** The file extensions `run(path)` knows, and what it runs such a file as (`binary`: a static-PIE program); a file without extension is a binary. */");
    let _ = writeln!(w, "export const FILE_EXTENSIONS: Readonly<Record<string, Language | 'binary'>> = {{");
    for (ext, kind) in EXTENSIONS {
        let what = match kind {
            FileKind::Script(l) => l.name(),
            FileKind::Binary => "binary",
        };
        let _ = writeln!(w, "  '{ext}': '{what}',");
    }
    let _ = writeln!(w, "}}\n");
    let _ = writeln!(w, "/** The extensions of source files (without the dot) and their language: what the CLI's `run <file>` runs as code. */");
    let _ = writeln!(w, "export const SOURCE_EXTENSIONS: Readonly<Record<string, Language>> = {{");
    for (ext, language) in SOURCE_EXTENSIONS {
        let _ = writeln!(w, "  '{ext}': '{}',", language.name());
    }
    let _ = writeln!(w, "}}\n");
    let images: Vec<String> = PythonImage::ALL.iter().map(|i| format!("'{}'", i.name())).collect();
    let _ = writeln!(w, "/** Which image runs Python (`SandboxConfig.pythonImage`): `standard` (CPython and its standard library) or `data` (plus numpy, pandas, scipy, scikit-learn, matplotlib…). */\nexport type PythonImage = {}\n", images.join(" | "));
    let _ = writeln!(w, "/** Every `pythonImage`, in the order they are documented. */\nexport const PYTHON_IMAGES: readonly PythonImage[] = [{}]\n", images.join(", "));
    let limits: [(&str, &str, f64); 24] = [
        ("MAX_CODE_BYTES", "The largest code one run carries, in bytes (UTF-8).", crate::guest::engine::MAX_CALL_BYTES as f64),
        ("DEFAULT_TIMEOUT_MS", "Time limit of one run when none is given, in milliseconds.", config::DEFAULT_TIMEOUT.as_millis() as f64),
        ("MAX_TIMEOUT_MS", "The largest `timeoutMs` accepted.", config::MAX_TIMEOUT_MS),
        ("SANDBOX_DEFAULT_MAX_OUTPUT_BYTES", "Output a `NanvixSandbox` run keeps per stream when `maxOutputBytes` is not given.", config::DEFAULT_MAX_OUTPUT_BYTES as f64),
        ("DEFAULT_MAX_OUTPUT_BYTES", "Output the code-execution tool keeps per call when `maxOutputBytes` is not given (beginning and end): about 25,000 tokens for a model to read.", config::TOOL_DEFAULT_MAX_OUTPUT_BYTES as f64),
        ("MAX_OUTPUT_BYTES", "The largest `maxOutputBytes` accepted.", config::MAX_OUTPUT_BYTES_LIMIT),
        ("MIN_MEMORY_MB", "The smallest `memoryMb` accepted.", config::MEMORY_MB_RANGE.0),
        ("MAX_MEMORY_MB", "The largest `memoryMb` accepted.", config::MEMORY_MB_RANGE.1),
        ("MAX_CONCURRENCY", "The largest `maxConcurrency` accepted.", config::MAX_CONCURRENCY as f64),
        ("MAX_POOL_SIZE", "The largest `poolSize` accepted.", crate::guest::pool::MAX_POOL_SIZE as f64),
        ("DATA_IMAGE_MEMORY_MB", "Guest memory in MiB of the data Python image when `memoryMb` is not given.", crate::guest::images::DATA_IMAGE_MEMORY_MB as f64),
        ("MAX_IMAGES", "The most images one run hands back (`images`); past it the run is reported `truncated`.", crate::lang::rich::MAX_IMAGES as f64),
        ("MAX_IMAGE_BYTES", "The most bytes of images one run hands back, together; past it the run is reported `truncated`.", crate::lang::rich::MAX_IMAGE_BYTES as f64),
        ("DEFAULT_MAX_TOOL_CALLS", "How many tool calls one run may make when `maxToolCalls` is not given.", crate::host::tools::DEFAULT_MAX_TOOL_CALLS as f64),
        ("MAX_TOOL_CALLS", "The largest `maxToolCalls` accepted.", crate::host::tools::MAX_TOOL_CALLS_LIMIT as f64),
        ("DEFAULT_MAX_TOOL_BYTES", "How many bytes may cross between one run and its tools (arguments and results) when `maxToolBytes` is not given.", crate::host::tools::DEFAULT_MAX_TOOL_BYTES as f64),
        ("MAX_TOOL_BYTES", "The largest `maxToolBytes` accepted.", crate::host::tools::MAX_TOOL_BYTES_LIMIT as f64),
        ("MAX_FETCH_BYTES", "The largest request body and the largest response body (decoded) one `fetch` from the JavaScript guest carries, in bytes.", crate::host::fetch::MAX_FETCH_BYTES as f64),
        ("MAX_VALUE_BYTES", "The most bytes of a run's `value` (the repr of its last expression) kept; the rest is replaced by a note of how much was left out.", crate::lang::rich::MAX_VALUE_BYTES as f64),
        ("DEFAULT_MAX_SOCKETS", "How many host sockets one guest may hold at once when `network.maxSockets` is not given; past it the guest gets EMFILE.", crate::host::sockets::DEFAULT_MAX_SOCKETS as f64),
        ("MAX_SOCKETS", "The largest `network.maxSockets` accepted.", crate::host::sockets::MAX_SOCKETS_LIMIT as f64),
        ("MAX_EXPOSED_PORTS", "The most ports `network.expose` may list.", crate::host::sockets::MAX_EXPOSED_PORTS as f64),
        ("SOCKET_BUFFER_BYTES", "The send and receive buffer size of each guest socket on the host, and the most a guest may set, in bytes.", crate::host::sockets::SOCKET_BUFFER_BYTES as f64),
        ("MAX_LISTEN_BACKLOG", "The most pending connections an exposed port queues.", crate::host::sockets::MAX_LISTEN_BACKLOG as f64),
    ];
    for (name, doc, value) in limits {
        let _ = writeln!(w, "/** {doc} */\nexport const {name} = {value}\n");
    }
    let _ = writeln!(
        w,
        "/** Where warm snapshots go when `snapshotDirectory` is not given, as the help text says it. */\nexport const DEFAULT_SNAPSHOT_DIRECTORY = {}\n",
        quoted(crate::guest::snapshot_cache::DEFAULT_DIRECTORY_TEXT)
    );
    let _ = writeln!(
        w,
        "/** What is put where output was left out (beginning and end kept), `{{omitted}}` standing for how many bytes. */\nexport const OMISSION_MARKER = {}\n",
        quoted(crate::guest::capture::OMISSION_MARKER)
    );
    let _ = writeln!(w, "/** The stable codes of failures that keep a program from running (`WorkloadResult.errorCode`), each with when it is given. */");
    let _ = writeln!(w, "export const SANDBOX_ERROR_CODES = {{");
    for code in ErrorCode::SANDBOX {
        let _ = writeln!(w, "  {}: {},", code.as_str(), quoted(code.description()));
    }
    let _ = writeln!(w, "}} as const\n");
    let _ = writeln!(w, "/** One of {{@link SANDBOX_ERROR_CODES}}. */\nexport type SandboxErrorCode = keyof typeof SANDBOX_ERROR_CODES\n");
    let _ = writeln!(w, "/** Every stable error code of every layer, by name: the sandbox's, the code-execution tool's (`ExecutionResult.error.code`), the guests' refusals and what the package throws. */");
    let _ = writeln!(w, "export const ERROR_CODES = {{");
    for code in ErrorCode::ALL {
        let _ = writeln!(w, "  /** {} */\n  {}: '{}',", code.description(), code.name(), code.as_str());
    }
    let _ = writeln!(w, "}} as const\n");
    let _ = writeln!(w, "/** One of {{@link ERROR_CODES}}. */\nexport type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES]\n");
    let _ = writeln!(w, "/** The codes of the code-execution tool's results (`ExecutionResult.error.code`), by name: the sandbox's, passed through, and the tool's own. */");
    let _ = writeln!(w, "export const EXECUTION_ERROR_CODES = {{");
    for code in ErrorCode::EXECUTION {
        let _ = writeln!(w, "  /** {} */\n  {}: '{}',", code.description(), code.name(), code.as_str());
    }
    let _ = writeln!(w, "}} as const\n");
    let keywords: Vec<String> = tools::PYTHON_KEYWORDS.iter().map(|k| quoted(k)).collect();
    let _ = writeln!(w, "/** Python's keywords: not usable as keyword-argument names nor as a tool's name. */\nexport const PYTHON_KEYWORDS: readonly string[] = [{}]\n", keywords.join(", "));
    let reserved: Vec<String> = tools::reserved_tool_names().map(quoted).collect();
    let _ = writeln!(w, "/** The identifiers that cannot be a tool's name: Python's keywords and `then` (JavaScript would take `tools` for a promise). */\nexport const RESERVED_TOOL_NAMES: readonly string[] = [{}]\n", reserved.join(", "));
    let _ = writeln!(w, "/** What a tool's name must match (besides not being one of {{@link RESERVED_TOOL_NAMES}}): an identifier of ASCII letters, digits and `_`, not starting with a digit or `__`. */\nexport const TOOL_NAME_PATTERN = /{}/\n", tools::TOOL_NAME_PATTERN);
    let _ = writeln!(w, "/** What a tool's name must be, in words (the end of the error for one that is not). */\nexport const TOOL_NAME_RULE = {}\n", quoted(tools::TOOL_NAME_RULE));
    let (valid, invalid) = tools::TOOL_NAME_EXAMPLES;
    let list = |names: &[&str]| names.iter().map(|n| quoted(n)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(w, "/** Names the rule takes and names it refuses: what the Rust and the TypeScript tests both check. */\nexport const TOOL_NAME_EXAMPLES = {{ valid: [{}], invalid: [{}] }} as const\n", list(valid), list(invalid));
    let _ = writeln!(w, "/** The host functions every guest may call (crates/sandbox/src/host/host_calls.rs). */\nexport const HOST_FUNCTIONS = {{");
    for (name, function) in host_functions() {
        let _ = writeln!(w, "  {name}: {},", quoted(function));
    }
    let _ = writeln!(w, "}} as const\n");
    let _ = writeln!(w, "/** The most bytes one host call carries from a guest (hyperlight-unikraft's buffers); a reply carries one byte less. */\nexport const HOST_CALL_MAX = {}\n", host_calls::HOST_CALL_MAX);
    let _ = writeln!(w, "/** The most bytes one piece of a long host-call reply takes, JSON-escaped. */\nexport const HOST_CALL_PIECE_MAX = {}\n", host_calls::PIECE_MAX);
    let _ = writeln!(w, "/** The most characters of an argument a guest sends inline or in one upload piece. */\nexport const UPLOAD_PIECE_CHARS = {}\n", host_calls::UPLOAD_PIECE_CHARS);
    let _ = writeln!(w, "/** The most text a run may have uploaded for one call, in bytes. */\nexport const UPLOAD_MAX = {}\n", host_calls::UPLOAD_MAX);
    let _ = writeln!(w, "/** The range of every whole-number option, by name: what the core checks, and the tool before it. */");
    let _ = writeln!(w, "export const CONFIG_RANGES = {{");
    for (field, min, max) in config::RANGES {
        let _ = writeln!(w, "  '{field}': {{ min: {min}, max: {max} }},");
    }
    // The tool's own `maxCodeBytes` (the core has no such option): at most what one run carries.
    let _ = writeln!(w, "  'maxCodeBytes': {{ min: 1, max: {} }},", crate::guest::engine::MAX_CALL_BYTES);
    let _ = writeln!(w, "}} as const\n");
    let _ = writeln!(w, "/** The name of a whole-number option with a range in {{@link CONFIG_RANGES}}. */\nexport type ConfigField = keyof typeof CONFIG_RANGES\n");
    let _ = writeln!(w, "/** The message of a value out of its range, with `{{field}}`, `{{min}}`, `{{max}}` and `{{value}}` to fill in. */\nexport const OUT_OF_RANGE_MESSAGE = {}", quoted(config::OUT_OF_RANGE_MESSAGE));
    ts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_modules_are_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut stale = Vec::new();
        for (module, want) in [(TYPESCRIPT_MODULE, typescript()), (JAVASCRIPT_GUEST_MODULE, javascript_guest()), (PYTHON_GUEST_MODULE, python_guest())] {
            let path = root.join(module);
            if std::env::var_os("LCI_UPDATE_GENERATED").is_some() {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &want).unwrap();
            }
            if std::fs::read_to_string(&path).unwrap_or_default() != want {
                stale.push(module);
            }
        }
        assert!(
            stale.is_empty(),
            "{stale:?} stale: regenerate with `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated` and commit"
        );
    }

    #[test]
    fn every_error_code_is_listed_once() {
        let mut codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
    }
}
