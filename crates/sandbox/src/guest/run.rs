//! One run in a guest, whatever the engine: the program staged with the caller's files under `/input`,
//! submitted, stepped until it ends or must stop (its deadline, its switch: [`Watchdog`]), its output
//! drained at every step into what the run keeps and where it streams, and the outcome read back
//! (`/output`'s files, a Python run's value and images). Generic over [`Guest`], so it is tested
//! here through a fake guest; the hyperlight-unikraft guest is [`crate::guest::engine`]'s.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::{ErrorCode, SandboxError};
use crate::guest::capture::HeadTail;
use crate::guest::memfs::{MemFs, Quota, OUTPUT_QUOTA};
use crate::guest::stdin::StdinGuard;
use crate::guest::streaming::OutputSink;
use crate::guest::watchdog::Watchdog;
use crate::stop::StopSwitch;
use crate::guest::{Exec, Guest, Step};
use crate::host::host_calls::{Grants, RunGuard};
use crate::lang::rich;
use crate::outcome::{Ending, RunOutcome, Timings};

/// The longest the run loop waits in one step, so a stop is noticed while the guest sleeps.
const STEP_SLICE: Duration = Duration::from_millis(20);
/// The longest a restored guest's touch run may take.
const TOUCH_TIMEOUT: Duration = Duration::from_secs(60);
/// How much of a warm-up's or a touch run's output is kept (a failed warm-up's error quotes it).
pub const WARMUP_OUTPUT_KEPT: usize = 8 * 1024;
/// Where the caller's files are, read-only, in the guest.
pub const INPUT_DIR: &str = "/input";
/// Where a program writes the files it hands back.
pub const OUTPUT_DIR: &str = "/output";
/// Where a compiled program is put, under [`INPUT_DIR`].
const PROGRAM_PATH: &str = ".lci-bin/program";
/// The quota of [`rich::RESULTS_DIR`]: the images a run may show, each one file.
const RESULTS_QUOTA: Quota = Quota { entries: rich::MAX_IMAGES, bytes: rich::MAX_IMAGE_BYTES as u64 };
/// No quota on `/input`: only the host writes there.
const INPUT_QUOTA: Quota = Quota { entries: usize::MAX, bytes: u64::MAX };

/// What to run.
#[derive(Debug, Clone)]
pub enum Program {
    /// Source code the guest's interpreter runs.
    Code(String),
    /// A static-PIE binary the exec guest runs.
    Binary(Vec<u8>),
    /// A call of a function the guest's warm-up defined, with its JSON input (a Python run: see
    /// [`crate::lang::rich`]).
    Call {
        /// The guest function.
        function: String,
        /// Its input, JSON text.
        input: String,
    },
}

/// One run: the program, the files it may read, its time limit and the switch that stops it.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// What to run.
    pub program: Program,
    /// Files the program finds under `/input` (relative path, content).
    pub files: Vec<(String, Vec<u8>)>,
    /// What it reads on standard input, then end of file.
    pub stdin: Vec<u8>,
    /// How long it may run.
    pub timeout: Duration,
    /// Stops it early when thrown (cancellation).
    pub switch: StopSwitch,
    /// What its code may call on the host: tools (code mode) and fetch.
    pub grants: Grants,
    /// Where its output goes as it is written, besides the outcome (see [`crate::guest::streaming`]).
    pub on_output: Option<OutputSink>,
}

/// A guest's mounts, all in host memory: the caller's files, the files the program hands back, and
/// in a Python guest the images a run showed ([`rich::RESULTS_DIR`]; the other guests have no use for
/// it, so they do not see it).
pub struct Mounts {
    /// `/input`, read-only to the guest.
    pub input: Arc<MemFs>,
    /// `/output`, within [`OUTPUT_QUOTA`].
    pub output: Arc<MemFs>,
    /// [`rich::RESULTS_DIR`], within the caps on the images a run shows.
    pub results: Arc<MemFs>,
}

impl Mounts {
    /// Empty mounts.
    pub fn fresh() -> Mounts {
        Mounts {
            input: Arc::new(MemFs::new(INPUT_QUOTA)),
            output: Arc::new(MemFs::new(OUTPUT_QUOTA)),
            results: Arc::new(MemFs::new(RESULTS_QUOTA)),
        }
    }

    /// What the guest sees: (filesystem, where, read-only); the results mount only `with_results`.
    pub fn table(&self, with_results: bool) -> Vec<(Arc<MemFs>, &'static str, bool)> {
        let mut table = vec![(self.input.clone(), INPUT_DIR, true), (self.output.clone(), OUTPUT_DIR, false)];
        if with_results {
            table.push((self.results.clone(), rich::RESULTS_DIR, false));
        }
        table
    }

