//! The two directories a sandbox writes to: its log directory and the directory where runs stage
//! files. Without them in the config, each sandbox gets a unique pair of its own, removed with it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{ErrorCode, SandboxError};

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A sandbox's log and staging directories.
#[derive(Debug)]
pub struct Directories {
    /// Where the run log is written.
    pub log: PathBuf,
    /// Where runs stage what they need.
    pub tmp: PathBuf,
    /// The per-instance folder this sandbox created for itself, removed when it is dropped.
    owned: Option<PathBuf>,
}

impl Directories {
    /// Uses `log` and `tmp` where given (creating them), and a unique per-instance folder under the
    /// system temporary directory for whichever is not.
    pub fn new(log: Option<PathBuf>, tmp: Option<PathBuf>) -> Result<Directories, SandboxError> {
        let owned = (log.is_none() || tmp.is_none()).then(|| {
            std::env::temp_dir().join(format!(
                "local-code-interpreter-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ))
        });
        let log = log.unwrap_or_else(|| owned.as_ref().unwrap().join("logs"));
        let tmp = tmp.unwrap_or_else(|| owned.as_ref().unwrap().join("tmp"));
        for (field, dir) in [("logDirectory", &log), ("tmpDirectory", &tmp)] {
            create(field, dir)?;
        }
        Ok(Directories { log, tmp, owned })
    }
}

fn create(field: &str, dir: &Path) -> Result<(), SandboxError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        SandboxError::new(ErrorCode::InvalidConfig, format!("{field} {} cannot be created: {e}", dir.display()))
    })
}

impl Drop for Directories {
    fn drop(&mut self) {
        if let Some(dir) = &self.owned {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_directories_each_instance_gets_its_own_and_removes_it() {
        let a = Directories::new(None, None).unwrap();
        let b = Directories::new(None, None).unwrap();
        assert_ne!(a.log, b.log);
        assert!(a.log.is_dir() && a.tmp.is_dir());
        let root = a.log.parent().unwrap().to_path_buf();
        drop(a);
        assert!(!root.exists());
    }

    #[test]
    fn given_directories_are_created_and_kept() {
        let base = std::env::temp_dir().join(format!("lci-dirs-{}", std::process::id()));
        let d = Directories::new(Some(base.join("l")), Some(base.join("t"))).unwrap();
        drop(d);
        assert!(base.join("l").is_dir() && base.join("t").is_dir());
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn an_uncreatable_directory_is_invalid_config() {
        let e = Directories::new(Some("/proc/lci-cannot-be-here".into()), None).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        assert!(e.message.contains("logDirectory"));
    }
}
