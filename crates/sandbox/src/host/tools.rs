//! Code mode: the caller's tools, callable from the guest (`await tools.lookup({ id: 7 })` in JavaScript,
//! `tools.lookup(id=7)` in Python). Every guest has one host function, [`HOST_FUNCTION`], registered with
//! the engine; a call reaches the tools of the run the calling thread drives (the thread that drives a
//! guest is the one its host-function calls arrive on), so one snapshot serves runs with different tools
//! and parallel runs never see each other's. A call waits for the tool while only its guest waits; the
//! run's time limit and its cancellation end the wait.

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use crate::error::ErrorCode;
use crate::outcome::ToolCall;

/// The host function the guests' `tools` object calls, with the tool's name and its argument object.
pub const HOST_FUNCTION: &str = "lci.tool";
/// How many tool calls one run may make when no limit is given.
pub const DEFAULT_MAX_TOOL_CALLS: usize = 10_000;
/// How many bytes may cross between guest and tools in one run (arguments and results) when no limit is
/// given.
pub const DEFAULT_MAX_TOOL_BYTES: usize = 64 * 1024 * 1024;
/// The largest `maxToolCalls` accepted.
pub const MAX_TOOL_CALLS_LIMIT: usize = 10_000_000;
/// The largest `maxToolBytes` accepted: 1 GiB.
pub const MAX_TOOL_BYTES_LIMIT: usize = 1024 * 1024 * 1024;

/// What runs a tool: the embedder's side (the napi binding calls into JavaScript).
pub trait ToolHandler: Send + Sync {
    /// Runs the tool `name` with `args` (JSON text of an object) and returns its result as JSON text, or
    /// a message for the guest's exception. It must give up, with an error, once `stopped()` is true.
    fn call(&self, name: &str, args: &str, stopped: &dyn Fn() -> bool) -> Result<String, String>;
}

/// How much one run may use its tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolLimits {
    /// How many calls it may make.
    pub max_calls: usize,
    /// How many bytes may cross between it and its tools (arguments and results).
    pub max_bytes: usize,
}

impl Default for ToolLimits {
    fn default() -> Self {
        ToolLimits { max_calls: DEFAULT_MAX_TOOL_CALLS, max_bytes: DEFAULT_MAX_TOOL_BYTES }
    }
}

/// The tools of one run.
pub struct Tools {
    handler: Arc<dyn ToolHandler>,
    names: Vec<String>,
}

impl Tools {
    /// `names` served by `handler`.
    pub fn new(names: Vec<String>, handler: Arc<dyn ToolHandler>) -> Tools {
        Tools { handler, names }
    }

    /// The tools' names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether `name` can be a tool's name: an identifier both guests can write after `tools.` —
    /// ASCII letters, digits and `_`, not starting with a digit ([`TOOL_NAME_PATTERN`]); not starting
    /// with `__` (Python's special names); not one of [`reserved_tool_names`] (Python's keywords, which
    /// Python cannot write after `tools.`, and `then`, which would make JavaScript take `tools` for a
    /// promise). The TypeScript side checks the same rule from the generated facts.
    pub fn valid_name(name: &str) -> bool {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with("__")
            && !reserved_tool_names().any(|r| r == name)
    }

    /// Why `name` (refused by [`Tools::valid_name`]) cannot be a tool's name, as the error says it.
    pub fn invalid_name_message(name: &str) -> String {
        format!("tools: {name:?} is not a valid tool name: the code calls it as tools.NAME in JavaScript and Python, so it must be {TOOL_NAME_RULE}")
    }
}

/// [`Tools::valid_name`]'s rule in words, for error messages (generated for TypeScript's too).
pub const TOOL_NAME_RULE: &str = "an identifier (ASCII letters, digits and _, not starting with a digit or __, not a Python keyword, not then)";

/// [`Tools::valid_name`]'s character rule as a regular expression (JavaScript's syntax), for the
/// TypeScript side; [`reserved_tool_names`] are refused besides.
pub const TOOL_NAME_PATTERN: &str = "^(?!__)[A-Za-z_][A-Za-z0-9_]*$";

