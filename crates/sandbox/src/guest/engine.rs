//! A language's warm guest: booted once, its warm-up run, then snapshotted; every run takes a guest
//! at that snapshot, runs one program, and the guest is restored to the snapshot again, so nothing one
//! run leaves behind is visible to the next and no run pays for a boot. Each guest has mounts of its
//! own, all in host memory: `/input` (read-only: the caller's files and the program to run), `/output`
//! (writable within a quota: the files a program hands back) and the images a Python run showed
//! ([`rich::RESULTS_DIR`]).
//!
//! This is the hyperlight-unikraft guest behind the [`Guest`] trait: what only this engine does (boot
//! an image, snapshot it, start and restore guests from the snapshot, register the host functions) is
//! here; a run's own logic, whatever the engine, is [`crate::guest::run`]'s.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use hyperlight_unikraft::{AppSandbox, ListenPorts, Mount, SandboxBuilder, Snapshot, Yield, CALL_PAYLOAD_MAX};

use crate::config::Limits;
use crate::error::{ErrorCode, SandboxError};
use crate::guest::capture::engine_window;
use crate::guest::hypervisor;
use crate::guest::images::GuestImage;
use crate::guest::pinned::Pinned;
use crate::guest::pool::{Pool, Restorer};
use crate::guest::run::{drive, Mounts, Streams, Vm, WARMUP_OUTPUT_KEPT};
use crate::guest::snapshot_cache::{EntryKey, Lookup, SnapshotCache};
use crate::guest::watchdog::Interrupt;
use crate::stop::StopSwitch;
use crate::guest::{Exec, Guest, Step, Written};
use crate::host::host_calls;
use crate::host::network::AllowList;
use crate::host::sockets::{self, GuestId, SocketPolicy};
use crate::lang::rich;
use crate::outcome::{Ending, HeldGuest, RunOutcome, StopReason, WarmedFrom};

pub use crate::guest::run::{Program, RunRequest, INPUT_DIR, OUTPUT_DIR};

/// The longest an image's warm-up may take (the data image's imports take a minute under emulation).
const WARMUP_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// The hyperlight-unikraft micro-VM is a [`Guest`]: its yields and errors read as the core's steps
/// and endings.
impl Guest for AppSandbox {
    fn submit(&mut self, exec: Exec) -> Result<(), Ending> {
        let exec = match exec {
            Exec::Code(code) => hyperlight_unikraft::Exec::Code(code),
            Exec::Call { function, input } => hyperlight_unikraft::Exec::Call { function, input },
            Exec::File(path) => hyperlight_unikraft::Exec::Guest(path),
        };
        AppSandbox::submit(self, exec).map_err(|e| ending_of(&e))
    }

    fn step(&mut self, slice: Duration) -> Result<Step, Ending> {
        match AppSandbox::step(self, slice) {
            Ok(Yield::CallDone) => Ok(Step::Done),
            Ok(Yield::CallFailed { status }) => Ok(Step::Failed(status)),
            Ok(Yield::Exited { status }) => Ok(Step::Exited(status)),
            Ok(Yield::Blocked { .. }) => Ok(Step::Blocked),
            Err(e) => Err(ending_of(&e)),
        }
    }

    fn take_stderr(&mut self) -> Written {
        let c = AppSandbox::take_stderr(self);
        Written { text: c.text, omitted: c.omitted }
    }

    fn take_output(&mut self) -> Written {
        let c = AppSandbox::take_output(self);
        Written { text: c.text, omitted: c.omitted }
    }

    fn take_result(&mut self) -> Option<Vec<u8>> {
        AppSandbox::take_result(self)
    }

    fn interrupter(&self) -> Interrupt {
        let handle = self.interrupt_handle();
        Box::new(move || {
            handle.kill();
        })
    }
}

/// `builder` with every host function a run's code may call ([`host_calls::FUNCTIONS`]).
pub fn register(builder: SandboxBuilder) -> SandboxBuilder {
    host_calls::FUNCTIONS.into_iter().fold(builder, |builder, (name, function)| builder.host_function(name, function))
}