    /// Empties all three (a guest restored to its snapshot).
    pub fn clear(&self) {
        self.input.clear();
        self.output.clear();
        self.results.clear();
    }
}

/// A guest with its mounts: what one run is staged into and run in.
pub struct Vm<G: Guest> {
    /// The micro-VM.
    pub guest: G,
    /// Its mounts.
    pub mounts: Mounts,
}

impl<G: Guest> Vm<G> {
    /// Runs the image's touch program, if any, and drops what it wrote; a guest it fails in is not used.
    pub fn touch(&mut self, touch: Option<Exec>) -> Result<(), SandboxError> {
        if let Some(exec) = touch {
            let mut streams = Streams::unsent(WARMUP_OUTPUT_KEPT);
            let ending = drive(&mut self.guest, exec, Instant::now() + TOUCH_TIMEOUT, StopSwitch::default(), &mut streams);
            if ending != Ending::Returned {
                return Err(SandboxError::new(ErrorCode::Engine, format!("a restored guest failed its touch run ({ending:?})")));
            }
        }
        let _ = self.guest.take_stderr();
        let _ = self.guest.take_output();
        let _ = self.guest.take_result();
        Ok(())
    }

    /// Puts the program (a binary) and the caller's files under `/input`; returns what to execute. A
    /// program whose call would carry more than `max_call` bytes is refused.
    fn stage(&self, program: Program, files: Vec<(String, Vec<u8>)>, max_call: usize) -> Result<Exec, SandboxError> {
        let exec = match program {
            Program::Code(code) => {
                fits_one_call(code.len(), max_call)?;
                Exec::Code(code)
            }
            Program::Call { function, input } => {
                // The code travels inside the call's JSON input, with a little more.
                fits_one_call(function.len() + input.len(), max_call)?;
                Exec::Call { function, input }
            }
            Program::Binary(binary) => {
                self.mounts.input.put(PROGRAM_PATH, binary, 0o755)?;
                Exec::File(format!("{INPUT_DIR}/{PROGRAM_PATH}"))
            }
        };
        for (name, content) in files {
            if crate::guest::memfs::normalize(&name).is_some_and(|n| n.starts_with(".lci-bin")) {
                return Err(SandboxError::new(ErrorCode::InvalidPath, format!("{name:?}: .lci-bin is reserved")));
            }
            self.mounts.input.put(&name, content, 0o644)?;
        }
        Ok(exec)
    }

    /// Runs `request` in this guest as it is (a session's state stays), keeping at most `keep` bytes
    /// of each stream, beginning and end; a call may carry at most `max_call` bytes. Returns the
    /// outcome and whether the guest can take another run without a restore (it has not exited, nor
    /// been stopped).
    pub fn execute(&mut self, request: RunRequest, keep: usize, max_call: usize) -> Result<(RunOutcome, bool), SandboxError> {
        let RunRequest { program, files, stdin, timeout, switch, grants, on_output } = request;
        let exec = match self.stage(program, files, max_call) {
            Ok(exec) => exec,
            Err(e) => {
                // Nothing half-staged is left for a session's next run.
                self.mounts.input.clear();
                return Err(e);
            }
        };
        self.mounts.output.clear();
        self.mounts.results.clear();

        let run_started = Instant::now();
        // One deadline for the run: the watchdog stops the guest at it, and a tool call waits no longer.
        let deadline = run_started + timeout;
        // The guest's reads of its stdin are served on this thread, which drives it (crate::guest::stdin).
        let stdin = StdinGuard::install(stdin);
        // So are its calls of its tools and fetch (crate::host::host_calls).
        let run_guard = RunGuard::install(grants, switch.clone(), deadline);
        let mut streams = Streams { output: HeadTail::new(keep), stderr: HeadTail::new(keep), sink: on_output };
        let ending = drive(&mut self.guest, exec, deadline, switch, &mut streams);
        drop(stdin);
        let tool_calls = run_guard.finish();
        let run = run_started.elapsed();

        streams.drain(&mut self.guest);
        // A runner call (a Python run) says in its reply how the program really ended.
        let reply = self.guest.take_result();
        let (ending, rich) = rich::settle(ending, reply.as_deref(), self.mounts.results.take_files());
        let truncated = streams.output.truncated() || streams.stderr.truncated() || rich.truncated;
        let alive = matches!(ending, Ending::Returned | Ending::Status(_));
        let mut outcome = RunOutcome::new(ending, streams.output.text(), streams.stderr.text(), truncated, timeout);
        outcome.files = self.mounts.output.take_files();
        outcome.value = rich.value;
        outcome.images = rich.images;
        outcome.tool_calls = tool_calls;
        outcome.timings = Timings { boot: None, warmed_from: None, prepare: Duration::ZERO, run };
        self.mounts.input.clear();
        self.mounts.results.clear();
        Ok((outcome, alive))
    }
}

