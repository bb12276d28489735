//! A language's warm guest: booted once, its warm-up run, then snapshotted; every run takes a guest
//! at that snapshot, runs one program, and the guest is restored to the snapshot again, so nothing one
//! run leaves behind is visible to the next and no run pays for a boot. Each guest has mounts of its
//! own, all in host memory: `/input` (read-only: the caller's files and the program to run), `/output`
//! (writable within a quota: the files a program hands back) and the images a Python run showed
//! ([`rich::RESULTS_DIR`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use hyperlight_unikraft::{AppSandbox, Exec, Mount, SandboxBuilder, Snapshot, Yield, CALL_PAYLOAD_MAX};

use crate::capture::{engine_window, HeadTail};
use crate::config::Limits;
use crate::error::{ErrorCode, SandboxError};
use crate::hypervisor;
use crate::images::GuestImage;
use crate::memfs::{MemFs, Quota, OUTPUT_QUOTA};
use crate::network::AllowList;
use crate::outcome::{Ending, HeldGuest, RunOutcome, StopReason, Timings, WarmedFrom};
use crate::rich;
use crate::snapshot_cache::{EntryKey, Lookup, SnapshotCache};
use crate::sockets::{GuestId, GuestThread, SocketPolicy};
use crate::stdin::StdinGuard;
use crate::streaming::OutputSink;
use crate::host_calls::{self, Grants, RunGuard};
use crate::pinned::Pinned;
use crate::pool::{Pool, Restorer};
use crate::watchdog::{StopSwitch, Watchdog};

/// The longest the run loop waits in one step, so a stop is noticed while the guest sleeps.
const STEP_SLICE: Duration = Duration::from_millis(20);
/// The longest an image's warm-up may take (the data image's imports take a minute under emulation).
const WARMUP_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// The longest a restored guest's touch run may take.
const TOUCH_TIMEOUT: Duration = Duration::from_secs(60);
/// How much of a failed warm-up's output its error quotes.
const WARMUP_OUTPUT_KEPT: usize = 8 * 1024;
/// Where the caller's files are, read-only, in the guest.
pub const INPUT_DIR: &str = "/input";
/// Where a program writes the files it hands back.
pub const OUTPUT_DIR: &str = "/output";
/// Where a compiled program is put, under [`INPUT_DIR`].
const PROGRAM_PATH: &str = ".lci-bin/program";
/// No quota on `/input`: only the host writes there.
const INPUT_QUOTA: Quota = Quota { entries: usize::MAX, bytes: u64::MAX };

/// What to run.
#[derive(Debug, Clone)]
pub enum Program {
    /// Source code the guest's interpreter runs.
    Code(String),
    /// A static-PIE binary the exec guest runs.
    Binary(Vec<u8>),
    /// A call of a function the guest's warm-up defined, with its JSON input (a Python run: see
    /// [`crate::rich`]).
    Call {
        /// The guest function.
        function: String,
        /// Its input, JSON text.
        input: String,
    },
}

/// One run: the program, the files it may read, its time limit and the switch that stops it.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// What to run.
    pub program: Program,
    /// Files the program finds under `/input` (relative path, content).
    pub files: Vec<(String, Vec<u8>)>,
    /// What it reads on standard input, then end of file.
    pub stdin: Vec<u8>,
    /// How long it may run.
    pub timeout: Duration,
    /// Stops it early when thrown (cancellation).
    pub switch: StopSwitch,
    /// What its code may call on the host: tools (code mode) and fetch.
    pub grants: Grants,
    /// Where its output goes as it is written, besides the outcome (see [`crate::streaming`]).
    pub on_output: Option<OutputSink>,
}

/// A booted guest with its mounts, on the thread that drives it ([`Pinned`]).
struct Vm {
    sandbox: AppSandbox,
    mounts: Mounts,
    /// Marks the thread as this guest's for its socket calls ([`crate::sockets`]); dropped after
    /// `sandbox` (fields drop in order), so the engine's sockets are closed while it is counted.
    _sockets: GuestThread,
}

/// A booted guest, made, restored and run on a thread of its own whichever thread asks: a vCPU run on
/// another thread than the one it last ran on starts cold ([`crate::pinned`]).
pub struct Guest(Pinned<Vm>, GuestId);

/// A guest's mounts, all in host memory: the caller's files, the files the program hands back, and
/// in a Python guest the images a run showed ([`rich::RESULTS_DIR`]; the other guests have no use for
/// it, so they do not see it).
struct Mounts {
    input: Arc<MemFs>,
    output: Arc<MemFs>,
    results: Arc<MemFs>,
}

