//! Where this addon lives on disk, so guest images can be found beside it: in a checkout
//! (`npm/guest-*` next to the `.node` file) or installed (`node_modules/local-code-interpreter-guest-*`
//! above the platform package).

use std::path::PathBuf;

/// The folders guest images are searched from: the addon's own folder.
pub fn image_roots() -> Vec<PathBuf> {
  addon_path().and_then(|p| p.parent().map(PathBuf::from)).into_iter().collect()
}

/// The path of the shared object this code was loaded from.
fn addon_path() -> Option<PathBuf> {
  let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
  let here = image_roots as *const libc::c_void;
  if unsafe { libc::dladdr(here, &mut info) } == 0 || info.dli_fname.is_null() {
    return None;
  }
  let name = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
  let path = PathBuf::from(std::ffi::OsStr::new(&*name.to_string_lossy()));
  std::fs::canonicalize(&path).ok().or(Some(path))
}
