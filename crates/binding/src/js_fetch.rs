//! The JavaScript guest's `fetch`, made by Node: `js/fetch.js` carries out each exchange the core
//! has admitted (crates/sandbox/src/host/fetch.rs), connecting only to the addresses the core checked.

use lci_sandbox::fetch::{FetchHandler, Incoming, Outgoing};
use napi::bindgen_prelude::*;

use crate::js_calls::{async_fn, call_and_wait, AsyncJsFn, CallError};

/// `(requestJson) => Promise<responseJson>`.
const EXCHANGE: &str = include_str!("js/fetch.js");

/// Node's side of a sandbox's `fetch`, callable from any thread.
pub struct NodeFetch {
  exchange: AsyncJsFn,
}

impl NodeFetch {
  /// Made on the JavaScript thread, once per sandbox whose network is open. Needs Node's
  /// `process.getBuiltinModule` (Node 20.16 and later).
  pub fn new(env: &Env) -> Result<NodeFetch> {
    let exchange: Function<String, Promise<String>> = env.run_script(EXCHANGE)?;
    Ok(NodeFetch { exchange: async_fn(exchange)? })
  }
}

impl FetchHandler for NodeFetch {
  fn send(&self, request: &Outgoing, stopped: &dyn Fn() -> bool) -> std::result::Result<Incoming, String> {
    match call_and_wait(&self.exchange, request.to_json(), stopped) {
      Ok(text) => Incoming::from_json(&text),
      Err(CallError::Failed(reason)) => Err(reason),
      Err(CallError::Stopped) => Err("the run was stopped".into()),
    }
  }
}
