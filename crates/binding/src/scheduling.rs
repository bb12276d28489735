//! Where a run waits and runs: a turn among its sandbox's `maxConcurrency` (the core's [`Turns`], as a
//! future, so a waiting run holds no thread and an abort takes it out of the line), then a blocking
//! thread for the engine.

use lci_sandbox::turns::Turns;
use lci_sandbox::{RunOptions, RunOutcome, SandboxError};
use napi::bindgen_prelude::*;

use crate::coded_error::{self, type_error};
use crate::run_options::RunHooks;
use crate::types::WorkloadResult;

/// Waits for a turn among `turns` (the core's semaphore, as a future: no thread waits, and an abort
/// takes the run out of the line at once), then runs `work` with `options` holding that turn on a
/// blocking thread; resolves with its outcome, or with its error as a failed result, and rejects only
/// when the run was aborted (while it waited, too). It settles once every output chunk has reached its
/// callback; the abort listener goes then.
pub(crate) fn spawn<'env, F>(env: &'env Env, turns: &Turns, hooks: RunHooks, mut options: RunOptions, work: F) -> Result<PromiseRaw<'env, WorkloadResult>>
where
  F: FnOnce(RunOptions) -> std::result::Result<RunOutcome, SandboxError> + Send + 'static,
{
  let turns = turns.clone();
  let RunHooks { watch, delivery } = hooks;
  env.spawn_future_with_callback(
    async move {
      let switch = options.switch.clone();
      let Some(turn) = turns.wait(&switch).await else { return Ok(None) };
      options.turn = Some(turn);
      let outcome = napi::tokio::task::spawn_blocking(move || work(options))
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
pub(crate) fn string_arg(value: Unknown) -> Option<String> {
  (value.get_type().ok()? == ValueType::String).then(|| unsafe { value.cast::<String>() }.ok()).flatten()
}

/// A promise rejected with a `TypeError` saying `message`.
pub(crate) fn reject_type_error<'env>(env: &'env Env, message: String) -> Result<PromiseRaw<'env, WorkloadResult>> {
  env.spawn_future_with_callback(async { Ok(()) }, move |env, ()| -> Result<WorkloadResult> { Err(type_error(env, &message)) })
}
