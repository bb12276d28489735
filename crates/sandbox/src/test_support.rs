//! What the unit tests of several modules share.

use std::time::{Duration, Instant};

/// Waits until `what` holds, polling every millisecond; fails the test after 10 s.
pub fn wait_until(what: impl Fn() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !what() {
        assert!(Instant::now() < end, "timed out waiting");
        std::thread::sleep(Duration::from_millis(1));
    }
}
