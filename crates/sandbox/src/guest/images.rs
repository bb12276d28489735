//! Finding a language's guest image: the root filesystem (`rootfs.cpio`) and the optional warm-up code
//! the guest runs once before its snapshot is taken. Images are data-only npm packages
//! (`local-code-interpreter-guest-<image>`); in a checkout they are built into `npm/guest-<image>/`.

use std::path::{Path, PathBuf};

use crate::error::{ErrorCode, SandboxError};
use crate::lang::language::Language;

/// The environment variable that names a directory holding image folders (`guest-<image>/` or
/// `local-code-interpreter-guest-<image>/`), searched before anything else.
pub const GUEST_DIR_ENV: &str = "LCI_GUEST_DIR";

/// The guest memory, in MiB, the data image gets when `memoryMb` is not given: its root filesystem is
/// unpacked into guest memory (about 500 MiB), and its warm-up's imports take more.
pub const DATA_IMAGE_MEMORY_MB: usize = 1536;

/// Which image runs Python (`SandboxConfig.pythonImage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PythonImage {
    /// CPython and its standard library (`local-code-interpreter-guest-python`).
    Standard,
    /// The standard image plus the packages data work imports: numpy, pandas, scipy, scikit-learn,
    /// matplotlib… (`local-code-interpreter-guest-python-data`).
    Data,
}

impl PythonImage {
    /// Every choice, in the order they are documented.
    pub const ALL: [PythonImage; 2] = [PythonImage::Standard, PythonImage::Data];

    /// The name a caller gives (`'standard'`, `'data'`).
    pub fn name(self) -> &'static str {
        match self {
            PythonImage::Standard => "standard",
            PythonImage::Data => "data",
        }
    }

    /// The choice named `name`; anything else is [`ErrorCode::InvalidConfig`].
    pub fn from_name(name: &str) -> Result<PythonImage, SandboxError> {
        PythonImage::ALL.into_iter().find(|i| i.name() == name).ok_or_else(|| {
            SandboxError::new(
                ErrorCode::InvalidConfig,
                format!("pythonImage must be one of {}, got {name:?}", PythonImage::ALL.map(|i| format!("'{}'", i.name())).join(", ")),
            )
        })
    }

    /// Its image folder: `guest-<folder>` in a checkout, `local-code-interpreter-guest-<folder>` installed.
    pub fn folder(self) -> &'static str {
        match self {
            PythonImage::Standard => "python",
            PythonImage::Data => "python-data",
        }
    }
}

/// A guest image found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestImage {
    /// Which image: its folder name (`python`, `python-data`, `javascript`, `c`).
    pub name: &'static str,
    /// The folder of the image package.
    pub dir: PathBuf,
    /// The CPIO root filesystem the guest boots from.
    pub rootfs: PathBuf,
    /// Code the guest runs once after booting, before the snapshot every run restores (the
    /// JavaScript image installs its timers this way).
    pub warmup: Option<String>,
    /// The guest memory in MiB the image needs when `memoryMb` is not given; `None`: the engine's
    /// default for its driver.
    pub memory_mb: Option<usize>,
    /// Whether its runs are calls of the Python runner, which hands back values and images through
    /// the results mount ([`crate::lang::rich`]).
    pub rich_results: bool,
    /// A program that does nothing, run in each guest restored ahead of the request: the pages a run
    /// needs (mapped copy-on-write from the snapshot, so gone after a restore) are faulted back in then,
    /// not while a run waits. `None` for an image without an interpreter (the exec guest).
    pub touch: Option<&'static str>,
}

/// The npm package that carries the image in `folder`.
pub fn package_name(folder: &str) -> String {
    format!("local-code-interpreter-guest-{folder}")
}

/// The image folders that can run `language`, the preferred first: for Python the data image, when
/// installed, unless `python` names one.
pub fn folders(language: Language, python: Option<PythonImage>) -> Vec<&'static str> {
    match (language, python) {
        (Language::Python, Some(choice)) => vec![choice.folder()],
        (Language::Python, None) => vec![PythonImage::Data.folder(), PythonImage::Standard.folder()],
        _ => vec![language.image()],
    }
}