/// Python's keywords: not usable as a tool's name (Python cannot write `tools.class`) nor as a keyword
/// argument's.
pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
    "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield",
];

/// The one identifier besides [`PYTHON_KEYWORDS`] that cannot be a tool's name: JavaScript would take
/// a `tools` object with a `then` for a promise.
pub const THEN: &str = "then";

/// Every identifier that cannot be a tool's name: [`PYTHON_KEYWORDS`] and [`THEN`].
pub fn reserved_tool_names() -> impl Iterator<Item = &'static str> {
    PYTHON_KEYWORDS.iter().copied().chain([THEN])
}

/// Names [`Tools::valid_name`] takes and names it refuses: the examples both sides' tests check their
/// rule against (generated into the TypeScript facts), so the two cannot drift apart.
pub const TOOL_NAME_EXAMPLES: (&[&str], &[&str]) = (
    &["lookup", "getWeather", "get_weather", "_private", "x1", "match", "type"],
    &["", "get-weather", "get.weather", "1st", "a b", "ü", "$x", "class", "None", "lambda", "__init__", "__proto__", "then"],
);

impl std::fmt::Debug for Tools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tools").field("names", &self.names).finish()
    }
}

/// A run's tools and what it has used of them so far.
#[derive(Debug, Default)]
pub struct ToolRun {
    /// Its tools; `None`: every call is refused.
    pub tools: Option<Arc<Tools>>,
    /// How much it may use them.
    pub limits: ToolLimits,
    /// The calls made so far.
    pub calls: Vec<ToolCall>,
    /// The bytes that crossed between the code and its tools so far.
    pub bytes: usize,
}

/// The run a tool call arrives for (on the thread that drives it: [`crate::host::host_calls`]).
pub struct CallingRun<'a> {
    /// Its tools and their use.
    pub tools: &'a mut ToolRun,
    /// The argument it uploaded in pieces since its last call; the call takes it.
    pub upload: &'a mut String,
    /// Whether it must stop now.
    pub stopped: &'a dyn Fn() -> bool,
}

