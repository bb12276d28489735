//! Each run's standard input, and the guarantee that no guest ever reads this process's.
//!
//! The engine (hyperlight-unikraft 0.20.1) answers a guest's reads of its console with the host
//! function `ReadStdin`, which reads *this process's* fd 0 through `std::io::stdin()`, and offers no
//! way to replace it: a guest could read what a user types into the application, or block forever
//! on a terminal nobody types into (a timeout cannot interrupt a vCPU parked in a host function).
//! A guest-side patch would not help: guest code reaches the host function directly.
//!
//! So the addon is linked with `-Wl,--wrap=read` (see the binding's `build.rs`): every call to
//! `read(2)` compiled into it, the engine's and the Rust standard library's included, lands in
//! [`__wrap_read`]. Reads of any other descriptor go on to the real `read`; a read of fd 0 never
//! does. It is served from the stdin of the run this thread is driving ([`StdinGuard`]) and is end
//! of file once that is used up, or at once on a thread that drives no run. So fd 0 of this process
//! is never read by the addon, whatever it is, and a read of stdin never waits.
//!
//! Why not a surrogate process whose fd 0 is the run's: it would move every guest out of this
//! process (IPC for output, files, tool calls) for one host function. Why not a per-thread file
//! table (`unshare(CLONE_FILES)`): the engine keeps process-wide descriptors (the KVM handle) that
//! a thread with its own table would not see.
//!
//! fd 0 is always this process's standard input, never another file that took its number: Node and
//! Rust's runtime both open `/dev/null` on any of fds 0–2 that is closed when the process starts.
//!
//! One subtlety: `std::io::stdin()` is one buffered reader for the whole process (8 KiB). The engine
//! asks for [`ENGINE_READ_SIZE`] bytes; if a read of fd 0 returned more, the rest would stay in that
//! shared buffer and be handed to the *next* reader — another run. A read here therefore returns at
//! most [`ENGINE_READ_SIZE`] bytes, which the engine's read takes whole.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{ErrorCode, SandboxError};

/// How many bytes the engine's `ReadStdin` asks for at a time; a read of fd 0 returns at most this.
pub const ENGINE_READ_SIZE: usize = 4096;

/// A descriptor no one can hold, read once by [`check_isolation`] to see the wrapper answer.
const PROBE_FD: libc::c_int = -0x5eed;

thread_local! {
    /// The unread stdin of the run this thread drives, if it drives one.
    static FEED: RefCell<Option<Feed>> = const { RefCell::new(None) };
}

/// Set by [`__wrap_read`] when it sees [`PROBE_FD`]: proof that reads go through it.
static WRAPPED: AtomicBool = AtomicBool::new(false);

struct Feed {
    bytes: Vec<u8>,
    at: usize,
}

/// While alive, reads of fd 0 on this thread are served from one run's stdin, then end of file.
/// Dropping it ends that: later reads get end of file at once.
pub struct StdinGuard(());

impl StdinGuard {
    /// Serves `bytes` to reads of fd 0 on this thread until the guard is dropped.
    pub fn install(bytes: Vec<u8>) -> StdinGuard {
        FEED.with(|f| *f.borrow_mut() = Some(Feed { bytes, at: 0 }));
        StdinGuard(())
    }
}

impl Drop for StdinGuard {
    fn drop(&mut self) {
        FEED.with(|f| *f.borrow_mut() = None);
    }
}

/// Copies the next bytes of this thread's feed into `buf` (at most [`ENGINE_READ_SIZE`]); 0 at its
/// end or where there is none.
fn serve(buf: &mut [u8]) -> usize {
    FEED.with(|f| {
        let mut feed = f.borrow_mut();
        let Some(feed) = feed.as_mut() else { return 0 };
        let n = (feed.bytes.len() - feed.at).min(buf.len()).min(ENGINE_READ_SIZE);
        buf[..n].copy_from_slice(&feed.bytes[feed.at..feed.at + n]);
        feed.at += n;
        n
    })
}

