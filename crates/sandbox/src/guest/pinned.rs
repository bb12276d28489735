//! A value that lives on a thread of its own and is only ever used there: made on it, worked on it by
//! closures sent to it, dropped on it. A micro-VM is one: a vCPU that runs on another thread than the one
//! it last ran on starts cold (its caches and the mappings its run had faulted in are not where it now
//! runs — measured with bench/engine: a run right after a restore on the same thread costs what a run on a
//! hot guest does, one after a restore on another thread about what a run after no touch at all does), so
//! each guest is made, restored, touched and run on one thread, whichever thread asks.

use std::sync::mpsc::{channel, sync_channel, Sender};
use std::thread::JoinHandle;

use crate::error::{ErrorCode, SandboxError};

/// Work for the value's thread.
type Job<T> = Box<dyn FnOnce(&mut T) + Send>;

/// A `T` on a thread of its own.
pub struct Pinned<T: 'static> {
    jobs: Option<Sender<Job<T>>>,
    thread: Option<JoinHandle<()>>,
}

impl<T: 'static> Pinned<T> {
    /// Starts a thread named `name`, makes the value on it with `make` and returns once it is made (or
    /// with `make`'s error, the thread gone).
    pub fn start(name: &str, make: impl FnOnce() -> Result<T, SandboxError> + Send + 'static) -> Result<Pinned<T>, SandboxError> {
        let (jobs, queue) = channel::<Job<T>>();
        let (made, made_answer) = sync_channel::<Result<(), SandboxError>>(1);
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let mut value = match make() {
                    Ok(value) => value,
                    Err(e) => {
                        let _ = made.send(Err(e));
                        return;
                    }
                };
                let _ = made.send(Ok(()));
                for job in queue {
                    job(&mut value);
                }
            })
            .map_err(|e| SandboxError::new(ErrorCode::Engine, format!("could not start a thread for a guest: {e}")))?;
        let pinned = Pinned { jobs: Some(jobs), thread: Some(thread) };
        match made_answer.recv() {
            Ok(Ok(())) => Ok(pinned),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(gone()),
        }
    }

    /// Runs `work` on the value's thread and waits for its answer.
    pub fn with<R: Send + 'static>(&self, work: impl FnOnce(&mut T) -> R + Send + 'static) -> Result<R, SandboxError> {
        let (answer, answered) = sync_channel::<R>(1);
        let job: Job<T> = Box::new(move |value| {
            let _ = answer.send(work(value));
        });
        self.jobs.as_ref().ok_or_else(gone)?.send(job).map_err(|_| gone())?;
        answered.recv().map_err(|_| gone())
    }
}

impl<T: 'static> Drop for Pinned<T> {
    /// Ends the thread, which drops the value there.
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The error of a value whose thread has ended (a panic in work done there).
fn gone() -> SandboxError {
    SandboxError::new(ErrorCode::Engine, "the guest's thread has ended")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn the_value_is_made_worked_on_and_dropped_on_one_thread_whoever_asks() {
        struct OnItsThread(std::thread::ThreadId, Arc<AtomicBool>);
        impl Drop for OnItsThread {
            fn drop(&mut self) {
                self.1.store(std::thread::current().id() == self.0, Ordering::SeqCst);
            }
        }
        let dropped_home = Arc::new(AtomicBool::new(false));
        let flag = dropped_home.clone();
        let pinned = Arc::new(Pinned::start("test", move || Ok(OnItsThread(std::thread::current().id(), flag))).unwrap());
        let home = pinned.with(|v| v.0).unwrap();
        let from_elsewhere = {
            let pinned = pinned.clone();
            std::thread::spawn(move || pinned.with(|_| std::thread::current().id()).unwrap()).join().unwrap()
        };
        assert_eq!(from_elsewhere, home);
        assert_ne!(home, std::thread::current().id());
        drop(Arc::try_unwrap(pinned).ok().unwrap());
        assert!(dropped_home.load(Ordering::SeqCst));
    }

    #[test]
    fn a_value_that_is_not_send_stays_where_it_was_made() {
        let pinned = Pinned::start("test", || Ok(Rc::new(5))).unwrap();
        assert_eq!(pinned.with(|rc| **rc + 1).unwrap(), 6);
    }

    #[test]
    fn a_failed_make_is_its_error_and_a_panic_in_work_is_an_engine_error() {
        let e = Pinned::<u8>::start("test", || Err(SandboxError::new(ErrorCode::Engine, "no"))).err().unwrap();
        assert_eq!(e.message, "no");
        let pinned = Pinned::start("test", || Ok(1u8)).unwrap();
        let e = pinned.with(|_| -> u8 { panic!("boom") }).err().unwrap();
        assert_eq!(e.code, ErrorCode::Engine);
        assert!(pinned.with(|v| *v).is_err(), "the thread is gone");
    }
}
