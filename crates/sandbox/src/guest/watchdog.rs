//! Stopping a run from outside: at its deadline, or when the caller cancels it. A guest that spins
//! keeps the vCPU, so it is interrupted through the sandbox's interrupt handle (retried until the
//! run loop notices, since a kill that lands during a host call does nothing); a guest that waits
//! (sleeps, blocks) is noticed by the run loop itself, which steps in short slices.
//!
//! One thread of the process watches every run in flight: starting a thread per run, and joining it
//! at the end, cost each warm run a few milliseconds under emulation (on a run of ten or so).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::task::{Wake, Waker};
use std::time::{Duration, Instant};

use crate::outcome::StopReason;
pub use crate::stop::StopSwitch;

/// How often a stop is re-sent to a guest that has not yet been interrupted.
const KILL_RETRY: Duration = Duration::from_millis(10);

/// What interrupts a guest's vCPU: its interrupt handle's `kill`.
pub type Interrupt = Box<dyn Fn() + Send + Sync>;

/// One run being watched.
struct Watch {
    id: u64,
    target: Arc<Target>,
    deadline: Instant,
    switch: StopSwitch,
}

/// A watched run's guest, as the watcher interrupts it.
struct Target {
    /// Interrupts the run's guest (its interrupt handle's `kill`, which waits until the vCPU has left
    /// the guest).
    interrupt: Interrupt,
    /// Whether the watch is still on; held while an interrupt is sent, so that once the watch ends
    /// no interrupt for it is still on its way to its guest (which may be running the next program).
    live: Mutex<bool>,
}

/// The runs in flight, and the thread that watches them.
struct Watcher {
    watches: Mutex<(u64, Vec<Watch>)>,
    /// Signalled when a run is added or removed, or a switch is thrown.
    changed: Condvar,
}

static WATCHER: OnceLock<Watcher> = OnceLock::new();

impl Watcher {
    /// The process's watcher, its thread started on first use.
    fn get() -> &'static Watcher {
        WATCHER.get_or_init(|| {
            std::thread::Builder::new()
                .name("lci-watchdog".into())
                .spawn(|| Watcher::get().watch())
                .expect("spawn the watchdog thread");
            Watcher { watches: Mutex::new((0, Vec::new())), changed: Condvar::new() }
        })
    }

    /// Stops each run at its deadline, and keeps interrupting a stopped one until it is removed. The
    /// interrupts are sent outside the lock of the list, so that one guest slow to leave its vCPU holds
    /// up its own run's end only, not every other run's start and end.
    fn watch(&self) {
        let mut watches = self.watches.lock().unwrap();
        loop {
            let now = Instant::now();
            let mut wake = None::<Instant>;
            let mut stopped = Vec::new();
            for watch in &watches.1 {
                if watch.switch.reason().is_none() && now >= watch.deadline {
                    watch.switch.time_out();
                }
                let next = match watch.switch.reason() {
                    Some(_) => {
                        stopped.push(watch.target.clone());
                        now + KILL_RETRY
                    }
                    None => watch.deadline,
                };
                wake = Some(wake.map_or(next, |w| w.min(next)));
            }
            if !stopped.is_empty() {
                drop(watches);
                for target in stopped {
                    let live = target.live.lock().unwrap();
                    if *live {
                        (target.interrupt)();
                    }
                }
                watches = self.watches.lock().unwrap();
            }
            watches = match wake {
                Some(at) => self.changed.wait_timeout(watches, at.saturating_duration_since(Instant::now())).unwrap().0,
                None => self.changed.wait(watches).unwrap(),
            };
        }
    }

    fn lock(&self) -> MutexGuard<'_, (u64, Vec<Watch>)> {
        self.watches.lock().unwrap()
    }
}

/// Wakes the watcher (a switch was thrown), its lock taken so the wake-up cannot fall between its
/// look at the switches and its wait.
struct WakeWatcher;

impl Wake for WakeWatcher {
    fn wake(self: Arc<Self>) {
        let watcher = Watcher::get();
        let _watches = watcher.lock();
        watcher.changed.notify_all();
    }
}

/// Watches one run: stops it at `deadline` and, once stopped, interrupts the guest until the run
/// loop returns. Dropping it ends the watch.
pub struct Watchdog {
    switch: StopSwitch,
    id: u64,
    target: Arc<Target>,
}

