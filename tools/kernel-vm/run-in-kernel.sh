#!/bin/bash
# Runs a command inside a QEMU guest booting Debian's own kernel (see README.md here).
#   run-in-kernel.sh [--rw DIR]... -- COMMAND [ARGS...]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
W=${KVM_WORK:-$HOME/.cache/clusternet-kernel-vm}
export KVM_WORK=$W
RW_DIRS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rw) RW_DIRS+=("$(realpath "$2")"); shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--rw DIR]... -- COMMAND [ARGS...]" >&2; exit 2; }
[ ${#RW_DIRS[@]} -gt 0 ] || RW_DIRS=("$(pwd -P)")
log() { echo "[kernel-vm] $*" >&2; }
APT=(apt-get -o DPkg::Lock::Timeout=600 -q)

if ! command -v qemu-system-x86_64 >/dev/null || ! command -v cpio >/dev/null ||
   ! command -v depmod >/dev/null; then
  log "installing qemu-system-x86, cpio and kmod"
  "${APT[@]}" install -y --no-install-recommends qemu-system-x86 cpio kmod >/dev/null 2>&1 ||
    { "${APT[@]}" update >/dev/null; "${APT[@]}" install -y --no-install-recommends qemu-system-x86 cpio kmod >/dev/null; }
fi
mkdir -p "$W"
if [ ! -f "$W/kroot/.done" ] || [ ! -f "$W/bb/.done" ]; then
  log "fetching Debian's kernel and busybox-static into $W (nothing goes into /boot)"
  rm -rf "$W/debs" "$W/kroot" "$W/bb"
  mkdir -p "$W/debs" "$W/kroot" "$W/bb"
  fetch() {
    local kpkg
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    [ -n "$kpkg" ] && (cd "$W/debs" && apt-get download -q "$kpkg" busybox-static >/dev/null 2>&1)
  }
  fetch || { "${APT[@]}" update >/dev/null; fetch; }
  dpkg-deb -x "$W"/debs/linux-image-*.deb "$W/kroot"
  dpkg-deb -x "$W"/debs/busybox-static*.deb "$W/bb"
  depmod -b "$W/kroot" "$(ls "$W/kroot/lib/modules" | head -1)"
  touch "$W/kroot/.done" "$W/bb/.done"
  rm -f "$W/initramfs.cpio.gz"
fi
if [ ! -f "$W/initramfs.cpio.gz" ] || [ "$HERE/init.sh" -nt "$W/initramfs.cpio.gz" ] ||
   [ "$HERE/build-initramfs.sh" -nt "$W/initramfs.cpio.gz" ]; then
  log "building the initramfs"
  "$HERE/build-initramfs.sh"
fi
KV=$(ls "$W/kroot/lib/modules" | head -1)

T=$(mktemp -d /tmp/kernel-vm.XXXXXX)
trap 'rm -rf "$T"' EXIT
{
  echo "cd $(printf '%q' "$(pwd -P)") || exit 121"
  for v in PATH JAVA_HOME HOME LANG CI ${KVM_ENV:-}; do
    [ -n "${!v+x}" ] && echo "export $v=$(printf '%q' "${!v}")"
  done
  printf '%q ' "$@"
  echo
} > "$T/cmd.sh"
Q=(-accel tcg,thread=multi -cpu max -smp 1 -m "${KVM_MEM:-2048}"
   -nographic -no-reboot -nic none -device virtio-rng-pci
   -kernel "$W/kroot/boot/vmlinuz-$KV" -initrd "$W/initramfs.cpio.gz"
   -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
   -virtfs "local,path=$T,mount_tag=kvmio,security_model=none")
SPEC="kvmio:$T"
i=0
for d in "${RW_DIRS[@]}"; do
  Q+=(-virtfs "local,path=$d,mount_tag=rw$i,security_model=none,multidevs=remap")
  SPEC+=",rw$i:$d"
  i=$((i + 1))
done
start=$(date +%s)
set +e
timeout "${KVM_TIMEOUT:-1200}" qemu-system-x86_64 "${Q[@]}" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 kvm.script=$T/cmd.sh kvm.rw=$SPEC" </dev/null 2>&1 |
  tee "$T/console.log" | sed -u -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' \
    -e '/^SeaBIOS\|^Booting from ROM\|reboot: Power down\|^KVM_READY\|^KVM_EXIT_CODE/d' -e '/^\s*$/d'
set -e
line=$(grep -a -o 'KVM_EXIT_CODE=[0-9]*' "$T/console.log" | tail -1 || true)
if [ -z "$line" ]; then
  log "the guest died or timed out after $(( $(date +%s) - start )) s"
  exit 125
fi
rc=${line#KVM_EXIT_CODE=}
log "guest command exited $rc after $(( $(date +%s) - start )) s"
exit "$rc"
