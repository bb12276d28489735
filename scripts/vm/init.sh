#!/bin/sh
# init.sh — /init (PID 1, busybox sh) of the emulated-KVM test VM; built into .cache/vm/base.cpio by
# scripts/vm/build-image.sh, driven by scripts/vm/run.sh.
#
# 1. mounts proc, sysfs, devtmpfs; loads the modules listed in /modules/load-order (kvm_amd, virtio-pci, 9p)
# 2. brings up lo, with 10.99.0.1/32 besides 127.0.0.1 (a non-loopback address to serve test guests from);
#    checks /dev/kvm: it must exist and /bin/kvm-check must run a tiny guest on it
# 3. mounts the host's root filesystem (QEMU -virtfs, 9p tag "hostroot") at /host; binds this VM's /dev, /proc,
#    /sys into it (so /dev/kvm is the VM's); mounts fresh tmpfs on /host/run and, unless the job asks to share
#    the host's /tmp, on /host/tmp (faster than 9p and leaves the host's /tmp alone)
# 4. runs the job chrooted in /host: /lci-job/job.sh (written by run.sh, appended to the initramfs as a second
#    cpio archive) cds to the caller's directory, exports the chosen variables and execs the command, with an
#    empty environment otherwise, stdin /dev/null, stdout+stderr through a pipe (not a tty)
# 5. prints "LCI-VM-EXIT:<nonce>:<status>" on the serial console and powers off.
# Any failure before the job runs prints "[lci-vm] error: ..." and powers off WITHOUT the exit marker, so run.sh
# reports 125. /lci-job/config sets: nonce (hex), host_tmp (0|1).
export PATH=/bin
log() { echo "[lci-vm] $*"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
halt() { sync; poweroff -f; sleep 5; }
die() { log "error: $*"; halt; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

nonce=none host_tmp=0
[ -f /lci-job/config ] && . /lci-job/config
[ -f /lci-job/job.sh ] || die "no job in the initramfs (/lci-job/job.sh)"

while read -r mod; do
  insmod "/modules/$mod.ko" || die "insmod $mod failed"
done < /modules/load-order

# The loopback interface, up as on any machine, with one more address that is not loopback: the engine refuses
# loopback under every network allow list, so tests serve the guests they allow from 10.99.0.1.
ip link set lo up || die "cannot bring up lo"
ip addr add 10.99.0.1/32 dev lo || die "cannot add 10.99.0.1 to lo"

[ -c /dev/kvm ] || die "/dev/kvm is missing after loading kvm_amd (does the emulated CPU have SVM? use -cpu EPYC)"
/bin/kvm-check || die "/dev/kvm cannot run a guest"

mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /host \
  || die "cannot mount the host's root filesystem (9p tag hostroot)"
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount --rbind /dev /host/dev || die "cannot bind /dev into the host root"
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t tmpfs -o mode=0755 run /host/run || die "cannot mount tmpfs on /host/run"
if [ "$host_tmp" != 1 ]; then
  mount -t tmpfs -o mode=1777 tmp /host/tmp || die "cannot mount tmpfs on /host/tmp"
fi
mkdir -p /host/run/lci-vm
cp /lci-job/job.sh /bin/kvm-check /host/run/lci-vm/

log "ready after $(uptime_s) s of guest time; running the job"
echo "LCI-VM-START:$nonce"
# the pipe through cat: the job's output is a stream, not the console tty (no interactive reporters)
{ env -i /bin/chroot /host /bin/sh /run/lci-vm/job.sh </dev/null 2>&1; echo $? > /lci-job/status; } | cat
status=$(cat /lci-job/status 2>/dev/null)

sync
umount /host/tmp /host/run /host/sys /host/proc 2>/dev/null
umount -l /host/dev 2>/dev/null
umount /host 2>/dev/null || { sync; umount -l /host; }
echo "LCI-VM-EXIT:$nonce:${status:-125}"
halt
