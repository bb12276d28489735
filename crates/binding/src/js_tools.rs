//! Code mode's JavaScript side: the `tools` of a run (`{ name: async (args) => result }`) as the core's
//! [`ToolHandler`]. Each tool is wrapped, on the JavaScript thread, in a function that parses the guest's
//! arguments, awaits the tool and serialises its result, and is called from the thread that drives the
//! guest through a threadsafe function; that thread waits for the answer while the event loop goes on,
//! and gives up when the run must stop.

use std::collections::HashMap;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use lci_sandbox::tools::{ToolHandler, Tools};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

/// How often a waiting call looks whether its run must stop.
const STOP_POLL: Duration = Duration::from_millis(20);

/// Wraps a tool: `(argsJson) => Promise<resultJson>`; a result JSON cannot carry is an error.
const WRAPPER: &str = r#"(tool) => async (argsJson) => {
  const result = await tool(JSON.parse(argsJson))
  if (result === undefined) return 'null'
  const text = JSON.stringify(result)
  if (text === undefined) throw new TypeError('the tool returned a value JSON cannot carry')
  return text
}"#;

type ToolFn = ThreadsafeFunction<String, Promise<String>, String, Status, false>;

/// A run's tools, callable from any thread.
pub struct JsTools {
  functions: HashMap<String, Arc<ToolFn>>,
}

impl ToolHandler for JsTools {
  fn call(&self, name: &str, args: &str, stopped: &dyn Fn() -> bool) -> std::result::Result<String, String> {
    let function = self.functions.get(name).ok_or_else(|| format!("no tool {name:?}"))?.clone();
    let (tx, rx) = mpsc::channel::<std::result::Result<String, String>>();
    let status = function.call_with_return_value(args.to_string(), ThreadsafeFunctionCallMode::NonBlocking, move |promise: Result<Promise<String>>, _env| {
      match promise {
        Ok(promise) => {
          napi::bindgen_prelude::spawn(async move {
            let _ = tx.send(promise.await.map_err(|e| e.reason.clone()));
          });
        }
        Err(e) => {
          let _ = tx.send(Err(e.reason.clone()));
        }
      }
      Ok(())
    });
    if status != Status::Ok {
      return Err(format!("the tool {name:?} could not be called ({status})"));
    }
    loop {
      match rx.recv_timeout(STOP_POLL) {
        Ok(answer) => return answer.map_err(|reason| format!("the tool {name:?} failed: {reason}")),
        Err(mpsc::RecvTimeoutError::Timeout) if stopped() => return Err("the run was stopped while a tool was running".into()),
        Err(mpsc::RecvTimeoutError::Timeout) => {}
        Err(mpsc::RecvTimeoutError::Disconnected) => return Err(format!("the tool {name:?} gave no answer")),
      }
    }
  }
}

/// The core's [`Tools`] for `tools` (an object of functions), or a message for the `TypeError`.
pub fn parse_tools(env: &Env, tools: &Object) -> std::result::Result<Tools, String> {
  let wrap: Function<Function<String, Promise<String>>, Function<String, Promise<String>>> =
    env.run_script(WRAPPER).map_err(|e| e.to_string())?;
  let mut functions = HashMap::new();
  for name in Object::keys(tools).map_err(|e| e.to_string())? {
    if !Tools::valid_name(&name) {
      return Err(format!("options.tools: {name:?} is not a valid tool name (an identifier: letters, digits, _ or $)"));
    }
    let tool: Function<String, Promise<String>> = tools
      .get(&name)
      .ok()
      .flatten()
      .ok_or_else(|| format!("options.tools.{name} must be a function"))?;
    let wrapped = wrap.call(tool).map_err(|e| e.to_string())?;
    let tsfn = wrapped.build_threadsafe_function::<String>().build().map_err(|e| e.to_string())?;
    functions.insert(name, Arc::new(tsfn));
  }
  let names = functions.keys().cloned().collect();
  Ok(Tools::new(names, Arc::new(JsTools { functions })))
}
