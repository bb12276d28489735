#!/bin/bash
# build-image.sh — builds the boot image of the emulated-KVM test VM used by scripts/vm/run.sh.
#
# Why: the development and CI machines have a /dev/kvm (kvm-pvm) on which Hyperlight guests cannot run. QEMU's
# software emulation (TCG) of an AMD EPYC CPU exposes SVM, Debian's kernel loads kvm_amd inside it, and
# micro-VMs run there. See /work/shared/design/kvm-in-tcg.md.
#
# Output (git-ignored):  .cache/vm/vmlinuz     Debian 12's kernel (the package linux-image-amd64 depends on)
#                        .cache/vm/base.cpio   uncompressed initramfs: static busybox, the kernel modules for
#                                              kvm_amd + virtio-pci + 9p (and their dependencies, resolved from
#                                              modules.dep), /bin/kvm-check (scripts/vm/kvm-check.c), and /init
#                                              (scripts/vm/init.sh)
#                        .cache/vm/stamp       kernel package + version and a hash of the scripts: when it
#                                              matches, the script exits at once ("up to date")
# The image carries no node and no project files: run.sh shares the host's root filesystem over 9p and /init
# chroots into it, so the VM uses the host's node, toolchains and the checkout's node_modules.
#
# Needs root on Debian 12: installs qemu-system-x86, busybox-static, cpio, gcc, libc6-dev with apt-get when
# missing (running `apt-get update` first when the package lists are absent, or again if the install fails).
# The kernel .deb is kept in .cache/vm/debs so a rebuild after a script change needs no download.
# usage: scripts/vm/build-image.sh [--force]          (LCI_VM_DIR overrides the output directory)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${LCI_VM_DIR:-$ROOT/.cache/vm}
FORCE=
[ "${1:-}" = "--force" ] && FORCE=1
export DEBIAN_FRONTEND=noninteractive
say() { echo "[build-image] $*"; }

mkdir -p "$OUT"
# one build at a time (two test runs may start together)
exec 9>"$OUT/.lock"
flock 9

lists_present() { compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; }
apt_update_once() {
  [ -n "${APT_UPDATED:-}" ] && return 0
  say "apt-get update"
  apt-get update -q >/dev/null
  APT_UPDATED=1
}

# --- host tools --------------------------------------------------------------------------------------------
missing=()
for p in qemu-system-x86 busybox-static cpio gcc libc6-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { say "error: missing packages ${missing[*]} and not root"; exit 1; }
  lists_present || apt_update_once
  say "installing ${missing[*]}"
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
    apt_update_once
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# --- up to date? ----------------------------------------------------------------------------------------------
# The kernel candidate can only change with `apt-get update`: while the package lists are older than the stamp
# and the scripts are unchanged, skip asking apt (which takes a couple of seconds).
scripts_hash=$(cat "$HERE/build-image.sh" "$HERE/init.sh" "$HERE/kvm-check.c" | sha256sum | cut -c1-16)
if [ -z "$FORCE" ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/base.cpio" ] && [ -f "$OUT/stamp" ] \
   && grep -q " scripts=$scripts_hash\$" "$OUT/stamp" \
   && [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -newer "$OUT/stamp" -print -quit)" ]; then
  say "up to date ($(cat "$OUT/stamp"))"
  exit 0
fi

# --- which kernel --------------------------------------------------------------------------------------------
lists_present || apt_update_once
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$kpkg" ]; then
  apt_update_once
  kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$kpkg" ] || { say "error: cannot resolve the kernel package of linux-image-amd64"; exit 1; }
