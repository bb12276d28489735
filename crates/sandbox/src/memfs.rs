//! An in-memory filesystem served to the guest as a mount: `/input` (read-only: the caller's files and
//! the program to run) and `/output` (writable, within a count and size quota: the files a program
//! hands back). Nothing of the host's disk is behind either, so no path the guest sends can reach it.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::sync::Mutex;

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
    bytes: u64,
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
            dir = parent(&dir).to_string();
        }
        t.bytes += content.len() as u64;
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
        Ok(())
    }
}

impl FsBackend for MemFs {
    fn stat(&self, path: &str) -> io::Result<FileStat> {
        self.with_file(path, |t, p| {
            if t.is_dir(p) {
                Ok(FileStat::dir(0o755))
            } else {
                t.files.get(p).map(|(c, perm)| FileStat::file(c.len() as u64, *perm)).ok_or_else(not_found)
            }
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
            Ok(())
        })
    }

    fn remove(&self, path: &str) -> io::Result<()> {
        self.with_file(path, |t, p| {
            if let Some((c, _)) = t.files.remove(p) {
                t.bytes -= c.len() as u64;
                return Ok(());
            }
            if p.is_empty() || !t.dirs.contains(p) {
                return Err(not_found());
            }
            let prefix = format!("{p}/");
            if t.files.keys().chain(t.dirs.iter()).any(|k| k.starts_with(&prefix)) {
                return Err(io::ErrorKind::DirectoryNotEmpty.into());
            }
            t.dirs.remove(p);
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
        if let Some(file) = t.files.remove(&from) {
            if let Some((old, _)) = t.files.insert(to, file) {
                t.bytes -= old.len() as u64;
            }
            return Ok(());
        }
        if !t.dirs.contains(&from) {
            return Err(not_found());
        }
        if to.starts_with(&format!("{from}/")) || t.exists(&to) {
            return Err(io::ErrorKind::InvalidInput.into());
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
        Ok(())
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
}
