// Every read(2) in the test binaries goes through `stdin::__wrap_read`, as in the addon (see
// crates/binding/build.rs and src/guest/stdin.rs): no guest ever reads this process's stdin.
fn main() {
    println!("cargo:rustc-link-arg=-Wl,--wrap=read");
    // Every socket call the engine makes for a guest (and every close) goes through
    // lci_sandbox::sockets: inbound refused unless exposed, a socket budget per guest (see
    // crates/sandbox/src/host/sockets.rs; the engine's rustix calls the C library, workspace Cargo.toml).
    for f in ["socket", "bind", "listen", "accept", "accept4", "setsockopt", "connect", "sendto", "recvfrom", "close"] {
        println!("cargo:rustc-link-arg=-Wl,--wrap={f}");
    }
}
