//! Clean guests restored ahead of the request. A run returns its result, then hands its used guest back;
//! a thread of the pool's own restores the guest to the snapshot afterwards, off the request path,
//! and keeps up to `target` clean guests waiting, so the next run only takes one. A guest that fails to
//! restore is dropped, never handed out: no run sees what another left behind.
//!
//! A guest lent to one run ([`Pool::take`]) comes back when its [`Lent`] is dropped, which the run's
//! outcome holds until the caller has the result (see [`crate::outcome::HeldGuest`]): its restore then
//! does not compete for the CPU with the result's way back. The pool does not make a new guest to
//! replace a lent one: counting it as gone made a new guest per run (a micro-VM started from the snapshot
//! and touched) and let the restored one go, all of it on the two cores the next run needs. A guest
//! taken to keep ([`Pool::take_to_keep`], a session's) is replaced at once.

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
    /// Guests lent to runs in flight ([`Pool::take`]): they come back.
    lent: usize,
}

impl<G> State<G> {
    /// How many more guests the pool needs to keep `target` ready once all it has and expects are in.
    fn short_of(&self, target: usize) -> usize {
        target.saturating_sub(self.idle.len() + self.pending + self.lent)
    }
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
            state: Mutex::new(State { idle: vec![first], pending: 0, lent: 0 }),
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
                        let mut guest = match job {
                            Job::Restore(mut guest) => restorer.restore(&mut guest).map(|()| guest),
                            Job::Fill => restorer.fresh(),
                        };
                        let target = || shared.target.load(Ordering::SeqCst);
                        let mut state = shared.state.lock().unwrap();
                        state.pending -= 1;
                        if guest.is_err() && state.short_of(target()) > 0 {
                            // The guest that failed leaves the pool short: a new one in its place.
                            state.pending += 1;
                            drop(state);
                            guest = restorer.fresh();
                            state = shared.state.lock().unwrap();
                            state.pending -= 1;
                        }
                        if let Ok(guest) = guest {
                            if state.idle.len() < target() {
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

    /// A clean guest lent to one run, handed back (to be restored) when the [`Lent`] is dropped: a
    /// waiting one; else, when one is being restored, that one as soon as it is; else a new one made here.
    pub fn take(&self) -> Result<Lent<R>, SandboxError> {
        let guest = self.clean_guest()?;
        self.shared.state.lock().unwrap().lent += 1;
        Ok(Lent { guest: Some(guest), shared: self.shared.clone(), jobs: self.jobs.clone() })
    }

    /// A clean guest to keep (a session's), as [`Pool::take`] finds one; the pool is topped up behind
    /// it. If it comes back, it comes back through [`Pool::give_back_kept`].
    pub fn take_to_keep(&self) -> Result<R::Guest, SandboxError> {
        let guest = self.clean_guest()?;
        self.top_up(&mut self.shared.state.lock().unwrap());
        Ok(guest)
    }

    fn clean_guest(&self) -> Result<R::Guest, SandboxError> {
        let mut state = self.shared.state.lock().unwrap();
        loop {
            if let Some(guest) = state.idle.pop() {
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

    /// Hands back a guest taken to keep ([`Pool::take_to_keep`]): restored off the caller's path, and
    /// kept if the pool has room.
    pub fn give_back_kept(&self, guest: R::Guest) {
        restore_later(&self.shared, &self.jobs, guest, false);
    }

    /// Asks for new guests until the waiting ones, those on their way and those lent make `target`.
    fn top_up(&self, state: &mut State<R::Guest>) {
        for _ in 0..state.short_of(self.shared.target.load(Ordering::SeqCst)) {
            state.pending += 1;
            if self.jobs.send(Job::Fill).is_err() {
                state.pending -= 1;
                break;
            }
        }
    }
}

/// Hands `guest` to the pool's thread to be restored; `lent`: it was lent by [`Pool::take`].
fn restore_later<G>(shared: &Shared<G>, jobs: &Sender<Job<G>>, guest: G, lent: bool) {
    let mut state = shared.state.lock().unwrap();
    state.lent -= usize::from(lent);
    state.pending += 1;
    if let Err(returned) = jobs.send(Job::Restore(guest)) {
        // The thread is gone (it cannot be while a sender lives): the guest is dropped.
        state.pending -= 1;
        drop(returned);
    }
}

/// A guest lent to one run by [`Pool::take`]; dropping it hands it back, to be restored off the
/// caller's path and wait for the next run.
pub struct Lent<R: Restorer> {
    guest: Option<R::Guest>,
    shared: Arc<Shared<R::Guest>>,
    jobs: Sender<Job<R::Guest>>,
}

impl<R: Restorer> std::ops::Deref for Lent<R> {
    type Target = R::Guest;
    fn deref(&self) -> &R::Guest {
        self.guest.as_ref().expect("a lent guest is there until it is handed back")
    }
}

impl<R: Restorer> std::ops::DerefMut for Lent<R> {
    fn deref_mut(&mut self) -> &mut R::Guest {
        self.guest.as_mut().expect("a lent guest is there until it is handed back")
    }
}

impl<R: Restorer> Drop for Lent<R> {
    fn drop(&mut self) {
        if let Some(guest) = self.guest.take() {
            restore_later(&self.shared, &self.jobs, guest, true);
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
    use crate::guest::{Exec, Guest};
    use crate::test_support::{wait_until, FakeGuest};
    use crate::error::ErrorCode;
    use std::time::{Duration, Instant};

    /// Fake guests ([`FakeGuest`]): a fresh one has run nothing, a used one has, a restored one has again
    /// run nothing.
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
        type Guest = FakeGuest;
        fn fresh(&self) -> Result<FakeGuest, SandboxError> {
            self.made.fetch_add(1, Ordering::SeqCst);
            Ok(FakeGuest::default())
        }
        fn restore(&self, guest: &mut FakeGuest) -> Result<(), SandboxError> {
            std::thread::sleep(self.restore_delay);
            if self.fail_restores.load(Ordering::SeqCst) {
                return Err(SandboxError::new(ErrorCode::Engine, "restore failed"));
            }
            self.restored.fetch_add(1, Ordering::SeqCst);
            guest.submitted.clear();
            Ok(())
        }
    }


    /// Runs something in `guest`, as a run or a session would.
    fn use_it(guest: &mut FakeGuest) {
        guest.submit(Exec::Code("x = 1".into())).unwrap();
    }

    /// Whether `guest` is as the snapshot left it: it has run nothing.
    fn clean(guest: &FakeGuest) -> bool {
        guest.submitted.is_empty()
    }

    #[test]
    fn fills_up_to_its_size_ahead_of_any_request() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 3);
        wait_until(|| pool.idle() == 3);
        assert_eq!(counting.made.load(Ordering::SeqCst), 2, "the first guest plus two new ones");
    }

    #[test]
    fn a_used_guest_is_never_handed_out_before_it_is_restored() {
        let counting = Arc::new(Counting::new(Duration::from_millis(30)));
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 1);
        for round in 1..=20u32 {
            let mut guest = pool.take().unwrap();
            assert!(clean(&guest), "round {round}: a clean guest");
            use_it(&mut guest);
        }
    }

    #[test]
    fn give_back_returns_before_the_restore_is_done() {
        let counting = Arc::new(Counting::new(Duration::from_millis(300)));
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 1);
        let mut guest = pool.take().unwrap();
        use_it(&mut guest);
        let started = Instant::now();
        drop(guest);
        assert!(started.elapsed() < Duration::from_millis(300), "the restore happens off the caller's path");
        assert!(clean(&pool.take().unwrap()), "the next run takes a clean guest");
        wait_until(|| counting.restored.load(Ordering::SeqCst) == 1);
    }

    #[test]
    fn a_guest_that_fails_to_restore_is_dropped_and_a_new_one_made() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        counting.fail_restores.store(true, Ordering::SeqCst);
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 1);
        use_it(&mut pool.take().unwrap());
        wait_until(|| pool.shared.state.lock().unwrap().pending == 0);
        assert_eq!(counting.made.load(Ordering::SeqCst), 1, "a new guest replaced the one that failed");
        assert_eq!(pool.idle(), 1, "ahead of the next run");
        assert!(clean(&pool.take().unwrap()), "never the used guest");
    }

