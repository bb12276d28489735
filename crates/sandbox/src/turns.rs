//! A sandbox's turns: at most `n` of its runs at once, the rest wait in arrival order. One semaphore
//! (tokio's) for both ways in: the binding waits for a turn as a future, so a waiting run holds no
//! thread and an abort takes it out of the line at once; a Rust caller's run waits on its own thread
//! ([`Turns::wait_blocking`]), also giving up when its switch is thrown.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::stop::StopSwitch;

/// Up to `n` runs at a time.
#[derive(Debug, Clone)]
pub struct Turns(Arc<Semaphore>);

/// A run's turn; dropping it lets the next one in.
#[derive(Debug)]
pub struct Turn(#[allow(dead_code)] OwnedSemaphorePermit);

impl Turns {
    /// Turns for `n` runs at once (at least one).
    pub fn new(n: usize) -> Turns {
        Turns(Arc::new(Semaphore::new(n.max(1))))
    }

    /// Waits for a turn, first come first served, or until `switch` is thrown (then `None`, and the
    /// runs behind move up).
    pub async fn wait(&self, switch: &StopSwitch) -> Option<Turn> {
        let mut turn = pin!(self.0.clone().acquire_owned());
        let mut stopped = pin!(switch.stopped());
        std::future::poll_fn(|cx| {
            if let Poll::Ready(permit) = turn.as_mut().poll(cx) {
                // The semaphore is never closed.
                return Poll::Ready(permit.ok().map(Turn));
            }
            stopped.as_mut().poll(cx).map(|_| None)
        })
        .await
    }

    /// [`Turns::wait`] on this thread, which sleeps until it has a turn or `switch` is thrown.
    pub fn wait_blocking(&self, switch: &StopSwitch) -> Option<Turn> {
        block_on(self.wait(switch))
    }
}

/// Wakes the thread that waits in [`block_on`].
struct Unpark(std::thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to its end on this thread, sleeping while it waits (the core has no runtime).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::StopReason;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn never_more_than_n_runs_hold_a_turn() {
        let turns = Turns::new(2);
        let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (turns, now, peak) = (turns.clone(), now.clone(), peak.clone());
                std::thread::spawn(move || {
                    let _turn = turns.wait_blocking(&StopSwitch::default()).unwrap();
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    now.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_waiting_run_that_is_stopped_leaves_the_line_at_once_and_the_next_one_is_served() {
        let turns = Turns::new(1);
        let held = turns.wait_blocking(&StopSwitch::default()).unwrap();
        let switch = StopSwitch::default();
        let waiter = {
            let (turns, switch) = (turns.clone(), switch.clone());
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                (turns.wait_blocking(&switch).is_some(), started.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        switch.stop(StopReason::Cancelled);
        let (served, waited) = waiter.join().unwrap();
        assert!(!served);
        assert!(waited < Duration::from_secs(2), "it left when stopped, not when a turn came");
        drop(held);
        assert!(turns.wait_blocking(&StopSwitch::default()).is_some(), "the stopped run holds no place");
    }

    #[test]
    fn a_run_stopped_before_it_waits_gets_no_turn_even_when_one_is_free() {
        let turns = Turns::new(1);
        let switch = StopSwitch::default();
        switch.stop(StopReason::Cancelled);
        // A free turn is taken first: a stopped run that got one ends at once anyway (its switch).
        let first = turns.wait_blocking(&switch);
        assert!(first.is_some());
        assert!(turns.wait_blocking(&switch).is_none(), "with no turn free, a stopped run does not wait");
    }
}
