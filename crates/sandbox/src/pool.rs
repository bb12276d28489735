//! Clean guests restored ahead of the request. A run hands its used guest back and returns its result at
//! once; a thread of the pool's own restores the guest to the snapshot afterwards, off the request path,
//! and keeps up to `target` clean guests waiting, so the next run only takes one. A guest that fails to
//! restore is dropped, never handed out: no run sees what another left behind.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Condvar, Mutex};

use crate::error::SandboxError;

/// The largest pool size accepted (`poolSize`): more clean guests than runs can ever be in flight at
/// once would only hold memory.
pub const MAX_POOL_SIZE: usize = crate::config::MAX_CONCURRENCY;

/// How a pool gets clean guests: new ones, and used ones brought back.
pub trait Restorer: Send + Sync + 'static {
    /// What the pool holds.
    type Guest: Send + 'static;
    /// A new guest at the snapshot.
    fn fresh(&self) -> Result<Self::Guest, SandboxError>;
    /// Brings a used guest back to the snapshot; an error drops it.
    fn restore(&self, guest: &mut Self::Guest) -> Result<(), SandboxError>;
}

/// What the pool's thread is asked to do.
enum Job<G> {
    /// Restore a used guest and keep it when the pool has room.
    Restore(G),
    /// Make a new guest, for a pool below its size.
    Fill,
}

/// The pool's state, shared with its thread.
struct Shared<G> {
    state: Mutex<State<G>>,
    /// Signalled whenever a job ends (a guest added, or a restore that failed).
    changed: Condvar,
    /// How many clean guests the pool keeps waiting.
    target: AtomicUsize,
    /// Set when the pool is dropped: the jobs still queued are skipped.
    closed: AtomicBool,
}

struct State<G> {
    /// Clean guests, waiting for a run.
    idle: Vec<G>,
    /// Jobs handed to the thread and not yet done: guests that may soon be idle.
    pending: usize,
}

/// Clean guests of one snapshot, at most `target` of them waiting, refilled by a thread of their own.
pub struct Pool<R: Restorer> {
    restorer: Arc<R>,
    shared: Arc<Shared<R::Guest>>,
    jobs: Sender<Job<R::Guest>>,
}

impl<R: Restorer> Pool<R> {
    /// A pool holding `first` (a guest at the snapshot, e.g. the one that took it), keeping `target`
    /// guests ready; it starts filling up to `target` at once. Its thread ends when the pool is dropped.
    pub fn new(restorer: R, first: R::Guest, target: usize) -> Pool<R> {
        let restorer = Arc::new(restorer);
        let shared = Arc::new(Shared {
            state: Mutex::new(State { idle: vec![first], pending: 0 }),
            changed: Condvar::new(),
            target: AtomicUsize::new(target.max(1)),
            closed: AtomicBool::new(false),
        });
        let (jobs, receiver) = channel::<Job<R::Guest>>();
        {
            let restorer = restorer.clone();
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("lci-restore".into())
                .spawn(move || {
                    for job in receiver {
                        if shared.closed.load(Ordering::SeqCst) {
                            break;
                        }
                        let guest = match job {
                            Job::Restore(mut guest) => restorer.restore(&mut guest).map(|()| guest),
                            Job::Fill => restorer.fresh(),
                        };
                        let mut state = shared.state.lock().unwrap();
                        state.pending -= 1;
                        if let Ok(guest) = guest {
                            if state.idle.len() < shared.target.load(Ordering::SeqCst) {
                                state.idle.push(guest);
                            }
                        }
                        drop(state);
                        shared.changed.notify_all();
                    }
                })
                .expect("start the pool's restore thread");
        }
        let pool = Pool { restorer, shared, jobs };
        pool.top_up(&mut pool.shared.state.lock().unwrap());
        pool
    }

    /// Keeps at least `target` guests ready from now on (a sandbox sharing this pool that runs more at once).
    pub fn grow_to(&self, target: usize) {
        self.shared.target.fetch_max(target, Ordering::SeqCst);
        self.top_up(&mut self.shared.state.lock().unwrap());
    }

    /// How many clean guests wait now (for tests and figures).
    pub fn idle(&self) -> usize {
        self.shared.state.lock().unwrap().idle.len()
    }

    /// A clean guest: a waiting one; else, when one is being restored, that one as soon as it is; else
    /// a new one made here. The pool is topped up behind it.
    pub fn take(&self) -> Result<R::Guest, SandboxError> {
        let mut state = self.shared.state.lock().unwrap();
        loop {
            if let Some(guest) = state.idle.pop() {
                self.top_up(&mut state);
                return Ok(guest);
            }
            if state.pending == 0 {
                break;
            }
            state = self.shared.changed.wait(state).unwrap();
        }
        drop(state);
        self.restorer.fresh()
    }