/// Refuses a program whose call would carry more than `max` bytes.
fn fits_one_call(bytes: usize, max: usize) -> Result<(), SandboxError> {
    if bytes > max {
        return Err(SandboxError::new(
            ErrorCode::CodeTooLarge,
            format!("the code is {bytes} bytes (with what carries it); a run takes at most {max}"),
        ));
    }
    Ok(())
}

/// A run's two streams: the transcript (stdout and stderr in order) and stderr alone, and where
/// they go as they are written.
pub struct Streams {
    /// The transcript.
    pub output: HeadTail,
    /// Standard error alone.
    pub stderr: HeadTail,
    sink: Option<OutputSink>,
}

impl Streams {
    /// Streams that keep `keep` bytes of each and send nothing as it is written (a warm-up, a touch).
    pub fn unsent(keep: usize) -> Streams {
        Streams { output: HeadTail::new(keep), stderr: HeadTail::new(keep), sink: None }
    }

    /// Takes what the guest wrote since the last drain: standard error first, since taking the
    /// transcript also clears the engine's standard-error capture. The sink gets all of it, in
    /// order, before the caps of the outcome apply.
    fn drain(&mut self, guest: &mut impl Guest) {
        let stderr = guest.take_stderr();
        let output = guest.take_output();
        if let Some(sink) = &self.sink {
            sink.send_step(&output, &stderr);
        }
        self.stderr.absorb(stderr);
        self.output.absorb(output);
    }
}