/// The host function every guest calls (`[name, args]` as JSON): runs the tool of `run` (`None`: no run
/// is in progress), within its limits, and returns its result's JSON text.
pub fn host_function(call: &str, run: Option<CallingRun<'_>>) -> Result<String, String> {
    let (name, args) = match serde_json::from_str::<Value>(call) {
        Ok(Value::Array(a)) if (1..=2).contains(&a.len()) && a[0].is_string() => (a[0].as_str().unwrap_or_default().to_string(), a.get(1).cloned()),
        _ => return Err("a tool call is tools.NAME(args): the call could not be read".into()),
    };
    let mut run = run;
    {
        // `[name]` alone: the arguments were uploaded in pieces just before (crate::host::host_calls).
        let uploaded = run.as_mut().map(|r| std::mem::take(r.upload)).unwrap_or_default();
        let args = match args {
            Some(args) => args,
            None => serde_json::from_str(&uploaded).map_err(|_| "the tool's arguments could not be read".to_string())?,
        };
        let Some((run, tools)) = run.and_then(|run| run.tools.tools.clone().map(|tools| (run, tools))) else {
            return Err(format!("no tool {name:?}: this run was given no tools"));
        };
        if !tools.names.iter().any(|n| *n == name) {
            let known = if tools.names.is_empty() { "none".to_string() } else { tools.names.join(", ") };
            return Err(format!("no tool {name:?}: this run's tools are {known}"));
        }
        let limits = run.tools.limits;
        if run.tools.calls.len() >= limits.max_calls {
            return Err(format!("{}: this run may make at most {} tool calls", ErrorCode::ToolLimit, limits.max_calls));
        }
        let too_many_bytes = || format!("{}: at most {} bytes may cross between this run and its tools", ErrorCode::ToolLimit, limits.max_bytes);
        let args = if args.is_null() { "{}".to_string() } else { args.to_string() };
        run.tools.bytes += args.len();
        if run.tools.bytes > limits.max_bytes {
            return Err(too_many_bytes());
        }
        let started = Instant::now();
        let mut result = tools.handler.call(&name, &args, run.stopped);
        if let Ok(text) = &result {
            run.tools.bytes += text.len();
            if run.tools.bytes > limits.max_bytes {
                result = Err(too_many_bytes());
            }
        }
        run.tools.calls.push(ToolCall { name, ok: result.is_ok(), duration: started.elapsed() });
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Echoes its arguments, or fails for the tool named "fails".
    struct Echo;
    impl ToolHandler for Echo {
        fn call(&self, name: &str, args: &str, _: &dyn Fn() -> bool) -> Result<String, String> {
            if name == "fails" {
                Err("it failed".into())
            } else {
                Ok(format!("{{\"tool\":{name:?},\"args\":{args}}}"))
            }
        }
    }

    /// A run with the tools `echo` and `fails`, within `limits` (calls, bytes) or the defaults.
    struct Run {
        tools: ToolRun,
        upload: String,
    }

    impl Run {
        fn new(limits: Option<(usize, usize)>) -> Run {
            let tools = Tools::new(vec!["echo".into(), "fails".into()], Arc::new(Echo));
            let limits = limits.map(|(max_calls, max_bytes)| ToolLimits { max_calls, max_bytes }).unwrap_or_default();
            Run { tools: ToolRun { tools: Some(Arc::new(tools)), limits, ..Default::default() }, upload: String::new() }
        }

        fn call(&mut self, call: &str) -> Result<String, String> {
            host_function(call, Some(CallingRun { tools: &mut self.tools, upload: &mut self.upload, stopped: &|| false }))
        }
    }

    #[test]
    fn a_call_reaches_the_runs_tool_and_is_recorded() {
        let mut run = Run::new(None);
        assert_eq!(run.call(r#"["echo", {"city": "Paris"}]"#).unwrap(), r#"{"tool":"echo","args":{"city":"Paris"}}"#);
        assert_eq!(run.call(r#"["fails", {}]"#).unwrap_err(), "it failed");
        let calls = &run.tools.calls;
        assert_eq!(calls.iter().map(|c| (c.name.as_str(), c.ok)).collect::<Vec<_>>(), [("echo", true), ("fails", false)]);
    }

    #[test]
    fn arguments_uploaded_in_pieces_reach_the_tool() {
        let mut run = Run::new(None);
        run.upload.push_str(r#"{"city": "Paris"}"#);
        assert_eq!(run.call(r#"["echo"]"#).unwrap(), r#"{"tool":"echo","args":{"city":"Paris"}}"#);
        assert!(run.upload.is_empty(), "the call took the upload");
    }

    #[test]
    fn an_unknown_tool_or_a_run_without_tools_is_refused_by_name() {
        let mut run = Run::new(None);
        let e = run.call(r#"["nope", {}]"#).unwrap_err();
        assert!(e.contains("\"nope\"") && e.contains("echo, fails"), "{e}");
        assert!(host_function(r#"["echo", {}]"#, None).unwrap_err().contains("given no tools"));
    }

    #[test]
    fn past_the_limits_calls_are_refused_with_err_tool_limit() {
        let mut run = Run::new(Some((2, 1_000)));
        run.call(r#"["echo", {}]"#).unwrap();
        run.call(r#"["echo", {}]"#).unwrap();
        assert!(run.call(r#"["echo", {}]"#).unwrap_err().starts_with(ErrorCode::ToolLimit.as_str()));
        let mut run = Run::new(Some((100, 40)));
        let big = format!(r#"["echo", {{"s": "{}"}}]"#, "x".repeat(50));
        assert!(run.call(&big).unwrap_err().starts_with(ErrorCode::ToolLimit.as_str()));
    }

    #[test]
    fn tool_names_follow_the_one_rule_both_sides_check() {
        let (valid, invalid) = TOOL_NAME_EXAMPLES;
        for ok in valid {
            assert!(Tools::valid_name(ok), "{ok}");
        }
        for bad in invalid {
            assert!(!Tools::valid_name(bad), "{bad}");
        }
        for reserved in reserved_tool_names() {
            assert!(!Tools::valid_name(reserved), "{reserved}");
        }
    }
}