extern "C" {
    /// The C library's `read`, as the linker's `--wrap=read` names it.
    fn __real_read(fd: libc::c_int, buf: *mut libc::c_void, count: libc::size_t) -> libc::ssize_t;
}

/// Every `read(2)` of this binary when it is linked with `-Wl,--wrap=read`: fd 0 is served from the
/// current run's stdin (never from this process's), anything else is read as usual.
///
/// # Safety
/// As `read(2)`: `buf` must be valid for `count` bytes of writes.
#[no_mangle]
pub unsafe extern "C" fn __wrap_read(fd: libc::c_int, buf: *mut libc::c_void, count: libc::size_t) -> libc::ssize_t {
    match fd {
        0 if count == 0 => 0,
        0 => serve(std::slice::from_raw_parts_mut(buf.cast::<u8>(), count)) as libc::ssize_t,
        PROBE_FD => {
            WRAPPED.store(true, Ordering::SeqCst);
            *libc::__errno_location() = libc::EBADF;
            -1
        }
        _ => __real_read(fd, buf, count),
    }
}

/// Fails unless reads of fd 0 are served by [`__wrap_read`] (the binary was linked with
/// `-Wl,--wrap=read`): without it a guest would read this process's stdin, so no guest may run.
pub fn check_isolation() -> Result<(), SandboxError> {
    // A plain call to the C library's `read`, which the wrap redirects.
    let _ = unsafe { libc::read(std::hint::black_box(PROBE_FD), std::ptr::null_mut(), 0) };
    if WRAPPED.load(Ordering::SeqCst) {
        Ok(())
    } else {
        Err(SandboxError::new(
            ErrorCode::Engine,
            "this build of the addon was not linked with -Wl,--wrap=read, so guests could read the \
             host process's stdin; refusing to run guests (rebuild with the project's build.rs)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn read_fd0(n: usize) -> Vec<u8> {
        let mut buf = vec![0u8; n];
        let got = unsafe { libc::read(0, buf.as_mut_ptr().cast(), n) };
        buf.truncate(got.max(0) as usize);
        buf
    }

    #[test]
    fn the_test_binary_is_linked_with_the_wrap() {
        check_isolation().unwrap();
    }

    #[test]
    fn fd0_without_a_run_is_end_of_file_never_the_processs_stdin() {
        assert!(read_fd0(100).is_empty());
    }

    #[test]
    fn a_run_reads_its_own_stdin_then_end_of_file() {
        let _guard = StdinGuard::install(b"two\nlines\n".to_vec());
        assert_eq!(read_fd0(4), b"two\n");
        assert_eq!(read_fd0(100), b"lines\n");
        assert!(read_fd0(100).is_empty());
    }

    #[test]
    fn stdin_left_unread_by_one_run_never_reaches_the_next() {
        // Through std's process-wide buffered stdin, as the engine reads it: more than one read's
        // worth of input, only one read taken.
        {
            let _guard = StdinGuard::install(vec![b'a'; 3 * ENGINE_READ_SIZE]);
            let mut first = vec![0u8; ENGINE_READ_SIZE];
            assert_eq!(std::io::stdin().read(&mut first).unwrap(), ENGINE_READ_SIZE);
        }
        let _next = StdinGuard::install(b"mine".to_vec());
        let mut buf = vec![0u8; ENGINE_READ_SIZE];
        let n = std::io::stdin().read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"mine");
    }

    #[test]
    fn each_thread_reads_only_its_own_runs_stdin() {
        let threads: Vec<_> = (0..4u8)
            .map(|i| {
                std::thread::spawn(move || {
                    let _guard = StdinGuard::install(vec![b'0' + i; 10]);
                    read_fd0(100)
                })
            })
            .collect();
        for (i, t) in threads.into_iter().enumerate() {
            assert_eq!(t.join().unwrap(), vec![b'0' + i as u8; 10]);
        }
    }
}
