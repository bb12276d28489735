//! The engine and everything about guests: finding an image ([`images`]), booting and snapshotting
//! it ([`engine`]), clean guests restored ahead of the request ([`pool`]) on threads of their own
//! ([`pinned`]), their in-memory mounts ([`memfs`]), what a run keeps of its output ([`capture`],
//! [`streaming`]), warm snapshots on disk ([`snapshot_cache`]), the hypervisor check
//! ([`hypervisor`]), each run's standard input ([`stdin`]) and stopping a run ([`watchdog`]).

pub mod capture;
pub mod engine;
pub mod hypervisor;
pub mod images;
pub mod memfs;
pub mod pinned;
pub mod pool;
pub mod snapshot_cache;
pub mod stdin;
pub mod streaming;
pub mod watchdog;
