//! The languages: which one a workload is in ([`language`]), JavaScript as a script or a module
//! ([`javascript`]), a Python run's value and images ([`rich`]), and C and C++ compiled on the host
//! ([`compile`]) in a jail ([`jail`]) into a binary the exec guest runs ([`elf`]).

pub mod compile;
pub mod elf;
pub mod jail;
pub mod javascript;
pub mod language;
pub mod rich;
