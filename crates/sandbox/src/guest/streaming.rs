//! Output as it is written: a run may carry an [`OutputSink`], which its run loop calls at every
//! step with what the program wrote since the last step, each stream's text in the order written,
//! whatever the run's output limit keeps for its result.
//!
//! When a step ends: the guest's scheduler is cooperative (no preemption), and a step runs the guest
//! until every one of its threads waits (a sleep, a timer, a tool call, the network, input) or the
//! program ends; while it waits, the loop steps at least every 20 ms. So output reaches the sink
//! when the program next waits, and a stretch of computing that never waits is seen at its end.
//!
//! What the engine gives, and so what can be known: hyperlight-unikraft captures the transcript
//! (standard output and standard error in the order written) and standard error alone, but not
//! standard output alone; its write host functions are registered by the engine itself, under
//! names an embedder cannot take (an embedder's host functions are served through `HostCall`), so
//! there is no seeing each write with its stream. Per step, then:
//! - only one stream was written (the transcript is empty of standard error, or is all of it):
//!   that stream's chunk is exact;
//! - both were, and the standard-error text fits into the transcript in one way only: the split is
//!   exact, and the chunks come in the order written, alternating as the program did;
//! - both were, and it fits in several ways (the two streams wrote the same characters, and which
//!   of them were standard error's cannot be told): the standard-error chunk is still exact, but
//!   the standard-output chunk is the step's transcript with the standard-error text taken out where
//!   it first fits, which may misplace characters the two share; it is marked not
//!   [`exact`](OutputChunk::exact), and comes before the standard-error chunk, since which came
//!   first is not known.
//!
//! Chunks are always whole characters: the engine decodes each stream on its own and holds back a
//! character a write left cut short until its end is written, so no chunk ends inside one.

use std::sync::Arc;

use crate::guest::Written;

/// Which stream a chunk of output was written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Text a program wrote to one stream, as it wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputChunk {
    /// The stream.
    pub stream: OutputStream,
    /// What was written: whole characters, never empty.
    pub text: String,
    /// Whether the text is known to be exactly what was written to `stream`; false only for the
    /// standard output of a step whose two streams could not be told apart (see the module's doc).
    pub exact: bool,
}

/// Where a run sends its output as it is written: called on the thread that runs the program, in
/// order, so it should hand the chunk on and return (a slow sink slows the run).
#[derive(Clone)]
pub struct OutputSink(Arc<dyn Fn(OutputChunk) + Send + Sync>);

impl OutputSink {
    /// A sink that calls `f` with each chunk.
    pub fn new(f: impl Fn(OutputChunk) + Send + Sync + 'static) -> OutputSink {
        OutputSink(Arc::new(f))
    }

    /// Hands `chunk` to the sink.
    pub fn send(&self, chunk: OutputChunk) {
        (self.0)(chunk)
    }

    /// Hands on what one step of a run captured: its `transcript` and its `stderr` (see the
    /// module's doc for how they are split).
    pub fn send_step(&self, transcript: &Written, stderr: &Written) {
        for chunk in split_step(&transcript.text, &stderr.text) {
            self.send(chunk);
        }
    }
}

impl std::fmt::Debug for OutputSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutputSink")
    }
}

/// Splits what one step captured, the `transcript` (both streams in the order written) and
/// `stderr` (standard error alone), into chunks of each stream: exact, in the order written,
/// wherever that can be known; see the module's doc for the one case where it cannot.
pub fn split_step(transcript: &str, stderr: &str) -> Vec<OutputChunk> {
    let chunk = |stream, text: &str, exact| OutputChunk { stream, text: text.to_string(), exact };
    if stderr.is_empty() {
        return match transcript.is_empty() {
            true => vec![],
            false => vec![chunk(OutputStream::Stdout, transcript, true)],
        };
    }
    if transcript == stderr {
        return vec![chunk(OutputStream::Stderr, stderr, true)];
    }
    let first = embedding(transcript.char_indices(), stderr.chars());
    let last = embedding(transcript.char_indices().rev(), stderr.chars().rev()).map(|mut at| {
        at.reverse();
        at
    });
    match (first, last) {
        (Some(first), Some(last)) if first == last => runs(transcript, &first),
        (first, _) => {
            // Either several splits fit, or (the engine left part of a step out, past its window)
            // none does: standard error is known; standard output is what is left, not exact.
            let taken = first.unwrap_or_default();
            let stdout = without(transcript, &taken);
            let mut chunks = Vec::new();
            if !stdout.is_empty() {
                chunks.push(chunk(OutputStream::Stdout, &stdout, false));
            }
            chunks.push(chunk(OutputStream::Stderr, stderr, true));
            chunks
        }
    }
}

/// Where each of `wanted`'s characters is found in `haystack` (byte offsets), taking the first
/// that matches each time, in the direction both iterate; `None` when they do not all fit.
fn embedding(haystack: impl Iterator<Item = (usize, char)>, wanted: impl Iterator<Item = char>) -> Option<Vec<usize>> {
    let mut haystack = haystack;
    let mut found = Vec::new();
    for c in wanted {
        let (at, _) = haystack.by_ref().find(|(_, h)| *h == c)?;
        found.push(at);
    }
    Some(found)
}

