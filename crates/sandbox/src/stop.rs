//! The switch that asks a run to stop, and who is woken when it is thrown: a run waiting for its turn
//! ([`crate::turns`]), the watchdog that interrupts a running guest ([`crate::guest::watchdog`]). Here,
//! below the guests, the host functions and the compiler, so that each of them can obey it.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use crate::outcome::StopReason;

/// A shared switch that asks a run to stop. Cloning it gives another handle to the same switch.
#[derive(Debug, Clone, Default)]
pub struct StopSwitch {
    /// Why the run must stop, once it must.
    stop: Arc<Mutex<Option<StopReason>>>,
    /// Who is woken when it is thrown.
    waiting: Arc<Mutex<Vec<Waker>>>,
}

impl StopSwitch {
    /// Ask the run to stop for `reason`; the first reason given is the one reported. Wakes whoever
    /// waits for it.
    pub fn stop(&self, reason: StopReason) {
        self.stop.lock().unwrap().get_or_insert(reason);
        let waiting = std::mem::take(&mut *self.waiting.lock().unwrap());
        waiting.into_iter().for_each(Waker::wake);
    }

    /// Records that the run went past its deadline, waking no one: the watchdog, which calls it, is
    /// the one that acts on it.
    pub(crate) fn time_out(&self) {
        self.stop.lock().unwrap().get_or_insert(StopReason::Timeout);
    }

    /// Why the run must stop, if it must.
    pub fn reason(&self) -> Option<StopReason> {
        *self.stop.lock().unwrap()
    }

    /// Wakes `waker` when the switch is thrown ([`StopSwitch::stop`]); at once if it has been.
    pub fn wake_on_stop(&self, waker: Waker) {
        let mut waiting = self.waiting.lock().unwrap();
        match self.reason() {
            Some(_) => {
                drop(waiting);
                waker.wake();
            }
            None => waiting.push(waker),
        }
    }

    /// Resolves with the reason once the switch is thrown (a run waiting for its turn gives up then).
    pub fn stopped(&self) -> impl Future<Output = StopReason> + '_ {
        std::future::poll_fn(move |cx| match self.reason() {
            Some(reason) => Poll::Ready(reason),
            None => {
                self.wake_on_stop(cx.waker().clone());
                // Thrown in between: the waker was woken at once, or is woken now by the thrower.
                Poll::Pending
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_first_reason_is_kept_and_whoever_waits_is_woken_once() {
        let switch = StopSwitch::default();
        let count = Arc::new(Count(AtomicUsize::new(0)));
        switch.wake_on_stop(Waker::from(count.clone()));
        switch.stop(StopReason::Cancelled);
        switch.stop(StopReason::Timeout);
        assert_eq!(switch.reason(), Some(StopReason::Cancelled));
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        switch.wake_on_stop(Waker::from(count.clone()));
        assert_eq!(count.0.load(Ordering::SeqCst), 2, "woken at once when thrown already");
    }

    #[test]
    fn a_time_out_is_recorded_without_waking_anyone() {
        let switch = StopSwitch::default();
        let count = Arc::new(Count(AtomicUsize::new(0)));
        switch.wake_on_stop(Waker::from(count.clone()));
        switch.time_out();
        assert_eq!(switch.reason(), Some(StopReason::Timeout));
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
    }
}
