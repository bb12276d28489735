//! The sandbox a caller holds (`NanvixSandbox` in JavaScript): its limits and directories, one warm
//! guest per language (booted on the language's first run), at most `max_concurrency` runs at once,
//! and sessions that keep one guest's state across runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::lang::compile::{self, Compiled};
use crate::config::Limits;
use crate::dirs::Directories;
use crate::guest::engine::{shared_warm_guest, PinnedGuest, Program, RunRequest, WarmGuest};
use crate::guest::streaming::{OutputChunk, OutputStream};
use crate::host::fetch::{FetchHandler, Fetcher};
use crate::host::host_calls::Grants;
use crate::error::{ErrorCode, SandboxError};
use crate::guest::images;
use crate::lang::language::{FileKind, Language};
use crate::outcome::{Ending, RunOutcome};
use crate::runlog::RunLog;
use crate::turns::{Turn, Turns};
use crate::guest::snapshot_cache::{self, SnapshotCache};
use crate::stop::StopSwitch;

/// What a sandbox is made from.
#[derive(Clone, Default)]
pub struct SandboxOptions {
    /// Where the run log goes; a per-instance directory when `None`.
    pub log_directory: Option<PathBuf>,
    /// Where runs stage files (compilations); a per-instance directory when `None`.
    pub tmp_directory: Option<PathBuf>,
    /// The limits of every run.
    pub limits: Limits,
    /// How many runs may be in flight at once; the number of CPUs when `None`.
    pub max_concurrency: Option<usize>,
    /// Folders to search for guest images from (see [`images::candidates`]).
    pub image_roots: Vec<PathBuf>,
    /// Which image runs Python; `None`: the data image when installed, else the standard one.
    pub python_image: Option<images::PythonImage>,
    /// How many clean guests of each language wait, restored ahead of the request
    /// ([`crate::guest::pool`]); `max_concurrency` when `None`.
    pub pool_size: Option<usize>,
    /// Who makes the JavaScript guest's `fetch` requests (the binding: Node); `None`, or an empty
    /// `limits.network`: every fetch is refused.
    pub fetch_handler: Option<Arc<dyn FetchHandler>>,
    /// Where warm snapshots are saved for later processes and loaded from (see
    /// [`crate::guest::snapshot_cache`]).
    pub snapshot_directory: SnapshotDirectory,
}

/// Where a sandbox keeps its warm snapshots on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SnapshotDirectory {
    /// Nowhere: every process boots its guests.
    #[default]
    Off,
    /// The user's cache directory ([`snapshot_cache::default_directory`]), when there is one and it
    /// can be made; else nowhere.
    Default,
    /// This directory, made if missing.
    At(PathBuf),
}

/// What one run is given besides its code.
#[derive(Debug, Default)]
pub struct RunOptions {
    /// Files the program can read under `/input` (relative path, content).
    pub files: Vec<(String, Vec<u8>)>,
    /// A host directory the files the program writes under `/output` are also saved to.
    pub output_directory: Option<PathBuf>,
    /// What the program reads on its standard input, then end of file (empty: end of file at once).
    pub stdin: Vec<u8>,
    /// Thrown to cancel the run.
    pub switch: StopSwitch,
    /// The tools the code may call (code mode).
    pub tools: Option<Arc<crate::host::tools::Tools>>,
    /// Where the program's output goes as it is written (see [`crate::guest::streaming`]); a C or C++
    /// compile error's messages go there too, as standard error.
    pub on_output: Option<crate::guest::streaming::OutputSink>,
    /// The run's turn among the sandbox's [`Sandbox::turns`], when its caller waited for it already
    /// (the binding waits as a future); `None`: the run waits for one on its thread.
    pub turn: Option<Turn>,
}

/// Runs programs in micro-VMs, one warm guest per language.
pub struct Sandbox {
    limits: Limits,
    dirs: Directories,
    image_roots: Vec<PathBuf>,
    python_image: Option<images::PythonImage>,
    /// The guests' `fetch`, when the network is open and someone makes the requests.
    fetcher: Option<Arc<Fetcher>>,
    log: RunLog,
    /// At most `max_concurrency` runs at once.
    turns: Turns,
    max_concurrency: usize,
    pool_size: usize,
    /// The warm guests its runs used, by image, kept alive for as long as the sandbox lives (the
    /// process's one cache of them, [`shared_warm_guest`], holds them weakly).
    held: Mutex<HashMap<&'static str, Arc<WarmGuest>>>,
    /// The image each language runs, found on its first run: finding one reads its warm-up code
    /// (hundreds of KiB for JavaScript), which a warm run should not pay for.
    images: Mutex<HashMap<Language, Arc<images::GuestImage>>>,
    /// Where warm snapshots are saved and loaded; `None`: nowhere.
    snapshots: Option<SnapshotCache>,
}

