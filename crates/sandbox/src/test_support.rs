//! What the unit tests of several modules share.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::guest::watchdog::Interrupt;
use crate::guest::{Exec, Guest, Step, Written};
use crate::outcome::Ending;

/// Waits until `what` holds, polling every millisecond; fails the test after 10 s.
pub fn wait_until(what: impl Fn() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !what() {
        assert!(Instant::now() < end, "timed out waiting");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A guest that plays a script: each step takes the next of its steps, with what the program wrote
/// in it; once the script is over it waits (`Step::Blocked`) for ever, as a program that sleeps or
/// spins would, until the watchdog interrupts it. It counts its interrupts and keeps what it was asked
/// to execute.
#[derive(Default)]
pub struct FakeGuest {
    /// What its steps return, with (stdout, stderr) written in each.
    pub script: std::collections::VecDeque<(Result<Step, Ending>, &'static str, &'static str)>,
    /// The reply of a function call, taken after the run.
    pub result: Option<Vec<u8>>,
    /// What it was asked to execute, in order.
    pub submitted: Vec<Exec>,
    /// How often its vCPU was interrupted.
    pub interrupts: Arc<AtomicUsize>,
    /// The transcript and standard error written and not yet taken.
    written: (String, String),
}

impl FakeGuest {
    /// A guest whose program takes `steps`.
    pub fn scripted(steps: Vec<(Result<Step, Ending>, &'static str, &'static str)>) -> FakeGuest {
        FakeGuest { script: steps.into(), ..Default::default() }
    }
}

impl Guest for FakeGuest {
    fn submit(&mut self, exec: Exec) -> Result<(), Ending> {
        self.submitted.push(exec);
        Ok(())
    }

    fn step(&mut self, slice: Duration) -> Result<Step, Ending> {
        let Some((step, stdout, stderr)) = self.script.pop_front() else {
            std::thread::sleep(slice);
            return Ok(Step::Blocked);
        };
        self.written.0 += stdout;
        self.written.0 += stderr;
        self.written.1 += stderr;
        step
    }

    fn take_stderr(&mut self) -> Written {
        Written { text: std::mem::take(&mut self.written.1), omitted: 0 }
    }

    fn take_output(&mut self) -> Written {
        self.written.1.clear();
        Written { text: std::mem::take(&mut self.written.0), omitted: 0 }
    }

    fn take_result(&mut self) -> Option<Vec<u8>> {
        self.result.take()
    }

    fn interrupter(&self) -> Interrupt {
        let interrupts = self.interrupts.clone();
        Box::new(move || {
            interrupts.fetch_add(1, Ordering::SeqCst);
        })
    }
}
