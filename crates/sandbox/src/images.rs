//! Finding a language's guest image: the root filesystem (`rootfs.cpio`) and the optional warm-up code
//! the guest runs once before its snapshot is taken. Images are data-only npm packages
//! (`local-code-interpreter-guest-<image>`); in a checkout they are built into `npm/guest-<image>/`.

use std::path::{Path, PathBuf};

use crate::error::{ErrorCode, SandboxError};
use crate::language::Language;

/// The environment variable that names a directory holding image folders (`guest-<image>/` or
/// `local-code-interpreter-guest-<image>/`), searched before anything else.
pub const GUEST_DIR_ENV: &str = "LCI_GUEST_DIR";

/// A guest image found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestImage {
    /// The folder of the image package.
    pub dir: PathBuf,
    /// The CPIO root filesystem the guest boots from.
    pub rootfs: PathBuf,
    /// Code the guest runs once after booting, before the snapshot every run restores (the
    /// JavaScript image installs its timers this way).
    pub warmup: Option<String>,
}

/// The npm package that carries `language`'s image.
pub fn package_name(language: Language) -> String {
    format!("local-code-interpreter-guest-{}", language.image())
}

/// Where to look for images: [`GUEST_DIR_ENV`] first, then from each of `roots` (the addon's folder,
/// the package folder) upwards: `npm/guest-<image>` (a checkout) and
/// `node_modules/local-code-interpreter-guest-<image>` (an install) in each ancestor.
pub fn candidates(language: Language, roots: &[PathBuf]) -> Vec<PathBuf> {
    let package = package_name(language);
    let folder = format!("guest-{}", language.image());
    let mut out = Vec::new();
    if let Some(dir) = std::env::var_os(GUEST_DIR_ENV).filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        out.push(dir.join(&folder));
        out.push(dir.join(&package));
    }
    for root in roots {
        for ancestor in root.ancestors() {
            out.push(ancestor.join("npm").join(&folder));
            out.push(ancestor.join("node_modules").join(&package));
        }
    }
    out.dedup();
    out
}

/// The image for `language`, searched in [`candidates`]. Missing everywhere is
/// [`ErrorCode::GuestImageMissing`], naming the package to install.
pub fn locate(language: Language, roots: &[PathBuf]) -> Result<GuestImage, SandboxError> {
    let places = candidates(language, roots);
    for dir in &places {
        let rootfs = dir.join("rootfs.cpio");
        if rootfs.is_file() {
            return load(dir, rootfs, language);
        }
    }
    Err(SandboxError::new(
        ErrorCode::GuestImageMissing,
        format!(
            "the {} guest image is not installed: run `npm install {}` (in a checkout of \
             local-code-interpreter, `npm run build:guests`). Looked in {}",
            language.image(),
            package_name(language),
            places.iter().take(6).map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    ))
}

fn load(dir: &Path, rootfs: PathBuf, language: Language) -> Result<GuestImage, SandboxError> {
    let warmup_file = match language {
        Language::JavaScript => Some("warmup.js"),
        Language::Python => Some("warmup.py"),
        Language::C | Language::Cpp => None,
    };
    let warmup = match warmup_file.map(|f| dir.join(f)).filter(|p| p.is_file()) {
        Some(path) => Some(std::fs::read_to_string(&path).map_err(|e| {
            SandboxError::new(ErrorCode::Engine, format!("cannot read {}: {e}", path.display()))
        })?),
        None => None,
    };
    Ok(GuestImage { dir: dir.to_path_buf(), rootfs, warmup })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lci-images-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn finds_a_checkout_image_with_its_warmup() {
        let root = scratch("checkout");
        let dir = root.join("npm/guest-javascript");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("rootfs.cpio"), b"x").unwrap();
        std::fs::write(dir.join("warmup.js"), b"globalThis.x = 1").unwrap();
        let image = locate(Language::JavaScript, &[root.clone()]).unwrap();
        assert_eq!(image.rootfs, dir.join("rootfs.cpio"));
        assert_eq!(image.warmup.as_deref(), Some("globalThis.x = 1"));
    }

    #[test]
    fn finds_an_installed_image_from_the_platform_package_folder() {
        let project = scratch("installed");
        let pkg = project.join("node_modules/local-code-interpreter-guest-python");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("rootfs.cpio"), b"x").unwrap();
        // The addon lives in its own package folder, a sibling of the image package.
        let addon_dir = project.join("node_modules/local-code-interpreter-linux-x64-gnu");
        let image = locate(Language::Python, &[addon_dir]).unwrap();
        assert_eq!(image.dir, pkg);
        assert_eq!(image.warmup, None);
    }

    #[test]
    fn missing_image_names_the_package_to_install() {
        let root = scratch("missing");
        let e = locate(Language::Cpp, &[root]).unwrap_err();
        assert_eq!(e.code, ErrorCode::GuestImageMissing);
        assert!(e.message.contains("npm install local-code-interpreter-guest-c"), "{}", e.message);
    }
}
