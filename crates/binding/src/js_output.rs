//! A run's `onStdout` and `onStderr`: the core's [`OutputSink`] as (weak) threadsafe functions,
//! called without blocking on the JavaScript thread, in order. A callback that throws is reported
//! once on stderr and the run goes on. The run's promise settles only after every chunk sent has
//! been delivered ([`Delivery::settled`]), so a caller that awaits it has seen all of them.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use lci_sandbox::{OutputChunk, OutputSink, OutputStream};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::ThreadsafeFunctionCallMode;
use napi::tokio::sync::Notify;

use crate::js_calls::{plain_fn, JsFn};

/// How many chunks were handed to JavaScript and how many it has been called with.
#[derive(Default)]
pub struct Delivery {
  sent: AtomicUsize,
  done: AtomicUsize,
  progress: Notify,
  /// Whether a callback has thrown (reported once per run).
  threw: AtomicBool,
}

impl Delivery {
  /// Waits until every chunk sent so far has been delivered (call once the run has ended).
  pub async fn settled(&self) {
    while self.done.load(Ordering::SeqCst) < self.sent.load(Ordering::SeqCst) {
      self.progress.notified().await;
    }
  }
}

/// The sink for `on_stdout` and `on_stderr` (either may be absent; `None` when both are), and
/// what [`Delivery::settled`] waits on.
pub fn output_sink(on_stdout: Option<Function<String, ()>>, on_stderr: Option<Function<String, ()>>) -> Result<Option<(OutputSink, Arc<Delivery>)>> {
  if on_stdout.is_none() && on_stderr.is_none() {
    return Ok(None);
  }
  let stdout = on_stdout.map(plain_fn).transpose()?;
  let stderr = on_stderr.map(plain_fn).transpose()?;
  let delivery = Arc::new(Delivery::default());
  let sink = {
    let delivery = delivery.clone();
    OutputSink::new(move |chunk: OutputChunk| {
      let (function, name) = match chunk.stream {
        OutputStream::Stdout => (&stdout, "onStdout"),
        OutputStream::Stderr => (&stderr, "onStderr"),
      };
      if let Some(function) = function {
        deliver(function, name, chunk.text, &delivery);
      }
    })
  };
  Ok(Some((sink, delivery)))
}

/// Calls `function` with `text`, counting it as sent, and as done once it has run (thrown or not).
fn deliver(function: &JsFn, name: &'static str, text: String, delivery: &Arc<Delivery>) {
  delivery.sent.fetch_add(1, Ordering::SeqCst);
  let on_return = {
    let delivery = delivery.clone();
    move |returned: Result<()>, _env: Env| {
      if let Err(e) = returned {
        if !delivery.threw.swap(true, Ordering::SeqCst) {
          eprintln!("local-code-interpreter: the run's {name} callback threw (the run goes on; later throws are not reported): {}", e.reason);
        }
      }
      delivery.done.fetch_add(1, Ordering::SeqCst);
      delivery.progress.notify_one();
      Ok(())
    }
  };
  let status = function.call_with_return_value(text, ThreadsafeFunctionCallMode::NonBlocking, on_return);
  if status != Status::Ok {
    // Not queued (the environment is shutting down): nothing to wait for.
    delivery.done.fetch_add(1, Ordering::SeqCst);
    delivery.progress.notify_one();
  }
}
