//! Code mode: the caller's tools, callable from the guest (`await tools.lookup({ id: 7 })` in JavaScript,
//! `tools.lookup(id=7)` in Python). Every guest has one host function, [`HOST_FUNCTION`], registered with
//! the engine; a call reaches the tools of the run the calling thread drives (the thread that drives a
//! guest is the one its host-function calls arrive on), so one snapshot serves runs with different tools
//! and parallel runs never see each other's. A call waits for the tool while only its guest waits; the
//! run's time limit and its cancellation end the wait.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::watchdog::StopSwitch;

/// The host function the guests' `tools` object calls, with the tool's name and its argument object.
pub const HOST_FUNCTION: &str = "lci.tool";
/// How many tool calls one run may make when no limit is given.
pub const DEFAULT_MAX_TOOL_CALLS: usize = 10_000;
/// How many bytes may cross between guest and tools in one run (arguments and results) when no limit is
/// given.
pub const DEFAULT_MAX_TOOL_BYTES: usize = 64 * 1024 * 1024;

/// What runs a tool: the embedder's side (the napi binding calls into JavaScript).
pub trait ToolHandler: Send + Sync {
    /// Runs the tool `name` with `args` (JSON text of an object) and returns its result as JSON text, or
    /// a message for the guest's exception. It must give up, with an error, once `stopped()` is true.
    fn call(&self, name: &str, args: &str, stopped: &dyn Fn() -> bool) -> Result<String, String>;
}

/// The tools of one run and their limits.
pub struct Tools {
    handler: Arc<dyn ToolHandler>,
    names: Vec<String>,
    max_calls: usize,
    max_bytes: usize,
}

impl Tools {
    /// `names` served by `handler`, with the default limits.
    pub fn new(names: Vec<String>, handler: Arc<dyn ToolHandler>) -> Tools {
        Tools { handler, names, max_calls: DEFAULT_MAX_TOOL_CALLS, max_bytes: DEFAULT_MAX_TOOL_BYTES }
    }

    /// With other limits on calls and bytes crossing.
    pub fn with_limits(mut self, max_calls: usize, max_bytes: usize) -> Tools {
        self.max_calls = max_calls;
        self.max_bytes = max_bytes;
        self
    }

    /// Whether `name` can be a tool's name in both guests: an identifier (letters, digits, `_`, `$`, not
    /// starting with a digit).
    pub fn valid_name(name: &str) -> bool {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    }
}

impl std::fmt::Debug for Tools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tools").field("names", &self.names).field("max_calls", &self.max_calls).field("max_bytes", &self.max_bytes).finish()
    }
}

/// One tool call a run made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// The tool.
    pub name: String,
    /// Whether it returned a result (not an error, a refusal or a stop).
    pub ok: bool,
    /// How long the guest waited for it.
    pub duration: Duration,
}

/// The run this thread drives: its tools, how to tell it must stop, and what it has called.
struct Active {
    tools: Arc<Tools>,
    switch: StopSwitch,
    deadline: Instant,
    calls: Vec<ToolCall>,
    bytes: usize,
}

thread_local! {
    static ACTIVE: RefCell<Option<Active>> = const { RefCell::new(None) };
}

/// Makes `tools` the tools of the run this thread drives until it is finished (or dropped).
pub struct ToolGuard(());

impl ToolGuard {
    /// Installs `tools` (or none: every call is refused) for a run that stops at `deadline` or when
    /// `switch` is thrown.
    pub fn install(tools: Option<Arc<Tools>>, switch: StopSwitch, deadline: Instant) -> ToolGuard {
        ACTIVE.with(|a| {
            *a.borrow_mut() = tools.map(|tools| Active { tools, switch, deadline, calls: Vec::new(), bytes: 0 });
        });
        ToolGuard(())
    }

    /// The calls the run made, in order; the tools are uninstalled.
    pub fn finish(self) -> Vec<ToolCall> {
        ACTIVE.with(|a| a.borrow_mut().take()).map(|a| a.calls).unwrap_or_default()
    }
}

impl Drop for ToolGuard {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.borrow_mut().take());
    }
}

