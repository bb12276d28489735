//! Empty: see Cargo.toml. This crate exists only so cargo fetches the guest sources.
