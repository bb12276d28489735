//! `NanvixSandbox`: the sandbox a JavaScript caller holds, over the core's [`Sandbox`]; each method
//! converts its arguments, hands the work to [`crate::scheduling`] and converts the result back.

use std::path::PathBuf;
use std::sync::Arc;

use lci_sandbox::settings::Settings;
use lci_sandbox::{Language, Sandbox, SandboxError, SnapshotDirectory};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::coded_error::{coded, CodedResult};
use crate::run_options::parse_run_options;
use crate::sandbox_tools::SandboxTools;
use crate::scheduling::{reject_type_error, spawn, string_arg};
use crate::session::Session;
use crate::types::{ClearCacheOptions, SandboxConfig, WarmUp, WorkloadResult};
use crate::{js_fetch, location};

/// Runs JavaScript and Python in Hyperlight micro-VMs. Each language's guest boots once, on its
/// first run, and is snapshotted; every run starts from that snapshot, so runs are fast and
/// nothing one run leaves behind is visible to the next.
#[napi(custom_finalize)]
pub struct NanvixSandbox {
  inner: Arc<Sandbox>,
  /// `SandboxConfig.tools`, shared with its sessions.
  tools: Option<SandboxTools>,
}

#[napi]
impl NanvixSandbox {
  /// A sandbox with `config`. Throws an `Error` with code `ERR_INVALID_CONFIG` for a value out of
  /// range or a directory that cannot be created. Nothing boots until the first run.
  #[napi(constructor)]
  pub fn new(env: Env, config: Option<SandboxConfig>) -> Result<Self> {
    let make = |c: &SandboxConfig| -> CodedResult<Sandbox> {
      let settings = Settings {
        log_directory: c.log_directory.clone(),
        tmp_directory: c.tmp_directory.clone(),
        timeout_ms: c.timeout_ms,
        memory_mb: c.memory_mb,
        max_output_bytes: c.max_output_bytes,
        max_concurrency: c.max_concurrency,
        pool_size: c.pool_size,
        python_image: c.python_image.clone(),
        network_allow: c.network.as_ref().and_then(|n| n.allow.clone()),
        network_expose: c.network.as_ref().and_then(|n| n.expose.clone()),
        network_max_sockets: c.network.as_ref().and_then(|n| n.max_sockets),
        max_tool_calls: c.max_tool_calls,
        max_tool_bytes: c.max_tool_bytes,
        snapshot_directory: match &c.snapshot_directory {
          None | Some(Either::B(true)) => SnapshotDirectory::Default,
          Some(Either::B(false)) => SnapshotDirectory::Off,
          Some(Either::A(dir)) => SnapshotDirectory::At(PathBuf::from(dir)),
        },
      };
      let mut options = settings.options()?;
      options.image_roots = location::image_roots();
      if !options.limits.network.is_empty() {
        let fetch = js_fetch::NodeFetch::new(&env).map_err(|e| {
          SandboxError::new(lci_sandbox::ErrorCode::InvalidConfig, format!("network: the guests' fetch needs Node 20.16 or later ({e})"))
        })?;
        options.fetch_handler = Some(Arc::new(fetch));
      }
      Ok(Sandbox::new(options)?)
    };
    let mut config = config;
    let tools = config.as_mut().and_then(|c| c.tools.take());
    let c = config.unwrap_or_default();
    match make(&c) {
      Ok(sandbox) => Ok(NanvixSandbox { inner: Arc::new(sandbox), tools }),
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
    spawn(env, self.inner.turns(), hooks, options, move |options| sandbox.run_file(std::path::Path::new(&path), options))
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
    spawn(env, self.inner.turns(), hooks, options, move |options| {
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
      Ok(language) => Ok(Session { inner: Arc::new(self.inner.session(language)), turns: self.inner.turns().clone(), tools: self.tools.clone() }),
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

impl ObjectFinalize for NanvixSandbox {
  fn finalize(self, env: Env) -> Result<()> {
    if let Some(tools) = self.tools {
      tools.release(&env);
    }
    Ok(())
  }
}
