#!/usr/bin/env bash
# Builds the guest root filesystems the Hyperlight engine boots, from registry parts only:
#   npm/guest-python/rootfs.cpio       CPython 3.11 + stdlib (Debian 12 packages) and the crate's hl_pydriver
#   npm/guest-javascript/rootfs.cpio   the crate's QuickJS driver, static-PIE, with rquickjs-sys's quickjs-ng
#   npm/guest-c/rootfs.cpio            the crate's hl_execdriver, static-PIE (runs a program from a mount)
# The drivers' C sources are compiled from hyperlight-unikraft's own `drivers/` directory and QuickJS
# from rquickjs-sys's vendored `quickjs/`, both fetched by cargo (guest/crates/Cargo.toml); Debian's
# .debs are fetched with `apt-get download` and unpacked with `dpkg -x`, never installed. Downloads and
# intermediates live in .cache/guest/.
# Incremental: an image whose rootfs.cpio is newer than all its inputs is skipped (GUEST_FORCE=1 rebuilds
# it), so an up-to-date run takes well under a second. Every image's inputs: this script (the Debian package
# list, the flags), guest/crates/Cargo.{toml,lock} (which driver and QuickJS sources), the host toolchain
# (.cache/guest/toolchain: gcc's version and the libc.a it links, rewritten only when they change) and the
# driver sources; the python image also the .debs and guest/python/. The JavaScript warm-up, guest/javascript/
# warmup.js and the web-platform globals it imports bundled into one file with their npm packages, is
# written beside its image whenever guest/javascript/ or package-lock.json is newer than it.
#
# usage: guest/build.sh [python|python-data|javascript|c|python-tests ...]     (default: the four published images;
#        python-data and python-tests need python's build directory, so naming either builds python too)
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GUEST=$ROOT/guest
CACHE=$ROOT/.cache/guest
SELF=$GUEST/build.sh
TRIPLE=x86_64-linux-gnu

