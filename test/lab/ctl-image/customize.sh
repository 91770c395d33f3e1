#!/bin/sh
# mmdebstrap --customize-hook for the systemd controller image (lab.sh builds it; lab.md §4.1).
# $1 = the rootfs being built; runs on the host as root. DOCKER_GID comes from the environment.
# No client key goes into the image: lab.sh copies the authorized keys into every new container
# (/etc/ssh/lab_authorized_keys/<user>), so a cached image keeps working when $LAB_DIR's keys change.
set -e
R="$1"
: "${DOCKER_GID:?DOCKER_GID must be set}"

for u in mxrc mxrc-nosudo mxrcpw; do
  chroot "$R" useradd -m -s /bin/bash "$u"
  chroot "$R" usermod -p '*' "$u"            # '!' (locked) would make sshd refuse even key logins
done
# same GID as the host's docker group, so mxrc can use the bind-mounted lab docker socket
chroot "$R" groupadd -o -g "$DOCKER_GID" docker
chroot "$R" usermod -aG docker mxrc
echo 'mxrc ALL=(root) NOPASSWD: ALL' > "$R/etc/sudoers.d/mxrc"
chmod 0440 "$R/etc/sudoers.d/mxrc"
install -d -m 0755 "$R/etc/ssh/lab_authorized_keys"
# Ubuntu's /etc/environment (read by pam_env): SSH sessions on a controller find sysctl, ip, … in sbin
echo 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games"' > "$R/etc/environment"

# A complete sshd_config instead of a drop-in: the password Match block must come last, and blocks in
# Include'd files would swallow the rest of Debian's file. The port arrives at run time in
# sshd_config.d/10-port.conf, so the image does not depend on it.
cat > "$R/etc/ssh/sshd_config" <<'CFG'
Include /etc/ssh/sshd_config.d/*.conf
# --network host: the container's sshd listens in the host's network namespace
ListenAddress 127.0.0.1
PermitRootLogin no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/lab_authorized_keys/%u
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM yes
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
X11Forwarding no
PrintMotd no
MaxStartups 50:30:100
MaxSessions 50
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
Match User mxrcpw
	PasswordAuthentication yes
CFG
