//! The jail C and C++ are compiled in. Model-written source is hostile input to the compiler: with
//! `#include "/home/me/.ssh/id_rsa"` or `__asm__(".incbin \"/etc/shadow\"")` it asks gcc to read any
//! file the user can, and would carry it into the error messages or into the binary. So the
//! compiler, and every process it starts (cc1, as, collect2, ld), runs with:
//!
//! - **Landlock** (Linux ≥ 5.13): read and execute only the toolchain — the directories gcc itself
//!   reports for its programs, libraries and headers (never all of `/usr/lib` or `/`), the dynamic
//!   loader's cache — read and write only the run's private directory, nothing else. Chosen over
//!   user namespaces or bubblewrap because it needs no root, no setuid helper and no extra package,
//!   is inherited by every child across `execve`, and cannot be undone by the sandboxed process.
//! - **seccomp**: `socket`, `socketpair` and `io_uring_setup` fail with `EACCES` — no network.
//! - **rlimits**: CPU time, address space, file size, core dumps, and processes (the last is not
//!   enforced for root; the compiler starts a fixed handful of processes, which source cannot change).
//! - a clean environment (`PATH` of the toolchain, `LC_ALL=C`, `TMPDIR` the run's directory).
//!
//! Where Landlock is missing (an old kernel, or one booted without it) C and C++ fail with
//! [`ErrorCode::CompileJailUnavailable`]: there is no unjailed fallback.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::error::{ErrorCode, SandboxError};

/// Limits every process of one compilation obeys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileLimits {
    /// CPU seconds per process.
    pub cpu_seconds: u64,
    /// Address space per process, in bytes.
    pub address_space: u64,
    /// Largest file a process may write, in bytes.
    pub file_size: u64,
    /// Processes of the user (not enforced for root).
    pub processes: u64,
}

/// The limits of a compilation: generous for real programs (a C++ program with iostream, threads and
/// <cmath> needs ~300 MiB and a few seconds), fatal to compile bombs.
pub const COMPILE_LIMITS: CompileLimits = CompileLimits {
    cpu_seconds: 60,
    address_space: 3 << 30,
    file_size: 128 << 20,
    processes: 64,
};

// Landlock's ABI (linux/landlock.h).
const SYS_LANDLOCK_CREATE_RULESET: libc::c_long = 444;
const SYS_LANDLOCK_ADD_RULE: libc::c_long = 445;
const SYS_LANDLOCK_RESTRICT_SELF: libc::c_long = 446;
const LANDLOCK_CREATE_RULESET_VERSION: u32 = 1;
const LANDLOCK_RULE_PATH_BENEATH: libc::c_int = 1;
const ACCESS_EXECUTE: u64 = 1 << 0;
const ACCESS_WRITE_FILE: u64 = 1 << 1;
const ACCESS_READ_FILE: u64 = 1 << 2;
const ACCESS_READ_DIR: u64 = 1 << 3;
const ACCESS_REMOVE_DIR: u64 = 1 << 4;
const ACCESS_REMOVE_FILE: u64 = 1 << 5;
const ACCESS_MAKE_DIR: u64 = 1 << 7;
const ACCESS_MAKE_REG: u64 = 1 << 8;
const ACCESS_TRUNCATE: u64 = 1 << 14;
const NET_BIND_TCP: u64 = 1 << 0;
const NET_CONNECT_TCP: u64 = 1 << 1;

#[repr(C)]
struct RulesetAttr {
    handled_access_fs: u64,
    handled_access_net: u64,
}

#[repr(C, packed)]
struct PathBeneathAttr {
    allowed_access: u64,
    parent_fd: i32,
}

/// Every file-system right the kernel's Landlock ABI `abi` knows, so none is left unhandled (an
/// unhandled right is allowed everywhere).
fn handled_fs(abi: i64) -> u64 {
    let mut all = (1u64 << 13) - 1; // ABI 1: EXECUTE ..= MAKE_SYM
    if abi >= 2 {
        all |= 1 << 13; // REFER
    }
    if abi >= 3 {
        all |= ACCESS_TRUNCATE;
    }
    if abi >= 5 {
        all |= 1 << 15; // IOCTL_DEV
    }
    all
}

