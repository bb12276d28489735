//! napi-rs glue: exposes the `lci-sandbox` core to Node.js as `NanvixSandbox`, with the names and
//! shapes of hyperlight-nanvix's Node binding (`SandboxConfig`, `WorkloadResult { success, error }`)
//! and what an agent needs on top. Every engine call runs on a blocking thread, never on the
//! JavaScript thread. As upstream, a run resolves for every failure, the sandbox's own included
//! (`success: false`, `error`, and a stable `errorCode`); it rejects only for an aborted signal and
//! for arguments of the wrong type.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use lci_sandbox::images::PythonImage;
use lci_sandbox::{Language, Limits, RunOutcome, Sandbox, SandboxError, SandboxOptions, SnapshotDirectory};
use napi::bindgen_prelude::*;
use napi::tokio::sync::Semaphore;
use napi_derive::napi;

mod coded_error;
mod js_calls;
mod js_fetch;
mod js_output;
mod js_tools;
mod location;
mod run_options;
mod sandbox_tools;

use coded_error::{coded, type_error, CodedResult};
pub use coded_error::SandboxErrorCode;
use run_options::{parse_run_options, RunHooks};
use sandbox_tools::SandboxTools;

/// How a sandbox is set up. Every field is optional.
#[derive(Default)]
#[napi(object, object_to_js = false)]
pub struct SandboxConfig {
  /// Directory for the run log (`runs.jsonl`, one JSON line per run: time, language, outcome,
  /// timings). Default: a unique per-instance directory, removed with the sandbox.
  pub log_directory: Option<String>,
  /// Directory where runs stage files. Default: a unique per-instance directory, removed with the
  /// sandbox.
  pub tmp_directory: Option<String>,
  /// Wall-clock limit of one run in milliseconds (boot excluded). Default `DEFAULT_TIMEOUT_MS`.
  pub timeout_ms: Option<f64>,
  /// Guest memory in MiB, for every language. Default: each image's own (Python 256, JavaScript 64,
  /// the data Python image `DATA_IMAGE_MEMORY_MB`).
  pub memory_mb: Option<f64>,
  /// Bytes of output kept per stream; the rest is dropped and the run marked `truncated`.
  /// Default `SANDBOX_DEFAULT_MAX_OUTPUT_BYTES`.
  pub max_output_bytes: Option<f64>,
  /// How many runs may be in flight at once (each in its own micro-VM); more wait their turn.
  /// Default: the number of CPUs.
  pub max_concurrency: Option<f64>,
  /// How many clean guests of each language wait for the next run, restored from the snapshot ahead
  /// of the request (a run hands its guest back and returns; the restore happens after). Each waiting
  /// guest holds the memory it touched. Default: `maxConcurrency`; at most `MAX_POOL_SIZE`.
  pub pool_size: Option<f64>,
  /// Which image runs Python: `'data'` (numpy, pandas, scipy, scikit-learn, matplotlib… from the
  /// package `local-code-interpreter-guest-python-data`) or `'standard'` (the standard library only).
  /// Default: the data image when its package is installed, else the standard one. A chosen image that
  /// is not installed makes Python runs fail with `ERR_GUEST_IMAGE_MISSING`.
  #[napi(ts_type = "'standard' | 'data'")]
  pub python_image: Option<String>,
  /// What the guests may reach on the network (sockets in Python and C, `fetch` in JavaScript).
  /// Default: nothing (every socket and fetch is refused).
  pub network: Option<NetworkConfig>,
  /// Code mode: tools every run may call, as `RunOptions.tools` (a run's own tools are added to
  /// these and win by name).
  #[napi(ts_type = "Record<string, (args: any, context: { signal: AbortSignal }) => unknown>")]
  pub tools: Option<SandboxTools>,
  /// How many tool calls one run may make. Default `DEFAULT_MAX_TOOL_CALLS`; past it a call fails in
  /// the guest with `ERR_TOOL_LIMIT`.
  pub max_tool_calls: Option<f64>,
  /// How many bytes may cross between one run and its tools, arguments and results together.
  /// Default `DEFAULT_MAX_TOOL_BYTES`; past it a call fails in the guest with `ERR_TOOL_LIMIT`.
  pub max_tool_bytes: Option<f64>,
  /// Where each language's warm snapshot is saved for later processes, whose first run then loads
  /// it instead of booting (entries are keyed by the image's content, its warm-up and the guest
  /// memory, written atomically and checked before use). Default: `DEFAULT_SNAPSHOT_DIRECTORY` (the
  /// generated facts; `defaultSnapshotDirectory()` says which it is here; none when it cannot be made); `false`: nowhere,
  /// every process boots. A given directory that cannot be made throws `ERR_INVALID_CONFIG`.
  #[napi(ts_type = "string | false")]
  pub snapshot_directory: Option<Either<String, bool>>,
}