/// `transcript` cut into alternating chunks, standard error at the byte offsets `stderr_at` (the
/// start of each of its characters, ascending), standard output elsewhere.
fn runs(transcript: &str, stderr_at: &[usize]) -> Vec<OutputChunk> {
    let mut chunks: Vec<OutputChunk> = Vec::new();
    let mut marked = stderr_at.iter().peekable();
    for (at, c) in transcript.char_indices() {
        let stream = match marked.peek() {
            Some(&&next) if next == at => {
                marked.next();
                OutputStream::Stderr
            }
            _ => OutputStream::Stdout,
        };
        match chunks.last_mut() {
            Some(last) if last.stream == stream => last.text.push(c),
            _ => chunks.push(OutputChunk { stream, text: c.to_string(), exact: true }),
        }
    }
    chunks
}

/// `text` without the characters starting at the byte offsets `taken` (ascending).
fn without(text: &str, taken: &[usize]) -> String {
    let mut taken = taken.iter().peekable();
    text.char_indices()
        .filter(|(at, _)| match taken.peek() {
            Some(&&next) if next == *at => {
                taken.next();
                false
            }
            _ => true,
        })
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutputStream::{Stderr, Stdout};

    fn plain(chunks: &[OutputChunk]) -> Vec<(OutputStream, &str, bool)> {
        chunks.iter().map(|c| (c.stream, c.text.as_str(), c.exact)).collect()
    }

    #[test]
    fn a_step_with_nothing_written_sends_nothing() {
        assert!(split_step("", "").is_empty());
    }

    #[test]
    fn a_step_that_wrote_only_stdout_is_one_exact_stdout_chunk() {
        assert_eq!(plain(&split_step("hello\nwörld\n", "")), [(Stdout, "hello\nwörld\n", true)]);
    }

    #[test]
    fn a_step_that_wrote_only_stderr_is_one_exact_stderr_chunk() {
        assert_eq!(plain(&split_step("oops\n", "oops\n")), [(Stderr, "oops\n", true)]);
    }

    #[test]
    fn a_traceback_after_output_in_one_step_is_split_exactly_in_order() {
        let out = "result: 42\n";
        let err = "Traceback (most recent call last):\nZeroDivisionError: division by zero\n";
        let chunks = split_step(&format!("{out}{err}"), err);
        assert_eq!(plain(&chunks), [(Stdout, out, true), (Stderr, err, true)]);
    }

    #[test]
    fn streams_that_alternate_in_one_step_come_back_alternating_when_the_split_is_unique() {
        let chunks = split_step("1\n[warning]2\n", "[warning]");
        // "[warning]" fits only one way: none of its characters is standard output's.
        assert_eq!(plain(&chunks), [(Stdout, "1\n", true), (Stderr, "[warning]", true), (Stdout, "2\n", true)]);
        // With a newline each, the newline could be either's: not exact.
        assert!(!split_step("1\nW\n2\n", "W\n").iter().all(|c| c.exact));
    }

    #[test]
    fn an_ambiguous_step_keeps_stderr_exact_and_marks_stdout_not_exact() {
        // stdout "ab" + stderr "a", or stderr "a" + stdout "ba": the engine cannot tell which.
        let chunks = split_step("aba", "a");
        assert_eq!(plain(&chunks), [(Stdout, "ba", false), (Stderr, "a", true)]);
    }

    #[test]
    fn stderr_then_stdout_sharing_characters_is_ambiguous_not_invented() {
        let chunks = split_step("Error: x\nhello\n", "Error: x\n");
        assert_eq!(chunks.iter().filter(|c| c.stream == Stderr).map(|c| c.text.as_str()).collect::<Vec<_>>(), ["Error: x\n"]);
        assert!(chunks.iter().all(|c| c.stream == Stderr || !c.exact), "{chunks:?}");
        assert_eq!(chunks.iter().filter(|c| c.stream == Stdout).map(|c| c.text.len()).sum::<usize>(), "hello\n".len());
    }

    #[test]
    fn multibyte_characters_are_never_cut() {
        let chunks = split_step("é€😀x€y", "€");
        for c in &chunks {
            assert!(!c.text.is_empty());
        }
        let stdout: String = chunks.iter().filter(|c| c.stream == Stdout).map(|c| c.text.as_str()).collect();
        assert_eq!(stdout.chars().count(), 5);
    }

    #[test]
    fn a_step_the_engine_cut_short_still_sends_all_of_stderr() {
        // Past the engine's window the transcript lost the end, where stderr's text was.
        let chunks = split_step("out out", "err");
        assert_eq!(plain(&chunks), [(Stdout, "out out", false), (Stderr, "err", true)]);
    }

    #[test]
    fn the_sink_gets_each_chunk_in_order() {
        let got = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = {
            let got = got.clone();
            OutputSink::new(move |c| got.lock().unwrap().push(c))
        };
        let step = |text: &str| Written { text: text.into(), omitted: 0 };
        sink.send_step(&step("a\n"), &step(""));
        sink.send_step(&step("E\n"), &step("E\n"));
        sink.send_step(&step("b\n"), &step(""));
        let got: Vec<_> = got.lock().unwrap().iter().map(|c| (c.stream, c.text.clone())).collect();
        assert_eq!(got, [(Stdout, "a\n".into()), (Stderr, "E\n".into()), (Stdout, "b\n".into())]);
    }
}
