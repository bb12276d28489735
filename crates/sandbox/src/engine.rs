//! A language's warm guest: booted once, its warm-up run, then snapshotted; every run takes a guest
//! at that snapshot, runs one program, and is restored to the snapshot again, so nothing one run
//! leaves behind is visible to the next and no run pays for a boot.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hyperlight_unikraft::{AppSandbox, Exec, SandboxBuilder, Snapshot, Yield, CALL_PAYLOAD_MAX};

use crate::config::Limits;
use crate::error::{ErrorCode, SandboxError};
use crate::hypervisor;
use crate::images::GuestImage;
use crate::outcome::{Ending, RunOutcome, StopReason, Timings};
use crate::watchdog::{StopSwitch, Watchdog};

/// The longest the run loop waits in one step, so a stop is noticed while the guest sleeps.
const STEP_SLICE: Duration = Duration::from_millis(20);

/// One language's snapshot and the clean guests restored from it.
pub struct WarmGuest {
    snapshot: Arc<Snapshot>,
    /// Guests at the snapshot, ready for a run.
    idle: Mutex<Vec<AppSandbox>>,
    output_limit: usize,
    /// How long the boot, warm-up and snapshot took.
    pub boot_time: Duration,
}

impl WarmGuest {
    /// Boots `image` with `limits`, runs its warm-up code and takes the snapshot every run restores.
    pub fn boot(image: &GuestImage, limits: &Limits) -> Result<WarmGuest, SandboxError> {
        hypervisor::check_device()?;
        let started = Instant::now();
        let mut builder = SandboxBuilder::from_initrd(&image.rootfs)
            .echo_output(false)
            .output_limit(limits.max_output_bytes);
        if let Some(mb) = limits.memory_mb {
            builder = builder.scratch_mb(mb);
        }
        let mut guest = builder.boot().map_err(|e| hypervisor::boot_failure(&e))?;
        if let Some(code) = &image.warmup {
            if let Err(e) = guest.run(code.as_str()) {
                let said = guest.drain_output();
                return Err(SandboxError::new(
                    ErrorCode::Engine,
                    format!("the guest image's warm-up failed ({e}): {said}"),
                ));
            }
        }
        let _ = guest.take_stderr();
        let _ = guest.take_output();
        let snapshot = guest.snapshot().map_err(|e| engine_error("snapshot", &e))?;
        Ok(WarmGuest {
            snapshot,
            idle: Mutex::new(vec![guest]),
            output_limit: limits.max_output_bytes,
            boot_time: started.elapsed(),
        })
    }

    /// Runs `exec` in a clean guest for at most `timeout`, or until `switch` is thrown.
    pub fn execute(&self, exec: Exec, timeout: Duration, switch: StopSwitch) -> Result<RunOutcome, SandboxError> {
        check_size(&exec)?;
        let prepare_started = Instant::now();
        let mut guest = self.checkout()?;
        let prepare = prepare_started.elapsed();

        let run_started = Instant::now();
        let ending = drive(&mut guest, exec, timeout, switch);
        let run = run_started.elapsed();

        let stderr = guest.take_stderr();
        let output = guest.take_output();
        let truncated = stderr.truncated() || output.truncated();
        let mut outcome = RunOutcome::new(ending, output.text, stderr.text, truncated, timeout);
        outcome.timings = Timings { boot: None, prepare, run };
        self.recycle(guest);
        Ok(outcome)
    }

    /// A guest at the snapshot: a waiting one, or a new one restored from the snapshot.
    fn checkout(&self) -> Result<AppSandbox, SandboxError> {
        if let Some(guest) = self.idle.lock().unwrap().pop() {
            return Ok(guest);
        }
        SandboxBuilder::from_snapshot(self.snapshot.clone())
            .echo_output(false)
            .output_limit(self.output_limit)
            .boot()
            .map_err(|e| engine_error("start a guest from the snapshot", &e))
    }

    /// Restores a used guest to the snapshot and keeps it for the next run; one that cannot be
    /// restored is dropped, and the next run starts a new one.
    fn recycle(&self, mut guest: AppSandbox) {
        if guest.restore(self.snapshot.clone()).is_ok() {
            let _ = guest.take_stderr();
            let _ = guest.take_output();
            self.idle.lock().unwrap().push(guest);
        }
    }
}

/// Refuses code larger than one call to the guest carries, before any guest is touched.
fn check_size(exec: &Exec) -> Result<(), SandboxError> {
    let bytes = match exec {
        Exec::Code(c) | Exec::Guest(c) => c.len(),
        Exec::File(_) => 0,
        Exec::Call { function, input } => function.len() + input.len(),
    };
    if bytes > CALL_PAYLOAD_MAX {
        return Err(SandboxError::new(
            ErrorCode::CodeTooLarge,
            format!("the code is {bytes} bytes; a run takes at most {CALL_PAYLOAD_MAX}"),
        ));
    }
    Ok(())
}

/// Submits `exec` and steps the guest until the program ends or must stop.
fn drive(guest: &mut AppSandbox, exec: Exec, timeout: Duration, switch: StopSwitch) -> Ending {
    let deadline = Instant::now() + timeout;
    let watchdog = Watchdog::start(guest.interrupt_handle(), deadline, switch);
    let ended = (|| -> Result<Ending, hyperlight_unikraft::Error> {
        guest.submit(exec)?;
        loop {
            if watchdog.reason().is_some() {
                return Ok(Ending::Stopped(StopReason::Timeout));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match guest.step(left.min(STEP_SLICE))? {
                Yield::CallDone => return Ok(Ending::Returned),
                Yield::CallFailed { status } | Yield::Exited { status } => return Ok(Ending::Status(status)),
                Yield::Blocked { .. } => {}
            }
        }
    })();
    // A stop wins over whatever the interrupted entry reported.
    if let Some(reason) = watchdog.reason() {
        return Ending::Stopped(reason);
    }
    drop(watchdog);
    match ended {
        Ok(ending) => ending,
        Err(hyperlight_unikraft::Error::CallFailed { status } | hyperlight_unikraft::Error::GuestExited { status }) => {
            Ending::Status(status)
        }
        Err(hyperlight_unikraft::Error::Deadlocked) => Ending::Deadlocked,
        Err(e) => Ending::Fault(e.to_string()),
    }
}

fn engine_error(what: &str, e: &hyperlight_unikraft::Error) -> SandboxError {
    SandboxError::new(ErrorCode::Engine, format!("could not {what}: {e}"))
}
