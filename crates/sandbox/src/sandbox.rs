//! The sandbox a caller holds (`NanvixSandbox` in JavaScript): its limits and directories, and one
//! warm guest per language, booted on the language's first run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use hyperlight_unikraft::Exec;

use crate::config::Limits;
use crate::dirs::Directories;
use crate::engine::WarmGuest;
use crate::error::{ErrorCode, SandboxError};
use crate::images;
use crate::language::{FileKind, Language};
use crate::outcome::RunOutcome;
use crate::runlog::RunLog;
use crate::watchdog::StopSwitch;

/// What a sandbox is made from.
#[derive(Debug, Clone, Default)]
pub struct SandboxOptions {
    /// Where the run log goes; a per-instance directory when `None`.
    pub log_directory: Option<PathBuf>,
    /// Where runs stage files; a per-instance directory when `None`.
    pub tmp_directory: Option<PathBuf>,
    /// The limits of every run.
    pub limits: Limits,
    /// Folders to search for guest images from (see [`images::candidates`]).
    pub image_roots: Vec<PathBuf>,
}

/// A language's warm guest, booted at most once at a time.
type GuestSlot = Arc<Mutex<Option<Arc<WarmGuest>>>>;

/// Runs programs in micro-VMs, one warm guest per language.
pub struct Sandbox {
    limits: Limits,
    dirs: Directories,
    image_roots: Vec<PathBuf>,
    log: RunLog,
    guests: Mutex<HashMap<&'static str, GuestSlot>>,
}

impl Sandbox {
    /// A sandbox with `options`; fails with [`ErrorCode::InvalidConfig`] when a directory cannot be
    /// created. Nothing boots until the first run.
    pub fn new(options: SandboxOptions) -> Result<Sandbox, SandboxError> {
        let dirs = Directories::new(options.log_directory, options.tmp_directory)?;
        Ok(Sandbox {
            log: RunLog::new(&dirs.log),
            limits: options.limits,
            dirs,
            image_roots: options.image_roots,
            guests: Mutex::new(HashMap::new()),
        })
    }

    /// The limits every run obeys.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// The directory the run log is written to.
    pub fn log_directory(&self) -> &Path {
        &self.dirs.log
    }

    /// The directory runs stage files in.
    pub fn tmp_directory(&self) -> &Path {
        &self.dirs.tmp
    }

    /// The run log file.
    pub fn log_file(&self) -> &Path {
        self.log.path()
    }

    /// Runs the file at `path`, its language from its extension.
    pub fn run_file(&self, path: &Path, switch: StopSwitch) -> Result<RunOutcome, SandboxError> {
        let kind = Language::from_path(path)?;
        let bytes = std::fs::read(path).map_err(|e| {
            SandboxError::new(ErrorCode::FileNotFound, format!("cannot read {}: {e}", path.display()))
        })?;
        match kind {
            FileKind::Script(language) => {
                let code = String::from_utf8(bytes).map_err(|_| {
                    SandboxError::new(ErrorCode::UnknownLanguage, format!("{} is not UTF-8 text", path.display()))
                })?;
                self.run_code(&code, language, switch)
            }
            FileKind::Binary => Err(not_supported_yet("prebuilt binaries (.elf, .o)")),
        }
    }

    /// Runs `code` written in `language`.
    pub fn run_code(&self, code: &str, language: Language, switch: StopSwitch) -> Result<RunOutcome, SandboxError> {
        let started = Instant::now();
        let (guest, boot) = match language {
            Language::JavaScript | Language::Python => self.warm_guest(language)?,
            Language::C | Language::Cpp => return Err(not_supported_yet("C and C++")),
        };
        let mut outcome = guest.execute(Exec::Code(code.to_string()), self.limits.timeout, switch)?;
        outcome.timings.boot = boot;
        outcome.duration = started.elapsed();
        self.log.record(language.name(), &outcome);
        Ok(outcome)
    }

    /// Drops every warm guest and snapshot; the next run of each language boots again. Returns
    /// whether there was anything to drop.
    pub fn clear_cache(&self) -> bool {
        let slots: Vec<GuestSlot> = self.guests.lock().unwrap().drain().map(|(_, s)| s).collect();
        slots.iter().fold(false, |any, slot| slot.lock().unwrap().take().is_some() || any)
    }

    /// The warm guest of `language`, booting it if this is its first run (concurrent first runs wait
    /// for one boot). Returns how long the boot took when this call did it.
    fn warm_guest(&self, language: Language) -> Result<(Arc<WarmGuest>, Option<std::time::Duration>), SandboxError> {
        let slot = self.guests.lock().unwrap().entry(language.image()).or_default().clone();
        let mut warm = slot.lock().unwrap();
        if let Some(guest) = warm.as_ref() {
            return Ok((guest.clone(), None));
        }
        let image = images::locate(language, &self.image_roots)?;
        let guest = Arc::new(WarmGuest::boot(&image, &self.limits)?);
        let boot = guest.boot_time;
        *warm = Some(guest.clone());
        Ok((guest, Some(boot)))
    }
}

fn not_supported_yet(what: &str) -> SandboxError {
    SandboxError::new(ErrorCode::NotSupported, format!("{what}: not supported yet by this version"))
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
    let attempt = || -> Result<String, SandboxError> {
        let language = [Language::JavaScript, Language::C, Language::Python]
            .into_iter()
            .find(|l| images::locate(*l, image_roots).is_ok())
            .ok_or_else(|| images::locate(Language::JavaScript, image_roots).unwrap_err())?;
        let image = images::locate(language, image_roots)?;
        let image = images::GuestImage { warmup: None, ..image };
        let started = Instant::now();
        let limits = Limits::default();
        let guest = WarmGuest::boot(&image, &limits)?;
        let ran = match language {
            Language::C | Language::Cpp => "booted".to_string(),
            _ => {
                let code = if language == Language::Python { "print(6*7)" } else { "console.log(6*7)" };
                let out = guest.execute(Exec::Code(code.into()), limits.timeout, StopSwitch::default())?;
                if !out.output.contains("42") {
                    return Err(SandboxError::new(
                        ErrorCode::Engine,
                        format!("the probe guest booted but its program failed: {:?}", out.error),
                    ));
                }
                "ran a program".to_string()
            }
        };
        Ok(format!(
            "a {} micro-VM booted and {ran} in {} ms",
            language.image(),
            started.elapsed().as_millis()
        ))
    };
    match attempt() {
        Ok(message) => Probe { usable: true, error: None, message },
        Err(e) => Probe { usable: false, message: e.message.clone(), error: Some(e) },
    }
}