say() { printf 'guest: %s\n' "$*"; }
die() { printf 'guest: error: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; printf "guest: error: command failed (exit %s) at guest/build.sh:%s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2; exit "$rc"' ERR

need() { for t in "$@"; do command -v "$t" >/dev/null || die "'$t' is required but not installed"; done; }

# True when $1 is missing or older than any file under the other arguments.
stale() {
  local out=$1; shift
  [ "${GUEST_FORCE:-}" = 1 ] && return 0
  [ -e "$out" ] || return 0
  [ -n "$(find -L "$@" -newer "$out" -print -quit 2>/dev/null)" ]
}

# Writes directory $1 as a newc CPIO archive to $2: sorted (parents first), owned by root.
make_cpio() {
  local dir=$1 out=$2
  (cd "$dir" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) >"$out.tmp"
  # The engine boots the first usr/local/bin/hl_* or usr/bin/hl_* it finds in the archive.
  cpio -it --quiet <"$out.tmp" | grep -q '^usr/\(local/\)\?bin/hl_' || die "no hl_* driver in $out"
  mv "$out.tmp" "$out"
}

size() { du -h "$1" | cut -f1; }

# The host toolchain the drivers are compiled and linked with: gcc, and the C library (linked statically
# into the JavaScript and C drivers). Its record changes only when they do, and is an input of every image.
TOOLCHAIN=$CACHE/toolchain
record_toolchain() {
  command -v gcc >/dev/null || return 0 # nothing can be rebuilt without gcc: keep the record
  local libc now
  libc=$(gcc -print-file-name=libc.a)
  now=$(printf 'gcc %s\nlibc.a %s %s' "$(gcc -dumpfullversion -dumpversion)" "$libc" "$(stat -Lc '%s %Y' "$libc" 2>/dev/null || echo missing)")
  mkdir -p "$CACHE"
  [ "$(cat "$TOOLCHAIN" 2>/dev/null)" = "$now" ] || printf '%s\n' "$now" >"$TOOLCHAIN"
}
# Inputs of every image (besides its driver sources).
COMMON_INPUTS=("$SELF" "$GUEST/crates/Cargo.toml" "$GUEST/crates/Cargo.lock" "$TOOLCHAIN")

# ── Crate sources (hyperlight-unikraft drivers, rquickjs-sys's QuickJS) ──────────────────────────────

DRIVERS= QUICKJS=
locate_sources() {
  [ -n "$DRIVERS" ] && return 0
  local manifest=$GUEST/crates/Cargo.toml lock=$GUEST/crates/Cargo.lock env=$CACHE/sources.env
  if ! stale "$env" "$manifest" "$lock" "$SELF"; then
    # shellcheck disable=SC1090
    . "$env"
    if [ -f "$DRIVERS/hl_driver.h" ] && [ -f "$QUICKJS/quickjs.c" ]; then return 0; fi
  fi
  need cargo
  say "fetching crate sources (cargo fetch, guest/crates/Cargo.toml)"
  cargo fetch --quiet --locked --manifest-path "$manifest" --target x86_64-unknown-linux-gnu \
    || die "cargo fetch failed: crates.io must be reachable (or the crates already in \$CARGO_HOME)"
  local meta
  meta=$(cargo metadata --locked --offline --format-version 1 --manifest-path "$manifest") \
    || die "cargo metadata failed for $manifest"
  local hl qjs
  hl=$(grep -o '"manifest_path":"[^"]*/hyperlight-unikraft-0\.20\.1/Cargo\.toml"' <<<"$meta" | head -1 | cut -d'"' -f4)
  qjs=$(grep -o '"manifest_path":"[^"]*/rquickjs-sys-[0-9][^"/]*/Cargo\.toml"' <<<"$meta" | head -1 | cut -d'"' -f4)
  [ -n "$hl" ] || die "cargo metadata does not list hyperlight-unikraft 0.20.1"
  [ -n "$qjs" ] || die "cargo metadata does not list rquickjs-sys"
  DRIVERS=$(dirname "$hl")/drivers QUICKJS=$(dirname "$qjs")/quickjs
  [ -f "$DRIVERS/hl_driver.h" ] || die "no drivers/ in $(dirname "$hl")"
  [ -f "$QUICKJS/quickjs.c" ] || die "no quickjs/ in $(dirname "$qjs")"
  mkdir -p "$CACHE"
  printf 'DRIVERS=%q\nQUICKJS=%q\n' "$DRIVERS" "$QUICKJS" >"$env"
}

# ── Python ───────────────────────────────────────────────────────────────────────────────────────────

# Debian 12 (bookworm) packages: the interpreter's library and stdlib, the headers to build the driver
# against, and the shared libraries CPython and its extension modules load. glibc stays Debian 12's
# 2.36: newer ones make syscalls the Unikraft kernel lacks.
PY_DEBS=(python3.11-minimal libpython3.11 libpython3.11-minimal libpython3.11-stdlib libpython3.11-dev
  libc6 zlib1g libexpat1 libffi8 libssl3 libbz2-1.0 liblzma5 libsqlite3-0 libuuid1 libcrypt1
  libncursesw6 libtinfo6 libreadline8 libdb5.3 libnsl2 libtirpc3 media-types ca-certificates)
# Not shipped: test and tooling packages nobody runs in a sandbox, and the static library for embedding.
PY_DROP=(test idlelib tkinter turtledemo ensurepip lib2to3 config-3.11-$TRIPLE)
# glibc's debugging and profiling helpers, never loaded by Python.
LIB_DROP='^(libc_malloc_debug|libmemusage|libpcprofile|libthread_db|libBrokenLocale)[.]'

fetch_debs() {
  local dir=$CACHE/debs missing=() p
  mkdir -p "$dir"
  for p in "${PY_DEBS[@]}" "${DATA_DEBS[@]}"; do compgen -G "$dir/${p}_*.deb" >/dev/null || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  need apt-get apt-cache dpkg-deb
  if ! apt-cache show --no-all-versions "${missing[@]}" >/dev/null 2>&1; then
    say "apt knows none of them yet: apt-get update"
    apt-get update -qq || die "apt-get update failed (run as root, with the Debian mirror reachable)"
  fi
  say "downloading ${#missing[@]} Debian packages into .cache/guest/debs"
  (cd "$dir" && apt-get -qq -o APT::Sandbox::User=root download "${missing[@]}") \
    || die "apt-get download failed for: ${missing[*]} (this must be a Debian 12 system)"
  local libc
  libc=$(dpkg-deb -f "$(compgen -G "$dir/libc6_*.deb" | head -1)" Version)
  [[ $libc == 2.36-* ]] || die "libc6 $libc is not Debian 12's glibc 2.36: the guest kernel lacks syscalls newer ones make"
}

# The Python warm-up, in the order it runs: the generated facts (crates/sandbox/src/facts.rs) first.
PYTHON_WARMUP=("$GUEST/python/generated/lci_facts.py" "$GUEST/python/warmup.py")

build_python() {
  local work=$CACHE/python pkg=$ROOT/npm/guest-python out=$ROOT/npm/guest-python/rootfs.cpio
  fetch_debs
  locate_sources
  # The warm-up the engine runs before its snapshot ships next to the image, as JavaScript's does: the
  # facts generated from the Rust core (host functions, piece size), then warmup.py, which takes them.
  if ! cat "${PYTHON_WARMUP[@]}" | cmp -s - "$pkg/warmup.py"; then
    cat "${PYTHON_WARMUP[@]}" >"$pkg/warmup.py"
    say "python: wrote warmup.py"
  fi
  local inputs=("${COMMON_INPUTS[@]}" "$CACHE/debs" "$GUEST/python" "$DRIVERS"/hl_*.h "$DRIVERS/python/hl_pydriver.c")
  if ! stale "$out" "${inputs[@]}"; then say "python: up to date ($(size "$out"))"; return 0; fi
  say "python: building (CPython 3.11 from Debian 12 packages + hl_pydriver)"
  need gcc cpio dpkg
  local sys=$work/sysroot stage=$work/rootfs
  # again when the package list (in this script) changed, not only when a .deb was added
  if stale "$sys/.done" "$CACHE/debs" "$SELF"; then
    rm -rf "$sys" && mkdir -p "$sys"
    for p in "${PY_DEBS[@]}"; do dpkg -x "$(compgen -G "$CACHE/debs/${p}_*.deb" | head -1)" "$sys"; done
    touch "$sys/.done"
  fi

  # The driver, against Debian's libpython3.11, with the 3.12 calls it uses supplied for 3.11.
  local inc=$sys/usr/include libdir=$sys/usr/lib/$TRIPLE
  gcc -O2 -Wall -Wextra -Wno-unused-parameter \
    -I"$inc/python3.11" -I"$inc/$TRIPLE/python3.11" -include "$GUEST/python/py311-compat.h" \
    -o "$work/hl_pydriver" "$DRIVERS/python/hl_pydriver.c" \
    -L"$libdir" -Wl,-rpath-link,"$libdir:$sys/lib/$TRIPLE" -lpython3.11 -lm
  strip "$work/hl_pydriver"

  rm -rf "$stage" && mkdir -p "$stage"/{tmp,etc,lib64,usr/local/bin}
  install -m755 "$work/hl_pydriver" "$stage/usr/local/bin/hl_pydriver"
  cp "$sys/lib/$TRIPLE/ld-linux-x86-64.so.2" "$stage/lib64/"
  # Shared libraries, each once, under the name programs ask for (its soname): no symlinks.
  local d f soname
  for d in lib/$TRIPLE usr/lib/$TRIPLE; do
    mkdir -p "$stage/$d"
    for f in "$sys/$d"/*.so*; do
      [ -f "$f" ] && [ ! -L "$f" ] || continue
      soname=$(readelf -d "$f" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
      soname=${soname:-$(basename "$f")}
      [[ $soname =~ $LIB_DROP || $soname == ld-linux-x86-64.so.2 ]] && continue
      cp "$f" "$stage/$d/$soname"
    done
  done
  # The standard library, without what a sandbox never runs. Its two symlinks: the sysconfig data
  # under its other name becomes a copy, and Debian's sitecustomize (an apport hook) goes.
  cp -a "$sys/usr/lib/python3.11" "$stage/usr/lib/"
  local py=$stage/usr/lib/python3.11
  for d in "${PY_DROP[@]}"; do rm -rf "${py:?}/$d"; done
  rm -f "$py/sitecustomize.py"
  find "$py" -name '__pycache__' -prune -exec rm -rf {} +
  for f in $(find "$py" -type l); do cp --remove-destination "$(readlink -f "$f")" "$f"; done
  [ -z "$(find "$stage" -type l)" ] || die "unexpected symlinks in the python rootfs: $(find "$stage" -type l | head -3)"
  cp "$sys/etc/mime.types" "$stage/etc/"
  # CA certificates, so HTTPS to a host the sandbox allows verifies: Debian's Mozilla bundle, put together as
  # update-ca-certificates would, where OpenSSL (OPENSSLDIR /usr/lib/ssl) and Debian's tools look.
  mkdir -p "$stage/usr/lib/ssl" "$stage/etc/ssl/certs"
  cat "$sys"/usr/share/ca-certificates/mozilla/*.crt >"$stage/etc/ssl/certs/ca-certificates.crt"
  cp "$stage/etc/ssl/certs/ca-certificates.crt" "$stage/usr/lib/ssl/cert.pem"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$stage/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"

  # Byte-compiled by the same CPython, run through the rootfs's own loader and libraries; hash-based
  # pycs that are never checked against the sources, as the rootfs cannot change under them.
  local loader=$sys/lib/$TRIPLE/ld-linux-x86-64.so.2
  "$loader" --library-path "$stage/lib/$TRIPLE:$stage/usr/lib/$TRIPLE" "$sys/usr/bin/python3.11" -I -S -m compileall \
    -q -j 0 --invalidation-mode unchecked-hash -s "$stage" -p / "$py" >/dev/null \
    || die "byte-compiling the standard library failed"

  make_cpio "$stage" "$out"
  say "python: wrote npm/guest-python/rootfs.cpio ($(size "$out"), $(du -sh "$stage" | cut -f1) unpacked)"
}

# ── Python for data work ─────────────────────────────────────────────────────────────────────────────

# The standard image plus the wheels of guest/python-data/requirements.lock (pinned, hash-checked, from
# PyPI), the C++ runtime their extensions load, and CA certificates (certifi's bundle where OpenSSL
# looks). Its warm-up is the standard one followed by guest/python-data/warmup.py (the heavy imports).
DATA_DEBS=(libstdc++6 libgcc-s1)

build_python_data() {
  local work=$CACHE/python-data pkg=$ROOT/npm/guest-python-data out=$ROOT/npm/guest-python-data/rootfs.cpio
  local base=$CACHE/python/rootfs data=$GUEST/python-data lock=$GUEST/python-data/requirements.lock
  [ -f "$ROOT/npm/guest-python/rootfs.cpio" ] && [ -d "$base" ] || die "python-data builds on the python image: build it first (guest/build.sh python python-data)"
  if ! cat "${PYTHON_WARMUP[@]}" "$data/warmup.py" | cmp -s - "$pkg/warmup.py"; then
    cat "${PYTHON_WARMUP[@]}" "$data/warmup.py" >"$pkg/warmup.py"
    say "python-data: wrote warmup.py"
  fi
  local inputs=("${COMMON_INPUTS[@]}" "$ROOT/npm/guest-python/rootfs.cpio" "$data" "$CACHE/debs")
  if ! stale "$out" "${inputs[@]}"; then say "python-data: up to date ($(size "$out"))"; return 0; fi
  say "python-data: building (the python image + $(grep -c '==' "$lock") wheels from requirements.lock)"
  need python3 gcc cpio dpkg
  python3 -m pip --version >/dev/null 2>&1 || die "python3 -m pip is required (Debian: apt-get install python3-pip)"
  # shellcheck source=guest/python-data/wheel-tags.sh
  . "$data/wheel-tags.sh"
  local wheels=$CACHE/wheels
  mkdir -p "$wheels"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes "${PIP_WHEEL_TAGS[@]}" \
    -d "$wheels" -r "$lock" || die "pip download failed: PyPI must be reachable (or the wheels already in .cache/guest/wheels)"

  local stage=$work/rootfs sys=$work/sysroot
  rm -rf "$stage" "$sys" && mkdir -p "$work" "$sys"
  cp -a "$base" "$stage"
  local site=$stage/usr/lib/python3/dist-packages
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --no-index --require-hashes --no-compile \
    "${PIP_WHEEL_TAGS[@]}" --find-links "$wheels" --target "$site" -r "$lock" 2>&1 | grep -v "Running pip as the 'root' user" >&2 || true
  [ -d "$site/numpy" ] || die "installing the wheels into the python-data image failed"
  # Not shipped: console scripts (nothing can start them), the packages' own test suites, and the C, C++
  # and Cython sources and headers of their extensions (there is no compiler in the guest): the image is
  # unpacked into guest memory at every boot. The extensions are not stripped: `strip` breaks the
  # libraries auditwheel rewrote (numpy.libs/…: "ELF load command address/offset not page-aligned").
  rm -rf "$site/bin"
  find "$site" -type d \( -name tests -o -name test -o -name __pycache__ \) -prune -exec rm -rf {} +
  find "$site" -type f \( -name '*.c' -o -name '*.cpp' -o -name '*.h' -o -name '*.hpp' -o -name '*.pyx' \
    -o -name '*.pxd' -o -name '*.pxi' \) -delete

  # The C++ runtime that numpy, pandas, scipy and matplotlib's extensions load, from Debian 12.
  local p f soname
  for p in "${DATA_DEBS[@]}"; do dpkg -x "$(compgen -G "$CACHE/debs/${p}_*.deb" | head -1)" "$sys"; done
  for f in "$sys/usr/lib/$TRIPLE"/*.so* "$sys/lib/$TRIPLE"/*.so*; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    soname=$(readelf -d "$f" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
    cp "$f" "$stage/usr/lib/$TRIPLE/${soname:-$(basename "$f")}"
  done
  # CA certificates: certifi's bundle (what requests and httpx use) also where OpenSSL looks.
  cp "$site/certifi/cacert.pem" "$stage/usr/lib/ssl/cert.pem"
  cp "$site/certifi/cacert.pem" "$stage/etc/ssl/certs/ca-certificates.crt"
  [ -z "$(find "$stage" -type l)" ] || die "unexpected symlinks in the python-data rootfs: $(find "$stage" -type l | head -3)"

  # Byte-compiled as the standard library is (unchecked hash-based pycs), with the image's own CPython.
  local loader=$CACHE/python/sysroot/lib/$TRIPLE/ld-linux-x86-64.so.2
  "$loader" --library-path "$stage/lib/$TRIPLE:$stage/usr/lib/$TRIPLE" "$CACHE/python/sysroot/usr/bin/python3.11" -I -S -m compileall \
    -q -j 0 --invalidation-mode unchecked-hash -s "$stage" -p / "$site" >/dev/null \
    || die "byte-compiling the python-data packages failed"

  make_cpio "$stage" "$out"
  say "python-data: wrote npm/guest-python-data/rootfs.cpio ($(size "$out"), $(du -sh "$stage" | cut -f1) unpacked) and warmup.py"
}

# ── Python with CPython's regression suite (not published: the conformance runner's) ────────────────

# The standard image plus CPython 3.11's own tests: the `test` package's harness (test.support,
# libregrtest: in libpython3.11-stdlib, which the standard image leaves out) and the test modules
# (Debian 12's libpython3.11-testsuite), byte-compiled as the standard library is. Written to
# .cache/guest/python-tests/guest-python/ with the standard warm-up beside it, for LCI_GUEST_DIR
# (bench/cpython-suite.mjs, __test__/microvm/python-cpython-suite.test.ts).
TEST_DEBS=(libpython3.11-testsuite)

build_python_tests() {
  local work=$CACHE/python-tests debs=$CACHE/debs-tests base=$CACHE/python
  local out=$work/guest-python/rootfs.cpio
  [ -f "$ROOT/npm/guest-python/rootfs.cpio" ] && [ -d "$base/rootfs" ] || die "python-tests builds on the python image: build it first (guest/build.sh python python-tests)"
  mkdir -p "$debs" "$work/guest-python"
  local p missing=()
  for p in "${TEST_DEBS[@]}"; do compgen -G "$debs/${p}_*.deb" >/dev/null || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    need apt-get apt-cache dpkg-deb
    if ! apt-cache show --no-all-versions "${missing[@]}" >/dev/null 2>&1; then
      say "apt knows none of them yet: apt-get update"
      apt-get update -qq || die "apt-get update failed (run as root, with the Debian mirror reachable)"
    fi
    say "downloading ${missing[*]} into .cache/guest/debs-tests"
    (cd "$debs" && apt-get -qq -o APT::Sandbox::User=root download "${missing[@]}") || die "apt-get download failed for: ${missing[*]}"
  fi
  # The tests must be the interpreter's own version's.
  local want have
  want=$(dpkg-deb -f "$(compgen -G "$CACHE/debs/libpython3.11-stdlib_*.deb" | head -1)" Version)
  have=$(dpkg-deb -f "$(compgen -G "$debs/libpython3.11-testsuite_*.deb" | head -1)" Version)
  [ "$want" = "$have" ] || die "libpython3.11-testsuite $have does not match the image's libpython3.11-stdlib $want: remove .cache/guest/debs-tests and rebuild"
  if ! cmp -s "$ROOT/npm/guest-python/warmup.py" "$work/guest-python/warmup.py"; then
    cp "$ROOT/npm/guest-python/warmup.py" "$work/guest-python/warmup.py"
    say "python-tests: copied warmup.py"
  fi
  if ! stale "$out" "${COMMON_INPUTS[@]}" "$ROOT/npm/guest-python/rootfs.cpio" "$debs"; then say "python-tests: up to date ($(size "$out"))"; return 0; fi
  say "python-tests: building (the python image + CPython $have's test package)"
  need cpio dpkg
  local stage=$work/rootfs sys=$work/sysroot
  rm -rf "$stage" "$sys" && mkdir -p "$sys"
  cp -a "$base/rootfs" "$stage"
  dpkg -x "$(compgen -G "$debs/libpython3.11-testsuite_*.deb" | head -1)" "$sys"
  local test=$stage/usr/lib/python3.11/test
  cp -a "$base/sysroot/usr/lib/python3.11/test" "$test"
  cp -a "$sys/usr/lib/python3.11/test/." "$test/"
  find "$test" -name '__pycache__' -prune -exec rm -rf {} +
  local f
  for f in $(find "$test" -type l); do cp --remove-destination "$(readlink -f "$f")" "$f"; done
  [ -z "$(find "$stage" -type l)" ] || die "unexpected symlinks in the python-tests rootfs: $(find "$stage" -type l | head -3)"
  # Byte-compiled as the standard library is. Some test files are meant not to compile (badsyntax_*,
  # bad_coding*): compileall's status counts them, so it is not checked; the import of a test that
  # failed to compile still fails, in its test.
  "$base/sysroot/lib/$TRIPLE/ld-linux-x86-64.so.2" --library-path "$stage/lib/$TRIPLE:$stage/usr/lib/$TRIPLE" \
    "$base/sysroot/usr/bin/python3.11" -I -S -m compileall -q -j 0 --invalidation-mode unchecked-hash \
    -s "$stage" -p / "$test" >/dev/null 2>&1 || true
  make_cpio "$stage" "$out"
  say "python-tests: wrote .cache/guest/python-tests/guest-python/rootfs.cpio ($(size "$out"), $(du -sh "$stage" | cut -f1) unpacked)"
}

# ── JavaScript ───────────────────────────────────────────────────────────────────────────────────────

build_javascript() {
  locate_sources
  local work=$CACHE/javascript pkg=$ROOT/npm/guest-javascript out=$ROOT/npm/guest-javascript/rootfs.cpio
  local q=$QUICKJS src=$DRIVERS/quickjs
  # The warm-up the engine runs before its snapshot ships next to the image (not in it): warmup.js with the
  # web-platform globals it imports and their npm packages bundled into one file (guest/javascript/bundle.mjs,
  # esbuild), again whenever guest/javascript/, the installed packages or this script change.
  if stale "$pkg/warmup.js" "$GUEST/javascript" "$ROOT/package-lock.json" "$SELF"; then
    # node and the npm packages come with the checkout's `npm ci`, not from Debian (no `need`).
    command -v node >/dev/null || die "'node' is required to bundle the JavaScript warm-up"
    [ -d "$ROOT/node_modules/esbuild" ] || die "node_modules/esbuild is missing: run npm ci first (the JavaScript warm-up is bundled with it)"
    node "$GUEST/javascript/bundle.mjs" "$pkg/warmup.js.tmp" || die "bundling the JavaScript warm-up failed (a package it imports missing from node_modules? run npm ci)"
    mv "$pkg/warmup.js.tmp" "$pkg/warmup.js"
  fi
  if ! stale "$out" "${COMMON_INPUTS[@]}" "$q" "$src" "$DRIVERS"/hl_*.h; then say "javascript: up to date ($(size "$out"))"; return 0; fi
  say "javascript: building (quickjs-ng $(sed -n 's/.*QJS_VERSION_MAJOR \([0-9]*\)/\1/p;s/.*QJS_VERSION_MINOR \([0-9]*\)/.\1/p;s/.*QJS_VERSION_PATCH \([0-9]*\)/.\1/p' "$q/quickjs.h" | tr -d '\n') + hl_quickjsdriver, static-PIE)"
  need gcc cpio
  # The engine and quickjs-libc (through the driver's hl_qjs_await.c, which includes it) without
  # warnings, as upstream builds them; the driver with them. Compiled in parallel, each only when
  # stale; all again when the sources' location, the flags or the toolchain change.
  local cflags=(-O2 -D_GNU_SOURCE -DQJS_BUILD_LIBC -fPIE) pids=() c o
  mkdir -p "$work/obj"
  printf '%s\n' "$q" "$DRIVERS" "${cflags[*]}" "$(cat "$TOOLCHAIN" 2>/dev/null)" >"$work/obj/config.new"
  cmp -s "$work/obj/config.new" "$work/obj/config" || rm -f "$work/obj"/*.o
  mv "$work/obj/config.new" "$work/obj/config"
  for c in "$q/quickjs.c" "$q/libregexp.c" "$q/libunicode.c" "$q/dtoa.c" "$src/hl_qjs_await.c"; do
    o=$work/obj/$(basename "${c%.c}").o
    stale "$o" "$c" "$q"/*.h "$q/quickjs-libc.c" || continue
    gcc "${cflags[@]}" -w -I"$q" -c "$c" -o "$o" & pids+=($!)
  done
  o=$work/obj/hl_quickjsdriver.o
  if stale "$o" "$src" "$DRIVERS"/hl_*.h "$q"/*.h; then
    gcc "${cflags[@]}" -Wall -Wextra -Wno-unused-parameter -I"$q" -I"$DRIVERS" -c "$src/hl_quickjsdriver.c" -o "$o" & pids+=($!)
  fi
  for p in "${pids[@]}"; do wait "$p" || die "compiling QuickJS or its driver failed"; done
  # quickjs-libc's module loader can dlopen() native modules; the warning about that is expected
  # (a static driver has no loader, so such an import fails in the guest).
  gcc -static-pie -s -o "$work/hl_quickjsdriver" "$work/obj"/*.o -lm -lpthread 2>"$work/link.log" \
    || { cat "$work/link.log" >&2; die "linking hl_quickjsdriver failed"; }
  grep -v "dlopen\|in function .js_module_loader" "$work/link.log" >&2 || true

  local stage=$work/rootfs
  rm -rf "$stage" && mkdir -p "$stage"/{tmp,usr/local/bin}
  install -m755 "$work/hl_quickjsdriver" "$stage/usr/local/bin/hl_quickjsdriver"
  make_cpio "$stage" "$out"
  say "javascript: wrote npm/guest-javascript/rootfs.cpio ($(size "$out"))"
}

# ── C and C++ ────────────────────────────────────────────────────────────────────────────────────────

build_c() {
  locate_sources
  local work=$CACHE/c out=$ROOT/npm/guest-c/rootfs.cpio
  if ! stale "$out" "${COMMON_INPUTS[@]}" "$DRIVERS/hl_execdriver.c" "$DRIVERS"/hl_*.h; then say "c: up to date ($(size "$out"))"; return 0; fi
  say "c: building (hl_execdriver, static-PIE)"
  need gcc cpio
  mkdir -p "$work"
  # -Wno-nonnull: GCC sees hl_driver.h write its result buffer, NULL in a driver that never serves
  # named calls, on a path that such a driver never takes.
  gcc -O2 -Wall -Wextra -Wno-unused-parameter -Wno-nonnull -static-pie -fPIE -s \
    -o "$work/hl_cdriver" "$DRIVERS/hl_execdriver.c"
  local stage=$work/rootfs
  rm -rf "$stage" && mkdir -p "$stage"/{tmp,usr/local/bin}
  install -m755 "$work/hl_cdriver" "$stage/usr/local/bin/hl_cdriver"
  make_cpio "$stage" "$out"
  say "c: wrote npm/guest-c/rootfs.cpio ($(size "$out"))"
}

# ── Main ─────────────────────────────────────────────────────────────────────────────────────────────

[ "$(uname -m)" = x86_64 ] || die "guest images are built on x86_64 Linux (this is $(uname -sm))"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(python python-data javascript c)
data=
for t in "${targets[@]}"; do
  case $t in python | python-data | javascript | c | python-tests) ;; *) die "unknown image '$t' (choose from: python python-data javascript c python-tests)" ;; esac
  [ "$t" = python-tests ] || [ -f "$ROOT/npm/guest-$t/package.json" ] || die "npm/guest-$t/package.json is missing"
done
start=$SECONDS
# One build at a time: `npm test` and `npm run demo` run this script every time, and may run together.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null; then flock 9; fi
record_toolchain
# Shared steps first, then the images side by side (QuickJS's compile is the long pole).
# python-data is built last, on python's build directory.
rest=()
tests=
for t in "${targets[@]}"; do
  case $t in python-data) data=1 ;; python-tests) tests=1 ;; *) rest+=("$t") ;; esac
done
if [ -n "$data$tests" ]; then [[ " ${rest[*]} " == *" python "* ]] || rest+=(python); fi
targets=("${rest[@]}")
for t in "${targets[@]}"; do [ "$t" = python ] && fetch_debs; done
locate_sources
if [ ${#targets[@]} -eq 1 ]; then
  "build_${targets[0]}"
else
  pids=()
  for t in "${targets[@]}"; do "build_$t" & pids+=($!); done
  failed=0
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { failed=1; printf 'guest: error: the %s image failed\n' "${targets[$i]}" >&2; }; done
  [ $failed = 0 ] || exit 1
fi
[ -z "$data" ] || build_python_data
[ -z "$tests" ] || build_python_tests
say "done in $((SECONDS - start)) s"