/// The host function every guest calls (`[name, args]` as JSON): runs the tool of the run this thread
/// drives, within its limits.
pub fn host_function(call: &str) -> Result<String, String> {
    let (name, args) = match serde_json::from_str::<Value>(call) {
        Ok(Value::Array(a)) if a.len() == 2 && a[0].is_string() => (a[0].as_str().unwrap_or_default().to_string(), a[1].clone()),
        _ => return Err("a tool call is tools.NAME(args): the call could not be read".into()),
    };
    ACTIVE.with(|active| {
        let mut active = active.borrow_mut();
        let Some(run) = active.as_mut() else {
            return Err(format!("no tool {name:?}: this run was given no tools"));
        };
        if !run.tools.names.iter().any(|n| *n == name) {
            let known = if run.tools.names.is_empty() { "none".to_string() } else { run.tools.names.join(", ") };
            return Err(format!("no tool {name:?}: this run's tools are {known}"));
        }
        if run.calls.len() >= run.tools.max_calls {
            return Err(format!("ERR_TOOL_LIMIT: this run may make at most {} tool calls", run.tools.max_calls));
        }
        let args = if args.is_null() { "{}".to_string() } else { args.to_string() };
        run.bytes += args.len();
        if run.bytes > run.tools.max_bytes {
            return Err(format!("ERR_TOOL_LIMIT: at most {} bytes may cross between this run and its tools", run.tools.max_bytes));
        }
        let started = Instant::now();
        let (switch, deadline) = (run.switch.clone(), run.deadline);
        let stopped = move || switch.reason().is_some() || Instant::now() >= deadline;
        let mut result = run.tools.handler.call(&name, &args, &stopped);
        if let Ok(text) = &result {
            run.bytes += text.len();
            if run.bytes > run.tools.max_bytes {
                result = Err(format!("ERR_TOOL_LIMIT: at most {} bytes may cross between this run and its tools", run.tools.max_bytes));
            }
        }
        run.calls.push(ToolCall { name, ok: result.is_ok(), duration: started.elapsed() });
        result
    })
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

    fn install(limits: Option<(usize, usize)>) -> ToolGuard {
        let mut tools = Tools::new(vec!["echo".into(), "fails".into()], Arc::new(Echo));
        if let Some((calls, bytes)) = limits {
            tools = tools.with_limits(calls, bytes);
        }
        ToolGuard::install(Some(Arc::new(tools)), StopSwitch::default(), Instant::now() + Duration::from_secs(60))
    }

    #[test]
    fn a_call_reaches_the_runs_tool_and_is_recorded() {
        let guard = install(None);
        assert_eq!(host_function(r#"["echo", {"city": "Paris"}]"#).unwrap(), r#"{"tool":"echo","args":{"city":"Paris"}}"#);
        assert_eq!(host_function(r#"["fails", {}]"#).unwrap_err(), "it failed");
        let calls = guard.finish();
        assert_eq!(calls.iter().map(|c| (c.name.as_str(), c.ok)).collect::<Vec<_>>(), [("echo", true), ("fails", false)]);
    }

    #[test]
    fn an_unknown_tool_or_a_run_without_tools_is_refused_by_name() {
        let guard = install(None);
        let e = host_function(r#"["nope", {}]"#).unwrap_err();
        assert!(e.contains("\"nope\"") && e.contains("echo, fails"), "{e}");
        drop(guard);
        assert!(host_function(r#"["echo", {}]"#).unwrap_err().contains("given no tools"));
    }

    #[test]
    fn past_the_limits_calls_are_refused_with_err_tool_limit() {
        let guard = install(Some((2, 1_000)));
        host_function(r#"["echo", {}]"#).unwrap();
        host_function(r#"["echo", {}]"#).unwrap();
        assert!(host_function(r#"["echo", {}]"#).unwrap_err().starts_with("ERR_TOOL_LIMIT"));
        drop(guard);
        let _guard = install(Some((100, 40)));
        let big = format!(r#"["echo", {{"s": "{}"}}]"#, "x".repeat(50));
        assert!(host_function(&big).unwrap_err().starts_with("ERR_TOOL_LIMIT"));
    }

    #[test]
    fn tool_names_must_be_identifiers() {
        for ok in ["lookup", "get_weather", "$x", "_a1"] {
            assert!(Tools::valid_name(ok), "{ok}");
        }
        for bad in ["", "1a", "a-b", "a.b", "a b", "ü"] {
            assert!(!Tools::valid_name(bad), "{bad}");
        }
    }
}
