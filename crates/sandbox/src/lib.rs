//! The plain Rust core of local-code-interpreter: it runs JavaScript and Python programs in
//! Hyperlight micro-VMs (the `hyperlight-unikraft` engine), one warm snapshot per language, with
//! time and output limits, and reports each run as a [`RunOutcome`]. No Node.js here: the napi
//! binding crate is glue over this one.

pub mod capture;
pub mod compile;
pub mod config;
pub mod dirs;
pub mod elf;
pub mod engine;
pub mod error;
pub mod facts;
pub mod fetch;
pub mod host_calls;
pub mod hypervisor;
pub mod images;
pub mod javascript;
pub mod jail;
pub mod language;
pub mod memfs;
pub mod network;
pub mod outcome;
pub mod permits;
pub mod pinned;
pub mod pool;
pub mod rich;
pub mod runlog;
pub mod sandbox;
pub mod snapshot_cache;
pub mod sockets;
pub mod stdin;
pub mod streaming;
pub mod tools;
pub mod watchdog;

#[cfg(test)]
mod test_support;

pub use config::Limits;
pub use error::{ErrorCode, SandboxError};
pub use language::{FileKind, Language};
pub use outcome::{Ending, RunOutcome, StopReason, Timings, WarmedFrom};
pub use sandbox::{probe, Probe, RunOptions, Sandbox, SandboxOptions, Session, SnapshotDirectory};
pub use streaming::{OutputChunk, OutputSink, OutputStream};
pub use watchdog::StopSwitch;