/// Landlock's ABI version on this kernel, or why it cannot be used.
fn landlock_abi() -> Result<i64, SandboxError> {
    let abi = unsafe { libc::syscall(SYS_LANDLOCK_CREATE_RULESET, std::ptr::null::<RulesetAttr>(), 0usize, LANDLOCK_CREATE_RULESET_VERSION) };
    if abi >= 1 {
        return Ok(abi);
    }
    let why = std::io::Error::last_os_error();
    Err(SandboxError::new(
        ErrorCode::CompileJailUnavailable,
        format!(
            "C and C++ are compiled in a Landlock jail so that code cannot make the compiler read host files, \
             and this kernel does not offer Landlock ({why}). It needs Linux 5.13 or later with Landlock \
             enabled (the `lsm=` boot parameter must include landlock); C and C++ are refused rather than \
             compiled without the jail"
        ),
    ))
}

/// What the compiler may read: the toolchain's directories as gcc reports them, found once.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// Directories (and files) to read and execute.
    pub read_only: Vec<PathBuf>,
    /// `PATH` for the compiler: the directories its programs live in.
    pub path: String,
}

impl Toolchain {
    /// Asks `gcc` and `g++` where their programs, libraries and headers are. Never called for a
    /// compiler that is missing: [`ErrorCode::CompilerNotFound`] then.
    fn discover() -> Result<Toolchain, SandboxError> {
        let mut dirs = Vec::new();
        let mut bins = Vec::new();
        for cc in ["gcc", "g++"] {
            let Some(exe) = find_on_path(cc) else { continue };
            if let Some(dir) = exe.parent() {
                bins.push(dir.to_path_buf());
            }
            let search = query(&exe, &["-print-search-dirs"])?;
            let mut install = None;
            for line in search.lines() {
                if let Some(dir) = line.strip_prefix("install: ") {
                    install = canonical(dir);
                    dirs.extend(install.clone());
                } else if let Some(list) = line.strip_prefix("programs: =").or_else(|| line.strip_prefix("libraries: =")) {
                    dirs.extend(list.split(':').filter_map(canonical));
                }
            }
            // Never a directory above gcc's own (the search lists end in `/lib/` and `/usr/lib/`): all
            // of /usr/lib is not the toolchain.
            if let Some(install) = install {
                dirs.retain(|d: &PathBuf| d == &install || !install.starts_with(d));
            }
            let lang = if cc == "g++" { "c++" } else { "c" };
            let verbose = query(&exe, &["-x", lang, "-E", "-v", "/dev/null"])?;
            let includes = verbose.lines().skip_while(|l| !l.starts_with("#include <...>")).skip(1);
            dirs.extend(includes.take_while(|l| l.starts_with(' ')).filter_map(|l| canonical(l.trim())));
        }
        for program in ["as", "ld"] {
            if let Some(dir) = find_on_path(program).and_then(|p| p.parent().map(Path::to_path_buf)) {
                bins.push(dir);
            }
        }
        dirs.extend(["/etc/ld.so.cache", "/lib64", "/usr/lib64"].iter().filter_map(|p| canonical(p)));
        dirs.extend(bins.iter().cloned());
        dirs.sort();
        dirs.dedup();
        bins.dedup();
        let path = std::env::join_paths(&bins).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(Toolchain { read_only: dirs, path })
    }

    /// The toolchain of this machine, discovered on first use.
    pub fn get() -> Result<&'static Toolchain, SandboxError> {
        static TOOLCHAIN: OnceLock<Result<Toolchain, SandboxError>> = OnceLock::new();
        TOOLCHAIN.get_or_init(Toolchain::discover).as_ref().map_err(Clone::clone)
    }
}

fn canonical(path: &str) -> Option<PathBuf> {
    std::fs::canonicalize(path.trim()).ok()
}

/// The first `name` on this process's `PATH`, with links resolved.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .and_then(|p| std::fs::canonicalize(p).ok())
}

/// What `exe args` prints on stdout and stderr, run with a clean environment.
fn query(exe: &Path, args: &[&str]) -> Result<String, SandboxError> {
    let out = Command::new(exe)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| SandboxError::new(ErrorCode::Engine, format!("cannot ask {} where its toolchain is: {e}", exe.display())))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// A jail for one compilation in `dir`, prepared in the parent; [`Jail::enter`] applies it in the
/// child, between `fork` and `exec`.
pub struct Jail {
    ruleset: OwnedFd,
    limits: CompileLimits,
    filter: Vec<libc::sock_filter>,
    /// `PATH` for the compiler.
    pub path: String,
}

