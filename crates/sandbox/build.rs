// Every read(2) in the test binaries goes through `stdin::__wrap_read`, as in the addon (see
// crates/binding/build.rs and src/guest/stdin.rs): no guest ever reads this process's stdin.
fn main() {
    println!("cargo:rustc-link-arg=-Wl,--wrap=read");
}
