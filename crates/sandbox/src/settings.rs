//! A sandbox's settings as an embedder in another language gives them — numbers as JavaScript's
//! (`f64`), names as text — checked and read into [`SandboxOptions`] here, once, so the napi binding
//! only converts its JavaScript object field by field. A value out of range is
//! [`ErrorCode::InvalidConfig`](crate::ErrorCode::InvalidConfig), naming the field as JavaScript spells it.

use std::path::PathBuf;

use crate::config::{whole, Limits};
use crate::error::SandboxError;
use crate::guest::images::PythonImage;
use crate::host::network::AllowList;
use crate::host::sockets::SocketPolicy;
use crate::sandbox::{SandboxOptions, SnapshotDirectory};

/// `SandboxConfig`'s fields, as given (`None`: not given, the default).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `logDirectory`.
    pub log_directory: Option<String>,
    /// `tmpDirectory`.
    pub tmp_directory: Option<String>,
    /// `timeoutMs`.
    pub timeout_ms: Option<f64>,
    /// `memoryMb`.
    pub memory_mb: Option<f64>,
    /// `maxOutputBytes`.
    pub max_output_bytes: Option<f64>,
    /// `maxConcurrency`.
    pub max_concurrency: Option<f64>,
    /// `poolSize`.
    pub pool_size: Option<f64>,
    /// `pythonImage`: `'standard'` or `'data'`.
    pub python_image: Option<String>,
    /// `network.allow`.
    pub network_allow: Option<Vec<String>>,
    /// `network.expose`.
    pub network_expose: Option<Vec<f64>>,
    /// `network.maxSockets`.
    pub network_max_sockets: Option<f64>,
    /// `maxToolCalls`.
    pub max_tool_calls: Option<f64>,
    /// `maxToolBytes`.
    pub max_tool_bytes: Option<f64>,
    /// `snapshotDirectory`.
    pub snapshot_directory: SnapshotDirectory,
}

impl Settings {
    /// The options these settings make, every value checked; what only the embedder knows
    /// (`image_roots`, `fetch_handler`) is left for it to fill in.
    pub fn options(&self) -> Result<SandboxOptions, SandboxError> {
        let mut limits = Limits::from_numbers(self.timeout_ms, self.memory_mb, self.max_output_bytes)?
            .with_tool_limits(self.max_tool_calls, self.max_tool_bytes)?;
        if let Some(allow) = &self.network_allow {
            limits.network = AllowList::parse(allow)?;
        }
        limits.sockets = SocketPolicy::from_numbers(self.network_max_sockets, self.network_expose.as_deref())?;
        // The ranges are config::RANGES' (generated for TypeScript too), by the field's name.
        let count = |field: &str, value: Option<f64>| -> Result<Option<usize>, SandboxError> {
            value.map(|n| whole(field, n).map(|n| n as usize)).transpose()
        };
        Ok(SandboxOptions {
            log_directory: self.log_directory.clone().map(PathBuf::from),
            tmp_directory: self.tmp_directory.clone().map(PathBuf::from),
            limits,
            max_concurrency: count("maxConcurrency", self.max_concurrency)?,
            pool_size: count("poolSize", self.pool_size)?,
            python_image: self.python_image.as_deref().map(PythonImage::from_name).transpose()?,
            snapshot_directory: self.snapshot_directory.clone(),
            ..SandboxOptions::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::guest::pool::MAX_POOL_SIZE;

    fn refused(settings: Settings) -> String {
        let e = settings.options().err().expect("refused");
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        e.message
    }

    #[test]
    fn no_settings_are_the_defaults() {
        let options = Settings::default().options().unwrap();
        assert_eq!(options.limits, Limits::default());
        assert_eq!((options.max_concurrency, options.pool_size, options.python_image), (None, None, None));
        assert_eq!(options.snapshot_directory, SnapshotDirectory::Off);
    }

    #[test]
    fn given_values_are_read() {
        let settings = Settings {
            max_concurrency: Some(3.0),
            pool_size: Some(2.0),
            python_image: Some("standard".into()),
            network_allow: Some(vec!["example.com:443".into()]),
            log_directory: Some("/tmp/logs".into()),
            ..Default::default()
        };
        let options = settings.options().unwrap();
        assert_eq!((options.max_concurrency, options.pool_size), (Some(3), Some(2)));
        assert_eq!(options.python_image, Some(PythonImage::Standard));
        assert!(!options.limits.network.is_empty());
        assert_eq!(options.log_directory, Some(PathBuf::from("/tmp/logs")));
    }

    #[test]
    fn values_out_of_range_are_refused_by_their_javascript_names() {
        assert!(refused(Settings { max_concurrency: Some(0.0), ..Default::default() }).contains("maxConcurrency"));
        assert!(refused(Settings { max_concurrency: Some(1.5), ..Default::default() }).contains("maxConcurrency"));
        assert!(refused(Settings { pool_size: Some((MAX_POOL_SIZE + 1) as f64), ..Default::default() }).contains("poolSize"));
        assert!(refused(Settings { python_image: Some("huge".into()), ..Default::default() }).contains("pythonImage"));
        assert!(refused(Settings { timeout_ms: Some(-1.0), ..Default::default() }).contains("timeoutMs"));
        refused(Settings { network_allow: Some(vec!["http://example.com/".into()]), ..Default::default() });
    }
}
