//! The options of one run as JavaScript gives them: `{ files, outputDirectory, signal }`. An
//! `AbortSignal` cannot cross into Rust, so its `abort` event is wired here, on the JavaScript
//! thread, to the run's stop switch.

use std::path::PathBuf;

use lci_sandbox::{RunOptions, StopReason, StopSwitch};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// What a run is given besides its code. Every field is optional.
// Only its TypeScript interface is used: the options are read field by field in
// `parse_run_options`, since an AbortSignal has to be handled on the JavaScript thread.
#[allow(dead_code)]
#[napi(object, object_to_js = false, js_name = "RunOptions")]
pub struct RunOptionsShape {
  /// Files the program can read under `/input` (read-only), by relative path: text or bytes.
  /// A path that would leave the directory (`../x`) is refused with `ERR_INVALID_PATH`.
  #[napi(ts_type = "Record<string, string | Uint8Array>")]
  pub files: Option<()>,
  /// A host directory where the files the program writes under `/output` are also saved (they are
  /// always returned in `WorkloadResult.files`).
  pub output_directory: Option<String>,
  /// Aborting it stops the run (its micro-VM is interrupted); the promise rejects with an
  /// `AbortError`.
  #[napi(ts_type = "AbortSignal")]
  pub signal: Option<()>,
}

/// Reads `options` into the core's [`RunOptions`], wiring `options.signal` to the run's stop switch.
pub fn parse_run_options(env: &Env, options: Option<Object>) -> Result<RunOptions> {
  let mut out = RunOptions::default();
  let Some(options) = options else { return Ok(out) };
  if let Some(files) = options.get::<Object>("files")? {
    for name in Object::keys(&files)? {
      let content: Either<String, Uint8Array> = files.get(&name)?.ok_or_else(|| Error::from_reason(format!("files[{name:?}] is missing")))?;
      let bytes = match content {
        Either::A(text) => text.into_bytes(),
        Either::B(bytes) => bytes.to_vec(),
      };
      out.files.push((name, bytes));
    }
  }
  out.output_directory = options.get::<String>("outputDirectory")?.map(PathBuf::from);
  if let Some(signal) = options.get::<Object>("signal")? {
    out.switch = watch_signal(env, &signal)?;
  }
  Ok(out)
}

/// A stop switch thrown when `signal` aborts (at once if it already has).
fn watch_signal(env: &Env, signal: &Object) -> Result<StopSwitch> {
  let switch = StopSwitch::default();
  if signal.get::<bool>("aborted")?.unwrap_or(false) {
    switch.stop(StopReason::Cancelled);
    return Ok(switch);
  }
  let on_abort = {
    let switch = switch.clone();
    env.create_function_from_closure::<(), (), _>("abortRun", move |_| {
      switch.stop(StopReason::Cancelled);
      Ok(())
    })?
  };
  let add: Function<FnArgs<(String, Function<(), ()>)>, ()> = signal
    .get("addEventListener")?
    .ok_or_else(|| Error::from_reason("options.signal is not an AbortSignal"))?;
  add.apply(signal, FnArgs::from(("abort".to_string(), on_abort)))?;
  Ok(switch)
}
