//! An in-memory filesystem served to the guest as a mount: `/input` (read-only: the caller's files and
//! the program to run) and `/output` (writable, within a count and size quota: the files a program
//! hands back). Nothing of the host's disk is behind either, so no path the guest sends can reach it.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use hyperlight_unikraft::{DirEntry, FileStat, FsBackend};

use crate::error::{ErrorCode, SandboxError};

/// How much a guest may store in a writable [`MemFs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Files and directories, together.
    pub entries: usize,
    /// Bytes of file content, together.
    pub bytes: u64,
}

/// The default quota of `/output`: 256 entries, 16 MiB.
pub const OUTPUT_QUOTA: Quota = Quota { entries: 256, bytes: 16 * 1024 * 1024 };

#[derive(Default)]
struct Tree {
    /// Files by normalized path (`a/b.txt`), with their permission bits.
    files: BTreeMap<String, (Vec<u8>, u32)>,
    /// Directories by normalized path; the root (``) is implicit.
    dirs: BTreeSet<String>,
    /// What `stat` reports besides size and type, by path, for files and directories alike: a
    /// directory's permission bits (a file's are in `files`) and the times, as Linux keeps them
    /// (`chmod` and `utime` are recorded, a write moves the modification time).
    meta: BTreeMap<String, Meta>,
    bytes: u64,
}

/// A file's or directory's times, and a directory's permission bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Meta {
    dir_perm: u32,
    accessed: SystemTime,
    modified: SystemTime,
    changed: SystemTime,
}

impl Meta {
    fn now() -> Meta {
        let now = SystemTime::now();
        Meta { dir_perm: 0o755, accessed: now, modified: now, changed: now }
    }
}

