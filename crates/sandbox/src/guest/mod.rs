//! The engine and everything about guests: finding an image ([`images`]), booting and snapshotting
//! it ([`engine`]), clean guests restored ahead of the request ([`pool`]) on threads of their own
//! ([`pinned`]), their in-memory mounts ([`memfs`]), what a run keeps of its output ([`capture`],
//! [`streaming`]), warm snapshots on disk ([`snapshot_cache`]), the hypervisor check
//! ([`hypervisor`]), each run's standard input ([`stdin`]) and stopping a run ([`watchdog`]).

use std::time::Duration;

use crate::guest::watchdog::Interrupt;
use crate::outcome::Ending;

pub mod capture;
pub mod engine;
pub mod hypervisor;
pub mod images;
pub mod memfs;
pub mod pinned;
pub mod pool;
pub mod run;
pub mod snapshot_cache;
pub mod stdin;
pub mod streaming;
pub mod watchdog;

/// A micro-VM as the core drives it: a program submitted, stepped in short slices until it ends (so a
/// stop is noticed while it sleeps), its output taken at every step, interrupted from another thread
/// when it must stop. The hyperlight-unikraft guest implements it ([`engine`]); the run loop, the pool
/// and the watchdog are tested through fake ones.
pub trait Guest {
    /// Starts `exec`; an `Err` is how the program ended before it began (the guest had exited, say).
    fn submit(&mut self, exec: Exec) -> Result<(), Ending>;
    /// Runs the guest for at most `slice`, or until the program yields; an `Err` is how it ended when
    /// the engine reports the end as an error (a failed call, an exit, a deadlock, a fault).
    fn step(&mut self, slice: Duration) -> Result<Step, Ending>;
    /// What the guest wrote to standard error since the last take.
    fn take_stderr(&mut self) -> Written;
    /// What it wrote to either stream, in order, since the last take; takes its standard error too.
    fn take_output(&mut self) -> Written;
    /// The reply of the last function call ([`Exec::Call`]), if it made one.
    fn take_result(&mut self) -> Option<Vec<u8>>;
    /// What interrupts its vCPU from another thread (the watchdog's, when the run must stop).
    fn interrupter(&self) -> Interrupt;
}

/// What a guest executes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exec {
    /// Source code its interpreter runs.
    Code(String),
    /// A call of a function its warm-up defined, with JSON input (a Python run).
    Call {
        /// The guest function.
        function: String,
        /// Its input, JSON text.
        input: String,
    },
    /// A program file in its filesystem (a compiled binary under `/input`).
    File(String),
}

/// Where a step of a guest left the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// It returned.
    Done,
    /// It failed with this status; the guest lives on.
    Failed(i32),
    /// The guest process exited with this status.
    Exited(i32),
    /// It waits (sleeps, blocks) or the slice ran out: step again.
    Blocked,
}

/// Output a guest wrote since the last take: its text, and how many bytes of it the engine's window
/// left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// What was kept, whole characters.
    pub text: String,
    /// How many bytes were left out.
    pub omitted: u64,
}
