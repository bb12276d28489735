//! Warm snapshots on disk, shared by every process of the user: a new process's first run of a
//! language loads the snapshot an earlier process saved (the engine's OCI layout, memory-mapped)
//! instead of booting the guest and running its warm-up again.
//!
//! An entry is one directory, `<image>-<hash of its key>`, holding the engine's layout
//! ([`hyperlight_unikraft::save_snapshot`]), the full key text ([`KEY_FILE`]) and a seal
//! ([`SEAL_FILE`]: every file's inode, size, modification and change time as written). What the key
//! covers is what shapes the snapshot: the image's content (the SHA-256 of its root filesystem), its
//! warm-up code, the guest memory, the engine's [`SNAPSHOT_KEY`] and this crate's release. The network
//! and the output limit are not in it: both are the host's side of a guest (the engine's filter and
//! console), given again to every guest started from a snapshot, and `/etc/resolv.conf` is rewritten
//! on every restore.
//!
//! Writes are atomic: the entry is saved into a temporary directory beside it, every file synced,
//! then renamed into place; of several processes saving one entry at once one rename wins and the
//! others discard theirs. Nobody reads a partial entry, since an entry only ever appears whole. An
//! entry whose key differs, whose seal does not match its files (truncated, rewritten, garbled in
//! place: a write moves the change time, which nothing can set back), or that the engine refuses, is
//! moved aside and removed, and the caller boots and saves a fresh one: an entry is never trusted
//! for its name alone. Temporary directories of processes that died mid-save are removed later.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use hyperlight_unikraft::{Snapshot, SNAPSHOT_KEY};
use sha2::{Digest, Sha256};

use crate::error::{ErrorCode, SandboxError};
use crate::guest::images::GuestImage;

/// The folder under the user's cache directory (`$XDG_CACHE_HOME`, else `~/.cache`) that is ours.
pub const CACHE_FOLDER: &str = "local-code-interpreter";
/// The folder under [`CACHE_FOLDER`] that holds the snapshots: the default snapshot directory.
pub const SNAPSHOTS_FOLDER: &str = "snapshots";
/// [`default_directory`] in words, for help texts.
pub const DEFAULT_DIRECTORY_TEXT: &str =
    "$LCI_SNAPSHOT_DIRECTORY (off: none), else $XDG_CACHE_HOME/local-code-interpreter/snapshots, else ~/.cache/local-code-interpreter/snapshots";
/// Bumped when what an entry holds, or what its key covers, changes: older entries are then
/// mismatched and rebuilt.
const FORMAT: u32 = 1;
/// The file in an entry holding its key text.
pub const KEY_FILE: &str = "lci-key";
/// The file in an entry holding its seal: one line per other file.
pub const SEAL_FILE: &str = "lci-seal";
/// The folder in the snapshot directory that remembers image digests across processes.
const DIGESTS_FOLDER: &str = ".image-digests";
/// Names of directories being written (`.tmp-<entry>-<pid>-<n>`) and of entries being removed.
const TEMP_PREFIX: &str = ".tmp-";
const DISCARD_PREFIX: &str = ".old-";
/// A temporary directory this old is left over whatever its process: no save takes that long.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

static NEXT: AtomicU64 = AtomicU64::new(0);

/// The environment variable that overrides the default snapshot directory: an absolute path, or `off`
/// for none (an operator's switch, and the test suite's: see `__test__/helpers/snapshot-directory-setup.ts`).
pub const DIRECTORY_VARIABLE: &str = "LCI_SNAPSHOT_DIRECTORY";

/// The default snapshot directory: `$LCI_SNAPSHOT_DIRECTORY` when it holds an absolute path (`None` when
/// it is `off`), else `$XDG_CACHE_HOME/local-code-interpreter/snapshots` when that variable holds an
/// absolute path, else `$HOME/.cache/local-code-interpreter/snapshots`; `None` without either.
pub fn default_directory() -> Option<PathBuf> {
    let absolute = |name: &str| std::env::var_os(name).map(PathBuf::from).filter(|p| p.is_absolute());
    match std::env::var_os(DIRECTORY_VARIABLE) {
        Some(value) if value == "off" => return None,
        Some(value) if PathBuf::from(&value).is_absolute() => return Some(PathBuf::from(value)),
        _ => {}
    }
    let base = absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|home| home.join(".cache")))?;
    Some(base.join(CACHE_FOLDER).join(SNAPSHOTS_FOLDER))
}

