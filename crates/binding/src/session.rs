//! `Session`: runs that share one guest's state, over the core's [`lci_sandbox::Session`].

use std::sync::Arc;

use lci_sandbox::turns::Turns;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::coded_error::coded;
use crate::run_options::parse_run_options;
use crate::sandbox_tools::SandboxTools;
use crate::scheduling::{reject_type_error, spawn, string_arg};
use crate::types::WorkloadResult;

/// Runs that share one micro-VM's state, like a notebook kernel: variables, imports and files under
/// /tmp stay from one `runCode` to the next. A run that times out, is aborted or ends its guest
/// (`process.exit`) loses the state; its result says so with `sessionReset: true`.
#[napi(custom_finalize)]
pub struct Session {
  pub(crate) inner: Arc<lci_sandbox::Session>,
  /// Its sandbox's line of runs waiting for a slot.
  pub(crate) turns: Turns,
  /// Its sandbox's `SandboxConfig.tools`.
  pub(crate) tools: Option<SandboxTools>,
}

impl ObjectFinalize for Session {
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
    spawn(env, &self.turns, hooks, options, move |options| session.run_code(&code, options))
  }

  /// Where a server in the session's guest that listens on `port` (one of `network.expose`) is
  /// reached from this host: `http://127.0.0.1:NNNNN`, a loopback port the host picked. Answers while
  /// the run that serves is running. Throws `ERR_PORT_NOT_EXPOSED` for a port not exposed,
  /// `ERR_PORT_NOT_LISTENING` when nothing in the guest listens on it (yet).
  #[napi]
  pub fn port_endpoint(&self, env: Env, port: f64) -> Result<String> {
    let port = u16::try_from(port as i64).ok().filter(|p| *p != 0 && f64::from(*p) == port).ok_or_else(|| {
      coded(&env, &lci_sandbox::SandboxError::new(lci_sandbox::ErrorCode::PortNotExposed, format!("{port} is not a port (1 to 65535)")))
    })?;
    let addr = self.inner.port_endpoint(port).map_err(|e| coded(&env, &e))?;
    Ok(format!("http://{addr}"))
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