/// The most bytes one call into a guest carries (the program's code, or a runner call's input).
pub const MAX_CALL_BYTES: usize = CALL_PAYLOAD_MAX;

/// How a program ended when the engine reports its end as an error.
fn ending_of(e: &hyperlight_unikraft::Error) -> Ending {
    match e {
        hyperlight_unikraft::Error::CallFailed { status } => Ending::Status(*status),
        hyperlight_unikraft::Error::GuestExited { status } => Ending::Exited(*status),
        hyperlight_unikraft::Error::Deadlocked => Ending::Deadlocked,
        e => Ending::Fault(e.to_string()),
    }
}

/// `mounts` as the engine mounts them; the results mount only `with_results` (a Python image).
fn engine_mounts(mounts: &Mounts, with_results: bool) -> Vec<Mount> {
    mounts.table(with_results).into_iter().map(|(fs, at, read_only)| Mount::backend(fs, at, read_only)).collect()
}

/// A booted guest, made, restored and run on a thread of its own whichever thread asks: a vCPU run on
/// another thread than the one it last ran on starts cold ([`crate::guest::pinned`]).
pub struct PinnedGuest(Pinned<Vm<AppSandbox>>, GuestId);

/// One language's snapshot and the clean guests restored from it, ahead of the request ([`Pool`]).
pub struct WarmGuest {
    /// The snapshot every guest starts from and is restored to.
    snapshot: Arc<Snapshot>,
    /// Clean guests, and how to make and restore them.
    pool: Pool<Recipe>,
    output_limit: usize,
    /// How long the boot, warm-up and snapshot took.
    pub boot_time: Duration,
}

/// How a warm guest's guests are made and brought back: from its snapshot, with its settings.
#[derive(Clone)]
struct Recipe {
    snapshot: Arc<Snapshot>,
    output_limit: usize,
    /// What its guests may reach.
    network: AllowList,
    /// What its guests may hold and serve on the host.
    sockets: SocketPolicy,
    /// Whether its guests get the results mount (a Python image).
    rich_results: bool,
    /// The image's trivial program, run in a guest just restored so the pages a run needs are mapped
    /// again before a run waits for them ([`GuestImage::touch`]); in a Python image, through the runner
    /// a run calls.
    touch: Option<Exec>,
}

impl Recipe {
    /// How to make and restore guests of `image` from `snapshot`, with `limits`.
    fn new(snapshot: Arc<Snapshot>, image: &GuestImage, limits: &Limits) -> Recipe {
        Recipe {
            snapshot,
            output_limit: limits.max_output_bytes,
            network: limits.network.clone(),
            sockets: limits.sockets.clone(),
            rich_results: image.rich_results,
            touch: image.touch.map(|code| match image.rich_results {
                true => Exec::Call { function: rich::PYTHON_RUNNER.into(), input: rich::python_touch_input(code) },
                false => Exec::Code(code.into()),
            }),
        }
    }
}

impl Restorer for Recipe {
    type Guest = PinnedGuest;

    /// A new guest started from the snapshot (it adds only the memory it writes to), touched.
    fn fresh(&self) -> Result<PinnedGuest, SandboxError> {
        let recipe = self.clone();
        let (id_sent, id) = std::sync::mpsc::sync_channel(1);
        let pinned = Pinned::start("lci-guest", move || {
            // Before the boot: the engine makes no socket before the guest asks, but nothing here
            // should run unmarked on a guest's thread.
            let _ = id_sent.send(sockets::mark_this_thread(&recipe.sockets));
            let mounts = Mounts::fresh();
            let builder = register(SandboxBuilder::from_snapshot(recipe.snapshot.clone()))
                .mounts(engine_mounts(&mounts, recipe.rich_results))
                .echo_output(false)
                .output_limit(engine_window(recipe.output_limit));
            let sandbox = with_network(builder, &recipe.network, &recipe.sockets)
                .boot()
                .map_err(|e| engine_error("start a guest from the snapshot", &e))?;
            let mut vm = Vm { guest: sandbox, mounts };
            vm.touch(recipe.touch.clone())?;
            Ok(vm)
        })?;
        Ok(PinnedGuest(pinned, id.recv().unwrap_or(0)))
    }