/// Submits `exec` and steps the guest until the program ends or must stop (at `deadline`, or when
/// `switch` is thrown), draining its output at every step so the end of a long output is kept.
pub fn drive(guest: &mut impl Guest, exec: Exec, deadline: Instant, switch: StopSwitch, streams: &mut Streams) -> Ending {
    let watchdog = Watchdog::start(guest.interrupter(), deadline, switch);
    let ended = (|| -> Result<Ending, Ending> {
        guest.submit(exec)?;
        loop {
            if let Some(reason) = watchdog.reason() {
                return Ok(Ending::Stopped(reason));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let step = guest.step(left.min(STEP_SLICE))?;
            streams.drain(guest);
            match step {
                Step::Done => return Ok(Ending::Returned),
                Step::Failed(status) => return Ok(Ending::Status(status)),
                Step::Exited(status) => return Ok(Ending::Exited(status)),
                Step::Blocked => {}
            }
        }
    })();
    // A stop wins over whatever the interrupted entry reported.
    if let Some(reason) = watchdog.reason() {
        return Ending::Stopped(reason);
    }
    drop(watchdog);
    ended.unwrap_or_else(|ending| ending)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guest::streaming::OutputChunk;
    use crate::outcome::StopReason;
    use crate::test_support::FakeGuest;
    use std::sync::atomic::Ordering;
    use std::sync::Mutex;

    fn request(program: Program, timeout: Duration) -> RunRequest {
        RunRequest { program, files: vec![], stdin: vec![], timeout, switch: StopSwitch::default(), grants: Grants::default(), on_output: None }
    }

    fn code(text: &str) -> RunRequest {
        request(Program::Code(text.into()), Duration::from_secs(10))
    }

    fn vm(steps: Vec<(Result<Step, Ending>, &'static str, &'static str)>) -> Vm<FakeGuest> {
        Vm { guest: FakeGuest::scripted(steps), mounts: Mounts::fresh() }
    }

    #[test]
    fn output_written_over_several_steps_is_kept_in_order_and_streamed_as_written() {
        let mut vm = vm(vec![(Ok(Step::Blocked), "a\n", ""), (Ok(Step::Blocked), "", "warn\n"), (Ok(Step::Done), "b\n", "")]);
        let chunks = Arc::new(Mutex::new(Vec::<OutputChunk>::new()));
        let seen = chunks.clone();
        let request = RunRequest { on_output: Some(OutputSink::new(move |c| seen.lock().unwrap().push(c))), ..code("x") };
        let (outcome, alive) = vm.execute(request, 1024, 1024).unwrap();
        assert!(outcome.success && alive);
        assert_eq!((outcome.output.as_str(), outcome.stderr.as_str()), ("a\nwarn\nb\n", "warn\n"));
        let texts: Vec<String> = chunks.lock().unwrap().iter().map(|c| c.text.clone()).collect();
        assert_eq!(texts, ["a\n", "warn\n", "b\n"], "each step's output, as it was written");
        assert_eq!(vm.guest.submitted, [Exec::Code("x".into())]);
    }

    #[test]
    fn a_failed_program_reports_its_status_and_the_guest_lives_on_an_exited_one_does_not() {
        let mut failing = vm(vec![(Ok(Step::Failed(1)), "", "Error: boom\n")]);
        let (outcome, alive) = failing.execute(code("x"), 1024, 1024).unwrap();
        assert_eq!((outcome.exit_code, outcome.error.as_deref(), alive), (1, Some("Error: boom"), true));
        let mut exiting = vm(vec![(Ok(Step::Exited(3)), "", "")]);
        let (outcome, alive) = exiting.execute(code("x"), 1024, 1024).unwrap();
        assert_eq!((outcome.exit_code, alive), (3, false));
        let mut faulting = vm(vec![(Err(Ending::Deadlocked), "", "")]);
        let (outcome, alive) = faulting.execute(code("x"), 1024, 1024).unwrap();
        assert!(outcome.error.unwrap().contains("never finish") && !alive);
    }

    #[test]
    fn a_program_that_never_ends_is_stopped_at_its_deadline_and_its_guest_interrupted() {
        let mut vm = vm(vec![]);
        let (outcome, alive) = vm.execute(request(Program::Code("for(;;);".into()), Duration::from_millis(60)), 1024, 1024).unwrap();
        assert!(outcome.timed_out && !alive);
        assert_eq!(outcome.stop, Some(StopReason::Timeout));
        assert!(vm.guest.interrupts.load(Ordering::SeqCst) >= 1, "the vCPU was interrupted");
    }

    #[test]
    fn a_thrown_switch_stops_the_run_as_cancelled() {
        let mut vm = vm(vec![]);
        let request = code("for(;;);");
        let switch = request.switch.clone();
        let thrower = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            switch.stop(StopReason::Cancelled);
        });
        let (outcome, _) = vm.execute(request, 1024, 1024).unwrap();
        thrower.join().unwrap();
        assert_eq!(outcome.stop, Some(StopReason::Cancelled));
        assert!(!outcome.timed_out);
    }

    #[test]
    fn output_past_what_a_run_keeps_is_cut_in_the_middle_and_marked() {
        let mut vm = vm(vec![(Ok(Step::Blocked), "HEAD", ""), (Ok(Step::Blocked), "................................", ""), (Ok(Step::Done), "TAIL", "")]);
        let (outcome, _) = vm.execute(code("x"), 16, 1024).unwrap();
        assert!(outcome.truncated);
        assert!(outcome.output.starts_with("HEAD") && outcome.output.ends_with("TAIL"), "{}", outcome.output);
    }

    #[test]
    fn a_binary_is_staged_under_input_and_its_files_beside_it_then_all_cleared() {
        let mut vm = vm(vec![(Ok(Step::Done), "", "")]);
        let mut request = request(Program::Binary(b"\x7fELF".to_vec()), Duration::from_secs(10));
        request.files = vec![("data.csv".into(), b"1,2".to_vec())];
        vm.execute(request, 1024, 1024).unwrap();
        assert_eq!(vm.guest.submitted, [Exec::File(format!("{INPUT_DIR}/{PROGRAM_PATH}"))]);
        assert!(vm.mounts.input.take_files().is_empty(), "nothing is left for the next run");
    }

    #[test]
    fn a_reserved_file_name_or_code_past_one_call_is_refused_before_anything_runs() {
        let mut vm = vm(vec![]);
        let mut reserved = code("x");
        reserved.files = vec![("ok.txt".into(), vec![]), (".lci-bin/x".into(), vec![])];
        assert_eq!(vm.execute(reserved, 1024, 1024).unwrap_err().code, ErrorCode::InvalidPath);
        assert!(vm.mounts.input.take_files().is_empty(), "nothing half-staged is left");
        assert_eq!(vm.execute(code(&"x".repeat(2000)), 1024, 1024).unwrap_err().code, ErrorCode::CodeTooLarge);
        assert!(vm.guest.submitted.is_empty());
    }

    #[test]
    fn a_touch_that_fails_makes_the_guest_unusable_and_one_that_returns_leaves_nothing_behind() {
        let mut failing = vm(vec![(Ok(Step::Failed(1)), "", "")]);
        assert_eq!(failing.touch(Some(Exec::Code("1".into()))).unwrap_err().code, ErrorCode::Engine);
        let mut good = vm(vec![(Ok(Step::Done), "touched\n", "")]);
        good.guest.result = Some(b"{}".to_vec());
        good.touch(Some(Exec::Code("1".into()))).unwrap();
        assert_eq!(good.guest.take_output().text, "");
        assert_eq!(good.guest.take_result(), None);
    }
}
