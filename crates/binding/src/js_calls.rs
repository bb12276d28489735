//! Calling JavaScript from the thread that drives a guest: an async function of one JSON text,
//! called through a (weak: it never keeps Node alive) threadsafe function, whose promise the calling
//! thread waits for while the event loop goes on, giving up when its run must stop.

use std::sync::mpsc;
use std::time::Duration;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};

/// How often a waiting call looks whether its run must stop.
const STOP_POLL: Duration = Duration::from_millis(20);

/// `(text) => Promise<string>`, callable from any thread.
pub type AsyncJsFn = ThreadsafeFunction<String, Promise<String>, String, Status, false, true>;
/// `(text) => void`, callable from any thread.
pub type JsFn = ThreadsafeFunction<String, (), String, Status, false, true>;

/// Why a call gave no result.
pub enum CallError {
  /// The function threw or its promise rejected: the reason.
  Failed(String),
  /// The run had to stop first.
  Stopped,
}

/// `function` as an [`AsyncJsFn`].
pub fn async_fn(function: Function<String, Promise<String>>) -> Result<AsyncJsFn> {
  function.build_threadsafe_function::<String>().weak::<true>().build()
}

/// `function` as a [`JsFn`].
pub fn plain_fn(function: Function<String, ()>) -> Result<JsFn> {
  function.build_threadsafe_function::<String>().weak::<true>().build()
}

/// Calls `function` with `arg` and waits for its promise, or until `stopped()`.
pub fn call_and_wait(function: &AsyncJsFn, arg: String, stopped: &dyn Fn() -> bool) -> std::result::Result<String, CallError> {
  let (tx, rx) = mpsc::channel::<std::result::Result<String, String>>();
  let status = function.call_with_return_value(arg, ThreadsafeFunctionCallMode::NonBlocking, move |promise: Result<Promise<String>>, _env| {
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
    return Err(CallError::Failed(format!("it could not be called ({status})")));
  }
  loop {
    match rx.recv_timeout(STOP_POLL) {
      Ok(answer) => return answer.map_err(CallError::Failed),
      Err(mpsc::RecvTimeoutError::Timeout) if stopped() => return Err(CallError::Stopped),
      Err(mpsc::RecvTimeoutError::Timeout) => {}
      Err(mpsc::RecvTimeoutError::Disconnected) => return Err(CallError::Failed("it gave no answer".into())),
    }
  }
}
