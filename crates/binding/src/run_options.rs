//! The options of one run as JavaScript gives them: `{ files, stdin, outputDirectory, signal, tools,
//! onStdout, onStderr }`.
//! An `AbortSignal` cannot cross into Rust, so its `abort` event is wired here, on the JavaScript
//! thread, to the run's stop switch, and unwired ([`AbortWatch::release`]) when the run settles, so
//! one long-lived signal used for many runs collects no listeners.

use std::path::PathBuf;
use std::sync::Arc;


use lci_sandbox::{RunOptions, StopReason, StopSwitch};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::js_output::{output_sink, Delivery};
use crate::sandbox_tools::SandboxTools;

/// What a run is given besides its code. Every field is optional.
// Only its TypeScript interface is used: the options are read field by field in
// `parse_run_options`, since an AbortSignal has to be handled on the JavaScript thread.
#[allow(dead_code)]
#[napi(object, object_to_js = false, js_name = "RunOptions")]
pub struct RunOptionsShape {
  /// Files the program can read under `/input` (read-only), by relative path: text or bytes.
  /// A path that would leave the directory (`../x`) is refused (`errorCode: 'ERR_INVALID_PATH'`).
  #[napi(ts_type = "Record<string, string | Uint8Array>")]
  pub files: Option<()>,
  /// What the program reads on its standard input, then end of file. Without it, end of file at
  /// once (`input()` raises `EOFError`, `scanf` returns `EOF`). A guest never reads this process's
  /// own stdin.
  #[napi(ts_type = "string | Uint8Array")]
  pub stdin: Option<()>,
  /// A host directory where the files the program writes under `/output` are also saved (they are
  /// always returned in `WorkloadResult.files`).
  pub output_directory: Option<String>,
  /// Aborting it stops the run wherever it is (waiting for a slot, compiling, running); the
  /// promise rejects with an `AbortError`.
  #[napi(ts_type = "AbortSignal")]
  pub signal: Option<()>,
  /// Code mode: functions the code may call, by name (an identifier). Inside the guest they are the
  /// global `tools`: JavaScript `await tools.lookup({ id: 7 })`, Python `tools.lookup(id=7)` (keyword
  /// arguments become the one object; a single dict is passed as is). Each gets that object and may
  /// return a promise; its result crosses as JSON. An unknown tool, a tool that throws and a result
  /// JSON cannot carry are exceptions in the guest. The run's time limit and abort cover the time
  /// spent in tools; `WorkloadResult.toolCalls` lists the calls. The second argument's `signal`
  /// aborts when the run stops (time limit or abort) while the tool runs. They are added to the
  /// sandbox's `SandboxConfig.tools` and win by name.
  #[napi(ts_type = "Record<string, (args: any, context: { signal: AbortSignal }) => unknown>")]
  pub tools: Option<()>,
  /// Called with what the program writes to standard output, as it writes it: chunks in order, each
  /// whole characters, on the JavaScript thread, whenever the program waits (a sleep, a timer, a
  /// tool, input, the network: the guest is not preempted, so what it writes while computing comes
  /// when it next waits or ends); all of it, whatever `maxOutputBytes` keeps for the result, and
  /// every chunk before the run's promise settles. A
  /// callback that throws is reported once on stderr and the run goes on. The engine captures the
  /// transcript and standard error but not standard output alone, so a chunk is exact whenever the
  /// program wrote to one stream only in that step (the common case), or the two split one way
  /// only; when it wrote the same characters to both in one step, which of them were standard
  /// output cannot be known, and this chunk is the step's transcript without its standard error
  /// where that first fits. The result's `output` is always exact.
  #[napi(ts_type = "(chunk: string) => void")]
  pub on_stdout: Option<()>,
  /// Called with what the program writes to standard error, as it writes it: always exact, in
  /// order, otherwise as `onStdout` (a C or C++ compile error's messages come here too).
  #[napi(ts_type = "(chunk: string) => void")]
  pub on_stderr: Option<()>,
}

/// The `abort` listener a run added to its signal, removed again when the run settles.
pub struct AbortWatch {
  signal: ObjectRef<false>,
  listener: FunctionRef<(), ()>,
}

impl AbortWatch {
  /// Removes the listener from the signal (on the JavaScript thread, once the run has settled).
  pub fn release(self, env: &Env) {
    if let Ok(signal) = self.signal.get_value(env) {
      let remove: Option<Function<FnArgs<(String, Function<(), ()>)>, ()>> = signal.get("removeEventListener").ok().flatten();
      if let (Some(remove), Ok(listener)) = (remove, self.listener.borrow_back(env)) {
        let _ = remove.apply(signal, FnArgs::from(("abort".to_string(), listener)));
      }
    }
    let _ = self.signal.unref(env);
  }
}

