//! What a run keeps of its output: the beginning and the end of each stream, so a traceback after a
//! flood of output is never cut. The engine keeps only the beginning of what the guest writes
//! between two drains; a run drains it at every step of its run loop into a [`HeadTail`], and
//! the engine's own limit is a wider window ([`engine_window`]) that one step rarely fills.

use std::collections::VecDeque;

use crate::guest::Written;

/// The engine's limit between two drains for a run that keeps `max_bytes`: wide enough that a guest
/// rarely writes past it between two steps of the run loop (what it writes past it is lost from the
/// middle of that step's output), bounded so a flood cannot exhaust the host.
pub fn engine_window(max_bytes: usize) -> usize {
    max_bytes.max(16 << 20)
}

/// The marker put where output was left out, `{omitted}` standing for how many bytes: one text for
/// every layer (the python environment writes it too, from the generated `OMISSION_MARKER`).
pub const OMISSION_MARKER: &str = "\n[… {omitted} bytes of output omitted …]\n";

/// [`OMISSION_MARKER`] for `omitted` bytes.
pub fn omission_marker(omitted: u64) -> String {
    OMISSION_MARKER.replace("{omitted}", &omitted.to_string())
}

/// One stream capped at `cap` bytes: its first half and its most recent half, and how much of the
/// middle was left out. Memory stays within the cap however much is written.
#[derive(Debug)]
pub struct HeadTail {
    head: Vec<u8>,
    head_cap: usize,
    tail: VecDeque<u8>,
    tail_cap: usize,
    omitted: u64,
}

impl HeadTail {
    /// An empty stream that keeps at most `cap` bytes.
    pub fn new(cap: usize) -> HeadTail {
        let head_cap = cap.div_ceil(2);
        HeadTail { head: Vec::new(), head_cap, tail: VecDeque::new(), tail_cap: cap - head_cap, omitted: 0 }
    }

    /// Appends `bytes`.
    pub fn push(&mut self, mut bytes: &[u8]) {
        let room = self.head_cap - self.head.len();
        if room > 0 {
            let take = room.min(bytes.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        if bytes.len() > self.tail_cap {
            let skip = bytes.len() - self.tail_cap;
            self.omitted += (self.tail.len() + skip) as u64;
            self.tail.clear();
            bytes = &bytes[skip..];
        }
        let overflow = (self.tail.len() + bytes.len()).saturating_sub(self.tail_cap);
        self.tail.drain(..overflow);
        self.omitted += overflow as u64;
        self.tail.extend(bytes);
    }

    /// Takes what the engine captured since the last drain: its text, and what it had to leave out
    /// (counted as omitted from the middle).
    pub fn absorb(&mut self, captured: Written) {
        self.push(captured.text.as_bytes());
        self.omitted += captured.omitted;
    }

    /// Whether anything was left out.
    pub fn truncated(&self) -> bool {
        self.omitted > 0
    }

    /// The kept text: all of it, or the head and the tail cut between characters with the marker
    /// between them.
    pub fn text(&self) -> String {
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        if !self.truncated() {
            return String::from_utf8_lossy(&[self.head.as_slice(), &tail].concat()).into_owned();
        }
        let head_end = char_boundary_before(&self.head);
        let tail_start = tail.iter().take(3).take_while(|b| (**b & 0xc0) == 0x80).count();
        let omitted = self.omitted + (self.head.len() - head_end + tail_start) as u64;
        String::from_utf8_lossy(&self.head[..head_end]).into_owned()
            + &omission_marker(omitted)
            + &String::from_utf8_lossy(&tail[tail_start..])
    }
}

/// The length of `bytes` without a character that was cut at its end.
fn char_boundary_before(bytes: &[u8]) -> usize {
    let back = bytes.iter().rev().take(3).take_while(|b| (**b & 0xc0) == 0x80).count();
    let Some(lead_at) = bytes.len().checked_sub(back + 1) else { return bytes.len() - back };
    let lead = bytes[lead_at];
    let len = match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    };
    if len > back + 1 {
        lead_at
    } else {
        bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_fits_is_kept_whole() {
        let mut s = HeadTail::new(100);
        s.push(b"hello ");
        s.push(b"world");
        assert_eq!((s.text().as_str(), s.truncated()), ("hello world", false));
    }

    #[test]
    fn a_flood_keeps_the_beginning_and_the_end_with_a_marker() {
        let mut s = HeadTail::new(40);
        for i in 0..1000 {
            s.push(format!("line {i}\n").as_bytes());
        }
        s.push(b"Error: boom\n");
        let text = s.text();
        assert!(text.starts_with("line 0\nline 1\n"), "{text}");
        assert!(text.ends_with("Error: boom\n"), "{text}");
        assert!(text.contains("bytes of output omitted"), "{text}");
        assert!(s.truncated());
    }

    #[test]
    fn one_huge_write_keeps_its_own_beginning_and_end() {
        let mut s = HeadTail::new(10);
        s.push(&[b'a'; 5000]);
        s.push(b"END");
        let text = s.text();
        assert!(text.starts_with("aaaaa\n[… 4993 bytes"), "{text}");
        assert!(text.ends_with("aaEND"), "{text}");
    }

    #[test]
    fn cuts_fall_between_characters() {
        let mut s = HeadTail::new(7);
        s.push("ééééééééé".as_bytes());
        let text = s.text();
        assert!(!text.contains('\u{fffd}'), "{text}");
        assert!(text.starts_with("éé\n[…"), "{text}");
        assert!(text.ends_with('é'), "{text}");
    }

    #[test]
    fn what_the_engine_left_out_counts_as_omitted() {
        let mut s = HeadTail::new(100);
        s.absorb(Written { text: "kept".into(), omitted: 42 });
        assert!(s.truncated());
        assert!(s.text().contains("42 bytes of output omitted"), "{}", s.text());
    }
}
