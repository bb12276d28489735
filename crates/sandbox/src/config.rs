//! The limits every run of a sandbox obeys, checked once when the sandbox is made.

use std::time::Duration;

use crate::error::{ErrorCode, SandboxError};
use crate::host::network::AllowList;
use crate::host::sockets::{SocketPolicy, MAX_EXPOSED_PORTS, MAX_SOCKETS_LIMIT};
use crate::host::tools::{ToolLimits, MAX_TOOL_BYTES_LIMIT, MAX_TOOL_CALLS_LIMIT};

/// How long a run may take when no `timeoutMs` is given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest `timeoutMs` accepted: one day.
pub const MAX_TIMEOUT_MS: f64 = 86_400_000.0;
/// How much output (each of the transcript and standard error) a run keeps when no
/// `maxOutputBytes` is given.
pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 1024 * 1024;
/// How much output the code-execution tool keeps per call when no `maxOutputBytes` is given
/// (beginning and end): about 25,000 tokens, what a model can read.
pub const TOOL_DEFAULT_MAX_OUTPUT_BYTES: usize = 100_000;
/// The largest `maxOutputBytes` accepted.
pub const MAX_OUTPUT_BYTES_LIMIT: f64 = 256.0 * 1024.0 * 1024.0;
/// The largest `maxConcurrency` accepted.
pub const MAX_CONCURRENCY: usize = 1024;
/// The guest memory range `memoryMb` may ask for, in MiB.
pub const MEMORY_MB_RANGE: (f64, f64) = (16.0, 16384.0);

/// The range of every whole-number option, by its JavaScript name: the one table [`whole`] checks
/// against, generated into the TypeScript facts (`CONFIG_RANGES`) so the tool checks the same ranges
/// before any sandbox is made.
pub const RANGES: &[(&str, f64, f64)] = &[
    ("timeoutMs", 1.0, MAX_TIMEOUT_MS),
    ("memoryMb", MEMORY_MB_RANGE.0, MEMORY_MB_RANGE.1),
    ("maxOutputBytes", 1.0, MAX_OUTPUT_BYTES_LIMIT),
    ("maxToolCalls", 1.0, MAX_TOOL_CALLS_LIMIT as f64),
    ("maxToolBytes", 1.0, MAX_TOOL_BYTES_LIMIT as f64),
    ("maxConcurrency", 1.0, MAX_CONCURRENCY as f64),
    // guest::pool::MAX_POOL_SIZE is MAX_CONCURRENCY (named here, not imported: the pool imports this module).
    ("poolSize", 1.0, MAX_CONCURRENCY as f64),
    ("network.maxSockets", 1.0, MAX_SOCKETS_LIMIT as f64),
    // Each port of `network.expose`.
    ("network.expose", 1.0, 65535.0),
];

/// The message of a value out of its range, with `{field}`, `{min}`, `{max}` and `{value}` to fill in:
/// generated into the TypeScript facts, so both sides word it alike.
pub const OUT_OF_RANGE_MESSAGE: &str = "{field} must be a whole number from {min} to {max}, got {value}";

/// Limits for every run of one sandbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Wall-clock time a run may take, boot excluded; past it the run is stopped and reported
    /// `timedOut`.
    pub timeout: Duration,
    /// Guest memory in MiB for every language, or each image's own default.
    pub memory_mb: Option<usize>,
    /// Bytes of output kept per stream; the rest is counted and the run reported `truncated`.
    pub max_output_bytes: usize,
    /// The destinations guests may reach; empty (the default): none, every socket is refused.
    pub network: AllowList,
    /// What a guest may hold and serve on the host: its socket budget and exposed ports.
    pub sockets: SocketPolicy,
    /// How much a run may use its tools (code mode).
    pub tools: ToolLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: DEFAULT_TIMEOUT,
            memory_mb: None,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
            network: AllowList::default(),
            sockets: SocketPolicy::default(),
            tools: ToolLimits::default(),
        }
    }
}

impl Limits {
    /// Limits from the numbers JavaScript passes (`timeoutMs`, `memoryMb`, `maxOutputBytes`), each
    /// optional. A value that is not a positive whole number in range is
    /// [`ErrorCode::InvalidConfig`], naming the field.
    pub fn from_numbers(
        timeout_ms: Option<f64>,
        memory_mb: Option<f64>,
        max_output_bytes: Option<f64>,
    ) -> Result<Limits, SandboxError> {
        let mut limits = Limits::default();
        if let Some(ms) = timeout_ms {
            limits.timeout = Duration::from_millis(whole("timeoutMs", ms)?);
        }
        if let Some(mb) = memory_mb {
            limits.memory_mb = Some(whole("memoryMb", mb)? as usize);
        }
        if let Some(bytes) = max_output_bytes {
            limits.max_output_bytes = whole("maxOutputBytes", bytes)? as usize;
        }
        Ok(limits)
    }