/// What a warm snapshot depends on; two guests with the same key are interchangeable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryKey {
    /// The image's folder name (`python`, `javascript`…), also the start of the entry's name.
    pub image: String,
    /// SHA-256 of the image's root filesystem.
    pub rootfs: String,
    /// SHA-256 of the warm-up code, if the image has one.
    pub warmup: Option<String>,
    /// The guest memory in MiB it booted with; `None`: the engine's default for the image (which
    /// the root filesystem decides).
    pub memory_mb: Option<usize>,
}

impl EntryKey {
    /// The key of `image` booted with `memory_mb` (the sandbox's, else the image's own).
    pub fn for_image(image: &GuestImage, memory_mb: Option<usize>, digests: &Digests) -> io::Result<EntryKey> {
        Ok(EntryKey {
            image: image.name.to_string(),
            rootfs: digests.of(&image.rootfs)?,
            warmup: image.warmup.as_ref().map(|code| hex(&Sha256::digest(code.as_bytes()))),
            memory_mb,
        })
    }

    /// Everything the key covers, one `name=value` a line, as the entry's [`KEY_FILE`] holds it.
    pub fn text(&self) -> String {
        format!(
            "format={FORMAT}\nlci={}\nengine={SNAPSHOT_KEY}\nimage={}\nrootfs={}\nwarmup={}\nmemory_mb={}\n",
            env!("CARGO_PKG_VERSION"),
            self.image,
            self.rootfs,
            self.warmup.as_deref().unwrap_or("none"),
            self.memory_mb.map(|mb| mb.to_string()).unwrap_or_else(|| "default".into()),
        )
    }

    /// The entry's directory name: the image and the first 24 hex digits of the key text's SHA-256.
    pub fn entry_name(&self) -> String {
        format!("{}-{}", self.image, &hex(&Sha256::digest(self.text().as_bytes()))[..24])
    }
}

/// What [`SnapshotCache::load`] found.
pub enum Lookup {
    /// A sound entry, loaded.
    Hit(Entry),
    /// No entry.
    Miss,
    /// An entry that could not be trusted, and why; it has been removed.
    Rejected(String),
}

/// An entry that passed its checks, loaded (its blob memory-mapped).
pub struct Entry {
    /// The snapshot, ready to start guests from.
    pub snapshot: Arc<Snapshot>,
    /// The inode of the entry's directory, so [`SnapshotCache::reject`] removes this entry and not
    /// one another process has put in its place since.
    ino: u64,
}

/// One entry removed by [`SnapshotCache::clear`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Its name in the snapshot directory.
    pub name: String,
    /// The bytes its files took.
    pub bytes: u64,
}

/// A directory of warm snapshots.
#[derive(Debug, Clone)]
pub struct SnapshotCache {
    dir: PathBuf,
    digests: Digests,
}

