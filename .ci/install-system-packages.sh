#!/bin/bash
# Debian packages needed by the controller lab (test/lab/lab.sh) and the browser/report tests.
# A fresh machine has none of them, so CI and `lab.sh up` call this; when everything is present it is a
# dpkg query and nothing else (no apt-get update, no network).
set -euo pipefail

PKGS=(
  openssh-server openssh-client busybox-static rt-tests stress-ng rtla docker.io mmdebstrap
  chromium xvfb poppler-utils curl iproute2
  fonts-dejavu-core fonts-noto-cjk xauth sudo
  # the real OpenSSH client can only do password logins non-interactively through sshpass (lab password tests)
  sshpass
  # systemd-analyze verifies rendered unit files in the unit tests (systemd is not PID 1 here; only its tools run)
  systemd
)

missing=()
# one dpkg-query for all packages; unknown packages print nothing, so compare against the list
installed=$( (dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PKGS[@]}" 2>/dev/null || true) | awk '$2 == "installed" {print $1}')
for p in "${PKGS[@]}"; do
  grep -qxF "$p" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-packages: missing ${missing[*]} (run as root to install them)" >&2
  exit 1
fi

echo "install-system-packages: installing ${missing[*]}" >&2
# Without systemd, package scripts would start a system-wide sshd on port 22 and a system dockerd through
# sysvinit scripts; the lab starts its own instances, so forbid service starts while we install.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