impl Sandbox {
    /// A sandbox with `options`; fails with [`ErrorCode::InvalidConfig`] when a directory cannot be
    /// created or `max_concurrency` is 0. Nothing boots until the first run.
    pub fn new(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let max_concurrency = match options.max_concurrency {
            Some(0) => return Err(SandboxError::new(ErrorCode::InvalidConfig, "maxConcurrency must be at least 1")),
            Some(n) => n,
            None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        };
        let pool_size = match options.pool_size {
            Some(n) if n == 0 || n > crate::guest::pool::MAX_POOL_SIZE => {
                return Err(SandboxError::new(
                    ErrorCode::InvalidConfig,
                    format!("poolSize must be from 1 to {}", crate::guest::pool::MAX_POOL_SIZE),
                ))
            }
            Some(n) => n,
            None => max_concurrency,
        };
        let dirs = Directories::new(options.log_directory, options.tmp_directory)?;
        let snapshots = match options.snapshot_directory {
            SnapshotDirectory::Off => None,
            SnapshotDirectory::Default => snapshot_cache::default_directory().and_then(|dir| SnapshotCache::open(dir).ok()),
            SnapshotDirectory::At(dir) => Some(SnapshotCache::open(dir)?),
        };
        let fetcher = match (&options.fetch_handler, options.limits.network.is_empty()) {
            (Some(handler), false) => Some(Arc::new(Fetcher::new(options.limits.network.clone(), handler.clone()))),
            _ => None,
        };
        Ok(Sandbox {
            fetcher,
            log: RunLog::new(&dirs.log),
            limits: options.limits,
            dirs,
            image_roots: options.image_roots,
            python_image: options.python_image,
            turns: Turns::new(max_concurrency),
            max_concurrency,
            pool_size,
            held: Mutex::new(HashMap::new()),
            images: Mutex::new(HashMap::new()),
            snapshots,
        })
    }

    /// The limits every run obeys.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// How many runs may be in flight at once.
    pub fn max_concurrency(&self) -> usize {
        self.max_concurrency
    }

    /// The turns its runs take, `max_concurrency` at once: wait for one ([`Turns::wait`]) and hand it
    /// to the run ([`RunOptions::turn`]) to wait without a thread.
    pub fn turns(&self) -> &Turns {
        &self.turns
    }

    /// The directory the run log is written to.
    pub fn log_directory(&self) -> &Path {
        &self.dirs.log
    }

    /// The directory runs stage files in.
    pub fn tmp_directory(&self) -> &Path {
        &self.dirs.tmp
    }

    /// The directory warm snapshots are saved to and loaded from; `None` when there is none.
    pub fn snapshot_directory(&self) -> Option<&Path> {
        self.snapshots.as_ref().map(|c| c.directory())
    }

    /// Runs the file at `path`: a script by its extension, or a prebuilt static-PIE binary.
    pub fn run_file(&self, path: &Path, options: RunOptions) -> Result<RunOutcome, SandboxError> {
        let kind = Language::from_path(path)?;
        let bytes = std::fs::read(path)
            .map_err(|e| SandboxError::new(ErrorCode::FileNotFound, format!("cannot read {}: {e}", path.display())))?;
        match kind {
            FileKind::Script(language) => {
                let code = String::from_utf8(bytes)
                    .map_err(|_| SandboxError::new(ErrorCode::UnknownLanguage, format!("{} is not UTF-8 text", path.display())))?;
                self.run_code(&code, language, options)
            }
            FileKind::Binary => {
                crate::lang::elf::check_static_pie(&path.display().to_string(), &bytes)?;
                self.run_program(Language::C, Program::Binary(bytes), options, None)
            }
        }
    }

    /// Runs `code` written in `language` in a clean guest; C and C++ are compiled on the host first.
    pub fn run_code(&self, code: &str, language: Language, options: RunOptions) -> Result<RunOutcome, SandboxError> {
        self.run_program(language, Program::Code(code.to_string()), options, None)
    }