/// What `clearCache` clears.
#[napi(object)]
pub struct ClearCacheOptions {
  /// Also empty the snapshot directory, so the next process boots too. Default `false`: only this
  /// sandbox's warm guests in memory.
  pub disk: Option<bool>,
}

/// What `clearSnapshotCache` removed.
#[napi(object)]
pub struct ClearedSnapshots {
  /// The snapshot directory it emptied.
  pub directory: String,
  /// What it removed: each entry (or leftover of an interrupted save) by name, with the bytes it took.
  pub removed: Vec<ClearedSnapshot>,
}

/// One entry `clearSnapshotCache` removed.
#[napi(object)]
pub struct ClearedSnapshot {
  /// Its name in the snapshot directory (`python-…`, `javascript-…`).
  pub name: String,
  /// The bytes it took on disk.
  pub bytes: f64,
}

/// The network a sandbox's guests may reach.
#[napi(object)]
pub struct NetworkConfig {
  /// The destinations allowed, each a host name (`api.example.com`), a name's subdomains
  /// (`*.example.com`), an IP address or a CIDR range, optionally with `:port` (`[v6]:port` for IPv6).
  /// A name not covered is never resolved; a listed name's other ports, and every address not
  /// covered, are refused. Loopback and cloud-metadata addresses are refused whatever the list says.
  /// An entry of another form throws `ERR_INVALID_CONFIG`.
  pub allow: Vec<String>,
}

/// The result of one run. Every failure, the workload's (an exception, a non-zero exit, a timeout)
/// and the sandbox's (a missing file, no hypervisor, a missing guest image), is a result with
/// `success: false`, never a rejected promise.
#[napi(object)]
pub struct WorkloadResult {
  /// Whether the program ran to completion with exit status 0.
  pub success: bool,
  /// Why it did not succeed: an exception's last line, the exit status, the timeout, or what kept
  /// the program from running.
  pub error: Option<String>,
  /// Set when the program could not run at all: the stable code of why (`ERR_FILE_NOT_FOUND`,
  /// `ERR_UNKNOWN_LANGUAGE`, `ERR_NO_HYPERVISOR`, `ERR_GUEST_IMAGE_MISSING`, … — every one is in
  /// `SANDBOX_ERROR_CODES` of `local-code-interpreter`). Unset when the program ran, successfully or
  /// not.
  pub error_code: Option<SandboxErrorCode>,
  /// The program's exit status; -1 when it produced none (stopped at the time limit, say).
  pub exit_code: i32,
  /// Standard output and standard error in the order written, as a terminal shows them.
  pub output: String,
  /// Standard error alone.
  pub stderr: String,
  /// Wall-clock time of the call in milliseconds (a language's first run includes its boot).
  pub duration_ms: f64,
  /// Whether the run was stopped at `timeoutMs`.
  pub timed_out: bool,
  /// Whether output past `maxOutputBytes`, or images past their caps, were left out.
  pub truncated: bool,
  /// The files the program wrote under `/output`, by path relative to it (at most 256 entries and
  /// 16 MiB in all; a write past that fails in the guest with EDQUOT).
  pub files: HashMap<String, Buffer>,
  /// In a session: the program was stopped or ended its guest, so the session's state (variables,
  /// imports, files) is gone and the next run starts clean.
  pub session_reset: bool,
  /// The `repr` of the value of the program's last expression, as a notebook's `Out[]` shows it
  /// (Python); unset when there was none or it was `None`. At most `MAX_VALUE_BYTES`, the rest replaced by a
  /// note.
  pub value: Option<String>,
  /// The images the program showed, in order (Python: each matplotlib figure at `plt.show()` or left
  /// open at the end, and `display()` of a PIL image or of anything with `_repr_png_`/`_repr_svg_`);
  /// at most `MAX_IMAGES` of them and `MAX_IMAGE_BYTES` together, `truncated` set when some were left out.
  pub images: Vec<WorkloadImage>,
  /// The calls the program made of `options.tools` (code mode), in order.
  pub tool_calls: Vec<WorkloadToolCall>,
  /// On the run that warmed its language's guest (the first): `'boot'` when it booted the guest and
  /// ran its warm-up, `'disk'` when it loaded the snapshot an earlier process saved. Unset on the
  /// others.
  #[napi(ts_type = "'boot' | 'disk'")]
  pub warmed_from: Option<String>,
}