kver=$(apt-cache policy "$kpkg" | awk '/Candidate:/ {print $2}')
stamp="kernel=$kpkg version=$kver scripts=$scripts_hash"
if [ -z "$FORCE" ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/base.cpio" ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
  touch "$OUT/stamp"
  say "up to date ($stamp)"
  exit 0
fi

t0=$SECONDS
work=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- kernel + modules ----------------------------------------------------------------------------------------
mkdir -p "$OUT/debs"
deb=$(ls "$OUT/debs/${kpkg}_${kver//:/%3a}_"*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
  say "downloading $kpkg $kver"
  rm -f "$OUT/debs/"*.deb
  (cd "$OUT/debs" && apt-get download -q "$kpkg=$kver" 2>&1 | grep -v "unsandboxed as root" || true)
  deb=$(ls "$OUT/debs/"*.deb 2>/dev/null | head -1 || true)
  [ -n "$deb" ] || { say "error: apt-get download $kpkg=$kver failed"; exit 1; }
fi
say "unpacking $(basename "$deb")"
dpkg -x "$deb" "$work/kernel"
krel=$(ls "$work/kernel/lib/modules")
moddir=$work/kernel/lib/modules/$krel

root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,run,host,modules,lci-job}

# Resolve the modules to load, dependencies first, from each module's own "depends=" entry in its .modinfo
# section (the package has no modules.dep: depmod runs at install time). Modules built into the kernel
# (modules.builtin) need no loading.
declare -A ko_path=() done_mod=()
norm() { local n=${1##*/}; n=${n%%.ko*}; echo "${n//-/_}"; }
while read -r p; do ko_path[$(norm "$p")]=$p; done < <(cd "$moddir" && find kernel -name '*.ko*')
modinfo_depends() {   # $1: .ko path; prints the names it depends on
  local tmp=$work/modinfo.bin
  case $1 in
    *.ko) objcopy -O binary --only-section=.modinfo "$1" "$tmp" ;;
    *.ko.xz) xz -dc "$1" > "$work/m.ko" && objcopy -O binary --only-section=.modinfo "$work/m.ko" "$tmp" ;;
    *.ko.zst) zstd -qdc "$1" > "$work/m.ko" && objcopy -O binary --only-section=.modinfo "$work/m.ko" "$tmp" ;;
  esac
  tr '\0' '\n' < "$tmp" | sed -n 's/^depends=//p' | tr ',' ' '
}
load_order=()
add_module() {   # $1: module name (underscores)
  local name=$1 dep
  [ -n "${done_mod[$name]:-}" ] && return 0
  done_mod[$name]=1
  if [ -z "${ko_path[$name]:-}" ]; then
    grep -q "/${name//_/[-_]}\.ko" "$moddir/modules.builtin" && return 0
    say "error: module $name not found in $krel"; exit 1
  fi
  for dep in $(modinfo_depends "$moddir/${ko_path[$name]}"); do add_module "$(norm "$dep")"; done
  load_order+=("${ko_path[$name]}")
}
for want in kvm_amd virtio_pci 9pnet_virtio 9p; do add_module "$want"; done
for path in "${load_order[@]}"; do
  name=$(norm "$path")
  case $path in
    *.ko) cp "$moddir/$path" "$root/modules/$name.ko" ;;
    *.ko.xz) xz -dc "$moddir/$path" > "$root/modules/$name.ko" ;;
    *.ko.zst) zstd -qdc "$moddir/$path" > "$root/modules/$name.ko" ;;
    *) say "error: unknown module format $path"; exit 1 ;;
  esac
  echo "$name" >> "$root/modules/load-order"
done
say "modules: $(tr '\n' ' ' < "$root/modules/load-order")"

# --- userland: busybox, the KVM check, /init -----------------------------------------------------------------
cp /bin/busybox "$root/bin/busybox"
file -L "$root/bin/busybox" 2>/dev/null | grep -q 'statically linked' || ldd "$root/bin/busybox" 2>&1 | grep -q 'not a dynamic' \
  || { say "error: /bin/busybox is not static (is busybox-static installed?)"; exit 1; }
for applet in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
gcc -O2 -static -Wall -o "$root/bin/kvm-check" "$HERE/kvm-check.c"
install -m 0755 "$HERE/init.sh" "$root/init"

# uncompressed on purpose: TCG unpacks an uncompressed initramfs much faster
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$work/base.cpio"
cp "$work/kernel/boot/vmlinuz-$krel" "$work/vmlinuz"
mv -f "$work/vmlinuz" "$OUT/vmlinuz"
mv -f "$work/base.cpio" "$OUT/base.cpio"
echo "$stamp" > "$OUT/stamp"
say "built $OUT/vmlinuz ($krel) and base.cpio ($(du -k "$OUT/base.cpio" | cut -f1) KiB) in $((SECONDS - t0)) s"
