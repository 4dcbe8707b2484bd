#!/bin/sh
# PID 1 of the guest (busybox): load modules, mount the host root (9p) under a tmpfs overlay,
# share the read-write directories, run the command script in a chroot, report its exit status.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
KV=$(uname -r)
for m in $(cat /modules.load); do
  insmod "/lib/modules/$KV/$m" 2>/tmp/err || grep -q 'File exists' /tmp/err || echo "kvm: insmod $m: $(cat /tmp/err)"
done
SCRIPT=; RW=
for a in $(cat /proc/cmdline); do
  case "$a" in
    kvm.script=*) SCRIPT=${a#kvm.script=} ;;
    kvm.rw=*) RW=${a#kvm.rw=} ;;
  esac
done
fail() { echo "kvm: $*"; echo "KVM_EXIT_CODE=250"; poweroff -f; }
O="trans=virtio,version=9p2000.L,msize=512000"
mkdir -p /lower /rw /host
mount -t 9p -o "$O,ro,cache=loose" hostroot /lower || fail "cannot mount the host root"
mount -t tmpfs -o size=75% tmpfs /rw && mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /host || fail "overlay"
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts /host/dev/shm
ln -sf /proc/self/fd /host/dev/fd
ln -sf /proc/self/fd/0 /host/dev/stdin
ln -sf /proc/self/fd/1 /host/dev/stdout
ln -sf /proc/self/fd/2 /host/dev/stderr
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm
mount -t tmpfs tmpfs /host/run
mount -t tmpfs tmpfs /host/var/tmp
mkdir -p /host/lib/modules && mount -t tmpfs tmpfs /host/lib/modules && mkdir -p "/host/lib/modules/$KV" && mount --bind "/lib/modules/$KV" "/host/lib/modules/$KV"
OLDIFS=$IFS; IFS=,
for e in $RW; do
  tag=${e%%:*}; p=${e#*:}
  mkdir -p "/host$p" 2>/dev/null
  mount -t 9p -o "$O,rw,cache=none" "$tag" "/host$p" || echo "kvm: cannot share $p"
done
IFS=$OLDIFS
ip link set lo up
echo "KVM_READY uptime=$(cut -d' ' -f1 /proc/uptime)"
chroot /host /bin/bash "$SCRIPT"
rc=$?
sync
echo "KVM_EXIT_CODE=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
poweroff -f