/// An error with Linux's `errno` (the engine hands a raw OS error to the guest as it is).
fn errno(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

/// An in-memory directory tree, shared between the host (which fills and empties it) and the guest.
pub struct MemFs {
    tree: Mutex<Tree>,
    quota: Quota,
}

/// `path` as a normalized relative path (`a/b`), or `None` when it would leave the tree (`..`) or is
/// not text a guest path can be.
pub fn normalize(path: &str) -> Option<String> {
    if path.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.len() > 255 => return None,
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn parent(path: &str) -> &str {
    path.rfind('/').map(|i| &path[..i]).unwrap_or("")
}

fn not_found() -> io::Error {
    io::ErrorKind::NotFound.into()
}

fn escape() -> io::Error {
    io::ErrorKind::PermissionDenied.into()
}

impl Tree {
    fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.contains(path)
    }

    fn exists(&self, path: &str) -> bool {
        self.is_dir(path) || self.files.contains_key(path)
    }

    fn entries(&self) -> usize {
        self.files.len() + self.dirs.len()
    }

    /// Records that `path` changed now (its content, or an entry in it).
    fn touch(&mut self, path: &str) {
        let now = SystemTime::now();
        let meta = self.meta.entry(path.to_string()).or_insert_with(Meta::now);
        meta.modified = now;
        meta.changed = now;
    }

    /// Whether directory `path` has nothing in it.
    fn is_empty_dir(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        !self.files.keys().chain(self.dirs.iter()).any(|k| k.starts_with(&prefix))
    }
}

impl MemFs {
    /// An empty tree the guest may fill up to `quota`.
    pub fn new(quota: Quota) -> MemFs {
        MemFs { tree: Mutex::new(Tree::default()), quota }
    }

    /// Puts a file at `path` (creating its directories) for the guest to read: the host's side, not
    /// bound by the quota. A path that would leave the tree is [`ErrorCode::InvalidPath`].
    pub fn put(&self, path: &str, content: Vec<u8>, perm: u32) -> Result<(), SandboxError> {
        let p = normalize(path).filter(|p| !p.is_empty()).ok_or_else(|| {
            SandboxError::new(ErrorCode::InvalidPath, format!("file name {path:?} is not a relative path inside the input directory"))
        })?;
        let mut t = self.tree.lock().unwrap();
        if t.is_dir(&p) {
            return Err(SandboxError::new(ErrorCode::InvalidPath, format!("{path:?} is both a file and a directory")));
        }
        let mut dir = parent(&p).to_string();
        while !dir.is_empty() {
            if t.files.contains_key(&dir) {
                return Err(SandboxError::new(ErrorCode::InvalidPath, format!("{path:?} is inside the file {dir:?}")));
            }
            t.dirs.insert(dir.clone());
            t.meta.entry(dir.clone()).or_insert_with(Meta::now);
            dir = parent(&dir).to_string();
        }
        t.bytes += content.len() as u64;
        t.touch(&p);
        if let Some((old, _)) = t.files.insert(p, (content, perm)) {
            t.bytes -= old.len() as u64;
        }
        Ok(())
    }

    /// Empties the tree.
    pub fn clear(&self) {
        *self.tree.lock().unwrap() = Tree::default();
    }

    /// Takes every file out (path, content), in path order, leaving the tree empty.
    pub fn take_files(&self) -> Vec<(String, Vec<u8>)> {
        let t = std::mem::take(&mut *self.tree.lock().unwrap());
        t.files.into_iter().map(|(p, (c, _))| (p, c)).collect()
    }

    fn with_file<T>(&self, path: &str, f: impl FnOnce(&mut Tree, &str) -> io::Result<T>) -> io::Result<T> {
        let p = normalize(path).ok_or_else(escape)?;
        let mut t = self.tree.lock().unwrap();
        f(&mut t, &p)
    }

    /// Grows file `p` to hold `data` at `offset` (`None`: the end), within the quota.
    fn write_at(&self, t: &mut Tree, p: &str, offset: Option<u64>, data: &[u8]) -> io::Result<()> {
        if p.is_empty() || t.is_dir(p) {
            return Err(io::ErrorKind::IsADirectory.into());
        }
        if !t.is_dir(parent(p)) {
            return Err(not_found());
        }
        let new_file = !t.files.contains_key(p);
        if new_file && t.entries() >= self.quota.entries {
            return Err(io::ErrorKind::QuotaExceeded.into());
        }
        let old_len = t.files.get(p).map(|(c, _)| c.len() as u64).unwrap_or(0);
        let start = offset.unwrap_or(old_len);
        let end = start.checked_add(data.len() as u64).ok_or(io::ErrorKind::FileTooLarge)?;
        let new_len = end.max(old_len);
        if t.bytes - old_len + new_len > self.quota.bytes {
            return Err(io::ErrorKind::QuotaExceeded.into());
        }
        let (content, _) = t.files.entry(p.to_string()).or_insert_with(|| (Vec::new(), 0o644));
        if content.len() < new_len as usize {
            content.resize(new_len as usize, 0);
        }
        content[start as usize..end as usize].copy_from_slice(data);
        t.bytes = t.bytes - old_len + new_len;
        t.touch(p);
        if new_file {
            t.touch(parent(p));
        }
        Ok(())
    }
}

impl FsBackend for MemFs {
    fn stat(&self, path: &str) -> io::Result<FileStat> {
        self.with_file(path, |t, p| {
            let meta = t.meta.get(p).copied();
            let stat = if t.is_dir(p) {
                FileStat::dir(meta.map_or(0o755, |m| m.dir_perm))
            } else {
                t.files.get(p).map(|(c, perm)| FileStat::file(c.len() as u64, *perm)).ok_or_else(not_found)?
            };
            Ok(match meta {
                Some(m) => stat.times(m.accessed, m.modified, m.changed),
                None => stat,
            })
        })
    }

    fn read(&self, path: &str, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
        self.with_file(path, |t, p| {
            let (content, _) = t.files.get(p).ok_or_else(not_found)?;
            let start = (offset as usize).min(content.len());
            let n = buf.len().min(content.len() - start);
            buf[..n].copy_from_slice(&content[start..start + n]);
            Ok(n)
        })
    }

    fn write(&self, path: &str, offset: Option<u64>, data: &[u8]) -> io::Result<()> {
        let p = normalize(path).ok_or_else(escape)?;
        let mut t = self.tree.lock().unwrap();
        self.write_at(&mut t, &p, offset, data)
    }

    fn create_dir(&self, path: &str) -> io::Result<()> {
        self.with_file(path, |t, p| {
            if t.exists(p) {
                return Err(io::ErrorKind::AlreadyExists.into());
            }
            if !t.is_dir(parent(p)) {
                return Err(not_found());
            }
            if t.entries() >= self.quota.entries {
                return Err(io::ErrorKind::QuotaExceeded.into());
            }
            t.dirs.insert(p.to_string());
            t.meta.insert(p.to_string(), Meta::now());
            t.touch(parent(p));
            Ok(())
        })
    }

    fn remove(&self, path: &str) -> io::Result<()> {
        self.with_file(path, |t, p| {
            if let Some((c, _)) = t.files.remove(p) {
                t.bytes -= c.len() as u64;
                t.meta.remove(p);
                t.touch(parent(p));
                return Ok(());
            }
            if p.is_empty() || !t.dirs.contains(p) {
                return Err(not_found());
            }
            if !t.is_empty_dir(p) {
                return Err(io::ErrorKind::DirectoryNotEmpty.into());
            }
            t.dirs.remove(p);
            t.meta.remove(p);
            t.touch(parent(p));
            Ok(())
        })
    }

    fn truncate(&self, path: &str, len: u64) -> io::Result<()> {
        self.with_file(path, |t, p| {
            let old = t.files.get(p).map(|(c, _)| c.len() as u64).ok_or_else(not_found)?;
            if t.bytes - old + len > self.quota.bytes {
                return Err(io::ErrorKind::QuotaExceeded.into());
            }
            t.files.get_mut(p).unwrap().0.resize(len as usize, 0);
            t.bytes = t.bytes - old + len;
            t.touch(p);
            Ok(())
        })
    }

    fn list(&self, path: &str) -> io::Result<Vec<DirEntry>> {
        self.with_file(path, |t, p| {
            if !t.is_dir(p) {
                return Err(io::ErrorKind::NotADirectory.into());
            }
            let prefix = if p.is_empty() { String::new() } else { format!("{p}/") };
            let child = |k: &String| k.strip_prefix(&prefix).filter(|rest| !rest.is_empty() && !rest.contains('/')).map(str::to_string);
            let mut out: Vec<DirEntry> = t.dirs.iter().filter_map(child).map(|n| DirEntry::new(n, true)).collect();
            out.extend(t.files.keys().filter_map(child).map(|n| DirEntry::new(n, false)));
            Ok(out)
        })
    }

    fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        let (from, to) = (normalize(from).ok_or_else(escape)?, normalize(to).ok_or_else(escape)?);
        let mut t = self.tree.lock().unwrap();
        if from.is_empty() || to.is_empty() || !t.is_dir(parent(&to)) {
            return Err(not_found());
        }
        if from == to && t.exists(&from) {
            return Ok(());
        }
        let moved_meta = |t: &mut Tree, from: &str, to: &str| {
            let keys: Vec<String> = t.meta.keys().filter(|k| *k == from || k.starts_with(&format!("{from}/"))).cloned().collect();
            for k in keys {
                let m = t.meta.remove(&k).unwrap_or_else(Meta::now);
                t.meta.insert(format!("{to}{}", &k[from.len()..]), m);
            }
        };
        if t.files.contains_key(&from) {
            // As Linux: a file cannot replace a directory.
            if t.is_dir(&to) {
                return Err(io::ErrorKind::IsADirectory.into());
            }
            let file = t.files.remove(&from).unwrap_or_default();
            if let Some((old, _)) = t.files.insert(to.clone(), file) {
                t.bytes -= old.len() as u64;
            }
            moved_meta(&mut t, &from, &to);
            t.touch(parent(&from));
            t.touch(parent(&to));
            return Ok(());
        }
        if !t.dirs.contains(&from) {
            return Err(not_found());
        }
        if to.starts_with(&format!("{from}/")) {
            return Err(io::ErrorKind::InvalidInput.into());
        }
        // As Linux: a directory replaces an empty directory, never a file or a directory with entries.
        if t.files.contains_key(&to) {
            return Err(io::ErrorKind::NotADirectory.into());
        }
        if t.dirs.contains(&to) {
            if !t.is_empty_dir(&to) {
                return Err(io::ErrorKind::DirectoryNotEmpty.into());
            }
            t.dirs.remove(&to);
            t.meta.remove(&to);
        }
        let moved = |k: &str| -> Option<String> {
            if k == from {
                Some(to.clone())
            } else {
                k.strip_prefix(&format!("{from}/")).map(|rest| format!("{to}/{rest}"))
            }
        };
        t.dirs = t.dirs.iter().map(|d| moved(d).unwrap_or_else(|| d.clone())).collect();
        let files = std::mem::take(&mut t.files);
        t.files = files.into_iter().map(|(k, v)| (moved(&k).unwrap_or(k), v)).collect();
        moved_meta(&mut t, &from, &to);
        t.touch(parent(&from));
        t.touch(parent(&to));
        Ok(())
    }

    fn chmod(&self, path: &str, mode: u32) -> io::Result<()> {
        self.with_file(path, |t, p| {
            if let Some((_, perm)) = t.files.get_mut(p) {
                *perm = mode & 0o7777;
            } else if t.is_dir(p) {
                t.meta.entry(p.to_string()).or_insert_with(Meta::now).dir_perm = mode & 0o7777;
            } else {
                return Err(not_found());
            }
            t.meta.entry(p.to_string()).or_insert_with(Meta::now).changed = SystemTime::now();
            Ok(())
        })
    }

    fn set_times(&self, path: &str, accessed: Option<SystemTime>, modified: Option<SystemTime>) -> io::Result<()> {
        self.with_file(path, |t, p| {
            if !t.exists(p) {
                return Err(not_found());
            }
            let meta = t.meta.entry(p.to_string()).or_insert_with(Meta::now);
            if let Some(a) = accessed {
                meta.accessed = a.max(UNIX_EPOCH);
            }
            if let Some(m) = modified {
                meta.modified = m.max(UNIX_EPOCH);
            }
            meta.changed = SystemTime::now();
            Ok(())
        })
    }

    /// No symbolic links here: Linux's answer for a file system without them.
    fn symlink(&self, _link: &str, _target: &str) -> io::Result<()> {
        Err(errno(libc::EPERM))
    }

    /// No hard links here: Linux's answer for a file system without them.
    fn hard_link(&self, _src: &str, _dst: &str) -> io::Result<()> {
        Err(errno(libc::EPERM))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_escape_are_refused() {
        assert_eq!(normalize("a/./b//c").as_deref(), Some("a/b/c"));
        assert_eq!(normalize("/abs/x").as_deref(), Some("abs/x"));
        assert_eq!(normalize("../etc/passwd"), None);
        assert_eq!(normalize("a/../../x"), None);
        let fs = MemFs::new(OUTPUT_QUOTA);
        assert_eq!(fs.put("../x", b"1".to_vec(), 0o644).unwrap_err().code, ErrorCode::InvalidPath);
        assert_eq!(fs.put("", b"1".to_vec(), 0o644).unwrap_err().code, ErrorCode::InvalidPath);
        assert_eq!(fs.write("../escape", None, b"x").unwrap_err().kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(fs.stat("a/../../etc").unwrap_err().kind(), io::ErrorKind::PermissionDenied);
    }

    #[test]
    fn put_files_are_readable_in_their_directories() {
        let fs = MemFs::new(OUTPUT_QUOTA);
        fs.put("data/in.csv", b"a,b\n1,2\n".to_vec(), 0o644).unwrap();
        assert_eq!(fs.stat("data").unwrap().mode & hyperlight_unikraft::S_IFMT, hyperlight_unikraft::S_IFDIR);
        assert_eq!(fs.stat("data/in.csv").unwrap().size, 8);
        let mut buf = [0u8; 4];
        assert_eq!(fs.read("data/in.csv", 4, &mut buf).unwrap(), 4);
        assert_eq!(&buf, b"1,2\n");
        assert_eq!(fs.list("").unwrap(), vec![DirEntry::new("data", true)]);
        assert_eq!(fs.list("data").unwrap(), vec![DirEntry::new("in.csv", false)]);
    }

    #[test]
    fn guest_writes_append_overwrite_and_come_back() {
        let fs = MemFs::new(OUTPUT_QUOTA);
        fs.create_dir("plots").unwrap();
        fs.write("plots/a.txt", None, b"hello").unwrap();
        fs.write("plots/a.txt", None, b" world").unwrap();
        fs.write("plots/a.txt", Some(0), b"J").unwrap();
        fs.rename("plots/a.txt", "b.txt").unwrap();
        assert_eq!(fs.take_files(), vec![("b.txt".to_string(), b"Jello world".to_vec())]);
        assert!(fs.list("").unwrap().is_empty());
    }

    #[test]
    fn the_quota_bounds_bytes_and_entries() {
        let fs = MemFs::new(Quota { entries: 2, bytes: 10 });
        fs.write("a", None, b"12345").unwrap();
        assert_eq!(fs.write("a", None, b"123456").unwrap_err().kind(), io::ErrorKind::QuotaExceeded);
        assert_eq!(fs.write("a", Some(u64::MAX), b"1").unwrap_err().kind(), io::ErrorKind::FileTooLarge);
        fs.write("b", None, b"1").unwrap();
        assert_eq!(fs.write("c", None, b"1").unwrap_err().kind(), io::ErrorKind::QuotaExceeded);
        fs.remove("b").unwrap();
        fs.truncate("a", 2).unwrap();
        fs.write("c", None, b"12345678").unwrap();
    }

    #[test]
    fn writing_needs_an_existing_directory_and_removing_an_empty_one() {
        let fs = MemFs::new(OUTPUT_QUOTA);
        assert_eq!(fs.write("nodir/x", None, b"1").unwrap_err().kind(), io::ErrorKind::NotFound);
        fs.create_dir("d").unwrap();
        fs.write("d/x", None, b"1").unwrap();
        assert_eq!(fs.remove("d").unwrap_err().kind(), io::ErrorKind::DirectoryNotEmpty);
        fs.remove("d/x").unwrap();
        fs.remove("d").unwrap();
    }

    #[test]
    fn chmod_and_times_are_kept_and_a_write_moves_the_modification_time() {
        let fs = MemFs::new(OUTPUT_QUOTA);
        fs.create_dir("d").unwrap();
        fs.write("d/f", None, b"x").unwrap();
        fs.chmod("d/f", 0o600).unwrap();
        fs.chmod("d", 0o700).unwrap();
        assert_eq!(fs.stat("d/f").unwrap().mode & 0o7777, 0o600);
        assert_eq!(fs.stat("d").unwrap().mode & 0o7777, 0o700);
        let then = UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        fs.set_times("d/f", Some(then), Some(then)).unwrap();
        assert_eq!((fs.stat("d/f").unwrap().accessed, fs.stat("d/f").unwrap().modified), (then, then));
        fs.write("d/f", None, b"y").unwrap();
        assert!(fs.stat("d/f").unwrap().modified > then);
        assert_eq!(fs.chmod("nope", 0o600).unwrap_err().kind(), io::ErrorKind::NotFound);
        assert_eq!(fs.set_times("nope", None, None).unwrap_err().kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn rename_replaces_as_linux_does() {
        let fs = MemFs::new(OUTPUT_QUOTA);
        for d in ["a", "empty", "full"] {
            fs.create_dir(d).unwrap();
        }
        fs.write("a/f", None, b"1").unwrap();
        fs.write("full/g", None, b"2").unwrap();
        fs.write("file", None, b"3").unwrap();
        fs.chmod("a/f", 0o640).unwrap();
        assert_eq!(fs.rename("file", "empty").unwrap_err().kind(), io::ErrorKind::IsADirectory);
        assert_eq!(fs.rename("a", "file").unwrap_err().kind(), io::ErrorKind::NotADirectory);
        assert_eq!(fs.rename("a", "full").unwrap_err().kind(), io::ErrorKind::DirectoryNotEmpty);
        assert_eq!(fs.rename("a", "a/inner").unwrap_err().kind(), io::ErrorKind::InvalidInput);
        fs.rename("a", "empty").unwrap();
        assert_eq!(fs.stat("empty/f").unwrap().mode & 0o7777, 0o640, "what a file recorded moves with it");
        assert!(fs.stat("a").is_err());
        fs.rename("file", "file").unwrap();
        fs.rename("full/g", "file").unwrap();
        let mut buf = [0u8; 4];
        let n = fs.read("file", 0, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"2");
    }

    #[test]
    fn links_are_refused_with_eperm() {
        let fs = MemFs::new(OUTPUT_QUOTA);
        fs.write("f", None, b"x").unwrap();
        assert_eq!(fs.symlink("l", "f").unwrap_err().raw_os_error(), Some(libc::EPERM));
        assert_eq!(fs.hard_link("f", "h").unwrap_err().raw_os_error(), Some(libc::EPERM));
    }
}