/// What `warmUp` did.
#[napi(object)]
pub struct WarmUp {
  /// `'boot'`: it booted the guest and ran its warm-up; `'disk'`: it loaded the snapshot an earlier
  /// process saved; unset: the language was warm already.
  #[napi(ts_type = "'boot' | 'disk'")]
  pub warmed_from: Option<String>,
  /// How long the warm-up took (0 when it was warm already), in milliseconds.
  pub duration_ms: f64,
}

/// One call of a tool from the guest.
#[napi(object)]
pub struct WorkloadToolCall {
  /// The tool.
  pub name: String,
  /// Whether it returned a result (not an error, a refusal or a stop).
  pub ok: bool,
  /// How long the guest waited for it, in milliseconds.
  pub duration_ms: f64,
}

/// An image a run showed.
#[napi(object)]
pub struct WorkloadImage {
  /// `image/png` or `image/svg+xml`.
  pub mime_type: String,
  /// The encoded image.
  pub data: Buffer,
}

impl From<SandboxError> for WorkloadResult {
  fn from(e: SandboxError) -> Self {
    WorkloadResult {
      success: false,
      error: Some(e.message),
      error_code: Some(e.code.into()),
      exit_code: lci_sandbox::outcome::NO_EXIT_CODE,
      output: String::new(),
      stderr: String::new(),
      duration_ms: 0.0,
      timed_out: false,
      truncated: false,
      files: HashMap::new(),
      session_reset: false,
      value: None,
      images: Vec::new(),
      tool_calls: Vec::new(),
      warmed_from: None,
    }
  }
}

impl From<RunOutcome> for WorkloadResult {
  fn from(o: RunOutcome) -> Self {
    WorkloadResult {
      files: o.files.into_iter().map(|(k, v)| (k, Buffer::from(v))).collect(),
      session_reset: o.session_reset,
      success: o.success,
      error: o.error,
      error_code: None,
      exit_code: o.exit_code,
      output: o.output,
      stderr: o.stderr,
      duration_ms: o.duration.as_secs_f64() * 1000.0,
      timed_out: o.timed_out,
      truncated: o.truncated,
      value: o.value,
      images: o.images.into_iter().map(|i| WorkloadImage { mime_type: i.mime_type, data: i.data.into() }).collect(),
      tool_calls: o
        .tool_calls
        .into_iter()
        .map(|c| WorkloadToolCall { name: c.name, ok: c.ok, duration_ms: c.duration.as_secs_f64() * 1000.0 })
        .collect(),
      warmed_from: o.timings.warmed_from.map(|w| w.name().to_string()),
    }
  }
}