    #[test]
    fn a_run_s_guest_is_restored_for_the_next_run_not_replaced_by_a_new_one() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 2);
        wait_until(|| pool.idle() == 2);
        for _ in 0..10 {
            use_it(&mut pool.take().unwrap());
            wait_until(|| pool.shared.state.lock().unwrap().pending == 0);
        }
        assert_eq!(counting.made.load(Ordering::SeqCst), 1, "only the one made to fill the pool at first");
        assert_eq!(counting.restored.load(Ordering::SeqCst), 10);
        assert_eq!(pool.idle(), 2);
    }

    #[test]
    fn a_lent_guest_is_restored_only_once_let_go() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 1);
        let mut guest = pool.take().unwrap();
        use_it(&mut guest);
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(counting.restored.load(Ordering::SeqCst), 0, "held by the run's outcome: not yet restored");
        drop(guest);
        wait_until(|| counting.restored.load(Ordering::SeqCst) == 1);
    }

    #[test]
    fn a_guest_taken_to_keep_is_replaced_at_once_and_kept_again_only_with_room() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 1);
        let mut kept = pool.take_to_keep().unwrap();
        wait_until(|| pool.idle() == 1);
        assert_eq!(counting.made.load(Ordering::SeqCst), 1, "a new guest in its place");
        use_it(&mut kept);
        pool.give_back_kept(kept);
        wait_until(|| pool.shared.state.lock().unwrap().pending == 0);
        assert_eq!(pool.idle(), 1, "the pool was full: the session's guest is let go once restored");
    }

    #[test]
    fn keeps_no_more_than_its_size() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 2);
        let mut taken: Vec<_> = (0..5).map(|_| pool.take().unwrap()).collect();
        for guest in &mut taken {
            use_it(guest);
        }
        drop(taken);
        wait_until(|| pool.shared.state.lock().unwrap().pending == 0);
        assert_eq!(pool.idle(), 2, "restored guests past the size are let go");
    }

    #[test]
    fn grows_when_asked() {
        let counting = Arc::new(Counting::new(Duration::ZERO));
        let pool = Pool::new(counting.clone(), FakeGuest::default(), 1);
        pool.grow_to(4);
        wait_until(|| pool.idle() == 4);
    }
}
