//! The host functions a run's code may call — its tools ([`crate::host::tools`]) and, in JavaScript,
//! `fetch` ([`crate::host::fetch`]) — and what they share: the grants of the run this thread drives, and
//! replies longer than one host call carries.
//!
//! Every guest has the same host functions ([`FUNCTIONS`]), registered once with the engine; a call
//! arrives on the thread that drives its guest, so the run's grants live in a thread-local installed
//! for the run ([`RunGuard`]). One snapshot therefore serves runs with different grants, and parallel
//! runs never see each other's.
//!
//! A reply is an envelope the guests unwrap (`guest/javascript/warmup.js`, `guest/python/warmup.py`):
//! `{"ok": VALUE}` when it fits in one host call (the engine carries at most [`HOST_REPLY_MAX`] bytes back), or
//! `{"more": TEXT}` with the first piece of VALUE's JSON text, the guest then calling [`MORE_FUNCTION`]
//! for `{"more": TEXT}` … `{"last": TEXT}` and parsing the pieces joined.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use crate::host::fetch::{self, Fetcher, FetchingRun};
use crate::host::tools::{self, CallingRun, ToolLimits, ToolRun, Tools};
use crate::outcome::ToolCall;
use crate::stop::StopSwitch;

/// The host function a guest calls for the next piece of a long reply.
pub const MORE_FUNCTION: &str = "lci.more";
/// The host function a guest calls with the next piece (text) of an argument too long for one call;
/// the call that follows takes the pieces joined instead of that argument.
pub const UPLOAD_FUNCTION: &str = "lci.upload";
/// The envelope of a reply sent whole: `{"ok": VALUE}`.
pub const REPLY_WHOLE: &str = "ok";
/// The envelope of a piece of a long reply that more pieces follow: `{"more": TEXT}`.
pub const REPLY_MORE: &str = "more";
/// The envelope of the last piece of a long reply: `{"last": TEXT}`.
pub const REPLY_LAST: &str = "last";
/// The most text a run may have uploaded and not yet used.
pub const UPLOAD_MAX: usize = 24 * 1024 * 1024;
/// The most bytes one host call carries from the guest: hyperlight-unikraft's `HOST_CALL_MAX` (its
/// `G2H` buffer less the message's framing; crate-private there, so stated here once).
pub const HOST_CALL_MAX: usize = 69_620;
/// The most bytes a host function's reply carries back: [`HOST_CALL_MAX`] less the engine's one tag
/// byte (ok or error).
pub const HOST_REPLY_MAX: usize = HOST_CALL_MAX - 1;
/// The longest reply sent whole: [`HOST_REPLY_MAX`] less room for the envelope.
const WHOLE_REPLY_MAX: usize = 64 * 1024;
/// The most bytes one piece of a long reply takes once escaped as a JSON string.
pub const PIECE_MAX: usize = 60_000;
/// The most characters of an argument the guests send in one [`UPLOAD_FUNCTION`] call (and the
/// longest argument they send inline): a character takes at most 3 bytes once sent, so a piece stays
/// within [`HOST_CALL_MAX`].
pub const UPLOAD_PIECE_CHARS: usize = 20_000;

const _: () = assert!(WHOLE_REPLY_MAX + 16 <= HOST_REPLY_MAX && PIECE_MAX + 16 <= HOST_REPLY_MAX);
const _: () = assert!(UPLOAD_PIECE_CHARS * 3 + 64 <= HOST_CALL_MAX);

/// What a run's code may call on the host.
#[derive(Clone, Default)]
pub struct Grants {
    /// Its tools (code mode); `None`: every tool call is refused.
    pub tools: Option<Arc<Tools>>,
    /// How much it may use them.
    pub tool_limits: ToolLimits,
    /// Its `fetch` (JavaScript); `None`: every fetch is refused (the network is off).
    pub fetch: Option<Arc<Fetcher>>,
}

impl std::fmt::Debug for Grants {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grants").field("tools", &self.tools).field("tool_limits", &self.tool_limits).field("fetch", &self.fetch.is_some()).finish()
    }
}

/// The run this thread drives: what it may call, how to tell it must stop, and what it has called.
struct ActiveRun {
    pub switch: StopSwitch,
    pub deadline: Instant,
    /// Its tools and what it has used of them.
    pub tools: ToolRun,
    /// Its fetch; `None`: the network is off.
    pub fetch: Option<Arc<Fetcher>>,
    /// An argument the code is sending in pieces, for its next call.
    upload: String,
    /// The pieces of a long reply not yet taken.
    pending: VecDeque<String>,
}