    /// With the tool limits JavaScript passes (`maxToolCalls`, `maxToolBytes`), each optional; a value
    /// out of range is [`ErrorCode::InvalidConfig`], naming the field.
    pub fn with_tool_limits(mut self, max_calls: Option<f64>, max_bytes: Option<f64>) -> Result<Limits, SandboxError> {
        if let Some(n) = max_calls {
            self.tools.max_calls = whole("maxToolCalls", n)? as usize;
        }
        if let Some(n) = max_bytes {
            self.tools.max_bytes = whole("maxToolBytes", n)? as usize;
        }
        Ok(self)
    }
}

/// `value` as a whole number within `field`'s range ([`RANGES`]), or an [`ErrorCode::InvalidConfig`]
/// naming `field`. Panics for a field [`RANGES`] does not have (a bug, not a caller's mistake).
pub fn whole(field: &str, value: f64) -> Result<u64, SandboxError> {
    let &(_, min, max) = RANGES.iter().find(|(name, ..)| *name == field).unwrap_or_else(|| panic!("{field} has no range in config::RANGES"));
    if !value.is_finite() || value.fract() != 0.0 || value < min || value > max {
        let message = OUT_OF_RANGE_MESSAGE
            .replace("{field}", field)
            .replace("{min}", &min.to_string())
            .replace("{max}", &max.to_string())
            .replace("{value}", &value.to_string());
        return Err(SandboxError::new(ErrorCode::InvalidConfig, message));
    }
    Ok(value as u64)
}

/// Read here with the other limits, so the socket rules ([`crate::host::sockets`]) need nothing of
/// this module's.
impl SocketPolicy {
    /// The policy from the numbers JavaScript passes (`network.maxSockets`, `network.expose`), each
    /// optional; a value out of range is [`ErrorCode::InvalidConfig`], naming the field.
    pub fn from_numbers(max_sockets: Option<f64>, expose: Option<&[f64]>) -> Result<SocketPolicy, SandboxError> {
        let mut policy = SocketPolicy::default();
        if let Some(n) = max_sockets {
            policy.max_sockets = whole("network.maxSockets", n)? as usize;
        }
        if let Some(ports) = expose {
            if ports.len() > MAX_EXPOSED_PORTS {
                return Err(SandboxError::new(
                    ErrorCode::InvalidConfig,
                    format!("network.expose lists {} ports; at most {MAX_EXPOSED_PORTS} may be exposed", ports.len()),
                ));
            }
            for &port in ports {
                policy.expose.push(whole("network.expose", port)? as u16);
            }
            policy.expose.sort_unstable();
            policy.expose.dedup();
        }
        Ok(policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_range_is_named_once_and_worded_as_typescript_words_it() {
        let mut names: Vec<&str> = RANGES.iter().map(|(name, ..)| *name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RANGES.len());
        // The tool (src/limits.ts) fills the same placeholders; a value is shown as JavaScript's String() does.
        let e = whole("memoryMb", 8.0).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::InvalidConfig, "memoryMb must be a whole number from 16 to 16384, got 8"));
        assert_eq!(whole("timeoutMs", 1.5).unwrap_err().message, "timeoutMs must be a whole number from 1 to 86400000, got 1.5");
    }

    #[test]
    fn defaults_apply_when_nothing_is_given() {
        assert_eq!(Limits::from_numbers(None, None, None).unwrap(), Limits::default());
    }

    #[test]
    fn given_values_are_used() {
        let l = Limits::from_numbers(Some(1500.0), Some(128.0), Some(4096.0)).unwrap();
        assert_eq!(l.timeout, Duration::from_millis(1500));
        assert_eq!(l.memory_mb, Some(128));
        assert_eq!(l.max_output_bytes, 4096);
    }

    #[test]
    fn tool_limits_are_taken_in_range_and_refused_naming_the_field() {
        let l = Limits::default().with_tool_limits(Some(5.0), Some(1000.0)).unwrap();
        assert_eq!((l.tools.max_calls, l.tools.max_bytes), (5, 1000));
        assert_eq!(Limits::default().with_tool_limits(None, None).unwrap(), Limits::default());
        for (calls, bytes, field) in [(Some(0.0), None, "maxToolCalls"), (Some(2.5), None, "maxToolCalls"), (None, Some(-1.0), "maxToolBytes"), (None, Some(1e12), "maxToolBytes")] {
            let e = Limits::default().with_tool_limits(calls, bytes).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidConfig);
            assert!(e.message.contains(field), "{}", e.message);
        }
    }

    #[test]
    fn out_of_range_values_are_invalid_config_naming_the_field() {
        for (t, m, o, field) in [
            (Some(0.0), None, None, "timeoutMs"),
            (Some(-5.0), None, None, "timeoutMs"),
            (Some(f64::NAN), None, None, "timeoutMs"),
            (Some(1.5), None, None, "timeoutMs"),
            (None, Some(4.0), None, "memoryMb"),
            (None, Some(1e9), None, "memoryMb"),
            (None, None, Some(0.0), "maxOutputBytes"),
            (None, None, Some(f64::INFINITY), "maxOutputBytes"),
        ] {
            let e = Limits::from_numbers(t, m, o).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidConfig);
            assert!(e.message.contains(field), "{} should name {field}", e.message);
        }
    }
}