/// Runs JavaScript and Python in Hyperlight micro-VMs. Each language's guest boots once, on its
/// first run, and is snapshotted; every run starts from that snapshot, so runs are fast and
/// nothing one run leaves behind is visible to the next.
#[napi(custom_finalize)]
pub struct NanvixSandbox {
  inner: Arc<Sandbox>,
  /// `SandboxConfig.tools`, shared with its sessions.
  tools: Option<SandboxTools>,
  /// Runs wait their turn here, as futures: a run waiting for one of the `maxConcurrency` slots
  /// holds no thread, and an abort takes it out of the line at once.
  turns: Arc<Semaphore>,
}

#[napi]
impl NanvixSandbox {
  /// A sandbox with `config`. Throws an `Error` with code `ERR_INVALID_CONFIG` for a value out of
  /// range or a directory that cannot be created. Nothing boots until the first run.
  #[napi(constructor)]
  pub fn new(env: Env, config: Option<SandboxConfig>) -> Result<Self> {
    let make = |c: &SandboxConfig| -> CodedResult<Sandbox> {
      let mut limits = Limits::from_numbers(c.timeout_ms, c.memory_mb, c.max_output_bytes)?.with_tool_limits(c.max_tool_calls, c.max_tool_bytes)?;
      if let Some(network) = &c.network {
        limits.network = lci_sandbox::network::AllowList::parse(&network.allow)?;
      }
      let fetch_handler: Option<Arc<dyn lci_sandbox::fetch::FetchHandler>> = match limits.network.is_empty() {
        true => None,
        false => Some(Arc::new(js_fetch::NodeFetch::new(&env).map_err(|e| {
          SandboxError::new(lci_sandbox::ErrorCode::InvalidConfig, format!("network: the guests' fetch needs Node 20.16 or later ({e})"))
        })?)),
      };
      let max_concurrency = c
        .max_concurrency
        .map(|n| lci_sandbox::config::whole("maxConcurrency", n).map(|n| n as usize))
        .transpose()?;
      let pool_size = c
        .pool_size
        .map(|n| lci_sandbox::config::whole("poolSize", n).map(|n| n as usize))
        .transpose()?;
      Ok(Sandbox::new(SandboxOptions {
        log_directory: c.log_directory.clone().map(PathBuf::from),
        tmp_directory: c.tmp_directory.clone().map(PathBuf::from),
        limits,
        max_concurrency,
        pool_size,
        image_roots: location::image_roots(),
        python_image: c.python_image.as_deref().map(PythonImage::from_name).transpose()?,
        fetch_handler,
        snapshot_directory: match &c.snapshot_directory {
          None | Some(Either::B(true)) => SnapshotDirectory::Default,
          Some(Either::B(false)) => SnapshotDirectory::Off,
          Some(Either::A(dir)) => SnapshotDirectory::At(PathBuf::from(dir)),
        },
      })?)
    };
    let mut config = config;
    let tools = config.as_mut().and_then(|c| c.tools.take());
    let c = config.unwrap_or_default();
    match make(&c) {
      Ok(sandbox) => Ok(NanvixSandbox { turns: Arc::new(Semaphore::new(sandbox.max_concurrency())), inner: Arc::new(sandbox), tools }),
      Err(e) => {
        if let Some(tools) = tools {
          tools.release(&env);
        }
        Err(coded(&env, &e))
      }
    }
  }

