//! napi-rs glue: exposes the `lci-sandbox` core to Node.js as `NanvixSandbox`, with the names and
//! shapes of hyperlight-nanvix's Node binding (`SandboxConfig`, `WorkloadResult { success, error }`)
//! and what an agent needs on top. Every engine call runs on a blocking thread, never on the
//! JavaScript thread. As upstream, a run resolves for every failure, the sandbox's own included
//! (`success: false`, `error`, and a stable `errorCode`); it rejects only for an aborted signal and
//! for arguments of the wrong type.
//!
//! The modules that define what JavaScript sees are public (napi registers their items; `cargo test`
//! builds the crate without that registration, and would call them unused).

pub mod admin;
mod coded_error;
mod js_calls;
mod js_fetch;
mod js_output;
mod js_tools;
mod location;
mod run_options;
pub mod sandbox;
mod sandbox_tools;
mod scheduling;
pub mod session;
pub mod types;