impl SnapshotCache {
    /// The cache in `dir`, which is made if missing; one that cannot be made is
    /// [`ErrorCode::InvalidConfig`] naming `snapshotDirectory`.
    pub fn open(dir: impl Into<PathBuf>) -> Result<SnapshotCache, SandboxError> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|e| {
            SandboxError::new(ErrorCode::InvalidConfig, format!("snapshotDirectory {} cannot be created: {e}", dir.display()))
        })?;
        Ok(SnapshotCache { digests: Digests::new(dir.join(DIGESTS_FOLDER)), dir })
    }

    /// The cache in `dir` without making it (to clear one that may not exist).
    pub fn at(dir: impl Into<PathBuf>) -> SnapshotCache {
        let dir = dir.into();
        SnapshotCache { digests: Digests::new(dir.join(DIGESTS_FOLDER)), dir }
    }

    /// Its directory.
    pub fn directory(&self) -> &Path {
        &self.dir
    }

    /// The image digests it remembers.
    pub fn digests(&self) -> &Digests {
        &self.digests
    }

    /// Where the entry for `key` is.
    pub fn entry_path(&self, key: &EntryKey) -> PathBuf {
        self.dir.join(key.entry_name())
    }

    /// The snapshot saved for `key`, checked first: its key text, its seal, and the engine's own
    /// checks (layout, tag, sizes). An entry that fails any is removed and reported, never used.
    pub fn load(&self, key: &EntryKey) -> Lookup {
        let path = self.entry_path(key);
        let Ok(meta) = fs::symlink_metadata(&path) else { return Lookup::Miss };
        let checked = || -> Result<Arc<Snapshot>, String> {
            if !meta.is_dir() {
                return Err("not a directory".into());
            }
            let saved = fs::read_to_string(path.join(KEY_FILE)).map_err(|e| format!("its key: {e}"))?;
            if saved != key.text() {
                return Err("saved for another key".into());
            }
            check_seal(&path)?;
            hyperlight_unikraft::load_snapshot(&path).map_err(|e| format!("the engine refused it: {e}"))
        };
        match checked() {
            Ok(snapshot) => Lookup::Hit(Entry { snapshot, ino: meta.ino() }),
            Err(why) => {
                self.discard(&path, meta.ino());
                Lookup::Rejected(why)
            }
        }
    }

    /// Removes `entry`, loaded for `key`, which turned out unusable (no guest would start from it).
    pub fn reject(&self, key: &EntryKey, entry: Entry) {
        self.discard(&self.entry_path(key), entry.ino);
    }

    /// Removes the entry at `path` if it is still the one found (inode `ino`): one another process
    /// has just put in its place stays.
    fn discard(&self, path: &Path, ino: u64) {
        if fs::symlink_metadata(path).is_ok_and(|m| m.ino() == ino) {
            let aside = self.dir.join(format!("{DISCARD_PREFIX}{}", unique_suffix(path)));
            if fs::rename(path, &aside).is_ok() {
                let _ = fs::remove_dir_all(aside);
            }
        }
    }

    /// Saves `snapshot` as the entry for `key`: into a temporary directory beside it, synced, sealed,
    /// then renamed into place. When another process's entry got there first, or an entry is already
    /// there, this one is dropped and that one stays. Leftovers of processes that died mid-save are
    /// removed on the way.
    pub fn store(&self, key: &EntryKey, snapshot: &Snapshot) -> io::Result<()> {
        self.sweep();
        let path = self.entry_path(key);
        let temp = self.dir.join(format!("{TEMP_PREFIX}{}-{}-{}", key.entry_name(), std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
        let written = (|| -> io::Result<()> {
            hyperlight_unikraft::save_snapshot(snapshot, &temp).map_err(io::Error::other)?;
            write_synced(&temp.join(KEY_FILE), key.text().as_bytes())?;
            let seal = seal(&temp)?;
            write_synced(&temp.join(SEAL_FILE), seal.as_bytes())?;
            sync_dirs(&temp)?;
            fs::rename(&temp, &path)?;
            fs::File::open(&self.dir)?.sync_all()
        })();
        if written.is_err() {
            let _ = fs::remove_dir_all(&temp);
        }
        match written {
            // Another process's entry won the race: it is as good as this one.
            Err(e) if path.join(KEY_FILE).is_file() && matches!(e.raw_os_error(), Some(libc::ENOTEMPTY | libc::EEXIST)) => Ok(()),
            other => other,
        }
    }

    /// Removes temporary directories whose process is gone, or that are older than any save takes,
    /// and entries left half-removed.
    pub fn sweep(&self) {
        let Ok(list) = fs::read_dir(&self.dir) else { return };
        for item in list.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            let stale = if let Some(rest) = name.strip_prefix(TEMP_PREFIX) {
                let pid = rest.rsplit('-').nth(1).and_then(|p| p.parse::<i32>().ok());
                let old = item.metadata().and_then(|m| m.modified()).is_ok_and(|t| older_than(t, STALE_AFTER));
                old || pid.is_some_and(|pid| !process_alive(pid))
            } else {
                name.starts_with(DISCARD_PREFIX)
            };
            if stale {
                let _ = fs::remove_dir_all(item.path());
            }
        }
    }

    /// Empties the cache: every entry, temporary directory and remembered digest; nothing else that
    /// may be in the directory is touched. Returns what was removed. A process using an entry keeps
    /// its memory-mapped copy until it ends.
    pub fn clear(&self) -> io::Result<Vec<Removed>> {
        let list = match fs::read_dir(&self.dir) {
            Ok(list) => list,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut removed = Vec::new();
        for item in list.flatten() {
            let name = item.file_name().to_string_lossy().into_owned();
            let ours = name.starts_with(TEMP_PREFIX)
                || name.starts_with(DISCARD_PREFIX)
                || name == DIGESTS_FOLDER
                || item.path().join(KEY_FILE).is_file();
            if !ours || !item.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let bytes = size_of(&item.path());
            // Aside first, so no reader finds an entry half-removed.
            let target = match name.starts_with(DISCARD_PREFIX) {
                true => item.path(),
                false => {
                    let aside = self.dir.join(format!("{DISCARD_PREFIX}{}", unique_suffix(&item.path())));
                    fs::rename(item.path(), &aside)?;
                    aside
                }
            };
            fs::remove_dir_all(&target)?;
            removed.push(Removed { name, bytes });
        }
        removed.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(removed)
    }

    /// The entries there are, with their sizes.
    pub fn entries(&self) -> Vec<Removed> {
        let mut out: Vec<Removed> = fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|i| !i.file_name().to_string_lossy().starts_with('.') && i.path().join(KEY_FILE).is_file())
            .map(|i| Removed { name: i.file_name().to_string_lossy().into_owned(), bytes: size_of(&i.path()) })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// The SHA-256 of image files, computed once per file as it is on disk: remembered in this process
/// and, for the next ones, in the snapshot directory, both by the file's path and identity (device,
/// inode, size, modification and change time: a rebuilt or replaced image, or one rewritten in
/// place, has another).
#[derive(Debug, Clone)]
pub struct Digests {
    dir: PathBuf,
}

/// The digests this process computed or read, by file identity.
static KNOWN: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();

impl Digests {
    fn new(dir: PathBuf) -> Digests {
        Digests { dir }
    }

    /// The SHA-256 of the file at `path`, in hex.
    pub fn of(&self, path: &Path) -> io::Result<String> {
        let id = identity(path)?;
        let known = KNOWN.get_or_init(Default::default);
        if let Some(digest) = known.lock().unwrap().get(&id) {
            return Ok(digest.clone());
        }
        let memo = self.dir.join(&hex(&Sha256::digest(id.as_bytes()))[..32]);
        let remembered = fs::read_to_string(&memo).ok().and_then(|text| {
            let (saved, digest) = text.trim_end().rsplit_once('\n')?;
            (saved == id && digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit())).then(|| digest.to_string())
        });
        let digest = match remembered {
            Some(digest) => digest,
            None => {
                let digest = hash_file(path)?;
                // Only if the file did not change while it was read.
                if identity(path)? == id && fs::create_dir_all(&self.dir).is_ok() {
                    let temp = self.dir.join(format!("{TEMP_PREFIX}{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
                    if write_synced(&temp, format!("{id}\n{digest}\n").as_bytes()).and_then(|()| fs::rename(&temp, &memo)).is_err() {
                        let _ = fs::remove_file(&temp);
                    }
                }
                digest
            }
        };
        known.lock().unwrap().insert(id, digest.clone());
        Ok(digest)
    }
}

/// A file's path and identity as one line.
fn identity(path: &Path) -> io::Result<String> {
    let path = fs::canonicalize(path)?;
    let m = fs::metadata(&path)?;
    Ok(format!(
        "{} dev={} ino={} size={} mtime={}.{} ctime={}.{}",
        path.display(),
        m.dev(),
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec()
    ))
}

/// The SHA-256 of a file's content, in hex.
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut HashWriter(&mut hasher))?;
    Ok(hex(&hasher.finalize()))
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every regular file under `dir` (relative path), in order.
fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(rel) = pending.pop() {
        for item in fs::read_dir(dir.join(&rel))? {
            let item = item?;
            let kind = item.file_type()?;
            let name = rel.join(item.file_name());
            if kind.is_dir() {
                pending.push(name);
            } else {
                out.push(name);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A file's line in a seal: its path, inode, size, modification and change time.
fn seal_line(root: &Path, rel: &Path) -> io::Result<String> {
    let m = fs::symlink_metadata(root.join(rel))?;
    if !m.is_file() {
        return Err(io::Error::other(format!("{} is not a regular file", rel.display())));
    }
    Ok(format!("{}\t{}\t{}\t{}.{}\t{}.{}", rel.display(), m.ino(), m.size(), m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec()))
}

/// The seal of the entry being written in `dir`: every file (each synced first) but the seal.
fn seal(dir: &Path) -> io::Result<String> {
    let mut text = String::new();
    for rel in files_under(dir)? {
        if rel == Path::new(SEAL_FILE) {
            continue;
        }
        fs::File::open(dir.join(&rel))?.sync_all()?;
        text.push_str(&seal_line(dir, &rel)?);
        text.push('\n');
    }
    Ok(text)
}

/// Whether the files of the entry in `dir` are as its seal says, and none is missing or added.
fn check_seal(dir: &Path) -> Result<(), String> {
    let sealed = fs::read_to_string(dir.join(SEAL_FILE)).map_err(|e| format!("its seal: {e}"))?;
    let files = files_under(dir).map_err(|e| e.to_string())?;
    let listed: Vec<&str> = sealed.lines().collect();
    if listed.len() + 1 != files.len() {
        return Err("its files are not the ones sealed".into());
    }
    for line in listed {
        let rel = line.split('\t').next().unwrap_or_default();
        match seal_line(dir, Path::new(rel)) {
            Ok(now) if now == line => {}
            Ok(_) => return Err(format!("{rel} changed after it was written")),
            Err(e) => return Err(format!("{rel}: {e}")),
        }
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Syncs `dir` and every directory under it, so the names of the files written there last.
fn sync_dirs(dir: &Path) -> io::Result<()> {
    for item in fs::read_dir(dir)? {
        let item = item?;
        if item.file_type()?.is_dir() {
            sync_dirs(&item.path())?;
        }
    }
    fs::File::open(dir)?.sync_all()
}

fn size_of(dir: &Path) -> u64 {
    files_under(dir)
        .map(|files| files.iter().filter_map(|f| fs::symlink_metadata(dir.join(f)).ok()).map(|m| m.blocks() * 512).sum())
        .unwrap_or(0)
}

fn unique_suffix(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = name.trim_start_matches(TEMP_PREFIX).trim_start_matches(DISCARD_PREFIX);
    format!("{name}-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

fn older_than(t: SystemTime, age: Duration) -> bool {
    t.elapsed().is_ok_and(|e| e > age)
}

/// Whether a process with this id is alive (or may be: one we may not signal is).
fn process_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lci-snapcache-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn key(memory_mb: Option<usize>) -> EntryKey {
        EntryKey { image: "python".into(), rootfs: "ab".repeat(32), warmup: None, memory_mb }
    }

    /// An entry as `store` leaves one, with made-up blobs (a real snapshot needs a micro-VM).
    fn fake_entry(cache: &SnapshotCache, key: &EntryKey) -> PathBuf {
        let temp = cache.directory().join(".tmp-fake");
        fs::create_dir_all(temp.join("blobs/sha256")).unwrap();
        fs::write(temp.join("oci-layout"), b"{}").unwrap();
        fs::write(temp.join("blobs/sha256/aa"), vec![7u8; 8192]).unwrap();
        fs::write(temp.join(KEY_FILE), key.text()).unwrap();
        let seal = seal(&temp).unwrap();
        fs::write(temp.join(SEAL_FILE), seal).unwrap();
        let path = cache.entry_path(key);
        fs::rename(temp, &path).unwrap();
        path
    }

    #[test]
    fn the_default_directory_follows_lci_snapshot_directory_then_xdg_cache_home_then_home() {
        // One test touches the environment, so no other sees it changed.
        let (xdg, home, ours) = (std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"), std::env::var_os(DIRECTORY_VARIABLE));
        std::env::set_var("XDG_CACHE_HOME", "/x/cache");
        std::env::set_var(DIRECTORY_VARIABLE, "/ops/snapshots");
        assert_eq!(default_directory(), Some(PathBuf::from("/ops/snapshots")));
        std::env::set_var(DIRECTORY_VARIABLE, "off");
        assert_eq!(default_directory(), None);
        std::env::set_var(DIRECTORY_VARIABLE, "");
        assert_eq!(default_directory(), Some(PathBuf::from("/x/cache/local-code-interpreter/snapshots")));
        std::env::remove_var(DIRECTORY_VARIABLE);
        assert_eq!(default_directory(), Some(PathBuf::from("/x/cache/local-code-interpreter/snapshots")));
        std::env::set_var("XDG_CACHE_HOME", "relative/is/ignored");
        std::env::set_var("HOME", "/home/u");
        assert_eq!(default_directory(), Some(PathBuf::from("/home/u/.cache/local-code-interpreter/snapshots")));
        std::env::remove_var("XDG_CACHE_HOME");
        std::env::remove_var("HOME");
        assert_eq!(default_directory(), None);
        for (name, value) in [("XDG_CACHE_HOME", xdg), ("HOME", home), (DIRECTORY_VARIABLE, ours)] {
            if let Some(v) = value {
                std::env::set_var(name, v);
            }
        }
    }

    #[test]
    fn the_default_directory_in_words_names_the_folders() {
        assert!(DEFAULT_DIRECTORY_TEXT.starts_with(&format!("${DIRECTORY_VARIABLE} (off: none), else $XDG_CACHE_HOME/{CACHE_FOLDER}/{SNAPSHOTS_FOLDER}, ")));
        assert!(DEFAULT_DIRECTORY_TEXT.ends_with(&format!("~/.cache/{CACHE_FOLDER}/{SNAPSHOTS_FOLDER}")));
    }

    #[test]
    fn every_part_of_the_key_names_another_entry() {
        let base = key(None);
        let others = [
            EntryKey { memory_mb: Some(256), ..base.clone() },
            EntryKey { rootfs: "cd".repeat(32), ..base.clone() },
            EntryKey { warmup: Some("ef".repeat(32)), ..base.clone() },
            EntryKey { image: "javascript".into(), ..base.clone() },
        ];
        for other in others {
            assert_ne!(other.entry_name(), base.entry_name(), "{other:?}");
        }
        assert!(base.text().contains(&format!("engine={SNAPSHOT_KEY}\n")));
        assert!(base.entry_name().starts_with("python-"));
    }

    #[test]
    fn an_empty_cache_misses() {
        let cache = SnapshotCache::open(scratch("miss")).unwrap();
        assert!(matches!(cache.load(&key(None)), Lookup::Miss));
    }

    #[test]
    fn an_entry_saved_for_another_key_is_rejected_and_removed() {
        let cache = SnapshotCache::open(scratch("wrong-key")).unwrap();
        let path = fake_entry(&cache, &key(None));
        fs::write(path.join(KEY_FILE), key(Some(64)).text()).unwrap();
        match cache.load(&key(None)) {
            Lookup::Rejected(why) => assert!(why.contains("another key"), "{why}"),
            _ => panic!("a mismatched entry was not rejected"),
        }
        assert!(!path.exists());
    }

    #[test]
    fn a_truncated_or_garbled_blob_breaks_the_seal_and_the_entry_is_removed() {
        let cache = SnapshotCache::open(scratch("garbled")).unwrap();
        // Garbled in place, same size: the change time moves.
        let path = fake_entry(&cache, &key(None));
        std::thread::sleep(Duration::from_millis(20));
        let blob = path.join("blobs/sha256/aa");
        let mut f = fs::OpenOptions::new().write(true).open(&blob).unwrap();
        f.write_all(b"garbage").unwrap();
        drop(f);
        match cache.load(&key(None)) {
            Lookup::Rejected(why) => assert!(why.contains("changed after it was written"), "{why}"),
            _ => panic!("a garbled entry was not rejected"),
        }
        assert!(!path.exists());
        // Truncated.
        let path = fake_entry(&cache, &key(None));
        fs::OpenOptions::new().write(true).open(path.join("blobs/sha256/aa")).unwrap().set_len(10).unwrap();
        assert!(matches!(cache.load(&key(None)), Lookup::Rejected(_)));
        // A file removed, or one added.
        let path = fake_entry(&cache, &key(None));
        fs::remove_file(path.join("oci-layout")).unwrap();
        assert!(matches!(cache.load(&key(None)), Lookup::Rejected(_)));
        let path = fake_entry(&cache, &key(None));
        fs::write(path.join("blobs/sha256/bb"), b"x").unwrap();
        assert!(matches!(cache.load(&key(None)), Lookup::Rejected(_)));
        // No seal at all (an entry from before seals, or half-written by hand).
        let path = fake_entry(&cache, &key(None));
        fs::remove_file(path.join(SEAL_FILE)).unwrap();
        assert!(matches!(cache.load(&key(None)), Lookup::Rejected(_)));
    }

    #[test]
    fn a_sound_entry_passes_its_checks_and_reaches_the_engine() {
        let cache = SnapshotCache::open(scratch("engine")).unwrap();
        let path = fake_entry(&cache, &key(None));
        assert_eq!(check_seal(&path), Ok(()));
        // The made-up layout is the engine's to refuse: it is removed all the same.
        match cache.load(&key(None)) {
            Lookup::Rejected(why) => assert!(why.contains("engine refused"), "{why}"),
            _ => panic!("a layout the engine cannot read was used"),
        }
    }

    #[test]
    fn a_temporary_directory_of_a_dead_process_is_swept_and_a_live_ones_is_kept() {
        let cache = SnapshotCache::open(scratch("sweep")).unwrap();
        // A child that has exited and been waited for: its pid names no process.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let dead_dir = cache.directory().join(format!(".tmp-python-0123-{dead}-0"));
        let live_dir = cache.directory().join(format!(".tmp-python-0123-{}-0", std::process::id()));
        let discarded = cache.directory().join(".old-python-0123-1-2");
        for d in [&dead_dir, &live_dir, &discarded] {
            fs::create_dir_all(d.join("blobs")).unwrap();
        }
        cache.sweep();
        assert!(!dead_dir.exists() && !discarded.exists());
        assert!(live_dir.exists());
    }

    #[test]
    fn clear_removes_entries_and_leftovers_and_nothing_else() {
        let dir = scratch("clear");
        let cache = SnapshotCache::open(&dir).unwrap();
        let entry = fake_entry(&cache, &key(None));
        fs::create_dir_all(dir.join(".tmp-python-1-2-3")).unwrap();
        fs::create_dir_all(dir.join(DIGESTS_FOLDER)).unwrap();
        fs::create_dir_all(dir.join("someone-elses")).unwrap();
        fs::write(dir.join("notes.txt"), b"keep").unwrap();
        assert_eq!(cache.entries().len(), 1);
        let removed = cache.clear().unwrap();
        let names: Vec<&str> = removed.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec![".image-digests", ".tmp-python-1-2-3", key(None).entry_name().as_str()]);
        assert!(removed.iter().any(|r| r.bytes >= 8192));
        assert!(!entry.exists());
        assert!(dir.join("someone-elses").is_dir() && dir.join("notes.txt").is_file());
        assert_eq!(cache.entries(), vec![]);
        // A directory that was never made is empty, not an error.
        assert_eq!(SnapshotCache::at(dir.join("never")).clear().unwrap(), vec![]);
    }

    #[test]
    fn an_image_digest_is_remembered_across_processes_until_the_file_changes() {
        let dir = scratch("digests");
        let image = dir.join("rootfs.cpio");
        fs::write(&image, b"one").unwrap();
        let digests = Digests::new(dir.join("memo"));
        let one = digests.of(&image).unwrap();
        assert_eq!(one, hash_file(&image).unwrap());
        // What the next process reads: the memo on disk, for this identity.
        let memos: Vec<_> = fs::read_dir(dir.join("memo")).unwrap().flatten().collect();
        assert_eq!(memos.len(), 1);
        assert!(fs::read_to_string(memos[0].path()).unwrap().ends_with(&format!("\n{one}\n")));
        // Rewritten: another identity, so another digest.
        std::thread::sleep(Duration::from_millis(20));
        fs::write(&image, b"two").unwrap();
        let two = digests.of(&image).unwrap();
        assert_ne!(one, two);
        assert_eq!(two, hash_file(&image).unwrap());
    }

    #[test]
    fn a_memo_for_another_identity_is_not_believed() {
        let dir = scratch("memo-mismatch");
        let image = dir.join("rootfs.cpio");
        fs::write(&image, b"content").unwrap();
        let digests = Digests::new(dir.join("memo"));
        let id = identity(&image).unwrap();
        let memo = dir.join("memo").join(&hex(&Sha256::digest(id.as_bytes()))[..32]);
        fs::create_dir_all(memo.parent().unwrap()).unwrap();
        fs::write(&memo, format!("{id} but not quite\n{}\n", "0".repeat(64))).unwrap();
        assert_eq!(digests.of(&image).unwrap(), hash_file(&image).unwrap());
    }
}