/// Where to look for the image in `folder`: [`GUEST_DIR_ENV`] first, then from each of `roots` (the
/// addon's folder, the package folder) upwards: `npm/guest-<folder>` (a checkout) and
/// `node_modules/local-code-interpreter-guest-<folder>` (an install) in each ancestor.
pub fn candidates(folder: &str, roots: &[PathBuf]) -> Vec<PathBuf> {
    let package = package_name(folder);
    let folder = format!("guest-{folder}");
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

/// The image that runs `language` (for Python, as `python` chooses: see [`folders`]), searched in
/// [`candidates`]. Missing everywhere is [`ErrorCode::GuestImageMissing`], naming the package to
/// install.
pub fn locate(language: Language, python: Option<PythonImage>, roots: &[PathBuf]) -> Result<GuestImage, SandboxError> {
    let wanted = folders(language, python);
    for &folder in &wanted {
        for dir in candidates(folder, roots) {
            let rootfs = dir.join("rootfs.cpio");
            if rootfs.is_file() {
                return load(folder, &dir, rootfs);
            }
        }
    }
    // The one to install: the last, least demanding, choice.
    let folder = wanted[wanted.len() - 1];
    let places = candidates(folder, roots);
    Err(SandboxError::new(
        ErrorCode::GuestImageMissing,
        format!(
            "the {folder} guest image is not installed: run `npm install {}` (in a checkout of \
             local-code-interpreter, `npm run build:guests`). Looked in {}",
            package_name(folder),
            places.iter().take(6).map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    ))
}

fn load(name: &'static str, dir: &Path, rootfs: PathBuf) -> Result<GuestImage, SandboxError> {
    let (warmup_file, memory_mb, touch) = match name {
        "javascript" => (Some("warmup.js"), None, Some("console.log('')")),
        "python" => (Some("warmup.py"), None, Some("print()")),
        "python-data" => (Some("warmup.py"), Some(DATA_IMAGE_MEMORY_MB), Some("print()")),
        _ => (None, None, None),
    };
    let warmup = match warmup_file.map(|f| dir.join(f)).filter(|p| p.is_file()) {
        Some(path) => Some(std::fs::read_to_string(&path).map_err(|e| {
            SandboxError::new(ErrorCode::Engine, format!("cannot read {}: {e}", path.display()))
        })?),
        None => None,
    };
    let rich_results = name.starts_with("python");
    Ok(GuestImage { name, dir: dir.to_path_buf(), rootfs, warmup, memory_mb, rich_results, touch })
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
        let image = locate(Language::JavaScript, None, &[root.clone()]).unwrap();
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
        let image = locate(Language::Python, None, &[addon_dir]).unwrap();
        assert_eq!(image.dir, pkg);
        assert_eq!(image.warmup, None);
    }

    #[test]
    fn missing_image_names_the_package_to_install() {
        let root = scratch("missing");
        let e = locate(Language::Cpp, None, &[root]).unwrap_err();
        assert_eq!(e.code, ErrorCode::GuestImageMissing);
        assert!(e.message.contains("npm install local-code-interpreter-guest-c"), "{}", e.message);
    }

    fn image_folder(root: &Path, folder: &str) -> PathBuf {
        let dir = root.join("npm").join(format!("guest-{folder}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("rootfs.cpio"), b"x").unwrap();
        dir
    }

    #[test]
    fn python_runs_on_the_data_image_when_it_is_installed() {
        let root = scratch("data-preferred");
        image_folder(&root, "python");
        let data = image_folder(&root, "python-data");
        let image = locate(Language::Python, None, &[root.clone()]).unwrap();
        assert_eq!((image.name, image.dir), ("python-data", data));
        assert_eq!(image.memory_mb, Some(DATA_IMAGE_MEMORY_MB));
    }

    #[test]
    fn python_runs_on_the_standard_image_without_the_data_one_or_when_chosen() {
        let root = scratch("standard");
        let standard = image_folder(&root, "python");
        assert_eq!(locate(Language::Python, None, &[root.clone()]).unwrap().dir, standard);
        image_folder(&root, "python-data");
        let image = locate(Language::Python, Some(PythonImage::Standard), &[root.clone()]).unwrap();
        assert_eq!((image.dir, image.memory_mb), (standard, None));
    }

    #[test]
    fn a_chosen_data_image_that_is_missing_names_its_package() {
        let root = scratch("data-missing");
        image_folder(&root, "python");
        let e = locate(Language::Python, Some(PythonImage::Data), &[root]).unwrap_err();
        assert_eq!(e.code, ErrorCode::GuestImageMissing);
        assert!(e.message.contains("npm install local-code-interpreter-guest-python-data"), "{}", e.message);
    }

    #[test]
    fn python_image_names_round_trip_and_others_are_invalid_config() {
        for image in PythonImage::ALL {
            assert_eq!(PythonImage::from_name(image.name()).unwrap(), image);
        }
        assert_eq!(PythonImage::from_name("full").unwrap_err().code, ErrorCode::InvalidConfig);
    }
}