    /// Compiles if needed, then runs `program` in `session`'s guest, or in a clean one.
    fn run_program(
        &self,
        language: Language,
        program: Program,
        options: RunOptions,
        session: Option<&SessionState>,
    ) -> Result<RunOutcome, SandboxError> {
        let started = Instant::now();
        let RunOptions { files, output_directory, stdin, switch, tools, on_output, turn } = options;
        // The outcome of a run stopped before its program started (waiting for a slot, compiling).
        let stopped = || {
            let reason = switch.reason().unwrap_or(crate::StopReason::Cancelled);
            let mut outcome = RunOutcome::new(Ending::Stopped(reason), String::new(), String::new(), false, self.limits.timeout);
            outcome.duration = started.elapsed();
            outcome
        };
        let Some(_turn) = turn.or_else(|| self.turns.wait_blocking(&switch)) else {
            return Ok(stopped());
        };
        let program = match (language, program) {
            (Language::C | Language::Cpp, Program::Code(code)) => {
                match compile::compile(language, &code, &self.dirs.tmp, compile::COMPILE_TIMEOUT, &switch)? {
                    None => return Ok(stopped()),
                    Some(Compiled::Binary(binary)) => Program::Binary(binary),
                    Some(Compiled::Failed { compiler, status, messages }) => {
                        if let Some(sink) = on_output.as_ref().filter(|_| !messages.is_empty()) {
                            sink.send(OutputChunk { stream: OutputStream::Stderr, text: messages.clone(), exact: true });
                        }
                        let mut outcome = RunOutcome::new(Ending::Status(status), messages.clone(), messages, false, self.limits.timeout);
                        outcome.error = Some(format!("compilation failed ({compiler} exited with status {status})"));
                        outcome.duration = started.elapsed();
                        self.log.record(language.name(), &outcome);
                        return Ok(outcome);
                    }
                }
            }
            (Language::JavaScript, Program::Code(code)) => Program::Code(crate::lang::javascript::entry(code)),
            (Language::Python, Program::Code(code)) => {
                Program::Call { function: crate::lang::rich::PYTHON_RUNNER.into(), input: crate::lang::rich::python_call_input(&code) }
            }
            (_, program) => program,
        };
        let (warm, boot) = self.warm_guest(language)?;
        if switch.reason().is_some() {
            return Ok(stopped());
        }
        let grants = Grants { tools, tool_limits: self.limits.tools, fetch: self.fetcher.clone() };
        let request = RunRequest { program, files, stdin, timeout: self.limits.timeout, switch, grants, on_output };
        let mut outcome = match session {
            None => warm.execute(request)?,
            Some(state) => state.execute(&warm, request)?,
        };
        if let Some((took, from)) = boot {
            outcome.timings.boot = Some(took);
            outcome.timings.warmed_from = Some(from);
        }
        if let Some(dir) = output_directory {
            save_files(&dir, &outcome.files)?;
        }
        outcome.duration = started.elapsed();
        self.log.record(language.name(), &outcome);
        Ok(outcome)
    }

    /// A session of `language`: its runs share one guest, and so its state (variables, imports, files
    /// under /tmp), until it is reset or closed.
    pub fn session(self: &Arc<Self>, language: Language) -> Session {
        Session { sandbox: self.clone(), language, state: SessionState::default() }
    }

    /// Lets go of this sandbox's warm guests and snapshots (freed once no other sandbox of the process
    /// shares them); the next run of each language warms again unless one is still shared. With
    /// `disk`, also empties its snapshot directory ([`SnapshotCache::clear`]), so the next warm-up
    /// boots. Returns whether there was anything to let go of; a directory that cannot be emptied is
    /// [`ErrorCode::Engine`].
    pub fn clear_cache(&self, disk: bool) -> Result<bool, SandboxError> {
        let held: Vec<Arc<WarmGuest>> = self.held.lock().unwrap().drain().map(|(_, warm)| warm).collect();
        let mut any = !held.is_empty();
        drop(held);
        // The next run finds its image again, as its first did (one installed since is taken).
        self.images.lock().unwrap().clear();
        if let (true, Some(cache)) = (disk, &self.snapshots) {
            let removed = cache.clear().map_err(|e| {
                SandboxError::new(ErrorCode::Engine, format!("cannot empty the snapshot directory {}: {e}", cache.directory().display()))
            })?;
            any |= !removed.is_empty();
        }
        Ok(any)
    }