impl Jail {
    /// A jail in which the toolchain is readable and `dir` is the only writable place.
    pub fn new(dir: &Path, limits: CompileLimits) -> Result<Jail, SandboxError> {
        let abi = landlock_abi()?;
        let toolchain = Toolchain::get()?;
        let fs = handled_fs(abi);
        let attr = RulesetAttr { handled_access_fs: fs, handled_access_net: if abi >= 4 { NET_BIND_TCP | NET_CONNECT_TCP } else { 0 } };
        let fd = unsafe { libc::syscall(SYS_LANDLOCK_CREATE_RULESET, &attr as *const RulesetAttr, std::mem::size_of::<RulesetAttr>(), 0u32) };
        if fd < 0 {
            return Err(jail_error("create the Landlock ruleset"));
        }
        let ruleset = unsafe { OwnedFd::from_raw_fd(fd as RawFd) };
        let read = ACCESS_EXECUTE | ACCESS_READ_FILE | ACCESS_READ_DIR;
        for path in &toolchain.read_only {
            allow(&ruleset, path, read & fs, path.is_dir())?;
        }
        allow(&ruleset, Path::new("/dev/null"), ACCESS_READ_FILE | ACCESS_WRITE_FILE, false)?;
        let write = ACCESS_READ_FILE | ACCESS_READ_DIR | ACCESS_WRITE_FILE | ACCESS_MAKE_REG | ACCESS_MAKE_DIR | ACCESS_REMOVE_FILE | ACCESS_REMOVE_DIR | ACCESS_TRUNCATE;
        allow(&ruleset, dir, write & fs, true)?;
        Ok(Jail { ruleset, limits, filter: no_sockets_filter(), path: toolchain.path.clone() })
    }

    /// Enters the jail: called in the child after `fork`, before `exec` (async-signal-safe: raw
    /// system calls only, nothing allocated).
    pub fn enter(&self) -> std::io::Result<()> {
        let check = |rc: libc::c_long| if rc < 0 { Err(std::io::Error::last_os_error()) } else { Ok(()) };
        let CompileLimits { cpu_seconds, address_space, file_size, processes } = self.limits;
        for (resource, value) in [
            (libc::RLIMIT_CPU, cpu_seconds),
            (libc::RLIMIT_AS, address_space),
            (libc::RLIMIT_FSIZE, file_size),
            (libc::RLIMIT_NPROC, processes),
            (libc::RLIMIT_CORE, 0),
        ] {
            let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
            check(unsafe { libc::setrlimit(resource, &limit) } as libc::c_long)?;
        }
        check(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } as libc::c_long)?;
        check(unsafe { libc::syscall(SYS_LANDLOCK_RESTRICT_SELF, self.ruleset.as_raw_fd(), 0u32) })?;
        let program = libc::sock_fprog { len: self.filter.len() as u16, filter: self.filter.as_ptr() as *mut libc::sock_filter };
        check(unsafe { libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &program as *const libc::sock_fprog) } as libc::c_long)
    }
}