    /// Brings `guest` back to the snapshot (a clean state, empty mounts) and touches it, on its thread.
    fn restore(&self, guest: &mut PinnedGuest) -> Result<(), SandboxError> {
        let (snapshot, touch) = (self.snapshot.clone(), self.touch.clone());
        guest.0.with(move |vm| {
            vm.mounts.clear();
            vm.guest.restore(snapshot).map_err(|e| engine_error("restore the guest", &e))?;
            vm.touch(touch)
        })?
    }
}

impl WarmGuest {
    /// Boots `image` with `limits`, runs its warm-up code and takes the snapshot every run restores;
    /// then keeps `pool_size` clean guests ready.
    pub fn boot(image: &GuestImage, limits: &Limits, pool_size: usize) -> Result<WarmGuest, SandboxError> {
        crate::guest::stdin::check_isolation()?;
        sockets::check_isolation()?;
        hypervisor::check_device()?;
        let started = Instant::now();
        let (image_name, rootfs, warmup, rich_results) = (image.name, image.rootfs.clone(), image.warmup.clone(), image.rich_results);
        let (memory_mb, network, output_limit) = (limits.memory_mb.or(image.memory_mb), limits.network.clone(), limits.max_output_bytes);
        let socket_policy = limits.sockets.clone();
        let (id_sent, id) = std::sync::mpsc::sync_channel(1);
        // Booted on the thread that will drive it, as every guest is.
        let first = Pinned::start("lci-guest", move || {
            let _ = id_sent.send(sockets::mark_this_thread(&socket_policy));
            let mounts = Mounts::fresh();
            let mut builder = register(SandboxBuilder::from_initrd(&rootfs))
                .mounts(engine_mounts(&mounts, rich_results))
                .echo_output(false)
                .output_limit(engine_window(output_limit));
            if let Some(mb) = memory_mb {
                builder = builder.scratch_mb(mb);
            }
            builder = with_network(builder, &network, &socket_policy);
            let mut sandbox = builder.boot().map_err(|e| hypervisor::boot_failure(&e))?;
            if let Some(code) = warmup {
                // Driven as a run is, so a warm-up that never ends is stopped and reported, not waited for.
                let mut streams = Streams::unsent(WARMUP_OUTPUT_KEPT);
                let deadline = Instant::now() + WARMUP_TIMEOUT;
                let ending = drive(&mut sandbox, Exec::Code(code), deadline, StopSwitch::default(), &mut streams);
                if ending != Ending::Returned {
                    return Err(SandboxError::new(
                        ErrorCode::Engine,
                        format!("the {image_name} guest image's warm-up failed ({ending:?}): {}", streams.output.text()),
                    ));
                }
            }
            let _ = Guest::take_stderr(&mut sandbox);
            let _ = Guest::take_output(&mut sandbox);
            Ok(Vm { guest: sandbox, mounts })
        })?;
        let first = PinnedGuest(first, id.recv().unwrap_or(0));
        let snapshot = first.0.with(|vm| vm.guest.snapshot().map_err(|e| engine_error("snapshot", &e)))??;
        let recipe = Recipe::new(snapshot, image, limits);
        let touch = recipe.touch.clone();
        first.0.with(move |vm| vm.touch(touch))??;
        Ok(WarmGuest::new(recipe, first, pool_size, started.elapsed()))
    }

    /// The warm guest of `recipe`'s snapshot, `first` its first clean guest, keeping `pool_size` ready.
    fn new(recipe: Recipe, first: PinnedGuest, pool_size: usize, boot_time: Duration) -> WarmGuest {
        WarmGuest {
            snapshot: recipe.snapshot.clone(),
            output_limit: recipe.output_limit,
            pool: Pool::new(recipe, first, pool_size),
            boot_time,
        }
    }

