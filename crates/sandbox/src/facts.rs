//! The facts every layer must agree on — languages and their aliases, file extensions, limits and
//! error codes — written out as a TypeScript module (`src/generated/core-facts.ts`), so the tool,
//! the CLI, the MCP server and `NanvixSandbox` take them from here and cannot disagree. The module
//! is committed; [`tests::the_generated_typescript_is_current`] fails when it is stale and rewrites
//! it with `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated`.

use std::fmt::Write;

use crate::config;
use crate::error::ErrorCode;
use crate::guest::images::PythonImage;
use crate::lang::language::{FileKind, Language, ALIASES, EXTENSIONS, SOURCE_EXTENSIONS};

/// Where the module lives, from the repository's root.
pub const TYPESCRIPT_MODULE: &str = "src/generated/core-facts.ts";

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
        "/** Where warm snapshots go when `snapshotDirectory` is not given, as the help text says it. */\nexport const DEFAULT_SNAPSHOT_DIRECTORY = '{}'\n",
        crate::guest::snapshot_cache::DEFAULT_DIRECTORY_TEXT
    );
    let _ = writeln!(w, "/** The stable codes of failures that keep a program from running (`WorkloadResult.errorCode`), each with when it is given. */");
    let _ = writeln!(w, "export const SANDBOX_ERROR_CODES = {{");
    for code in ErrorCode::ALL {
        let _ = writeln!(w, "  {}: '{}',", code.as_str(), code.description().replace('\'', "\\'"));
    }
    let _ = writeln!(w, "}} as const\n");
    let _ = writeln!(w, "/** One of {{@link SANDBOX_ERROR_CODES}}. */\nexport type SandboxErrorCode = keyof typeof SANDBOX_ERROR_CODES");
    ts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_typescript_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(TYPESCRIPT_MODULE);
        let want = typescript();
        if std::env::var_os("LCI_UPDATE_GENERATED").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{TYPESCRIPT_MODULE} is stale: regenerate it with `LCI_UPDATE_GENERATED=1 cargo test -p lci-sandbox generated` and commit it"
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