impl Mounts {
    fn fresh(with_results: bool) -> (Mounts, Vec<Mount>) {
        let mounts = Mounts {
            input: Arc::new(MemFs::new(INPUT_QUOTA)),
            output: Arc::new(MemFs::new(OUTPUT_QUOTA)),
            results: Arc::new(MemFs::new(rich::RESULTS_QUOTA)),
        };
        let mut engine_mounts = vec![
            Mount::backend(mounts.input.clone(), INPUT_DIR, true),
            Mount::backend(mounts.output.clone(), OUTPUT_DIR, false),
        ];
        if with_results {
            engine_mounts.push(Mount::backend(mounts.results.clone(), rich::RESULTS_DIR, false));
        }
        (mounts, engine_mounts)
    }

    fn clear(&self) {
        self.input.clear();
        self.output.clear();
        self.results.clear();
    }
}

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

impl Vm {
    /// Runs the image's touch program, if any, and drops what it wrote; a guest it fails in is not used.
    fn touch(&mut self, touch: Option<Exec>) -> Result<(), SandboxError> {
        if let Some(exec) = touch {
            let mut streams = Streams::unsent(WARMUP_OUTPUT_KEPT);
            let ending = drive(&mut self.sandbox, exec, Instant::now() + TOUCH_TIMEOUT, StopSwitch::default(), &mut streams);
            if ending != Ending::Returned {
                return Err(SandboxError::new(ErrorCode::Engine, format!("a restored guest failed its touch run ({ending:?})")));
            }
        }
        let _ = self.sandbox.take_stderr();
        let _ = self.sandbox.take_output();
        let _ = self.sandbox.take_result();
        Ok(())
    }
}

impl Restorer for Recipe {
    type Guest = Guest;

    /// A new guest started from the snapshot (it adds only the memory it writes to), touched.
    fn fresh(&self) -> Result<Guest, SandboxError> {
        let recipe = self.clone();
        let (id_sent, id) = std::sync::mpsc::sync_channel(1);
        let pinned = Pinned::start("lci-guest", move || {
            // Before the boot: the engine makes no socket before the guest asks, but nothing here
            // should run unmarked on a guest's thread.
            let sockets = GuestThread::enter(&recipe.sockets);
            let _ = id_sent.send(sockets.id());
            let (mounts, engine_mounts) = Mounts::fresh(recipe.rich_results);
            let builder = host_calls::register(SandboxBuilder::from_snapshot(recipe.snapshot.clone()))
                .mounts(engine_mounts)
                .echo_output(false)
                .output_limit(engine_window(recipe.output_limit));
            let sandbox = with_network(builder, &recipe.network, &recipe.sockets)
                .boot()
                .map_err(|e| engine_error("start a guest from the snapshot", &e))?;
            let mut vm = Vm { sandbox, mounts, _sockets: sockets };
            vm.touch(recipe.touch.clone())?;
            Ok(vm)
        })?;
        Ok(Guest(pinned, id.recv().unwrap_or(0)))
    }

    /// Brings `guest` back to the snapshot (a clean state, empty mounts) and touches it, on its thread.
    fn restore(&self, guest: &mut Guest) -> Result<(), SandboxError> {
        let (snapshot, touch) = (self.snapshot.clone(), self.touch.clone());
        guest.0.with(move |vm| {
            vm.mounts.clear();
            vm.sandbox.restore(snapshot).map_err(|e| engine_error("restore the guest", &e))?;
            vm.touch(touch)
        })?
    }
}

impl WarmGuest {
    /// Boots `image` with `limits`, runs its warm-up code and takes the snapshot every run restores;
    /// then keeps `pool_size` clean guests ready.
    pub fn boot(image: &GuestImage, limits: &Limits, pool_size: usize) -> Result<WarmGuest, SandboxError> {
        crate::stdin::check_isolation()?;
        crate::sockets::check_isolation()?;
        hypervisor::check_device()?;
        let started = Instant::now();
        let (image_name, rootfs, warmup, rich_results) = (image.name, image.rootfs.clone(), image.warmup.clone(), image.rich_results);
        let (memory_mb, network, output_limit) = (limits.memory_mb.or(image.memory_mb), limits.network.clone(), limits.max_output_bytes);
        let socket_policy = limits.sockets.clone();
        let (id_sent, id) = std::sync::mpsc::sync_channel(1);
        // Booted on the thread that will drive it, as every guest is.
        let first = Pinned::start("lci-guest", move || {
            let sockets = GuestThread::enter(&socket_policy);
            let _ = id_sent.send(sockets.id());
            let (mounts, engine_mounts) = Mounts::fresh(rich_results);
            let mut builder = host_calls::register(SandboxBuilder::from_initrd(&rootfs))
                .mounts(engine_mounts)
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
            let _ = sandbox.take_stderr();
            let _ = sandbox.take_output();
            Ok(Vm { sandbox, mounts, _sockets: sockets })
        })?;
        let first = Guest(first, id.recv().unwrap_or(0));
        let snapshot = first.0.with(|vm| vm.sandbox.snapshot().map_err(|e| engine_error("snapshot", &e)))??;
        let recipe = Recipe::new(snapshot, image, limits);
        let touch = recipe.touch.clone();
        first.0.with(move |vm| vm.touch(touch))??;
        Ok(WarmGuest::new(recipe, first, pool_size, started.elapsed()))
    }