impl Watchdog {
    /// Starts watching a run until `deadline`, also obeying `switch`; `interrupt` interrupts its guest.
    pub fn start(interrupt: Interrupt, deadline: Instant, switch: StopSwitch) -> Watchdog {
        let watcher = Watcher::get();
        let mut watches = watcher.lock();
        watches.0 += 1;
        let id = watches.0;
        let target = Arc::new(Target { interrupt, live: Mutex::new(true) });
        watches.1.push(Watch { id, target: target.clone(), deadline, switch: switch.clone() });
        drop(watches);
        watcher.changed.notify_all();
        // A thrown switch has the watcher interrupt the guest now rather than at its next deadline.
        switch.wake_on_stop(Waker::from(Arc::new(WakeWatcher)));
        Watchdog { switch, id, target }
    }

    /// Why the run was stopped, if it was.
    pub fn reason(&self) -> Option<StopReason> {
        self.switch.reason()
    }
}

impl Drop for Watchdog {
    /// Ends the watch; no interrupt for this run is sent after it returns.
    fn drop(&mut self) {
        let watcher = Watcher::get();
        let mut watches = watcher.lock();
        watches.1.retain(|w| w.id != self.id);
        drop(watches);
        // Waits for an interrupt being sent to this run's guest, if one is.
        *self.target.live.lock().unwrap() = false;
        watcher.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guest::Guest;
    use crate::test_support::{wait_until, FakeGuest};
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An interrupt that counts how often it was sent: a fake guest's ([`FakeGuest`]).
    fn counted() -> (Arc<AtomicUsize>, Interrupt) {
        let guest = FakeGuest::default();
        (guest.interrupts.clone(), guest.interrupter())
    }

    #[test]
    fn a_run_past_its_deadline_is_stopped_and_interrupted_until_its_watch_ends_and_never_after() {
        let (sent, interrupt) = counted();
        let watchdog = Watchdog::start(interrupt, Instant::now() + Duration::from_millis(30), StopSwitch::default());
        wait_until(|| sent.load(Ordering::SeqCst) >= 3);
        assert_eq!(watchdog.reason(), Some(StopReason::Timeout));
        drop(watchdog);
        let after = sent.load(Ordering::SeqCst);
        std::thread::sleep(KILL_RETRY * 5);
        assert_eq!(sent.load(Ordering::SeqCst), after, "no interrupt once the watch has ended");
    }

    #[test]
    fn a_thrown_switch_interrupts_at_once_not_at_the_deadline() {
        let (sent, interrupt) = counted();
        let switch = StopSwitch::default();
        let watchdog = Watchdog::start(interrupt, Instant::now() + Duration::from_secs(3600), switch.clone());
        switch.stop(StopReason::Cancelled);
        wait_until(|| sent.load(Ordering::SeqCst) >= 1);
        assert_eq!(watchdog.reason(), Some(StopReason::Cancelled), "the first reason given is kept");
    }

    #[test]
    fn a_run_that_ends_in_time_is_never_interrupted_while_others_are_stopped_at_their_own_deadlines() {
        let (quiet, interrupt) = counted();
        let in_time = Watchdog::start(interrupt, Instant::now() + Duration::from_secs(60), StopSwitch::default());
        let late: Vec<(Arc<AtomicUsize>, Watchdog)> = (1..=5u64)
            .map(|i| {
                let (sent, interrupt) = counted();
                (sent, Watchdog::start(interrupt, Instant::now() + Duration::from_millis(10 * i), StopSwitch::default()))
            })
            .collect();
        for (sent, watchdog) in &late {
            wait_until(|| sent.load(Ordering::SeqCst) >= 1);
            assert_eq!(watchdog.reason(), Some(StopReason::Timeout));
        }
        drop(in_time);
        assert_eq!(quiet.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_guest_slow_to_leave_its_vcpu_holds_up_no_other_run() {
        use std::sync::atomic::AtomicBool;
        let sending = Arc::new(AtomicBool::new(false));
        let flag = sending.clone();
        let slow: Interrupt = Box::new(move || {
            flag.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(500));
            flag.store(false, Ordering::SeqCst);
        });
        let switch = StopSwitch::default();
        let stuck = Watchdog::start(slow, Instant::now() + Duration::from_secs(3600), switch.clone());
        switch.stop(StopReason::Cancelled);
        wait_until(|| sending.load(Ordering::SeqCst));
        let (_, interrupt) = counted();
        drop(Watchdog::start(interrupt, Instant::now() + Duration::from_secs(3600), StopSwitch::default()));
        assert!(sending.load(Ordering::SeqCst), "another run started and ended while the slow interrupt was being sent");
        drop(stuck);
        assert!(!sending.load(Ordering::SeqCst), "ending the stuck run's watch waited for its interrupt");
    }
}
