//! What a run's code may call on the host: its tools ([`tools`]) and, in JavaScript, `fetch`
//! ([`fetch`]), both through the host functions of [`host_calls`]; and the network a guest may
//! reach ([`network`]), and what a guest may hold and serve on the host through the engine's
//! socket calls ([`sockets`]).

pub mod fetch;
pub mod host_calls;
pub mod network;
pub mod sockets;
pub mod tools;