    /// Hands a used guest back: it is restored off the caller's path and waits for the next run.
    pub fn give_back(&self, guest: R::Guest) {
        let mut state = self.shared.state.lock().unwrap();
        state.pending += 1;
        if let Err(returned) = self.jobs.send(Job::Restore(guest)) {
            // The thread is gone (it cannot be while the pool lives): the guest is dropped.
            state.pending -= 1;
            drop(returned);
        }
    }

    /// Asks for new guests until the waiting ones and those on their way make `target`.
    fn top_up(&self, state: &mut State<R::Guest>) {
        let target = self.shared.target.load(Ordering::SeqCst);
        while state.idle.len() + state.pending < target {
            state.pending += 1;
            if self.jobs.send(Job::Fill).is_err() {
                state.pending -= 1;
                break;
            }
        }
    }
}

impl<R: Restorer> Drop for Pool<R> {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use std::time::{Duration, Instant};

    /// Guests that are numbers: a fresh one is 0, a used one anything else, a restored one 0 again.
    struct Counting {
        made: AtomicUsize,
        restored: AtomicUsize,
        fail_restores: AtomicBool,
        restore_delay: Duration,
    }

    impl Counting {
        fn new(restore_delay: Duration) -> Counting {
            Counting { made: AtomicUsize::new(0), restored: AtomicUsize::new(0), fail_restores: AtomicBool::new(false), restore_delay }
        }
    }

    impl Restorer for Arc<Counting> {
        type Guest = u32;
        fn fresh(&self) -> Result<u32, SandboxError> {
            self.made.fetch_add(1, Ordering::SeqCst);
            Ok(0)
        }
        fn restore(&self, guest: &mut u32) -> Result<(), SandboxError> {
            std::thread::sleep(self.restore_delay);
            if self.fail_restores.load(Ordering::SeqCst) {
                return Err(SandboxError::new(ErrorCode::Engine, "restore failed"));
            }
            self.restored.fetch_add(1, Ordering::SeqCst);
            *guest = 0;
            Ok(())
        }
    }

    fn wait_until(what: impl Fn() -> bool) {
        let end = Instant::now() + Duration::from_secs(10);
        while !what() {
            assert!(Instant::now() < end, "timed out waiting");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn fills_up_to_its_size_ahead_of_any_request() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), 0, 3);
        wait_until(|| pool.idle() == 3);
        assert_eq!(counting.made.load(Ordering::SeqCst), 2, "the first guest plus two new ones");
    }

    #[test]
    fn a_used_guest_is_never_handed_out_before_it_is_restored() {
        let counting = Arc::new(Counting::new(Duration::from_millis(30)));
        let pool = Pool::new(counting.clone(), 0, 1);
        for round in 1..=20u32 {
            let guest = pool.take().unwrap();
            assert_eq!(guest, 0, "round {round}: a clean guest");
            pool.give_back(round);
        }
    }

    #[test]
    fn give_back_returns_before_the_restore_is_done() {
        let counting = Arc::new(Counting::new(Duration::from_millis(300)));
        let pool = Pool::new(counting.clone(), 0, 1);
        let guest = pool.take().unwrap();
        let started = Instant::now();
        pool.give_back(guest + 1);
        assert!(started.elapsed() < Duration::from_millis(300), "the restore happens off the caller's path");
        assert_eq!(pool.take().unwrap(), 0, "the next run takes a clean guest");
        wait_until(|| counting.restored.load(Ordering::SeqCst) == 1);
    }

    #[test]
    fn a_guest_that_fails_to_restore_is_dropped_and_a_new_one_made() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        counting.fail_restores.store(true, Ordering::SeqCst);
        let pool = Pool::new(counting.clone(), 0, 1);
        let guest = pool.take().unwrap();
        pool.give_back(guest + 7);
        let next = pool.take().unwrap();
        assert_eq!(next, 0, "never the used guest");
        assert!(counting.made.load(Ordering::SeqCst) >= 1, "a new guest replaced the one that failed");
    }

    #[test]
    fn keeps_no_more_than_its_size() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), 0, 2);
        let taken: Vec<u32> = (0..5).map(|_| pool.take().unwrap()).collect();
        for guest in taken {
            pool.give_back(guest + 1);
        }
        wait_until(|| pool.shared.state.lock().unwrap().pending == 0);
        assert_eq!(pool.idle(), 2, "restored guests past the size are let go");
    }

    #[test]
    fn grows_when_asked() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), 0, 1);
        pool.grow_to(4);
        wait_until(|| pool.idle() == 4);
    }
}