/// What a run's JavaScript side needs once the run has ended: the abort listener to remove, and the
/// output callbacks to wait for.
#[derive(Default)]
pub struct RunHooks {
  /// `options.signal`'s listener.
  pub watch: Option<AbortWatch>,
  /// `options.onStdout` and `options.onStderr`'s deliveries.
  pub delivery: Option<Arc<Delivery>>,
}

/// Reads `options` into the core's [`RunOptions`], wiring `options.signal` to the run's stop switch,
/// `options.onStdout`/`onStderr` to its output sink, and gathering the run's tools from
/// `sandbox_tools` and `options.tools`. A value of the wrong type is an `Err` with the message of
/// the `TypeError` to reject with.
pub fn parse_run_options(
  env: &Env,
  options: Option<Unknown>,
  sandbox_tools: Option<&SandboxTools>,
) -> std::result::Result<(RunOptions, RunHooks), String> {
  let mut out = RunOptions::default();
  let sandbox_tools = sandbox_tools.map(|t| t.get(env)).transpose().map_err(|e| e.to_string())?;
  let Some(options) = options.filter(|o| !matches!(o.get_type(), Ok(ValueType::Undefined | ValueType::Null))) else {
    out.tools = crate::js_tools::gather_tools(env, sandbox_tools.as_ref(), None)?.map(Arc::new);
    return Ok((out, RunHooks::default()));
  };
  let wrong = |what: &str| format!("options{what}");
  let options: Object = options.coerce_to_object().ok().filter(|_| options.get_type().ok() == Some(ValueType::Object)).ok_or_else(|| wrong(" must be an object"))?;
  if let Some(files) = options.get::<Object>("files").map_err(|_| wrong(".files must be an object of file name to string or Uint8Array"))? {
    for name in Object::keys(&files).map_err(|e| e.to_string())? {
      let content: Either<String, Uint8Array> = files
        .get(&name)
        .ok()
        .flatten()
        .ok_or_else(|| wrong(&format!(".files[{name:?}] must be a string or a Uint8Array")))?;
      out.files.push((name, bytes_of(content)));
    }
  }
  if let Some(stdin) = options.get::<Either<String, Uint8Array>>("stdin").map_err(|_| wrong(".stdin must be a string or a Uint8Array"))? {
    out.stdin = bytes_of(stdin);
  }
  out.output_directory = options.get::<String>("outputDirectory").map_err(|_| wrong(".outputDirectory must be a string"))?.map(PathBuf::from);
  let run_tools = options.get::<Object>("tools").map_err(|_| wrong(".tools must be an object of functions"))?;
  out.tools = crate::js_tools::gather_tools(env, sandbox_tools.as_ref(), run_tools.as_ref())?.map(Arc::new);
  let on_stdout = options.get::<Function<String, ()>>("onStdout").map_err(|_| wrong(".onStdout must be a function"))?;
  let on_stderr = options.get::<Function<String, ()>>("onStderr").map_err(|_| wrong(".onStderr must be a function"))?;
  let mut delivery = None;
  if let Some((sink, d)) = output_sink(on_stdout, on_stderr).map_err(|e| e.to_string())? {
    out.on_output = Some(sink);
    delivery = Some(d);
  }
  let mut watch = None;
  if let Some(signal) = options.get::<Object>("signal").map_err(|_| wrong(".signal must be an AbortSignal"))? {
    let (switch, w) = watch_signal(env, &signal).map_err(|_| wrong(".signal must be an AbortSignal"))?;
    out.switch = switch;
    watch = w;
  }
  Ok((out, RunHooks { watch, delivery }))
}

fn bytes_of(content: Either<String, Uint8Array>) -> Vec<u8> {
  match content {
    Either::A(text) => text.into_bytes(),
    Either::B(bytes) => bytes.to_vec(),
  }
}

/// A stop switch thrown when `signal` aborts (at once if it already has), and the listener that
/// throws it, to be removed when the run settles.
fn watch_signal(env: &Env, signal: &Object) -> Result<(StopSwitch, Option<AbortWatch>)> {
  let switch = StopSwitch::default();
  if signal.get::<bool>("aborted")?.ok_or_else(|| Error::from_reason("not an AbortSignal"))? {
    switch.stop(StopReason::Cancelled);
    return Ok((switch, None));
  }
  let on_abort = {
    // Thrown, the switch also takes a run still waiting for its turn out of the line.
    let switch = switch.clone();
    env.create_function_from_closure::<(), (), _>("abortRun", move |_| {
      switch.stop(StopReason::Cancelled);
      Ok(())
    })?
  };
  let add: Function<FnArgs<(String, Function<(), ()>)>, ()> =
    signal.get("addEventListener")?.ok_or_else(|| Error::from_reason("not an AbortSignal"))?;
  let watch = AbortWatch { signal: signal.create_ref::<false>()?, listener: on_abort.create_ref()? };
  add.apply(signal, FnArgs::from(("abort".to_string(), on_abort)))?;
  Ok((switch, Some(watch)))
}
