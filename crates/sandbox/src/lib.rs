//! The plain Rust core of local-code-interpreter: it runs JavaScript and Python programs in
//! Hyperlight micro-VMs (the `hyperlight-unikraft` engine), one warm snapshot per language, with
//! time and output limits, and reports each run as a [`RunOutcome`]. No Node.js here: the napi
//! binding crate is glue over this one.
//!
//! Where things are, each layer using only those below it (`module_graph.rs` fails on a cycle):
//! - at the bottom, what every layer shares: [`error`], [`outcome`] (what a run produced), [`stop`]
//!   (the switch that stops a run), [`config`] (limits and their ranges), [`dirs`];
//! - [`host`]: what a run's code may call on the host — tools, `fetch`, the network it may reach;
//! - [`lang`]: the languages — which one a workload is in, JavaScript's script-or-module, Python's
//!   value and images, C and C++ compiled in a jail;
//! - [`guest`]: the engine and everything about guests, behind the [`guest::Guest`] trait — images,
//!   one run's loop ([`guest::run`]), the hyperlight-unikraft guest ([`guest::engine`], the only
//!   place besides its adapters that names the engine crate), the pool, the watchdog, snapshots on disk;
//! - on top, the sandbox a caller holds ([`sandbox`]) with its turns ([`turns`]), its settings as
//!   JavaScript gives them ([`settings`]) and its run log ([`runlog`]); [`facts`] writes what
//!   TypeScript must agree on.

pub mod config;
pub mod dirs;
pub mod error;
pub mod facts;
pub mod guest;
pub mod host;
pub mod lang;
pub mod outcome;
pub mod runlog;
pub mod sandbox;
pub mod settings;
pub mod stop;
pub mod turns;

// The paths the binding and bench/engine have always used, kept while the core's modules live in
// folders by what they are (guest/, host/, lang/).
pub use guest::{capture, engine, hypervisor, images, memfs, pinned, pool, snapshot_cache, stdin, streaming, watchdog};
pub use host::{fetch, host_calls, network, sockets, tools};
pub use lang::{compile, elf, jail, javascript, language, rich};

#[cfg(test)]
mod module_graph;
#[cfg(test)]
mod test_support;

pub use config::Limits;
pub use error::{ErrorCode, SandboxError};
pub use language::{FileKind, Language};
pub use outcome::{Ending, RunOutcome, StopReason, Timings, WarmedFrom};
pub use sandbox::{probe, Probe, RunOptions, Sandbox, SandboxOptions, Session, SnapshotDirectory};
pub use streaming::{OutputChunk, OutputSink, OutputStream};
pub use stop::StopSwitch;
