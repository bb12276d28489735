//! What one run produced, as the caller sees it: the workload's own success or failure, never an
//! error of the sandbox.

use std::time::Duration;

/// Why a run was stopped before the program finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The run went past its time limit.
    Timeout,
    /// The caller cancelled it.
    Cancelled,
}

/// How the program in the guest ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// It finished normally (exit status 0).
    Returned,
    /// The program failed with this status (an uncaught exception: 1, `sys.exit(n)`); the guest
    /// lives on.
    Status(i32),
    /// The guest process itself exited with this status (`process.exit(n)`, killed for memory: 137).
    Exited(i32),
    /// The host stopped it.
    Stopped(StopReason),
    /// Every guest thread waited for something that can never happen.
    Deadlocked,
    /// The sandbox itself failed while running it.
    Fault(String),
}

/// The exit code reported when the program produced none (stopped, deadlocked, faulted).
pub const NO_EXIT_CODE: i32 = -1;

/// How a language's warm guest came to be, on the run that warmed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarmedFrom {
    /// Booted, its warm-up run and its snapshot taken (and saved to the snapshot directory, if any).
    Boot,
    /// Its snapshot loaded from the snapshot directory, where an earlier process saved it.
    Disk,
}

impl WarmedFrom {
    /// Its name for JavaScript and the run log: `boot` or `disk`.
    pub fn name(self) -> &'static str {
        match self {
            WarmedFrom::Boot => "boot",
            WarmedFrom::Disk => "disk",
        }
    }
}

/// Where a run's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Warming the language's guest (booting it and taking its snapshot, or loading the snapshot from
    /// disk): only on the run that did it, a language's first.
    pub boot: Option<Duration>,
    /// How that run's guest was warmed: set with `boot`.
    pub warmed_from: Option<WarmedFrom>,
    /// Bringing a guest to the clean snapshot for this run (a new guest from the snapshot); zero
    /// when a clean one was waiting.
    pub prepare: Duration,
    /// Running the program.
    pub run: Duration,
}

/// The result of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    /// Whether the program ran to completion with exit status 0.
    pub success: bool,
    /// Why it did not succeed, for a person: the exception's last line, the exit status, the timeout.
    pub error: Option<String>,
    /// The program's exit status; [`NO_EXIT_CODE`] when it produced none.
    pub exit_code: i32,
    /// Standard output and standard error in the order written, as a terminal shows them.
    pub output: String,
    /// Standard error alone.
    pub stderr: String,
    /// Whether the run was stopped at its time limit.
    pub timed_out: bool,
    /// Whether output past the limit was left out.
    pub truncated: bool,
    /// Wall-clock time of the whole call.
    pub duration: Duration,
    /// Where the time went.
    pub timings: Timings,
    /// The files the program wrote under `/output` (relative path, content), in path order.
    pub files: Vec<(String, Vec<u8>)>,
    /// In a session: whether its state was lost (the program was stopped or ended the guest), so the
    /// next run starts from the clean snapshot.
    pub session_reset: bool,
    /// Why the host stopped the program, if it did.
    pub stop: Option<StopReason>,
    /// The `repr` of the value of the program's last expression (Python), as a notebook shows it.
    pub value: Option<String>,
    /// The images the program showed (Python: matplotlib figures, `display()`), in order.
    pub images: Vec<Image>,
    /// The tool calls the program made (code mode), in order.
    pub tool_calls: Vec<ToolCall>,
    /// The guest the run used, handed back to be restored when this outcome is dropped.
    pub guest: HeldGuest,
}

/// One tool call a run made (code mode: [`crate::host::tools`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// The tool.
    pub name: String,
    /// Whether it returned a result (not an error, a refusal or a stop).
    pub ok: bool,
    /// How long the guest waited for it.
    pub duration: Duration,
}

/// An image a run showed (a Python run: [`crate::lang::rich`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// `image/png` or `image/svg+xml`.
    pub mime_type: String,
    /// The encoded image.
    pub data: Vec<u8>,
}

/// The guest a run used, held by its outcome so that it is restored once the caller has the result
/// (when the outcome is dropped, or [`HeldGuest::release`]d), not while the result is on its way:
/// the restore would compete with it for the CPU (see [`crate::guest::pool`]). A copy of an outcome holds
/// none, and outcomes compare equal whatever they hold.
#[derive(Default)]
pub struct HeldGuest(Option<Box<dyn Send>>);

impl HeldGuest {
    /// Holds `guest` until this is dropped.
    pub fn new(guest: impl Send + 'static) -> HeldGuest {
        HeldGuest(Some(Box::new(guest)))
    }

    /// Hands the guest back now.
    pub fn release(&mut self) {
        self.0 = None;
    }
}

