//! The functions of the module that need no sandbox: the machine probe, and the snapshot directory's
//! default and clearing, and the default Python image.

use std::path::PathBuf;

use lci_sandbox::images::PythonImage;
use lci_sandbox::{Language, SandboxError};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::coded_error::{coded, SandboxErrorCode};
use crate::location;
use crate::types::{ClearedSnapshot, ClearedSnapshots, HypervisorProbe};

/// Finds out whether this machine can run micro-VMs by booting the smallest installed guest image
/// and running a program in it (a `/dev/kvm` that exists may still fail every guest).
#[napi]
pub async fn probe_hypervisor() -> HypervisorProbe {
  let roots = location::image_roots();
  let probe = napi::tokio::task::spawn_blocking(move || lci_sandbox::probe(&roots)).await;
  match probe {
    Ok(p) => HypervisorProbe {
      usable: p.usable,
      code: p.error.map(|e| e.code.into()),
      message: p.message,
    },
    Err(e) => HypervisorProbe { usable: false, code: Some(SandboxErrorCode::Engine), message: e.to_string() },
  }
}

/// The snapshot directory a sandbox uses when `snapshotDirectory` is not given, as
/// `DEFAULT_SNAPSHOT_DIRECTORY` (the generated facts) describes it; `null` when there is none.
#[napi]
pub fn default_snapshot_directory() -> Option<String> {
  lci_sandbox::snapshot_cache::default_directory().map(|d| d.display().to_string())
}

/// Empties a snapshot directory (`directory`, else the default one): every entry, leftovers of
/// interrupted saves and remembered image digests; nothing else in it is touched. A process using an
/// entry keeps its copy until it ends. Resolves to what was removed; rejects with `ERR_ENGINE` when
/// something cannot be removed.
#[napi(ts_return_type = "Promise<ClearedSnapshots>")]
pub fn clear_snapshot_cache<'env>(env: &'env Env, directory: Option<String>) -> Result<PromiseRaw<'env, ClearedSnapshots>> {
  let dir = directory.map(PathBuf::from).or_else(lci_sandbox::snapshot_cache::default_directory);
  env.spawn_future_with_callback(
    async move {
      napi::tokio::task::spawn_blocking(move || -> std::result::Result<ClearedSnapshots, SandboxError> {
        let Some(dir) = dir else {
          return Err(SandboxError::new(lci_sandbox::ErrorCode::InvalidConfig, "no snapshot directory: neither XDG_CACHE_HOME nor HOME is set"));
        };
        let removed = lci_sandbox::snapshot_cache::SnapshotCache::at(&dir)
          .clear()
          .map_err(|e| SandboxError::new(lci_sandbox::ErrorCode::Engine, format!("cannot empty {}: {e}", dir.display())))?;
        Ok(ClearedSnapshots {
          directory: dir.display().to_string(),
          removed: removed.into_iter().map(|r| ClearedSnapshot { name: r.name, bytes: r.bytes as f64 }).collect(),
        })
      })
      .await
      .map_err(|e| Error::from_reason(e.to_string()))
    },
    |env, r| r.map_err(|e| coded(env, &e)),
  )
}

/// The image Python runs on when `pythonImage` is not given: `'data'` where the package
/// `local-code-interpreter-guest-python-data` is installed, `'standard'` where only the standard one
/// is, `null` where neither is.
#[napi(ts_return_type = "'standard' | 'data' | null")]
pub fn default_python_image() -> Option<String> {
  let image = lci_sandbox::images::locate(Language::Python, None, &location::image_roots()).ok()?;
  PythonImage::ALL.into_iter().find(|i| i.folder() == image.name).map(|i| i.name().to_string())
}
