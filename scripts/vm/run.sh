#!/bin/bash
# run.sh — runs one command inside the emulated-KVM test VM, where /dev/kvm can run Hyperlight micro-VMs.
#
# usage: scripts/vm/run.sh [-m MEM] [-c CPUS] [-t TIMEOUT_S] -- CMD [ARGS...]
#   -m  guest memory (QEMU syntax)       default 8G   (or $LCI_VM_MEM): room for the tests' snapshot directory,
#                                        which is on the VM's tmpfs (the data image's entry is ~0.9 GiB)
#   -c  guest vCPUs                       default 2    (or $LCI_VM_CPUS)
#   -t  wall-clock limit in seconds       default 3600 (or $LCI_VM_TIMEOUT)
#
# How: QEMU TCG (-accel tcg,thread=multi -cpu EPYC, an emulated AMD CPU with SVM) boots .cache/vm/vmlinuz with
# .cache/vm/base.cpio plus a small second cpio archive carrying the job (built here: the kernel unpacks both).
# The host's root filesystem is shared read-write over 9p; the VM's /init (scripts/vm/init.sh) chroots into it,
# so CMD runs in the caller's current directory with the host's node, toolchains and node_modules. /tmp and
# /run inside the VM are private tmpfs (unless the current directory is under /tmp: then the host's /tmp is
# shared, with a note). The image is built first (scripts/vm/build-image.sh) when missing or stale.
#
# Environment: CMD sees only PATH, HOME, CI, every LCI_* and VITEST* variable of the caller, and LCI_IN_VM=1.
# No TERM (the output is a stream) and no stdin.
# Output: the guest's serial console, streamed, without QEMU's "TCG doesn't support requested feature" noise;
# lines starting with "[vm]" are this script's (boot time, exit, wall time).
# Exit status: CMD's; 125 when the VM reported none (boot failure, /dev/kvm unusable, timeout, QEMU error).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
IMG=${LCI_VM_DIR:-$ROOT/.cache/vm}
MEM=${LCI_VM_MEM:-8G} CPUS=${LCI_VM_CPUS:-2} TMO=${LCI_VM_TIMEOUT:-3600}

usage() { sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 125; }
while getopts m:c:t:h opt; do
  case $opt in
    m) MEM=$OPTARG ;;
    c) CPUS=$OPTARG ;;
    t) TMO=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || usage

vm() { echo "[vm] $*" >&2; }
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

bash "$HERE/build-image.sh" >&2 || { vm "error: building the VM image failed"; exit 125; }

# POSIX single-quoting (the job runs under the host's /bin/sh, which may be dash)
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

cwd=$(pwd -P)
host_tmp=0
case $cwd/ in
  /tmp/*) host_tmp=1; vm "note: the current directory is under /tmp, so the VM shares the host's /tmp" ;;
esac

work=$(mktemp -d)
qemu_pid=
cleanup() {
  [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'vm "interrupted"; exit 125' INT TERM HUP

nonce=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
mkdir -p "$work/job/lci-job"
printf 'nonce=%s\nhost_tmp=%s\n' "$nonce" "$host_tmp" > "$work/job/lci-job/config"
{
  echo "cd $(q "$cwd") || { echo \"[lci-vm] cannot enter $cwd\" >&2; exit 126; }"
  for name in $(compgen -e); do
    case $name in
      PATH | HOME | CI | LCI_* | VITEST*) echo "export $name=$(q "${!name}")" ;;
    esac
  done
  echo "export LCI_IN_VM=1"
  printf 'exec'
  for arg in "$@"; do printf ' %s' "$(q "$arg")"; done
  echo
} > "$work/job/lci-job/job.sh"
(cd "$work/job" && find . | cpio -o -H newc --quiet -R 0:0) > "$work/job.cpio"
cat "$IMG/base.cpio" "$work/job.cpio" > "$work/initrd.cpio"

mkfifo "$work/console"
t_start=$(now)
cmdline=$(printf '%s ' "$@" | tr '\n' ' ')
[ ${#cmdline} -gt 120 ] && cmdline="${cmdline:0:117}..."
vm "booting (TCG, -cpu EPYC, $CPUS vCPUs, $MEM, limit ${TMO}s): $cmdline"
# explicit exec in a subshell without our traps: $! is then timeout's own pid (bash would otherwise keep a
# forked shell in between, and a TERM sent to it would leave QEMU running)
( trap - EXIT INT TERM HUP; exec timeout -k 10 "$TMO" qemu-system-x86_64 \
  -accel tcg,thread=multi -cpu EPYC -smp "$CPUS" -m "$MEM" \
  -nodefaults -no-user-config -display none -serial stdio -no-reboot \
  -kernel "$IMG/vmlinuz" -initrd "$work/initrd.cpio" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1" \
  -virtfs "local,path=/,mount_tag=hostroot,security_model=none,multidevs=remap" \
  ) </dev/null >"$work/console" 2>&1 &
qemu_pid=$!

status= t_job=
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%$'\r'}
  case $line in
    *"TCG doesn't support requested feature"* | *"] reboot: Power down") ;;
    *"LCI-VM-START:$nonce"*)
      [ -n "${line%%LCI-VM-START:*}" ] && printf '%s\n' "${line%%LCI-VM-START:*}"
      t_job=$(now)
      vm "booted in $(elapsed "$t_start") s" ;;
    *"LCI-VM-EXIT:$nonce:"*)
      [ -n "${line%%LCI-VM-EXIT:*}" ] && printf '%s\n' "${line%%LCI-VM-EXIT:*}"
      status=${line##*"LCI-VM-EXIT:$nonce:"}
      status=${status%%[!0-9]*} ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$work/console"
wait "$qemu_pid"
qemu_rc=$?
qemu_pid=

if [ -z "$status" ]; then
  if [ "$qemu_rc" = 124 ]; then
    vm "error: timed out after ${TMO}s"
  else
    vm "error: the VM reported no exit status (QEMU exit $qemu_rc)"
  fi
  vm "wall time $(elapsed "$t_start") s"
  exit 125
fi
vm "exit $status; command $( [ -n "$t_job" ] && elapsed "$t_job" || echo '?') s, wall $(elapsed "$t_start") s"
exit "$status"