    /// The warm guest of `recipe`'s snapshot, `first` its first clean guest, keeping `pool_size` ready.
    fn new(recipe: Recipe, first: Guest, pool_size: usize, boot_time: Duration) -> WarmGuest {
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
    pub fn checkout(&self) -> Result<Guest, SandboxError> {
        self.pool.take_to_keep()
    }

    /// The most output a run keeps of each stream.
    pub fn output_limit(&self) -> usize {
        self.output_limit
    }

    /// Hands back a session's guest ([`WarmGuest::checkout`]); it is restored off the caller's path
    /// (see [`Pool`]) and kept if the pool has room; one that cannot be restored is dropped.
    pub fn recycle(&self, guest: Guest) {
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

impl Guest {
    /// Which guest this is for its sockets ([`crate::sockets::endpoint`]).
    pub fn id(&self) -> GuestId {
        self.1
    }

    /// Runs `request` in this guest as it is (a session's state stays), keeping at most `keep` bytes
    /// of each stream, beginning and end, on the guest's thread. Returns the outcome and whether the
    /// guest can take another run without a restore (it has not exited, nor been stopped).
    pub fn execute(&mut self, request: RunRequest, keep: usize) -> Result<(RunOutcome, bool), SandboxError> {
        self.0.with(move |vm| vm.execute(request, keep))?
    }
}

impl Vm {
    /// Puts the program (a binary) and the caller's files under `/input`; returns what to execute.
    fn stage(&self, program: Program, files: Vec<(String, Vec<u8>)>) -> Result<Exec, SandboxError> {
        let exec = match program {
            Program::Code(code) => {
                fits_one_call(code.len())?;
                Exec::Code(code)
            }
            Program::Call { function, input } => {
                // The code travels inside the call's JSON input, with a little more.
                fits_one_call(function.len() + input.len())?;
                Exec::Call { function, input }
            }
            Program::Binary(binary) => {
                self.mounts.input.put(PROGRAM_PATH, binary, 0o755)?;
                Exec::Guest(format!("{INPUT_DIR}/{PROGRAM_PATH}"))
            }
        };
        for (name, content) in files {
            if crate::memfs::normalize(&name).is_some_and(|n| n.starts_with(".lci-bin")) {
                return Err(SandboxError::new(ErrorCode::InvalidPath, format!("{name:?}: .lci-bin is reserved")));
            }
            self.mounts.input.put(&name, content, 0o644)?;
        }
        Ok(exec)
    }

    /// [`Guest::execute`], on this guest's thread.
    fn execute(&mut self, request: RunRequest, keep: usize) -> Result<(RunOutcome, bool), SandboxError> {
        let RunRequest { program, files, stdin, timeout, switch, grants, on_output } = request;
        let exec = match self.stage(program, files) {
            Ok(exec) => exec,
            Err(e) => {
                // Nothing half-staged is left for a session's next run.
                self.mounts.input.clear();
                return Err(e);
            }
        };
        self.mounts.output.clear();
        self.mounts.results.clear();

        let run_started = Instant::now();
        // One deadline for the run: the watchdog stops the guest at it, and a tool call waits no longer.
        let deadline = run_started + timeout;
        // The guest's reads of its stdin are served on this thread, which drives it (crate::stdin).
        let stdin = StdinGuard::install(stdin);
        // So are its calls of its tools and fetch (crate::host_calls).
        let run_guard = RunGuard::install(grants, switch.clone(), deadline);
        let mut streams = Streams { output: HeadTail::new(keep), stderr: HeadTail::new(keep), sink: on_output };
        let ending = drive(&mut self.sandbox, exec, deadline, switch, &mut streams);
        drop(stdin);
        let tool_calls = run_guard.finish();
        let run = run_started.elapsed();

        streams.drain(&self.sandbox);
        // A runner call (a Python run) says in its reply how the program really ended.
        let reply = self.sandbox.take_result();
        let (ending, rich) = rich::settle(ending, reply.as_deref(), &self.mounts.results);
        let truncated = streams.output.truncated() || streams.stderr.truncated() || rich.truncated;
        let alive = matches!(ending, Ending::Returned | Ending::Status(_));
        let mut outcome = RunOutcome::new(ending, streams.output.text(), streams.stderr.text(), truncated, timeout);
        outcome.files = self.mounts.output.take_files();
        outcome.value = rich.value;
        outcome.images = rich.images;
        outcome.tool_calls = tool_calls;
        outcome.timings = Timings { boot: None, warmed_from: None, prepare: Duration::ZERO, run };
        self.mounts.input.clear();
        self.mounts.results.clear();
        Ok((outcome, alive))
    }
}

/// Refuses a program whose call would carry more than the engine takes ([`CALL_PAYLOAD_MAX`]).
fn fits_one_call(bytes: usize) -> Result<(), SandboxError> {
    if bytes > CALL_PAYLOAD_MAX {
        return Err(SandboxError::new(
            ErrorCode::CodeTooLarge,
            format!("the code is {bytes} bytes (with what carries it); a run takes at most {CALL_PAYLOAD_MAX}"),
        ));
    }
    Ok(())
}

/// A run's two streams: the transcript (stdout and stderr in order) and stderr alone, and where
/// they go as they are written.
struct Streams {
    output: HeadTail,
    stderr: HeadTail,
    sink: Option<OutputSink>,
}

impl Streams {
    /// Streams that keep `keep` bytes of each and send nothing as it is written (a warm-up, a touch).
    fn unsent(keep: usize) -> Streams {
        Streams { output: HeadTail::new(keep), stderr: HeadTail::new(keep), sink: None }
    }

    /// Takes what the guest wrote since the last drain: standard error first, since taking the
    /// transcript also clears the engine's standard-error capture. The sink gets all of it, in
    /// order, before the caps of the outcome apply.
    fn drain(&mut self, guest: &AppSandbox) {
        let stderr = guest.take_stderr();
        let output = guest.take_output();
        if let Some(sink) = &self.sink {
            sink.send_step(&output, &stderr);
        }
        self.stderr.absorb(stderr);
        self.output.absorb(output);
    }
}

/// Submits `exec` and steps the guest until the program ends or must stop (at `deadline`, or when `switch` is
/// thrown), draining its output at every step so the end of a long output is kept.
fn drive(guest: &mut AppSandbox, exec: Exec, deadline: Instant, switch: StopSwitch, streams: &mut Streams) -> Ending {
    let handle = guest.interrupt_handle();
    let watchdog = Watchdog::start(Box::new(move || {
        handle.kill();
    }), deadline, switch);
    let ended = (|| -> Result<Ending, hyperlight_unikraft::Error> {
        guest.submit(exec)?;
        loop {
            if let Some(reason) = watchdog.reason() {
                return Ok(Ending::Stopped(reason));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let step = guest.step(left.min(STEP_SLICE))?;
            streams.drain(guest);
            match step {
                Yield::CallDone => return Ok(Ending::Returned),
                Yield::CallFailed { status } => return Ok(Ending::Status(status)),
                Yield::Exited { status } => return Ok(Ending::Exited(status)),
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
        Err(hyperlight_unikraft::Error::CallFailed { status }) => Ending::Status(status),
        Err(hyperlight_unikraft::Error::GuestExited { status }) => Ending::Exited(status),
        Err(hyperlight_unikraft::Error::Deadlocked) => Ending::Deadlocked,
        Err(e) => Ending::Fault(e.to_string()),
    }
}

/// `builder` with the network `allowed` opens: none when it is empty (every socket refused); else the
/// allow list as the engine's filter, and the host's resolvers for the names on it. The exposed ports
/// are the engine's listen ports (with no allow list: sockets that can serve on them and reach
/// nothing); [`crate::sockets`] binds them on loopback.
fn with_network(builder: SandboxBuilder, allowed: &AllowList, sockets: &SocketPolicy) -> SandboxBuilder {
    let builder = match sockets.listen_ports() {
        Some(ports) => builder.listen_ports(ports),
        None => builder,
    };
    let Some(policy) = allowed.policy() else { return builder };
    let builder = builder.network(policy);
    match crate::network::resolv_conf() {
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
