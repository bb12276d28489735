fn main() {
  napi_build::setup();
  // Every read(2) compiled into the addon goes through lci_sandbox::stdin::__wrap_read, which serves
  // fd 0 from the current run's stdin and never reads this process's (see crates/sandbox/src/guest/stdin.rs).
  println!("cargo:rustc-link-arg=-Wl,--wrap=read");
  // Every socket call the engine makes for a guest (and every close) goes through
  // lci_sandbox::sockets: inbound refused unless exposed, a socket budget per guest (see
  // crates/sandbox/src/host/sockets.rs; the engine's rustix calls the C library, workspace Cargo.toml).
  for f in ["socket", "bind", "listen", "accept", "accept4", "setsockopt", "connect", "sendto", "recvfrom", "close"] {
    println!("cargo:rustc-link-arg=-Wl,--wrap={f}");
  }
}
