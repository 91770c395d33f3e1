#!/bin/sh
# Fake RT controller: applies a mount plan (made by profile-plan.mjs) and execs sshd in the foreground.
# Started by lab.sh as
#   LAB_DIR=… unshare -m -u --propagation private fake-controller.sh <mounts.plan> <sshd_config> <sshd.log>
# so every mount lives only in this private mount namespace and disappears when sshd exits; the host and
# the other lab sshds keep their real /proc and /sys.
set -eu
: "${LAB_DIR:?set LAB_DIR}"
plan=$1 config=$2 log=$3

# This namespace started as a copy of the host's mount table, including the lab dockerd's mounts. Drop
# our copies (innermost first) so the fake does not pin them and shows no docker internals.
grep -F " $LAB_DIR/docker-" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
  umount -l "$m" 2>/dev/null || true
done

while read -r kind a b c; do
  case "$kind" in
    ''|'#'*) ;;
    hostname) hostname "$a" ;;
    # a fresh cgroup2 mount makes `stat -fc %T /sys/fs/cgroup` say cgroup2fs, as on Ubuntu 24.04
    cgroup2) mount -t cgroup2 none /sys/fs/cgroup ;;
    overlay) mount -t overlay overlay -o "lowerdir=$a,upperdir=$b,workdir=$c" "$a" ;;
    bind)
      [ -e "$b" ] || { echo "fake-controller: $b does not exist; a bind mount cannot create it" >&2; exit 1; }
      mount --bind "$a" "$b" ;;
    irq)
      # IRQ numbers differ between hosts, so the affinity of every IRQ this host has is faked
      for d in /proc/irq/[0-9]*; do
        for f in smp_affinity_list effective_affinity_list; do
          if [ -e "$d/$f" ]; then mount --bind "$a" "$d/$f"; fi
        done
        for f in smp_affinity effective_affinity; do
          if [ -e "$d/$f" ]; then mount --bind "$b" "$d/$f"; fi
        done
      done ;;
    *) echo "fake-controller: unknown plan line: $kind $a" >&2; exit 1 ;;
  esac
done < "$plan"

exec /usr/sbin/sshd -D -f "$config" -E "$log"