    /// Warms `language`'s guest now, ahead of its first run (a server as it starts, an agent as it makes
    /// its tool), as that run would: from the snapshot directory, or by booting; the pool then fills
    /// behind it. Returns how long it took and how, or `None` when it was warm already (this sandbox's,
    /// or another's of this process with the same image and settings).
    pub fn warm_up(&self, language: Language) -> Result<Option<(std::time::Duration, crate::outcome::WarmedFrom)>, SandboxError> {
        self.warm_guest(language).map(|(_, warmed)| warmed)
    }

    /// The warm guest of `language`, from the process's one cache of them ([`shared_warm_guest`]):
    /// one this sandbox or another of this process with the same image and guest settings already
    /// warmed, or a new one (concurrent first runs wait for one boot). Returns how long the warm-up
    /// took when this call did it.
    fn warm_guest(&self, language: Language) -> Result<(Arc<WarmGuest>, Option<(std::time::Duration, crate::outcome::WarmedFrom)>), SandboxError> {
        let found = self.images.lock().unwrap().get(&language).cloned();
        let image = match found {
            Some(image) => image,
            None => {
                let image = Arc::new(images::locate(language, self.python_image, &self.image_roots)?);
                self.images.lock().unwrap().insert(language, image.clone());
                image
            }
        };
        let (guest, boot) = shared_warm_guest(&image, &self.limits, self.pool_size, self.snapshots.as_ref())?;
        self.held.lock().unwrap().insert(language.image(), guest.clone());
        Ok((guest, boot))
    }
}

/// Saves `files` under `dir`, refusing to follow a symbolic link already there.
fn save_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), SandboxError> {
    let err = |path: &Path, e: String| SandboxError::new(ErrorCode::InvalidPath, format!("cannot save {}: {e}", path.display()));
    for (name, content) in files {
        let path = dir.join(name);
        let mut at = dir.to_path_buf();
        for part in Path::new(name).parent().into_iter().flat_map(|p| p.components()) {
            at.push(part);
            if at.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(err(&path, "a symbolic link is in the way".into()));
            }
        }
        if path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(err(&path, "a symbolic link is in the way".into()));
        }
        std::fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(|e| err(&path, e.to_string()))?;
        std::fs::write(&path, content).map_err(|e| err(&path, e.to_string()))?;
    }
    Ok(())
}

/// A session's guest: none until its first run, and none again once closed.
#[derive(Default)]
struct SessionState {
    guest: Mutex<Option<PinnedGuest>>,
    closed: std::sync::atomic::AtomicBool,
    /// The socket identity of the guest it holds (0: none), readable while a run holds `guest`, so
    /// a server the run starts can be found ([`Session::port_endpoint`]).
    guest_id: std::sync::atomic::AtomicU64,
}

impl SessionState {
    fn execute(&self, warm: &WarmGuest, request: RunRequest) -> Result<RunOutcome, SandboxError> {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(SandboxError::new(ErrorCode::SessionClosed, "this session is closed; open a new one"));
        }
        let mut held = self.guest.lock().unwrap();
        let mut guest = match held.take() {
            Some(g) => g,
            None => warm.checkout()?,
        };
        self.guest_id.store(guest.id(), std::sync::atomic::Ordering::SeqCst);
        let result = guest.execute(request, warm.output_limit());
        let (mut outcome, alive) = match result {
            Ok(r) => r,
            Err(e) => {
                *held = Some(guest);
                return Err(e);
            }
        };
        if !alive {
            // Stopped or ended: its state is gone; the next run takes a clean guest, and the result
            // says so. This one is restored off the request path.
            self.guest_id.store(0, std::sync::atomic::Ordering::SeqCst);
            warm.recycle(guest);
            outcome.session_reset = true;
            return Ok(outcome);
        }
        *held = Some(guest);
        Ok(outcome)
    }
}

/// Runs that share one guest's state, like a notebook kernel.
pub struct Session {
    sandbox: Arc<Sandbox>,
    language: Language,
    state: SessionState,
}

impl Session {
    /// The session's language.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Runs `code` in the session's guest, after whatever ran there before.
    pub fn run_code(&self, code: &str, options: RunOptions) -> Result<RunOutcome, SandboxError> {
        self.sandbox.run_program(self.language, Program::Code(code.to_string()), options, Some(&self.state))
    }