impl ActiveRun {
    /// Whether the run must stop now: cancelled, or past its deadline.
    pub fn stopped(&self) -> impl Fn() -> bool + 'static {
        let (switch, deadline) = (self.switch.clone(), self.deadline);
        move || switch.reason().is_some() || Instant::now() >= deadline
    }

    /// The argument uploaded in pieces since the last call, taken (empty when none was).
    #[cfg(test)]
    pub fn take_upload(&mut self) -> String {
        std::mem::take(&mut self.upload)
    }
}

thread_local! {
    static ACTIVE: RefCell<Option<ActiveRun>> = const { RefCell::new(None) };
}

/// Runs `f` with the run this thread drives, or `None` on a thread that drives none.
fn with_active<T>(f: impl FnOnce(Option<&mut ActiveRun>) -> T) -> T {
    ACTIVE.with(|a| f(a.borrow_mut().as_mut()))
}

/// Makes `grants` those of the run this thread drives until it is finished (or dropped).
pub struct RunGuard(());

impl RunGuard {
    /// Installs `grants` for a run that stops at `deadline` or when `switch` is thrown.
    pub fn install(grants: Grants, switch: StopSwitch, deadline: Instant) -> RunGuard {
        ACTIVE.with(|a| {
            let tools = ToolRun { tools: grants.tools, limits: grants.tool_limits, ..Default::default() };
            *a.borrow_mut() = Some(ActiveRun { switch, deadline, tools, fetch: grants.fetch, upload: String::new(), pending: VecDeque::new() });
        });
        RunGuard(())
    }

    /// The tool calls the run made, in order; the grants are uninstalled.
    pub fn finish(self) -> Vec<ToolCall> {
        ACTIVE.with(|a| a.borrow_mut().take()).map(|a| a.tools.calls).unwrap_or_default()
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.borrow_mut().take());
    }
}

/// A host function: a call's argument text in, its reply text out (or the guest's exception).
pub type HostFunction = fn(&str) -> Result<String, String>;

/// Every host function a run's code may call, by name, for the engine to register with every guest
/// ([`crate::guest::engine::register`]).
pub const FUNCTIONS: [(&str, HostFunction); 4] = [
    (tools::HOST_FUNCTION, |call| envelope(call_tool(call))),
    (fetch::HOST_FUNCTION, |call| envelope(call_fetch(call))),
    (UPLOAD_FUNCTION, |call| upload_piece(call).map(|()| "null".to_string())),
    (MORE_FUNCTION, |_| next_piece()),
];

/// A tool call (`[name, args]`) of the run this thread drives.
fn call_tool(call: &str) -> Result<String, String> {
    with_active(|run| match run {
        Some(run) => {
            let stopped = run.stopped();
            tools::host_function(call, Some(CallingRun { tools: &mut run.tools, upload: &mut run.upload, stopped: &stopped }))
        }
        None => tools::host_function(call, None),
    })
}

/// A fetch (`[request]`) of the run this thread drives.
fn call_fetch(call: &str) -> Result<String, String> {
    with_active(|run| match run {
        Some(run) => {
            let stopped = run.stopped();
            let fetching = FetchingRun { fetcher: run.fetch.clone(), upload: &mut run.upload, deadline: run.deadline, stopped: &stopped };
            fetch::host_function(call, Some(fetching))
        }
        None => fetch::host_function(call, None),
    })
}

/// A reply of JSON text `value` in its envelope: whole, or its first piece with the rest kept for
/// [`MORE_FUNCTION`].
pub(crate) fn envelope(value: Result<String, String>) -> Result<String, String> {
    let value = value?;
    if value.len() <= WHOLE_REPLY_MAX {
        return Ok(format!("{{\"{REPLY_WHOLE}\":{value}}}"));
    }
    let mut pieces: VecDeque<String> = split_escaped(&value, PIECE_MAX).into();
    let first = pieces.pop_front().unwrap_or_default();
    with_active(|run| match run {
        Some(run) => {
            run.pending = pieces;
            Ok(format!("{{\"{REPLY_MORE}\":{first}}}"))
        }
        None => Err("this reply is too long to send outside a run".into()),
    })
}

/// The next piece of the current long reply.
fn next_piece() -> Result<String, String> {
    with_active(|run| {
        let run = run.ok_or("no run is in progress")?;
        let piece = run.pending.pop_front().ok_or("there is no reply to continue")?;
        let key = if run.pending.is_empty() { REPLY_LAST } else { REPLY_MORE };
        Ok(format!("{{\"{key}\":{piece}}}"))
    })
}