  /// Runs the program in the file at `path`: `.js`/`.mjs`/`.cjs` JavaScript, `.py` Python, `.elf`
  /// or no extension a prebuilt static-PIE x86-64 binary (`gcc -static-pie`). Resolves for every
  /// failure: a missing file (`errorCode: 'ERR_FILE_NOT_FOUND'`), an unknown extension
  /// (`ERR_UNKNOWN_LANGUAGE`), a binary that is not static PIE (`ERR_INVALID_BINARY`), no usable
  /// hypervisor (`ERR_NO_HYPERVISOR`, `ERR_HYPERVISOR_UNUSABLE`), a missing guest image
  /// (`ERR_GUEST_IMAGE_MISSING`). Rejects only with an `AbortError` when `options.signal` aborts it,
  /// and with a `TypeError` for arguments of the wrong type.
  #[napi(ts_return_type = "Promise<WorkloadResult>")]
  pub fn run<'env>(
    &self,
    env: &'env Env,
    #[napi(ts_arg_type = "string")] path: Unknown<'env>,
    #[napi(ts_arg_type = "RunOptions")] options: Option<Unknown<'env>>,
  ) -> Result<PromiseRaw<'env, WorkloadResult>> {
    let Some(path) = string_arg(path) else { return reject_type_error(env, "path must be a string".into()) };
    let (options, hooks) = match parse_run_options(env, options, self.tools.as_ref()) {
      Ok(parsed) => parsed,
      Err(message) => return reject_type_error(env, message),
    };
    let sandbox = self.inner.clone();
    spawn(env, &self.turns, hooks, move || sandbox.run_file(std::path::Path::new(&path), options))
  }

  /// Runs `code` written in `language` (`javascript`, `python`, `c`, `cpp`, or an alias such as
  /// `js`, `py`, `c++`). C and C++ are compiled on the host first, in a jail that lets the compiler
  /// read only the toolchain; a compile error is a result with the compiler's messages and exit
  /// code. Each run starts from the language's clean snapshot; at most `maxConcurrency` run at
  /// once, each in its own micro-VM. Resolves for every failure as `run` does (also
  /// `ERR_UNKNOWN_LANGUAGE`, `ERR_CODE_TOO_LARGE`, `ERR_INVALID_PATH` for a file name that escapes,
  /// `ERR_COMPILER_NOT_FOUND`, `ERR_COMPILE_JAIL_UNAVAILABLE`); rejects as `run` does.
  #[napi(ts_return_type = "Promise<WorkloadResult>")]
  pub fn run_code<'env>(
    &self,
    env: &'env Env,
    #[napi(ts_arg_type = "string")] code: Unknown<'env>,
    #[napi(ts_arg_type = "string")] language: Unknown<'env>,
    #[napi(ts_arg_type = "RunOptions")] options: Option<Unknown<'env>>,
  ) -> Result<PromiseRaw<'env, WorkloadResult>> {
    let (Some(code), Some(language)) = (string_arg(code), string_arg(language)) else {
      return reject_type_error(env, "code and language must be strings".into());
    };
    let (options, hooks) = match parse_run_options(env, options, self.tools.as_ref()) {
      Ok(parsed) => parsed,
      Err(message) => return reject_type_error(env, message),
    };
    let sandbox = self.inner.clone();
    spawn(env, &self.turns, hooks, move || {
      let language = Language::from_name(&language)?;
      sandbox.run_code(&code, language, options)
    })
  }

  /// A session of `language`: its runs share one micro-VM and so its state (variables, imports,
  /// files under /tmp), like a notebook kernel, until `reset()` or `close()`. Throws
  /// `ERR_UNKNOWN_LANGUAGE` for a language it does not know.
  #[napi]
  pub fn session(&self, env: Env, language: String) -> Result<Session> {
    match Language::from_name(&language) {
      Ok(language) => Ok(Session { inner: Arc::new(self.inner.session(language)), turns: self.turns.clone(), tools: self.tools.clone() }),
      Err(e) => Err(coded(&env, &e)),
    }
  }

  /// How many runs may be in flight at once.
  #[napi(getter)]
  pub fn max_concurrency(&self) -> u32 {
    self.inner.max_concurrency() as u32
  }

  /// Drops this sandbox's warm guests and snapshots in memory; the next run of each language warms
  /// again (from the snapshot directory, if it has an entry). With `{ disk: true }` also empties the
  /// snapshot directory, so the next warm-up boots. Resolves to whether there was anything to drop;
  /// rejects with `ERR_ENGINE` when the directory cannot be emptied.
  #[napi(ts_return_type = "Promise<boolean>")]
  pub fn clear_cache<'env>(&self, env: &'env Env, options: Option<ClearCacheOptions>) -> Result<PromiseRaw<'env, bool>> {
    let sandbox = self.inner.clone();
    let disk = options.and_then(|o| o.disk).unwrap_or(false);
    env.spawn_future_with_callback(
      async move {
        napi::tokio::task::spawn_blocking(move || sandbox.clear_cache(disk))
          .await
          .map_err(|e| Error::from_reason(e.to_string()))
      },
      |env, r| r.map_err(|e| coded(env, &e)),
    )
  }

  /// Warms `language`'s guest now, ahead of its first run, as that run would (from the snapshot
  /// directory, or by booting), so the first run is a warm one: call it as a server starts or an agent
  /// makes its tool. Resolves to what it did; rejects as a run would fail: `ERR_UNKNOWN_LANGUAGE`,
  /// `ERR_NO_HYPERVISOR`, `ERR_HYPERVISOR_UNUSABLE`, `ERR_GUEST_IMAGE_MISSING`, `ERR_ENGINE`.
  #[napi(ts_return_type = "Promise<WarmUp>")]
  pub fn warm_up<'env>(&self, env: &'env Env, language: String) -> Result<PromiseRaw<'env, WarmUp>> {
    let sandbox = self.inner.clone();
    env.spawn_future_with_callback(
      async move {
        napi::tokio::task::spawn_blocking(move || sandbox.warm_up(Language::from_name(&language)?))
          .await
          .map_err(|e| Error::from_reason(e.to_string()))
      },
      |env, r| match r {
        Ok(warmed) => Ok(WarmUp {
          warmed_from: warmed.map(|(_, from)| from.name().to_string()),
          duration_ms: warmed.map_or(0.0, |(took, _)| took.as_secs_f64() * 1000.0),
        }),
        Err(e) => Err(coded(env, &e)),
      },
    )
  }

  /// The directory warm snapshots are saved to and loaded from; `null` when there is none
  /// (`snapshotDirectory: false`, or no cache directory could be made).
  #[napi(getter)]
  pub fn snapshot_directory(&self) -> Option<String> {
    self.inner.snapshot_directory().map(|d| d.display().to_string())
  }

  /// The directory the run log is written to.
  #[napi(getter)]
  pub fn log_directory(&self) -> String {
    self.inner.log_directory().display().to_string()
  }

  /// The directory runs stage files in.
  #[napi(getter)]
  pub fn tmp_directory(&self) -> String {
    self.inner.tmp_directory().display().to_string()
  }
}