/// Allows `access` beneath `path` (for a file, only the rights that apply to files).
fn allow(ruleset: &OwnedFd, path: &Path, access: u64, is_dir: bool) -> Result<(), SandboxError> {
    let access = if is_dir { access } else { access & (ACCESS_EXECUTE | ACCESS_READ_FILE | ACCESS_WRITE_FILE | ACCESS_TRUNCATE) };
    let c = CString::new(path.as_os_str().as_bytes()).map_err(|_| jail_error("name a path"))?;
    let fd = unsafe { libc::open(c.as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(jail_error(&format!("open {}", path.display())));
    }
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let rule = PathBeneathAttr { allowed_access: access, parent_fd: fd.as_raw_fd() };
    let rc = unsafe { libc::syscall(SYS_LANDLOCK_ADD_RULE, ruleset.as_raw_fd(), LANDLOCK_RULE_PATH_BENEATH, &rule as *const PathBeneathAttr, 0u32) };
    if rc < 0 {
        return Err(jail_error(&format!("allow {}", path.display())));
    }
    Ok(())
}

fn jail_error(what: &str) -> SandboxError {
    let e = std::io::Error::last_os_error();
    SandboxError::new(ErrorCode::CompileJailUnavailable, format!("cannot set up the compile jail: cannot {what}: {e}"))
}

/// A seccomp filter (x86-64) under which `socket`, `socketpair` and `io_uring_setup` fail with
/// `EACCES`, other architectures' and x32 calls are refused, and everything else is allowed.
fn no_sockets_filter() -> Vec<libc::sock_filter> {
    const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
    const X32_BIT: u32 = 0x4000_0000;
    let stmt = |code: u32, k: u32| libc::sock_filter { code: code as u16, jt: 0, jf: 0, k };
    let jeq = |k: u32, jt: u8, jf: u8| libc::sock_filter { code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16, jt, jf, k };
    let load = (libc::BPF_LD | libc::BPF_W | libc::BPF_ABS) as u32;
    let ret = (libc::BPF_RET | libc::BPF_K) as u32;
    let denied = [libc::SYS_socket, libc::SYS_socketpair, libc::SYS_io_uring_setup].map(|n| n as u32);
    let mut f = vec![
        stmt(load, 4), // seccomp_data.arch
        jeq(AUDIT_ARCH_X86_64, 1, 0),
        stmt(ret, libc::SECCOMP_RET_KILL_PROCESS),
        stmt(load, 0), // seccomp_data.nr
        libc::sock_filter { code: (libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K) as u16, jt: denied.len() as u8 + 1, jf: 0, k: X32_BIT },
    ];
    for (i, nr) in denied.iter().enumerate() {
        f.push(jeq(*nr, (denied.len() - i) as u8, 0));
    }
    f.push(stmt(ret, libc::SECCOMP_RET_ALLOW));
    f.push(stmt(ret, libc::SECCOMP_RET_ERRNO | libc::EACCES as u32));
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lci-jail-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Runs `sh -c script` in a jail on `dir` whose toolchain also lets the shell run.
    fn jailed(dir: &Path, script: &str) -> std::process::Output {
        let jail = Jail::new(dir, COMPILE_LIMITS).unwrap();
        let mut cmd = Command::new("/bin/sh");
        cmd.args(["-c", script]).current_dir(dir).env_clear().env("PATH", &jail.path);
        unsafe { cmd.pre_exec(move || jail.enter()) };
        cmd.output().unwrap()
    }

    #[test]
    fn the_toolchain_never_includes_all_of_usr_lib_or_the_root() {
        let t = Toolchain::get().unwrap();
        for forbidden in ["/", "/usr", "/usr/lib", "/etc", "/tmp", "/home", "/root"] {
            assert!(!t.read_only.iter().any(|p| p == Path::new(forbidden)), "{forbidden} in {:?}", t.read_only);
        }
        assert!(t.read_only.iter().any(|p| p.join("stdio.h").is_file()), "no C headers in {:?}", t.read_only);
    }

    #[test]
    fn a_jailed_process_reads_its_directory_but_no_other_host_file() {
        let dir = scratch("read");
        let secret = scratch("secret").join("secret.txt");
        std::fs::write(&secret, "host-secret").unwrap();
        std::fs::write(dir.join("mine.txt"), "mine").unwrap();
        let out = jailed(&dir, &format!("cat mine.txt; cat {} /proc/self/environ /etc/hostname; echo done", secret.display()));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with("mine") && stdout.contains("done"), "{out:?}");
        assert!(!stdout.contains("host-secret"), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("Permission denied"), "{out:?}");
    }

    #[test]
    fn a_jailed_process_writes_only_its_directory() {
        let dir = scratch("write");
        let elsewhere = scratch("elsewhere");
        let out = jailed(&dir, &format!("echo x > here.txt; echo x > {}/there.txt; echo rc=$?", elsewhere.display()));
        assert!(dir.join("here.txt").exists(), "{out:?}");
        assert!(!elsewhere.join("there.txt").exists(), "{out:?}");
    }

    #[test]
    fn a_jailed_process_cannot_open_a_socket() {
        let dir = scratch("net");
        let jail = Jail::new(&dir, COMPILE_LIMITS).unwrap();
        // A forked child that enters the jail and tries: exit status 0 when socket() was refused.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let refused = jail.enter().is_ok()
                && unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) } < 0
                && unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0) } < 0
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EACCES);
            unsafe { libc::_exit(if refused { 0 } else { 1 }) };
        }
        let mut status = 0;
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "status {status:#x}");
    }
}