    /// The warm guest of `image` and `limits`: from `cache`'s entry for them when it has a sound one
    /// (and a guest starts from it), else booted ([`WarmGuest::boot`]) and saved there for the next
    /// process; then keeping `pool_size` clean guests ready. Says which; `boot_time` is how long either
    /// took (a save included). The cache is best effort: an image it cannot hash, or a save that fails,
    /// only means a boot.
    pub fn warm(image: &GuestImage, limits: &Limits, pool_size: usize, cache: Option<&SnapshotCache>) -> Result<(WarmGuest, WarmedFrom), SandboxError> {
        let started = Instant::now();
        let memory_mb = limits.memory_mb.or(image.memory_mb);
        let key = cache.and_then(|c| EntryKey::for_image(image, memory_mb, c.digests()).ok().map(|key| (c, key)));
        if let Some((cache, key)) = &key {
            if let Lookup::Hit(entry) = cache.load(key) {
                // A guest started from it now: the first run's, and the proof the engine takes it.
                let recipe = Recipe::new(entry.snapshot.clone(), image, limits);
                match recipe.fresh() {
                    Ok(first) => return Ok((WarmGuest::new(recipe, first, pool_size, started.elapsed()), WarmedFrom::Disk)),
                    Err(_) => cache.reject(key, entry),
                }
            }
        }
        let mut warm = WarmGuest::boot(image, limits, pool_size)?;
        if let Some((cache, key)) = &key {
            let _ = cache.store(key, &warm.snapshot);
        }
        warm.boot_time = started.elapsed();
        Ok((warm, WarmedFrom::Boot))
    }

    /// A clean guest for a session to keep: one restored ahead of the request, or a new one started
    /// from the snapshot; the pool makes another in its place.
    pub fn checkout(&self) -> Result<PinnedGuest, SandboxError> {
        self.pool.take_to_keep()
    }

    /// The most output a run keeps of each stream.
    pub fn output_limit(&self) -> usize {
        self.output_limit
    }

    /// Hands back a session's guest ([`WarmGuest::checkout`]); it is restored off the caller's path
    /// (see [`Pool`]) and kept if the pool has room; one that cannot be restored is dropped.
    pub fn recycle(&self, guest: PinnedGuest) {
        self.pool.give_back_kept(guest);
    }

    /// Keeps at least `size` clean guests ready (a sandbox sharing this warm guest that runs more at once).
    pub fn grow_pool(&self, size: usize) {
        self.pool.grow_to(size);
    }

    /// Runs `request` in a clean guest; the outcome holds the guest until it is dropped, and then it is
    /// restored for the next run ([`crate::outcome::HeldGuest`]).
    pub fn execute(&self, request: RunRequest) -> Result<RunOutcome, SandboxError> {
        let prepare_started = Instant::now();
        let mut guest = self.pool.take()?;
        let prepare = prepare_started.elapsed();
        let (mut outcome, _) = guest.execute(request, self.output_limit)?;
        outcome.timings.prepare = prepare;
        outcome.guest = HeldGuest::new(guest);
        Ok(outcome)
    }
}

impl PinnedGuest {
    /// Which guest this is for its sockets ([`sockets::endpoint`]).
    pub fn id(&self) -> GuestId {
        self.1
    }

    /// Runs `request` in this guest as it is (a session's state stays), keeping at most `keep` bytes
    /// of each stream, beginning and end, on the guest's thread ([`Vm::execute`]). Returns the outcome
    /// and whether the guest can take another run without a restore (it has not exited, nor been
    /// stopped).
    pub fn execute(&mut self, request: RunRequest, keep: usize) -> Result<(RunOutcome, bool), SandboxError> {
        self.0.with(move |vm| vm.execute(request, keep, CALL_PAYLOAD_MAX))?
    }
}

/// `builder` with the network `allowed` opens: none when it is empty (every socket refused); else the
/// allow list as the engine's filter, and the host's resolvers for the names on it. The exposed ports
/// are the engine's listen ports (with no allow list: sockets that can serve on them and reach
/// nothing); [`sockets`] binds them on loopback.
fn with_network(builder: SandboxBuilder, allowed: &AllowList, socket_policy: &SocketPolicy) -> SandboxBuilder {
    let builder = match socket_policy.exposed() {
        [] => builder,
        ports => builder.listen_ports(ListenPorts::from_ports(ports.iter().copied())),
    };
    let Some(policy) = allowed.policy() else { return builder };
    let builder = builder.network(policy);
    match crate::host::network::resolv_conf() {
        Some(conf) => builder.resolv_conf(conf),
        None => builder,
    }
}