/// Runs that share one micro-VM's state, like a notebook kernel: variables, imports and files under
/// /tmp stay from one `runCode` to the next. A run that times out, is aborted or ends its guest
/// (`process.exit`) loses the state; its result says so with `sessionReset: true`.
#[napi(custom_finalize)]
pub struct Session {
  inner: Arc<lci_sandbox::Session>,
  /// Its sandbox's line of runs waiting for a slot.
  turns: Arc<Semaphore>,
  /// Its sandbox's `SandboxConfig.tools`.
  tools: Option<SandboxTools>,
}

impl ObjectFinalize for Session {
  fn finalize(self, env: Env) -> Result<()> {
    if let Some(tools) = self.tools {
      tools.release(&env);
    }
    Ok(())
  }
}

impl ObjectFinalize for NanvixSandbox {
  fn finalize(self, env: Env) -> Result<()> {
    if let Some(tools) = self.tools {
      tools.release(&env);
    }
    Ok(())
  }
}

#[napi]
impl Session {
  /// The session's language.
  #[napi(getter)]
  pub fn language(&self) -> String {
    self.inner.language().name().to_string()
  }

  /// Runs `code` after whatever ran in this session before. Resolves and rejects as
  /// `NanvixSandbox.runCode` does (`errorCode: 'ERR_SESSION_CLOSED'` after `close()`).
  #[napi(ts_return_type = "Promise<WorkloadResult>")]
  pub fn run_code<'env>(
    &self,
    env: &'env Env,
    #[napi(ts_arg_type = "string")] code: Unknown<'env>,
    #[napi(ts_arg_type = "RunOptions")] options: Option<Unknown<'env>>,
  ) -> Result<PromiseRaw<'env, WorkloadResult>> {
    let Some(code) = string_arg(code) else { return reject_type_error(env, "code must be a string".into()) };
    let (options, hooks) = match parse_run_options(env, options, self.tools.as_ref()) {
      Ok(parsed) => parsed,
      Err(message) => return reject_type_error(env, message),
    };
    let session = self.inner.clone();
    spawn(env, &self.turns, hooks, move || session.run_code(&code, options))
  }

  /// Drops the session's state: the next run starts from the clean snapshot.
  #[napi(ts_return_type = "Promise<void>")]
  pub fn reset<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, ()>> {
    let session = self.inner.clone();
    env.spawn_future_with_callback(
      async move {
        napi::tokio::task::spawn_blocking(move || session.reset())
          .await
          .map_err(|e| Error::from_reason(e.to_string()))
      },
      |env, r| r.map_err(|e| coded(env, &e)),
    )
  }

  /// Ends the session and gives its micro-VM back, clean. Resolves to whether it was open.
  #[napi]
  pub async fn close(&self) -> bool {
    let session = self.inner.clone();
    napi::tokio::task::spawn_blocking(move || session.close()).await.unwrap_or(false)
  }
}

