//! What a run's code may call on the host: its tools ([`tools`]) and, in JavaScript, `fetch`
//! ([`fetch`]), both through the host functions of [`host_calls`]; and the network a guest may
//! reach ([`network`]).

pub mod fetch;
pub mod host_calls;
pub mod network;
pub mod tools;