impl Clone for HeldGuest {
    fn clone(&self) -> HeldGuest {
        HeldGuest(None)
    }
}

impl PartialEq for HeldGuest {
    fn eq(&self, _: &HeldGuest) -> bool {
        true
    }
}

impl Eq for HeldGuest {}

impl std::fmt::Debug for HeldGuest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "HeldGuest(held)" } else { "HeldGuest(none)" })
    }
}

impl RunOutcome {
    /// The outcome of a program that ended as `ending`, with what it printed.
    pub fn new(ending: Ending, output: String, stderr: String, truncated: bool, timeout: Duration) -> RunOutcome {
        let (success, exit_code, error) = match &ending {
            Ending::Returned => (true, 0, None),
            Ending::Status(0) | Ending::Exited(0) => (true, 0, None),
            Ending::Status(137) | Ending::Exited(137) => (
                false,
                137,
                Some("the program was killed (status 137): it ran out of guest memory".to_string()),
            ),
            Ending::Status(s) | Ending::Exited(s) => (false, *s, Some(last_line(&stderr).unwrap_or_else(|| format!("exited with status {s}")))),
            Ending::Stopped(StopReason::Timeout) => (
                false,
                NO_EXIT_CODE,
                Some(format!("timed out after {} ms; the program was stopped", timeout.as_millis())),
            ),
            Ending::Stopped(StopReason::Cancelled) => (false, NO_EXIT_CODE, Some("cancelled; the program was stopped".to_string())),
            Ending::Deadlocked => (
                false,
                NO_EXIT_CODE,
                Some("the program can never finish: every thread is waiting and nothing can wake it".to_string()),
            ),
            Ending::Fault(text) => (false, NO_EXIT_CODE, Some(format!("the sandbox failed while running the program: {text}"))),
        };
        RunOutcome {
            success,
            error,
            exit_code,
            output,
            stderr,
            timed_out: ending == Ending::Stopped(StopReason::Timeout),
            truncated,
            duration: Duration::ZERO,
            timings: Timings::default(),
            guest: HeldGuest::default(),
            files: Vec::new(),
            session_reset: false,
            stop: match ending {
                Ending::Stopped(reason) => Some(reason),
                _ => None,
            },
            value: None,
            images: Vec::new(),
            tool_calls: Vec::new(),
        }
    }
}

/// What an uncaught exception says (`ZeroDivisionError: …`, `Error: boom`): the last non-empty line
/// of `text` that is not a JavaScript stack frame (`at …`).
fn last_line(text: &str) -> Option<String> {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("at "))
        .map(|l| l.chars().take(500).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Duration = Duration::from_millis(2000);

    #[test]
    fn an_exception_reports_its_last_line_and_status() {
        let o = RunOutcome::new(
            Ending::Status(1),
            String::new(),
            "Traceback (most recent call last):\n  File \"<string>\", line 1\nZeroDivisionError: division by zero\n".into(),
            false,
            T,
        );
        assert!(!o.success);
        assert_eq!(o.exit_code, 1);
        assert_eq!(o.error.as_deref(), Some("ZeroDivisionError: division by zero"));
    }

    #[test]
    fn a_javascript_exception_reports_its_message_not_its_stack_frame() {
        let stderr = "Error: boom\n    at <eval> (<exec>:1:32)\n";
        let o = RunOutcome::new(Ending::Status(1), stderr.into(), stderr.into(), false, T);
        assert_eq!(o.error.as_deref(), Some("Error: boom"));
    }

    #[test]
    fn a_silent_exit_names_its_status() {
        let o = RunOutcome::new(Ending::Status(3), String::new(), String::new(), false, T);
        assert_eq!((o.success, o.exit_code), (false, 3));
        assert_eq!(o.error.as_deref(), Some("exited with status 3"));
    }

    #[test]
    fn exit_zero_is_success() {
        let o = RunOutcome::new(Ending::Status(0), "hi\n".into(), String::new(), false, T);
        assert!(o.success && o.error.is_none() && o.exit_code == 0);
    }

    #[test]
    fn a_timeout_is_flagged_and_has_no_exit_code() {
        let o = RunOutcome::new(Ending::Stopped(StopReason::Timeout), String::new(), String::new(), false, T);
        assert!(o.timed_out && !o.success);
        assert_eq!(o.exit_code, NO_EXIT_CODE);
        assert!(o.error.unwrap().contains("2000 ms"));
    }

    #[test]
    fn status_137_says_out_of_memory() {
        let o = RunOutcome::new(Ending::Status(137), String::new(), String::new(), false, T);
        assert!(o.error.unwrap().contains("memory"));
    }
}