/// What a probe of this machine found.
#[napi(object)]
pub struct HypervisorProbe {
  /// Whether a micro-VM booted and ran a program on this machine.
  pub usable: bool,
  /// Why not, as an error code (`ERR_NO_HYPERVISOR`, `ERR_HYPERVISOR_UNUSABLE`,
  /// `ERR_GUEST_IMAGE_MISSING`, …), when it did not.
  pub code: Option<SandboxErrorCode>,
  /// What was tried and what happened.
  pub message: String,
}

/// Finds out whether this machine can run micro-VMs by booting the smallest installed guest image
/// and running a program in it (a `/dev/kvm` that exists may still fail every guest).
#[napi]
pub async fn probe_hypervisor() -> HypervisorProbe {
  let roots = location::image_roots();
  let probe = napi::tokio::task::spawn_blocking(move || lci_sandbox::probe(&roots)).await;
  match probe {
    Ok(p) => HypervisorProbe {
      usable: p.usable,
      code: p.error.map(|e| e.code.into()),
      message: p.message,
    },
    Err(e) => HypervisorProbe { usable: false, code: Some(SandboxErrorCode::Engine), message: e.to_string() },
  }
}

/// Waits for a turn among `turns` (as a future: no thread waits), then runs `work` on a blocking
/// thread; resolves with its outcome, or with its error as a failed result, and rejects only when
/// the run was aborted (while it waited, too). It settles once every output chunk has reached its
/// callback; the abort listener goes then.
fn spawn<'env, F>(env: &'env Env, turns: &Arc<Semaphore>, hooks: RunHooks, work: F) -> Result<PromiseRaw<'env, WorkloadResult>>
where
  F: FnOnce() -> std::result::Result<RunOutcome, SandboxError> + Send + 'static,
{
  let turns = turns.clone();
  let RunHooks { watch, delivery } = hooks;
  let aborted = watch.as_ref().map(|w| w.aborted.clone());
  env.spawn_future_with_callback(
    async move {
      let wait = turns.acquire_owned();
      let turn = match aborted {
        Some(aborted) => napi::tokio::select! {
          turn = wait => turn.ok(),
          () = aborted.notified() => None,
        },
        None => wait.await.ok(),
      };
      let Some(turn) = turn else { return Ok(None) };
      let outcome = napi::tokio::task::spawn_blocking(move || {
        let _turn = turn;
        work()
      })
      .await
      .unwrap_or_else(|e| Err(SandboxError::new(lci_sandbox::ErrorCode::Engine, format!("the run's thread failed: {e}"))));
      if let Some(delivery) = delivery {
        delivery.settled().await;
      }
      Ok(Some(outcome))
    },
    move |env, outcome| {
      if let Some(watch) = watch {
        watch.release(env);
      }
      match outcome {
        None => Err(coded_error::abort_error(env)),
        Some(Ok(o)) if lci_sandbox::engine::cancelled(&o) => Err(coded_error::abort_error(env)),
        Some(Ok(o)) => Ok(WorkloadResult::from(o)),
        Some(Err(e)) => Ok(WorkloadResult::from(e)),
      }
    },
  )
}

