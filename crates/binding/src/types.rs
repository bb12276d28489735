//! The shapes that cross between JavaScript and the core: a sandbox's config, a run's result, what
//! the admin calls return. Conversions from the core's types live here too; nothing else does.

use std::collections::HashMap;

use lci_sandbox::{RunOutcome, SandboxError};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::coded_error::SandboxErrorCode;
use crate::sandbox_tools::SandboxTools;

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
  /// Broad entries (`0.0.0.0/0`, `::/0`, `*.example.com`) mean the public internet: a private address
  /// (RFC 1918, CGNAT, unique-local, link-local) is reached only through an entry inside its block or
  /// its exact name, and this host's own addresses only through that single address or exact name.
  /// An entry of another form throws `ERR_INVALID_CONFIG`. Default: none (no destination).
  pub allow: Option<Vec<String>>,
  /// Guest ports a server in the guest may listen on, each served on this host's loopback at a port
  /// the host picks (`session.portEndpoint(port)` says where). Every other `listen`/`accept` fails in
  /// the guest with EACCES: no inbound connection reaches a guest otherwise. At most
  /// `MAX_EXPOSED_PORTS`.
  pub expose: Option<Vec<f64>>,
  /// How many host sockets one guest may hold at once; past it the guest gets EMFILE. Default
  /// `DEFAULT_MAX_SOCKETS`, at most `MAX_SOCKETS`.
  pub max_sockets: Option<f64>,
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