/// Takes the next piece (`[text]`) of a long argument.
fn upload_piece(call: &str) -> Result<(), String> {
    let piece = match serde_json::from_str::<serde_json::Value>(call) {
        Ok(serde_json::Value::Array(mut a)) if a.len() == 1 && a[0].is_string() => a.remove(0),
        _ => return Err("an upload is one string".into()),
    };
    with_active(|run| {
        let run = run.ok_or("no run is in progress")?;
        let piece = piece.as_str().unwrap_or_default();
        if run.upload.len() + piece.len() > UPLOAD_MAX {
            run.upload.clear();
            return Err(format!("{}: an argument may be at most {UPLOAD_MAX} bytes", crate::error::ErrorCode::ToolLimit));
        }
        run.upload.push_str(piece);
        Ok(())
    })
}

/// `text` cut at character boundaries into JSON string literals of at most `max` bytes each.
fn split_escaped(text: &str, max: usize) -> Vec<String> {
    let escaped_len = |c: char| match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    };
    let mut pieces = Vec::new();
    let (mut start, mut size) = (0, 2);
    for (i, c) in text.char_indices() {
        let n = escaped_len(c);
        if size + n > max {
            pieces.push(serde_json::to_string(&text[start..i]).unwrap_or_default());
            (start, size) = (i, 2);
        }
        size += n;
    }
    pieces.push(serde_json::to_string(&text[start..]).unwrap_or_default());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn reassemble(first: &str) -> serde_json::Value {
        let reply: serde_json::Value = serde_json::from_str(first).unwrap();
        if let Some(v) = reply.get("ok") {
            return v.clone();
        }
        let mut text = reply["more"].as_str().unwrap().to_string();
        loop {
            let next: serde_json::Value = serde_json::from_str(&next_piece().unwrap()).unwrap();
            if let Some(more) = next.get("more") {
                text += more.as_str().unwrap();
            } else {
                text += next["last"].as_str().unwrap();
                return serde_json::from_str(&text).unwrap();
            }
        }
    }

    #[test]
    fn a_short_reply_is_sent_whole_in_its_envelope() {
        let _run = RunGuard::install(Grants::default(), StopSwitch::default(), Instant::now() + Duration::from_secs(60));
        assert_eq!(envelope(Ok(r#"{"a":1}"#.into())).unwrap(), r#"{"ok":{"a":1}}"#);
        assert_eq!(envelope(Err("no".into())).unwrap_err(), "no");
    }

    #[test]
    fn a_long_reply_arrives_in_pieces_that_each_fit_one_host_call_and_join_to_the_value() {
        let _run = RunGuard::install(Grants::default(), StopSwitch::default(), Instant::now() + Duration::from_secs(60));
        // Quotes, backslashes, control characters and multi-byte characters: the escapes grow it.
        let s: String = (0..150_000).map(|i| ["\"", "\\", "\n", "\u{1}", "é", "𝄞", "x"][i % 7]).collect();
        let value = serde_json::json!({ "s": s, "n": [1, 2, 3] });
        let first = envelope(Ok(value.to_string())).unwrap();
        assert!(first.len() <= HOST_REPLY_MAX);
        assert_eq!(reassemble(&first), value);
        assert!(next_piece().is_err(), "nothing is left to take");
    }

    #[test]
    fn an_argument_uploaded_in_pieces_is_taken_whole_once() {
        let _run = RunGuard::install(Grants::default(), StopSwitch::default(), Instant::now() + Duration::from_secs(60));
        upload_piece(r#"["{\"a\":"]"#).unwrap();
        upload_piece(r#"["1}"]"#).unwrap();
        assert_eq!(with_active(|run| run.unwrap().take_upload()), r#"{"a":1}"#);
        assert_eq!(with_active(|run| run.unwrap().take_upload()), "");
        assert!(upload_piece("[1]").is_err());
    }

    #[test]
    fn pieces_respect_the_limit_and_never_split_a_character() {
        let text: String = "𝄞\"a".repeat(10_000);
        let pieces = split_escaped(&text, 1_000);
        assert!(pieces.iter().all(|p| p.len() <= 1_000));
        let joined: String = pieces.iter().map(|p| serde_json::from_str::<String>(p).unwrap()).collect();
        assert_eq!(joined, text);
    }
}
