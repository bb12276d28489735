//! The run log: one line per run in `<logDirectory>/runs.jsonl`, a JSON object with the time, the
//! language, the outcome and where the time went.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::outcome::RunOutcome;

/// The log file of one sandbox.
#[derive(Debug)]
pub struct RunLog {
    path: PathBuf,
}

impl RunLog {
    /// The log in `dir`.
    pub fn new(dir: &Path) -> RunLog {
        RunLog { path: dir.join("runs.jsonl") }
    }

    /// Where the lines go.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends the line for one run. Logging never fails a run: a write error is ignored.
    pub fn record(&self, language: &str, outcome: &RunOutcome) {
        let line = line(SystemTime::now(), language, outcome);
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(&self.path) {
            let _ = f.write_all(line.as_bytes());
        }
    }
}

fn line(at: SystemTime, language: &str, o: &RunOutcome) -> String {
    let result = if o.timed_out {
        "timeout"
    } else if o.success {
        "ok"
    } else {
        "failed"
    };
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    format!(
        "{{\"time\":\"{}\",\"language\":\"{}\",\"outcome\":\"{}\",\"exitCode\":{},\"truncated\":{},\"bootMs\":{},\"warmedFrom\":{},\"prepareMs\":{:.3},\"runMs\":{:.3},\"totalMs\":{:.3}}}\n",
        rfc3339(at),
        language,
        result,
        o.exit_code,
        o.truncated,
        o.timings.boot.map(|b| format!("{:.3}", ms(b))).unwrap_or_else(|| "null".into()),
        o.timings.warmed_from.map(|w| format!("\"{}\"", w.name())).unwrap_or_else(|| "null".into()),
        ms(o.timings.prepare),
        ms(o.timings.run),
        ms(o.duration),
    )
}

/// `at` as an RFC 3339 UTC time with milliseconds.
fn rfc3339(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{Ending, Timings, WarmedFrom};
    use std::time::Duration;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_millis(1_795_000_000_123)), "2026-11-18T11:06:40.123Z");
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn a_line_is_one_json_object_with_outcome_and_timings() {
        let mut o = RunOutcome::new(Ending::Status(3), String::new(), String::new(), false, Duration::from_secs(1));
        o.timings = Timings { boot: Some(Duration::from_millis(900)), warmed_from: Some(WarmedFrom::Disk), prepare: Duration::ZERO, run: Duration::from_millis(5) };
        let l = line(UNIX_EPOCH, "python", &o);
        assert!(l.ends_with("}\n") && l.matches('\n').count() == 1);
        assert!(l.contains("\"language\":\"python\"") && l.contains("\"outcome\":\"failed\"") && l.contains("\"exitCode\":3"));
        assert!(l.contains("\"bootMs\":900.000") && l.contains("\"warmedFrom\":\"disk\""));
        o.timings = Timings::default();
        assert!(line(UNIX_EPOCH, "python", &o).contains("\"bootMs\":null,\"warmedFrom\":null"));
    }
}
