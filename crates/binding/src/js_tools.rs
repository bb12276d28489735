//! Code mode's JavaScript side: the tools of a run — the sandbox's `tools` and the run's own — as the
//! core's [`ToolHandler`]. They are gathered on the JavaScript thread by `js/tools.js`, which also
//! gives each call an AbortSignal that aborts when the run stops while the tool runs.

use std::sync::Arc;

use lci_sandbox::tools::{ToolHandler, Tools};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;

use crate::js_calls::{async_fn, call_and_wait, plain_fn, AsyncJsFn, CallError, JsFn};

/// `(sandboxTools, runTools) => { names, call(callJson), abort(reason) }`.
const GATHER: &str = include_str!("js/tools.js");

/// A run's tools, callable from any thread.
struct JsTools {
  call: AsyncJsFn,
  abort: JsFn,
}

impl ToolHandler for JsTools {
  fn call(&self, name: &str, args: &str, stopped: &dyn Fn() -> bool) -> std::result::Result<String, String> {
    let call = format!("{{\"name\":{},\"args\":{args}}}", serde_json::Value::from(name));
    match call_and_wait(&self.call, call, stopped) {
      Ok(result) => Ok(result),
      Err(CallError::Failed(reason)) => Err(format!("the tool {name:?} failed: {reason}")),
      Err(CallError::Stopped) => {
        self.abort.call("the run was stopped".to_string(), ThreadsafeFunctionCallMode::NonBlocking);
        Err("the run was stopped while a tool was running".into())
      }
    }
  }
}

/// The core's [`Tools`] for a run: `sandbox_tools` (the sandbox's, if any) and `run_tools` (the
/// run's), each an object of functions; `None` when neither has any. An `Err` is the message of the
/// `TypeError` to reject or throw with.
pub fn gather_tools(env: &Env, sandbox_tools: Option<&Object>, run_tools: Option<&Object>) -> std::result::Result<Option<Tools>, String> {
  if sandbox_tools.is_none() && run_tools.is_none() {
    return Ok(None);
  }
  let gather: Function<FnArgs<(Option<Object>, Option<Object>)>, Object> = env.run_script(GATHER).map_err(|e| e.to_string())?;
  let gathered = gather.call(FnArgs::from((sandbox_tools.copied(), run_tools.copied()))).map_err(|e| e.reason.clone())?;
  let names: Vec<String> = gathered.get("names").map_err(|e| e.to_string())?.unwrap_or_default();
  if let Some(bad) = names.iter().find(|n| !Tools::valid_name(n)) {
    return Err(Tools::invalid_name_message(bad));
  }
  let call: Function<String, Promise<String>> = gathered.get("call").map_err(|e| e.to_string())?.ok_or("tools: no call")?;
  let abort: Function<String, ()> = gathered.get("abort").map_err(|e| e.to_string())?.ok_or("tools: no abort")?;
  let handler = JsTools { call: async_fn(call).map_err(|e| e.to_string())?, abort: plain_fn(abort).map_err(|e| e.to_string())? };
  Ok(Some(Tools::new(names, Arc::new(handler))))
}