fn engine_error(what: &str, e: &hyperlight_unikraft::Error) -> SandboxError {
    SandboxError::new(ErrorCode::Engine, format!("could not {what}: {e}"))
}

/// What makes two warm guests interchangeable: the same root filesystem and guest settings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct WarmKey {
    rootfs: PathBuf,
    memory_mb: Option<usize>,
    output_limit: usize,
    network: AllowList,
    sockets: SocketPolicy,
}

/// The warm guests of this process, by what they were booted from; held weakly, so one lives as long
/// as a sandbox uses it.
static SHARED: OnceLock<Mutex<HashMap<WarmKey, Arc<Mutex<Weak<WarmGuest>>>>>> = OnceLock::new();

/// The warm guest for `image` and `limits`, shared by every sandbox of this process that asks for the
/// same: its snapshot is taken once and each guest restored from it adds only the memory it writes.
/// Warms one when none is alive, from `cache` or by booting ([`WarmGuest::warm`]), and returns how
/// long that took and how; concurrent callers wait for it.
pub fn shared_warm_guest(
    image: &GuestImage,
    limits: &Limits,
    pool_size: usize,
    cache: Option<&SnapshotCache>,
) -> Result<(Arc<WarmGuest>, Option<(Duration, WarmedFrom)>), SandboxError> {
    let key = WarmKey {
        rootfs: image.rootfs.clone(),
        memory_mb: limits.memory_mb,
        output_limit: limits.max_output_bytes,
        network: limits.network.clone(),
        sockets: limits.sockets.clone(),
    };
    let slot = SHARED.get_or_init(Default::default).lock().unwrap().entry(key).or_default().clone();
    let mut weak = slot.lock().unwrap();
    if let Some(warm) = weak.upgrade() {
        warm.grow_pool(pool_size);
        return Ok((warm, None));
    }
    let (warm, from) = WarmGuest::warm(image, limits, pool_size, cache)?;
    let warm = Arc::new(warm);
    *weak = Arc::downgrade(&warm);
    let boot = warm.boot_time;
    Ok((warm, Some((boot, from))))
}

/// Whether the run behind `outcome` was stopped by its caller (its AbortSignal).
pub fn cancelled(outcome: &RunOutcome) -> bool {
    outcome.stop == Some(StopReason::Cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_s_errors_read_as_how_the_program_ended() {
        assert_eq!(ending_of(&hyperlight_unikraft::Error::CallFailed { status: 2 }), Ending::Status(2));
        assert_eq!(ending_of(&hyperlight_unikraft::Error::GuestExited { status: 137 }), Ending::Exited(137));
        assert_eq!(ending_of(&hyperlight_unikraft::Error::Deadlocked), Ending::Deadlocked);
    }

    #[test]
    fn the_mounts_a_guest_sees_are_input_output_and_for_python_the_results() {
        let mounts = Mounts::fresh();
        let at = |with| mounts.table(with).into_iter().map(|(_, at, read_only)| (at, read_only)).collect::<Vec<_>>();
        assert_eq!(at(false), [(INPUT_DIR, true), (OUTPUT_DIR, false)]);
        assert_eq!(at(true), [(INPUT_DIR, true), (OUTPUT_DIR, false), (rich::RESULTS_DIR, false)]);
        assert_eq!(engine_mounts(&mounts, true).len(), 3);
    }

    #[test]
    fn a_cancelled_outcome_is_told_from_a_timed_out_one() {
        let outcome = |reason| RunOutcome::new(Ending::Stopped(reason), String::new(), String::new(), false, Duration::from_secs(1));
        assert!(cancelled(&outcome(StopReason::Cancelled)));
        assert!(!cancelled(&outcome(StopReason::Timeout)));
    }
}