/// `value` as a string, if it is one.
fn string_arg(value: Unknown) -> Option<String> {
  (value.get_type().ok()? == ValueType::String).then(|| unsafe { value.cast::<String>() }.ok()).flatten()
}

/// A promise rejected with a `TypeError` saying `message`.
fn reject_type_error<'env>(env: &'env Env, message: String) -> Result<PromiseRaw<'env, WorkloadResult>> {
  env.spawn_future_with_callback(async { Ok(()) }, move |env, ()| -> Result<WorkloadResult> { Err(type_error(env, &message)) })
}

/// The snapshot directory a sandbox uses when `snapshotDirectory` is not given, as
/// `DEFAULT_SNAPSHOT_DIRECTORY` (the generated facts) describes it; `null` when there is none.
#[napi]
pub fn default_snapshot_directory() -> Option<String> {
  lci_sandbox::snapshot_cache::default_directory().map(|d| d.display().to_string())
}

/// Empties a snapshot directory (`directory`, else the default one): every entry, leftovers of
/// interrupted saves and remembered image digests; nothing else in it is touched. A process using an
/// entry keeps its copy until it ends. Resolves to what was removed; rejects with `ERR_ENGINE` when
/// something cannot be removed.
#[napi(ts_return_type = "Promise<ClearedSnapshots>")]
pub fn clear_snapshot_cache<'env>(env: &'env Env, directory: Option<String>) -> Result<PromiseRaw<'env, ClearedSnapshots>> {
  let dir = directory.map(PathBuf::from).or_else(lci_sandbox::snapshot_cache::default_directory);
  env.spawn_future_with_callback(
    async move {
      napi::tokio::task::spawn_blocking(move || -> std::result::Result<ClearedSnapshots, SandboxError> {
        let Some(dir) = dir else {
          return Err(SandboxError::new(lci_sandbox::ErrorCode::InvalidConfig, "no snapshot directory: neither XDG_CACHE_HOME nor HOME is set"));
        };
        let removed = lci_sandbox::snapshot_cache::SnapshotCache::at(&dir)
          .clear()
          .map_err(|e| SandboxError::new(lci_sandbox::ErrorCode::Engine, format!("cannot empty {}: {e}", dir.display())))?;
        Ok(ClearedSnapshots {
          directory: dir.display().to_string(),
          removed: removed.into_iter().map(|r| ClearedSnapshot { name: r.name, bytes: r.bytes as f64 }).collect(),
        })
      })
      .await
      .map_err(|e| Error::from_reason(e.to_string()))
    },
    |env, r| r.map_err(|e| coded(env, &e)),
  )
}

/// The image Python runs on when `pythonImage` is not given: `'data'` where the package
/// `local-code-interpreter-guest-python-data` is installed, `'standard'` where only the standard one
/// is, `null` where neither is.
#[napi(ts_return_type = "'standard' | 'data' | null")]
pub fn default_python_image() -> Option<String> {
  let image = lci_sandbox::images::locate(Language::Python, None, &location::image_roots()).ok()?;
  PythonImage::ALL.into_iter().find(|i| i.folder() == image.name).map(|i| i.name().to_string())
}
