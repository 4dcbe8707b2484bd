#!/bin/bash
# Builds $KVM_WORK/initramfs.cpio.gz: busybox-static, the guest init, and the kernel modules the
# tests need (virtio, 9p, overlay, wireguard and its crypto, veth, tun) with their dependencies.
set -euo pipefail
W=${KVM_WORK:?}
HERE=$(cd "$(dirname "$0")" && pwd)
KV=$(ls "$W/kroot/lib/modules" | head -1)
R=$W/initramfs.d
rm -rf "$R"
mkdir -p "$R"/{bin,sbin,proc,sys,dev,tmp,lib/modules/"$KV"}
cp "$W/bb/bin/busybox" "$R/bin/busybox"
for a in $("$R/bin/busybox" --list); do [ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"; done
ln -sf ../bin/busybox "$R/sbin/modprobe"
cp "$HERE/init.sh" "$R/init"
chmod +x "$R/init"
: > "$R/modules.load"
for m in virtio_pci 9pnet_virtio 9p overlay virtio_rng wireguard veth tun; do
  modprobe -d "$W/kroot" -S "$KV" --show-depends "$m" | awk '$1=="insmod"{print $2}' |
  while read -r f; do
    rel=${f#"$W/kroot/lib/modules/$KV/"}
    if ! grep -qxF "$rel" "$R/modules.load"; then
      echo "$rel" >> "$R/modules.load"
      mkdir -p "$R/lib/modules/$KV/$(dirname "$rel")"
      cp "$f" "$R/lib/modules/$KV/$rel"
    fi
  done
done
cp "$W/kroot/lib/modules/$KV"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$KV/"
depmod -b "$R" "$KV"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$W/initramfs.cpio.gz"
