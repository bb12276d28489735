//! Stopping a run from outside: at its deadline, or when the caller cancels it. A guest that spins
//! keeps the vCPU, so it is interrupted through the sandbox's interrupt handle (retried until the
//! run loop notices, since a kill that lands during a host call does nothing); a guest that waits
//! (sleeps, blocks) is noticed by the run loop itself, which steps in short slices.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hyperlight_unikraft::hyperlight_host::hypervisor::InterruptHandle;

use crate::outcome::StopReason;

/// How often a stop is re-sent to a guest that has not yet been interrupted.
const KILL_RETRY: Duration = Duration::from_millis(10);

#[derive(Debug, Default)]
struct State {
    /// Why the run must stop, once it must.
    stop: Option<StopReason>,
    /// The run is over; the watchdog thread may leave.
    finished: bool,
}

/// A shared switch that asks a run to stop. Cloning it gives another handle to the same switch.
#[derive(Debug, Clone, Default)]
pub struct StopSwitch {
    inner: Arc<(Mutex<State>, Condvar)>,
}

impl StopSwitch {
    /// Ask the run to stop for `reason`; the first reason given is the one reported.
    pub fn stop(&self, reason: StopReason) {
        let (lock, cvar) = &*self.inner;
        let mut s = lock.lock().unwrap();
        s.stop.get_or_insert(reason);
        cvar.notify_all();
    }

    /// Why the run must stop, if it must.
    pub fn reason(&self) -> Option<StopReason> {
        self.inner.0.lock().unwrap().stop
    }
}

/// Watches one run: stops it at `deadline` and, once stopped, interrupts the guest until the run
/// loop returns. Dropping it ends the watch.
pub struct Watchdog {
    switch: StopSwitch,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    /// Starts watching the guest behind `handle` until `deadline`, also obeying `switch`.
    pub fn start(handle: Arc<dyn InterruptHandle>, deadline: Instant, switch: StopSwitch) -> Watchdog {
        let inner = switch.inner.clone();
        let thread = std::thread::Builder::new()
            .name("lci-watchdog".into())
            .spawn(move || {
                let (lock, cvar) = &*inner;
                let mut s = lock.lock().unwrap();
                // Wait for the deadline, a cancel, or the end of the run.
                while s.stop.is_none() && !s.finished {
                    let now = Instant::now();
                    if now >= deadline {
                        s.stop = Some(StopReason::Timeout);
                        break;
                    }
                    s = cvar.wait_timeout(s, deadline - now).unwrap().0;
                }
                // Stopping: interrupt the vCPU until the run loop has returned.
                while !s.finished {
                    drop(s);
                    handle.kill();
                    s = lock.lock().unwrap();
                    if !s.finished {
                        s = cvar.wait_timeout(s, KILL_RETRY).unwrap().0;
                    }
                }
            })
            .expect("spawn the watchdog thread");
        Watchdog { switch, thread: Some(thread) }
    }

    /// Why the run was stopped, if it was.
    pub fn reason(&self) -> Option<StopReason> {
        self.switch.reason()
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        {
            let (lock, cvar) = &*self.switch.inner;
            lock.lock().unwrap().finished = true;
            cvar.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