    /// Where the session's guest serves its exposed `port` (`network.expose`) on this host: a
    /// loopback address and a port the host picked. [`ErrorCode::PortNotExposed`] when the port is not
    /// exposed, [`ErrorCode::PortNotListening`] when nothing in the guest listens on it (yet). Answers
    /// while a run is serving.
    pub fn port_endpoint(&self, port: u16) -> Result<std::net::SocketAddr, SandboxError> {
        let id = self.state.guest_id.load(std::sync::atomic::Ordering::SeqCst);
        crate::host::sockets::endpoint((id != 0).then_some(id), &self.sandbox.limits().sockets, port)
    }

    /// Drops the session's state: the next run starts from the clean snapshot.
    pub fn reset(&self) -> Result<(), SandboxError> {
        let mut held = self.state.guest.lock().unwrap();
        self.state.guest_id.store(0, std::sync::atomic::Ordering::SeqCst);
        if let Some(guest) = held.take() {
            // The next run takes a clean guest; this one is restored for whoever runs next.
            let (warm, _) = self.sandbox.warm_guest(self.language)?;
            warm.recycle(guest);
        }
        Ok(())
    }

    /// Ends the session; its guest goes back to the sandbox, clean. Runs after this fail with
    /// [`ErrorCode::SessionClosed`]. Returns whether it was open.
    pub fn close(&self) -> bool {
        let was_open = !self.state.closed.swap(true, std::sync::atomic::Ordering::SeqCst);
        self.state.guest_id.store(0, std::sync::atomic::Ordering::SeqCst);
        if let Some(guest) = self.state.guest.lock().unwrap().take() {
            if let Ok((warm, _)) = self.sandbox.warm_guest(self.language) {
                warm.recycle(guest);
            }
        }
        was_open
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.close();
    }
}

/// What a probe of this machine found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Whether a micro-VM booted and ran code here.
    pub usable: bool,
    /// Why not, when it did not.
    pub error: Option<SandboxError>,
    /// What was tried and what happened.
    pub message: String,
}

/// Boots the smallest installed guest image and runs a trivial program in it: the only reliable
/// answer to "can this machine run micro-VMs?" (a `/dev/kvm` may exist and still fail every guest).
pub fn probe(image_roots: &[PathBuf]) -> Probe {
    // The standard Python image when JavaScript's is missing: the data image's boot is long.
    const STANDARD: Option<images::PythonImage> = Some(images::PythonImage::Standard);
    let attempt = || -> Result<String, SandboxError> {
        let language = [Language::JavaScript, Language::Python]
            .into_iter()
            .find(|l| images::locate(*l, STANDARD, image_roots).is_ok())
            .ok_or_else(|| images::locate(Language::JavaScript, None, image_roots).unwrap_err())?;
        let image = images::GuestImage { warmup: None, touch: None, ..images::locate(language, STANDARD, image_roots)? };
        let started = Instant::now();
        let limits = Limits::default();
        let guest = WarmGuest::boot(&image, &limits, 1)?;
        let code = if language == Language::Python { "print(6*7)" } else { "console.log(6*7)" };
        let request = RunRequest { program: Program::Code(code.into()), files: vec![], stdin: vec![], timeout: limits.timeout, switch: StopSwitch::default(), grants: Default::default(), on_output: None };
        let out = guest.execute(request)?;
        if !out.output.contains("42") {
            return Err(SandboxError::new(ErrorCode::Engine, format!("the probe guest booted but its program failed: {:?}", out.error)));
        }
        Ok(format!("a {} micro-VM booted and ran a program in {} ms", language.image(), started.elapsed().as_millis()))
    };
    match attempt() {
        Ok(message) => Probe { usable: true, error: None, message },
        Err(e) => Probe { usable: false, message: e.message.clone(), error: Some(e) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_output_files_keep_their_folders_and_never_follow_a_link() {
        let dir = std::env::temp_dir().join(format!("lci-save-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        save_files(&dir, &[("a/b.txt".into(), b"x".to_vec())]).unwrap();
        assert_eq!(std::fs::read(dir.join("a/b.txt")).unwrap(), b"x");
        std::os::unix::fs::symlink("/tmp", dir.join("link")).unwrap();
        let e = save_files(&dir, &[("link/evil".into(), b"x".to_vec())]).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidPath);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn zero_concurrency_is_invalid_config() {
        let e = Sandbox::new(SandboxOptions { max_concurrency: Some(0), ..Default::default() }).err().unwrap();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
    }
}
