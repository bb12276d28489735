//! A counting semaphore for blocking threads: at most `n` runs of a sandbox at once, the rest wait
//! their turn in arrival order (they wait on engine threads, never on the JavaScript thread).

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crate::guest::watchdog::StopSwitch;

/// How often a waiting run looks whether it was stopped.
const STOP_POLL: Duration = Duration::from_millis(20);

/// Up to `n` holders at a time.
pub struct Permits {
    state: Mutex<(usize, u64, u64, Vec<u64>)>,
    freed: Condvar,
}

/// A held permit; dropping it lets the next waiter in.
pub struct Permit<'a>(&'a Permits);

impl Permits {
    /// A semaphore with `n` permits (at least one).
    pub fn new(n: usize) -> Permits {
        // (free permits, next ticket to hand out, ticket now served, tickets given up while waiting)
        Permits { state: Mutex::new((n.max(1), 0, 0, Vec::new())), freed: Condvar::new() }
    }

    /// Waits for a permit, first come first served.
    pub fn acquire(&self) -> Permit<'_> {
        self.acquire_unless_stopped(&StopSwitch::default()).expect("a switch nobody holds is never thrown")
    }

    /// Waits for a permit, first come first served, or until `switch` is thrown (then `None`, and
    /// the waiters behind move up).
    pub fn acquire_unless_stopped(&self, switch: &StopSwitch) -> Option<Permit<'_>> {
        let mut s = self.state.lock().unwrap();
        let ticket = s.1;
        s.1 += 1;
        while s.0 == 0 || s.2 != ticket {
            if switch.reason().is_some() {
                // Give up the place in line: the ticket is skipped when it comes up.
                s.3.push(ticket);
                self.freed.notify_all();
                return None;
            }
            s = self.freed.wait_timeout(s, STOP_POLL).unwrap().0;
            while s.3.contains(&s.2) {
                let served = s.2;
                s.3.retain(|t| *t != served);
                s.2 += 1;
            }
        }
        s.0 -= 1;
        s.2 += 1;
        self.freed.notify_all();
        Some(Permit(self))
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.state.lock().unwrap().0 += 1;
        self.0.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn never_more_than_n_hold_a_permit() {
        let permits = Arc::new(Permits::new(2));
        let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (p, now, peak) = (permits.clone(), now.clone(), peak.clone());
                std::thread::spawn(move || {
                    let _permit = p.acquire();
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    now.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_waiter_that_is_stopped_leaves_the_line_and_the_next_one_is_served() {
        let permits = Arc::new(Permits::new(1));
        let held = permits.acquire();
        let switch = StopSwitch::default();
        let waiter = {
            let (p, s) = (permits.clone(), switch.clone());
            std::thread::spawn(move || p.acquire_unless_stopped(&s).is_some())
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        switch.stop(crate::StopReason::Cancelled);
        assert!(!waiter.join().unwrap());
        drop(held);
        // The given-up ticket does not block the line.
        let next = {
            let p = permits.clone();
            std::thread::spawn(move || p.acquire_unless_stopped(&StopSwitch::default()).is_some())
        };
        assert!(next.join().unwrap());
    }
}
