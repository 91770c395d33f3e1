#!/bin/bash
# MXRC controller lab: real counterparts for mxrc-commissioner on 127.0.0.1 (recipes: shared/reference/lab.md).
#
#   bash test/lab/lab.sh up       start or repair the lab, write $LAB_DIR/lab.json, print it
#   bash test/lab/lab.sh down     stop everything the lab started; keys, images and caches stay
#   bash test/lab/lab.sh status   one line per component; exit 0 only when all are healthy
#
# Root only (users, mounts, dockerd). LAB_DIR = $MXRC_LAB_DIR or /srv/mxrc-lab; the systemd controller rootfs
# is cached in $MXRC_LAB_CACHE or /var/cache/mxrc-lab. test/lab/README.md describes the components.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB_DIR=${MXRC_LAB_DIR:-/srv/mxrc-lab}
CACHE_DIR=${MXRC_LAB_CACHE:-/var/cache/mxrc-lab}
export LAB_DIR

SSH_DIR=$LAB_DIR/ssh
RUN=$LAB_DIR/run
DOCKER_SOCK=$LAB_DIR/docker.sock
CONTAINERD_PID=$LAB_DIR/docker-exec/containerd/containerd.pid
DOCKER=(docker -H "unix://$DOCKER_SOCK")
LAB_JSON=$LAB_DIR/lab.json
PASSWORD_FILE=$CACHE_DIR/mxrcpw.password
HOST=127.0.0.1

CTL_NAME=ctl-sd
CTL_SUITE=bookworm
CTL_PACKAGES=systemd,systemd-sysv,dbus,openssh-server,sudo,rt-tests,stress-ng,procps,iproute2,curl,util-linux
CTL_RT_CORES=1            # this machine has CPUs 0 and 1 only
CTL_HK_CORES=0
BUSYBOX_TAG=mxrc/busybox:lab

T0=$SECONDS
log() { printf '[lab %3ss] %s\n' "$((SECONDS - T0))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------------
# helpers

# A pid file only counts if its process is alive and mentions $LAB_DIR on its command line: pids get reused,
# and we must never signal a process that the lab did not start.
pid_alive() {
  local f=$1 pid
  [ -s "$f" ] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  case "$(ps -o stat= -p "$pid" 2>/dev/null || true)" in '' | Z*) return 1 ;; esac
  mentions_lab_dir "$pid"
}

# every lab process names a file below LAB_DIR; the slash keeps /srv/mxrc-lab2 from matching /srv/mxrc-lab
mentions_lab_dir() { [[ "$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" == *"$LAB_DIR/"* ]]; }

gone() { case "$(ps -o stat= -p "$1" 2>/dev/null || true)" in '' | Z*) return 0 ;; *) return 1 ;; esac; }

descendants() {
  local c
  for c in $(pgrep -P "$1" || true); do
    echo "$c"
    descendants "$c"
  done
}

# TERM the process of pid file $1 and wait until it is gone (a zombie counts as gone), KILL after 20 s.
# With "tree", all its descendants go too: the sessions of an sshd listener (and the commands they run)
# would otherwise outlive it and, for a fake controller, keep its mount namespace alive.
stop_pid() {
  local f=$1 pid p procs
  if pid_alive "$f"; then
    pid=$(<"$f")
    procs=$pid
    [ "${2:-}" != tree ] || procs="$procs $(descendants "$pid" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one argument per pid
    kill -TERM $procs 2>/dev/null || true
    local limit=20 # the daemon itself; its session processes get 5 s each
    for p in $procs; do
      wait_for "$limit" "pid $p ($f) to exit" gone "$p" ||
        { kill -KILL "$p" 2>/dev/null || true; wait_for 5 "pid $p to die" gone "$p"; } ||
        die "pid $p ($f) did not stop"
      limit=5
    done
  fi
  rm -f "$f"
}

# poll a condition: wait_for <seconds> <what> <command...>
wait_for() {
  local limit=$1 what=$2
  shift 2
  local end=$((SECONDS + limit))
  until "$@"; do
    if [ "$SECONDS" -ge "$end" ]; then
      log "timed out after ${limit}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

# Ports are picked below the kernel's ephemeral range (32768+) so client sockets cannot collide with them;
# ALLOCATED covers ports chosen in this run whose server is not listening yet.
ALLOCATED=' '
FREE_PORT=
free_port() {
  local p
  for _ in $(seq 500); do
    p=$((20000 + RANDOM % 12000))
    case "$ALLOCATED" in *" $p "*) continue ;; esac
    if [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
      ALLOCATED="$ALLOCATED$p "
      FREE_PORT=$p
      return 0
    fi
  done
  die "no free TCP port found"
}

# Restarting a server (new config, dead process) keeps its old port when that is still free, so clients
# holding an older lab.json keep working.
reuse_or_free_port() {
  local old=$1
  if [[ $old =~ ^[0-9]+$ ]] && [ -z "$(ss -Hltn "sport = :$old" 2>/dev/null)" ]; then
    case "$ALLOCATED" in *" $old "*) ;; *)
      ALLOCATED="$ALLOCATED$old "
      FREE_PORT=$old
      return 0
      ;;
    esac
  fi
  free_port
}

# an SSH server answers with its version banner before any authentication
ssh_ready() {
  local banner
  # shellcheck disable=SC2016 # $1 belongs to the inner bash
  banner=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && head -c 4 <&3' _ "$1" 2>/dev/null) || return 1
  [ "$banner" = "SSH-" ]
}

docker_ping() { curl -sf --max-time 2 --unix-socket "$DOCKER_SOCK" http://d/_ping >/dev/null 2>&1; }

read_file() { cat "$1" 2>/dev/null || true; }
pubkey_of() { cut -d' ' -f1,2 "$1"; }
fingerprint_of() { ssh-keygen -lf "$1" | awk '{print $2}'; }
random_secret() { od -An -tx1 -N12 /dev/urandom | tr -d ' \n'; }
jstr() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

require_root() { [ "$(id -u)" -eq 0 ] || die "lab.sh needs root (users, mounts, dockerd)"; }

check_lab_dir() {
  [[ $LAB_DIR =~ ^/[A-Za-z0-9._/-]+$ ]] || die "LAB_DIR must be an absolute path of [A-Za-z0-9._/-]: $LAB_DIR"
  [[ $CACHE_DIR =~ ^/[A-Za-z0-9._/-]+$ ]] || die "MXRC_LAB_CACHE must be an absolute path of [A-Za-z0-9._/-]: $CACHE_DIR"
  # dockerd and containerd put UNIX sockets ~45 characters below LAB_DIR; sun_path holds 108 bytes
  [ ${#LAB_DIR} -le 60 ] || die "LAB_DIR is too long for UNIX socket paths (max 60 characters): $LAB_DIR"
}

# Serialises up/down of one LAB_DIR (test processes call ensureLab concurrently). Every daemon is started
# with `8>&- 9>&-`: a daemon that inherited a lock descriptor would hold the lock for as long as it runs.
lock_lab() {
  mkdir -p "$LAB_DIR"
  chmod 755 "$LAB_DIR"
  exec 9>"$LAB_DIR/.lock"
  flock -w 1800 9 || die "could not lock $LAB_DIR/.lock"
}

# Mirror of the host's APT sources (the stanza or deb line that carries the plain release suite).
debian_mirror() {
  local uri='' f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$CTL_SUITE" '
      BEGIN { RS = "" }
      {
        u = ""; ok = 0; n = split($0, lines, "\n")
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^URIs:/) { split(lines[i], w, /[ \t]+/); u = w[2] }
          if (lines[i] ~ /^Suites:/) { m = split(lines[i], s, /[ \t]+/); for (j = 2; j <= m; j++) if (s[j] == suite) ok = 1 }
        }
        if (ok && u != "") { print u; exit }
      }' "$f")
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk -v suite="$CTL_SUITE" '$1 == "deb" { for (i = 2; i < NF; i++) if ($i ~ /^[a-z+]+:\/\// && $(i + 1) == suite) { print $i; exit } }')
  fi
  [ -n "$uri" ] || return 1
  printf '%s\n' "$uri"
}

# ---------------------------------------------------------------------------------------------------------
# keys and users (shared by the host sshd, the fake controllers and the systemd controller)

ensure_keys() {
  mkdir -p "$SSH_DIR" "$RUN"
  chmod 755 "$SSH_DIR"
  [ -f "$SSH_DIR/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C mxrc-lab-host -f "$SSH_DIR/ssh_host_ed25519_key"
  [ -f "$SSH_DIR/mxrc_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C mxrc-test -f "$SSH_DIR/mxrc_ed25519"
  if [ ! -f "$SSH_DIR/mxrc_ed25519_enc" ] || [ ! -s "$SSH_DIR/mxrc_ed25519_enc.passphrase" ]; then
    rm -f "$SSH_DIR/mxrc_ed25519_enc" "$SSH_DIR/mxrc_ed25519_enc.pub"
    (umask 077 && random_secret >"$SSH_DIR/mxrc_ed25519_enc.passphrase")
    ssh-keygen -q -t ed25519 -N "$(<"$SSH_DIR/mxrc_ed25519_enc.passphrase")" -C mxrc-test-encrypted -f "$SSH_DIR/mxrc_ed25519_enc"
  fi
  # /etc/shadow is one per machine, so labs in other LAB_DIRs must agree on mxrcpw's password
  mkdir -p "$CACHE_DIR"
  [ -s "$PASSWORD_FILE" ] || (umask 077 && random_secret >"$PASSWORD_FILE")
  # Every lab sshd accepts both client keys for the key users, from a file in LAB_DIR rather than
  # ~/.ssh/authorized_keys: the host users are shared, and a second lab must not lock out the first.
  cat "$SSH_DIR/mxrc_ed25519.pub" "$SSH_DIR/mxrc_ed25519_enc.pub" >"$RUN/authorized_keys"
  install -d -m755 "$SSH_DIR/authorized_keys"
  install -m644 "$RUN/authorized_keys" "$SSH_DIR/authorized_keys/mxrc"
  install -m644 "$RUN/authorized_keys" "$SSH_DIR/authorized_keys/mxrc-nosudo"
}

ensure_user() {
  local u=$1
  id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u"
}

ensure_host_users() {
  local u home
  getent group docker >/dev/null || groupadd -r docker
  ensure_user mxrc
  ensure_user mxrc-nosudo
  ensure_user mxrcpw
  # with UsePAM no, sshd refuses a locked ('!') account even for key logins; '*' = no password, not locked
  for u in mxrc mxrc-nosudo; do
    [ "$(getent shadow "$u" | cut -d: -f2)" = '*' ] || usermod -p '*' "$u"
  done
  [[ " $(id -nG mxrc) " == *" docker "* ]] || usermod -aG docker mxrc
  printf 'mxrcpw:%s\n' "$(<"$PASSWORD_FILE")" | chpasswd
  # ~/.ssh stays the users' own (tests may install keys there); it just has to exist
  for u in mxrc mxrc-nosudo; do
    home=$(getent passwd "$u" | cut -d: -f6)
    [ -d "$home/.ssh" ] || install -d -m700 -o "$u" -g "$u" "$home/.ssh"
  done
}

# ---------------------------------------------------------------------------------------------------------
# sshd on the host (a), also the template for the fake controllers (e)

# Only the first SetEnv line counts. DOCKER_HOST is for docker-modem's `protocol: 'ssh'` (lab.md §2.2); PATH is
# Ubuntu's /etc/environment, which has the sbin directories (sysctl, ip) that a Debian session lacks.
SESSION_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games
sshd_config_text() {
  local port=$1 pidfile=$2
  cat <<CFG
Port $port
ListenAddress $HOST
HostKey $SSH_DIR/ssh_host_ed25519_key
PidFile $pidfile
AuthorizedKeysFile .ssh/authorized_keys $SSH_DIR/authorized_keys/%u
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
X11Forwarding no
PrintMotd no
MaxStartups 50:30:100
MaxSessions 50
LogLevel VERBOSE
Subsystem sftp internal-sftp
SetEnv DOCKER_HOST=unix://$DOCKER_SOCK PATH=$SESSION_PATH
Match User mxrcpw
	PasswordAuthentication yes
CFG
}

SSH_PORT=
ensure_sshd() {
  local cfg=$SSH_DIR/sshd_config pidf=$SSH_DIR/sshd.pid port
  port=$(read_file "$RUN/sshd.port")
  if [ -n "$port" ] && pid_alive "$pidf" && ssh_ready "$port" &&
    [ "$(sshd_config_text "$port" "$pidf")" = "$(read_file "$cfg")" ]; then
    SSH_PORT=$port
    log "sshd: running on $HOST:$port (pid $(<"$pidf"))"
    return
  fi
  stop_pid "$pidf"
  mkdir -p /run/sshd # privilege separation directory; sshd refuses to start without it
  reuse_or_free_port "$port"
  port=$FREE_PORT
  sshd_config_text "$port" "$pidf" >"$cfg"
  /usr/sbin/sshd -t -f "$cfg"
  /usr/sbin/sshd -f "$cfg" -E "$SSH_DIR/sshd.log" </dev/null 8>&- 9>&-
  wait_for 10 "sshd on port $port" ssh_ready "$port" || die "sshd did not start, see $SSH_DIR/sshd.log"
  wait_for 5 "sshd pid file" pid_alive "$pidf" || die "sshd wrote no pid file"
  echo "$port" >"$RUN/sshd.port"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$RUN/started-at"
  SSH_PORT=$port
  log "sshd: started on $HOST:$port (pid $(<"$pidf"))"
}

# ---------------------------------------------------------------------------------------------------------
# ssh-agent (b)

AGENT_SOCK=$LAB_DIR/agent.sock
agent_ok() {
  pid_alive "$RUN/ssh-agent.pid" || return 1
  local rc=0
  SSH_AUTH_SOCK=$AGENT_SOCK ssh-add -l >/dev/null 2>&1 || rc=$?
  [ "$rc" -le 1 ] # 1 = agent reachable but empty
}

ensure_agent() {
  if ! agent_ok; then
    stop_pid "$RUN/ssh-agent.pid"
    rm -f "$AGENT_SOCK"
    local out
    out=$(ssh-agent -a "$AGENT_SOCK" -s </dev/null 8>&- 9>&-)
    sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$out" >"$RUN/ssh-agent.pid"
    agent_ok || die "ssh-agent did not start"
    log "ssh-agent: started (pid $(<"$RUN/ssh-agent.pid"))"
  else
    log "ssh-agent: running (pid $(<"$RUN/ssh-agent.pid"))"
  fi
  local fp
  fp=$(fingerprint_of "$SSH_DIR/mxrc_ed25519.pub")
  SSH_AUTH_SOCK=$AGENT_SOCK ssh-add -l 2>/dev/null | grep -qF "$fp" ||
    SSH_AUTH_SOCK=$AGENT_SOCK ssh-add -q "$SSH_DIR/mxrc_ed25519" </dev/null
}

# ---------------------------------------------------------------------------------------------------------
# dockerd (c)

# A dockerd that died (kill -9) leaves its two mounts behind (lab.md §10); a new dockerd would stack new ones.
unmount_lab_mounts() {
  local m
  # shellcheck disable=SC2013 # mount points below LAB_DIR have no blanks (check_lab_dir)
  for m in $(awk -v d="$LAB_DIR/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done
}

ensure_dockerd() {
  if pid_alive "$LAB_DIR/dockerd.pid" && docker_ping; then
    log "dockerd: running (pid $(<"$LAB_DIR/dockerd.pid"))"
    return
  fi
  stop_pid "$LAB_DIR/dockerd.pid"
  # Right after a dockerd crash its containerd may still be exiting; a new dockerd that finds it "still
  # running" waits for it instead of starting its own and gives up after a while.
  stop_pid "$CONTAINERD_PID"
  unmount_lab_mounts
  rm -f "$DOCKER_SOCK"
  mkdir -p "$LAB_DIR/docker-data" "$LAB_DIR/docker-exec"
  # exactly the flags of lab.md §3.1: own roots, no bridge/NAT/iptables, vfs, cgroupfs, an RT budget for ctl-sd.
  # setsid: a Ctrl-C in the terminal (or test runner) that ran `up` must not take the engine down.
  setsid dockerd -H "unix://$DOCKER_SOCK" \
    --data-root "$LAB_DIR/docker-data" --exec-root "$LAB_DIR/docker-exec" --pidfile "$LAB_DIR/dockerd.pid" \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    --storage-driver=vfs --exec-opt native.cgroupdriver=cgroupfs \
    --cpu-rt-period=1000000 --cpu-rt-runtime=400000 </dev/null >"$LAB_DIR/dockerd.log" 2>&1 8>&- 9>&- &
  wait_for 40 "dockerd" docker_ping || die "dockerd did not start, see $LAB_DIR/dockerd.log"
  wait_for 5 "dockerd pid file" pid_alive "$LAB_DIR/dockerd.pid" || die "dockerd wrote no pid file"
  log "dockerd: started (pid $(<"$LAB_DIR/dockerd.pid"))"
}

# Offline busybox image for deploy tests (lab.md §3.2): imported from the host's busybox-static, never pulled.
ensure_busybox_image() {
  if ! "${DOCKER[@]}" image inspect "$BUSYBOX_TAG" >/dev/null 2>&1; then
    local R=$LAB_DIR/busybox-rootfs
    rm -rf "$R"
    mkdir -p "$R"/bin "$R"/etc "$R"/tmp "$R"/proc "$R"/sys "$R"/dev "$R"/var/run/mxrc
    cp /bin/busybox "$R/bin/busybox"
    for a in sh ls cat echo sleep date uname id grep head tail touch true env; do ln -sf busybox "$R/bin/$a"; done
    echo 'root:x:0:0:root:/:/bin/sh' >"$R/etc/passwd"
    echo 'root:x:0:' >"$R/etc/group"
    tar -C "$R" -cf "$LAB_DIR/busybox-rootfs.tar" .
    "${DOCKER[@]}" import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' "$LAB_DIR/busybox-rootfs.tar" "$BUSYBOX_TAG" >/dev/null
    rm -rf "$R" "$LAB_DIR/busybox-rootfs.tar" "$LAB_DIR/busybox-image.tar"
    log "docker: imported $BUSYBOX_TAG"
  fi
  # the `docker save` archive is what "load image from file" tests feed to the engine
  [ -s "$LAB_DIR/busybox-image.tar" ] || "${DOCKER[@]}" save "$BUSYBOX_TAG" -o "$LAB_DIR/busybox-image.tar"
  mkdir -p "$LAB_DIR/mxrc-run"
  [ -f "$LAB_DIR/mxrc-run/state.txt" ] || echo state-ok >"$LAB_DIR/mxrc-run/state.txt"
}

# ---------------------------------------------------------------------------------------------------------
# systemd controller container (d)

DOCKER_GID=
CTL_HASH=
CTL_TAG=
ctl_image_inputs() {
  DOCKER_GID=$(getent group docker | cut -d: -f3)
  # the cache key covers everything that changes the rootfs: hook script, package list, suite, docker GID
  CTL_HASH=$({
    cat "$HERE/ctl-image/customize.sh"
    echo "packages=$CTL_PACKAGES suite=$CTL_SUITE docker-gid=$DOCKER_GID"
  } | sha256sum | cut -c1-12)
  CTL_TAG=mxrc/ctl-systemd:lab-$CTL_HASH
}

build_ctl_rootfs() {
  local tar=$1 mirror hook partial buildlog
  mkdir -p "$CACHE_DIR"
  # several LAB_DIRs may share the cache: one build at a time, the others reuse its result
  exec 8>"$CACHE_DIR/.build.lock"
  flock -w 1800 8 || die "could not lock $CACHE_DIR/.build.lock"
  if [ ! -s "$tar" ]; then
    mirror=$(debian_mirror) || die "no Debian mirror for $CTL_SUITE found in /etc/apt/sources.list*"
    # a hook path without shell metacharacters is executed directly, with the rootfs as its argument
    hook=$CACHE_DIR/ctl-customize-$CTL_HASH.sh
    install -m755 "$HERE/ctl-image/customize.sh" "$hook"
    partial=$CACHE_DIR/.ctl-rootfs-$CTL_HASH.partial.tar
    buildlog=$CACHE_DIR/ctl-rootfs-$CTL_HASH.log
    log "ctl image: building rootfs with mmdebstrap from $mirror (about a minute, once)"
    if ! DOCKER_GID=$DOCKER_GID mmdebstrap --variant=minbase --format=tar --include="$CTL_PACKAGES" \
      --aptopt='APT::Install-Recommends "false"' --customize-hook="$hook" \
      "$CTL_SUITE" "$partial" "$mirror" >"$buildlog" 2>&1; then
      tail -n 30 "$buildlog" >&2
      rm -f "$partial"
      die "mmdebstrap failed, see $buildlog"
    fi
    mv "$partial" "$tar"
    rm -f "$hook"
    # the cache keeps one rootfs (~290 MB): the build inputs changed, so the others are outdated
    find "$CACHE_DIR" -maxdepth 1 -name 'ctl-rootfs-*.tar' ! -name "${tar##*/}" -delete
    find "$CACHE_DIR" -maxdepth 1 -name 'ctl-rootfs-*.log' ! -name "${buildlog##*/}" -delete
    log "ctl image: rootfs cached as $tar"
  fi
  exec 8>&-
}

ensure_ctl_image() {
  ctl_image_inputs
  if ! "${DOCKER[@]}" image inspect "$CTL_TAG" >/dev/null 2>&1; then
    local tar=$CACHE_DIR/ctl-rootfs-$CTL_HASH.tar
    [ -s "$tar" ] || build_ctl_rootfs "$tar"
    "${DOCKER[@]}" import -c 'CMD ["/lib/systemd/systemd"]' -c 'LABEL org.mxrc.lab=ctl' "$tar" "$CTL_TAG" >/dev/null
    log "ctl image: imported $CTL_TAG"
  fi
  "${DOCKER[@]}" tag "$CTL_TAG" mxrc/ctl-systemd:lab
}

# Older builds only take disk space (vfs keeps full copies); run after ctl-sd moved to the current image.
prune_ctl_images() {
  local old
  for old in $("${DOCKER[@]}" image ls --format '{{.Repository}}:{{.Tag}}' mxrc/ctl-systemd | grep -vxF -e "$CTL_TAG" -e mxrc/ctl-systemd:lab || true); do
    "${DOCKER[@]}" rmi "$old" >/dev/null 2>&1 || true
  done
  # an image that lost its tag while a container still used it stays behind untagged (tests' images have no label)
  "${DOCKER[@]}" image prune -f --filter label=org.mxrc.lab=ctl >/dev/null 2>&1 || true
}

ctl_systemd_up() {
  local s
  s=$("${DOCKER[@]}" exec "$CTL_NAME" systemctl is-system-running 2>/dev/null || true)
  [ "$s" = running ] || [ "$s" = degraded ]
}

CTL_PORT=
ensure_ctl() {
  local port state
  port=$(read_file "$RUN/ctl.port")
  state=$("${DOCKER[@]}" inspect -f '{{.State.Running}} {{.Config.Image}}' "$CTL_NAME" 2>/dev/null || true)
  if [ -n "$port" ] && [ "$state" = "true $CTL_TAG" ] && ssh_ready "$port" &&
    cmp -s "$RUN/authorized_keys" "$RUN/ctl-keys/mxrc"; then
    CTL_PORT=$port
    log "ctl-sd: running on $HOST:$port"
    return
  fi
  "${DOCKER[@]}" rm -f "$CTL_NAME" >/dev/null 2>&1 || true
  reuse_or_free_port "$port"
  port=$FREE_PORT
  printf 'Port %s\n' "$port" >"$RUN/ctl-port.conf"
  rm -rf "$RUN/ctl-keys"
  mkdir -p "$RUN/ctl-keys"
  install -m644 "$RUN/authorized_keys" "$RUN/ctl-keys/mxrc"
  install -m644 "$RUN/authorized_keys" "$RUN/ctl-keys/mxrc-nosudo"
  # flags of lab.md §4.2: systemd as PID 1 on this cgroup-v1 host, FIFO budget, host network, lab engine socket
  "${DOCKER[@]}" create -t --pull=never --name "$CTL_NAME" --label org.mxrc.lab=ctl \
    --cap-add SYS_ADMIN --cap-add SYS_NICE --cap-add NET_ADMIN --security-opt seccomp=unconfined \
    --cpu-rt-runtime=200000 --network host --stop-signal SIGRTMIN+3 \
    --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
    -v /sys/fs/cgroup:/sys/fs/cgroup:rw --cgroupns=host \
    -v "$DOCKER_SOCK:/var/run/docker.sock" \
    -e container=docker "$CTL_TAG" >/dev/null
  # port and keys go in before the first boot, so ssh.service starts with them and the image stays key-free
  "${DOCKER[@]}" cp "$RUN/ctl-port.conf" "$CTL_NAME:/etc/ssh/sshd_config.d/10-port.conf"
  "${DOCKER[@]}" cp "$RUN/ctl-keys/." "$CTL_NAME:/etc/ssh/lab_authorized_keys/"
  "${DOCKER[@]}" start "$CTL_NAME" >/dev/null
  wait_for 90 "systemd in $CTL_NAME" ctl_systemd_up || die "systemd in $CTL_NAME did not come up (docker logs $CTL_NAME)"
  printf 'mxrcpw:%s\n' "$(<"$PASSWORD_FILE")" | "${DOCKER[@]}" exec -i "$CTL_NAME" chpasswd
  wait_for 30 "sshd of $CTL_NAME on port $port" ssh_ready "$port" || die "sshd in $CTL_NAME did not start"
  "${DOCKER[@]}" exec "$CTL_NAME" cat /etc/ssh/ssh_host_ed25519_key.pub >"$RUN/ctl_host_ed25519_key.pub"
  echo "$port" >"$RUN/ctl.port"
  CTL_PORT=$port
  log "ctl-sd: started on $HOST:$port"
}

# ---------------------------------------------------------------------------------------------------------
# fake RT controllers (e): one sshd per profile in its own mount + UTS namespace

profile_names() {
  local d
  for d in "$HERE"/profiles/*/; do
    [ -f "$d/profile.json" ] || continue
    d=${d%/}
    d=${d##*/}
    [[ $d =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "profile name '$d' must be [a-z0-9-]"
    [ "$d" != systemd ] || die "profile name 'systemd' is taken by the systemd controller"
    echo "$d"
  done
}

# restarts a fake when its profile or the scripts that apply it change
profile_hash() {
  (
    cd "$HERE/profiles/$1"
    find . -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum "$HERE/fake-controller.sh" "$HERE/profile-plan.mjs"
  ) | sha256sum | cut -c1-16
}

declare -A FAKE_PORT FAKE_META
ensure_fake() {
  local name=$1 O=$LAB_DIR/fake/$1 pidf=$SSH_DIR/sshd-$1.pid cfg=$SSH_DIR/sshd_$1_config port hash
  hash=$(profile_hash "$name")
  port=$(read_file "$RUN/$name.port")
  if [ -n "$port" ] && pid_alive "$pidf" && ssh_ready "$port" && [ "$(read_file "$O/profile.hash")" = "$hash" ] &&
    [ "$(sshd_config_text "$port" "$pidf")" = "$(read_file "$cfg")" ]; then
    FAKE_PORT[$name]=$port
    FAKE_META[$name]=$(<"$O/meta")
    log "fake $name: running on $HOST:$port (pid $(<"$pidf"))"
    return
  fi
  # with its sessions: the overlay layers are in use as long as any process of the old namespace lives
  stop_pid "$pidf" tree
  rm -rf "$O"
  mkdir -p "$O"
  node "$HERE/profile-plan.mjs" "$HERE/profiles/$name" "$O" >"$O/meta" || die "profile $name is invalid"
  reuse_or_free_port "$port"
  port=$FREE_PORT
  sshd_config_text "$port" "$pidf" >"$cfg"
  /usr/sbin/sshd -t -f "$cfg"
  # unshare execs the script and the script execs sshd, so the pid file names the namespace's only process
  LAB_DIR=$LAB_DIR setsid unshare -m -u --propagation private \
    "$HERE/fake-controller.sh" "$O/mounts.plan" "$cfg" "$SSH_DIR/sshd-$name.log" </dev/null >"$O/console.log" 2>&1 8>&- 9>&- &
  if ! wait_for 15 "fake controller $name on port $port" ssh_ready "$port"; then
    cat "$O/console.log" >&2
    die "fake controller $name did not start"
  fi
  wait_for 5 "fake $name pid file" pid_alive "$pidf" || die "fake $name wrote no pid file"
  echo "$hash" >"$O/profile.hash"
  echo "$port" >"$RUN/$name.port"
  FAKE_PORT[$name]=$port
  FAKE_META[$name]=$(<"$O/meta")
  log "fake $name: started on $HOST:$port (pid $(<"$pidf"))"
}

meta_get() { sed -n "s/^$2=//p" <<<"${FAKE_META[$1]}"; }

# ---------------------------------------------------------------------------------------------------------
# lab.json and known_hosts

write_known_hosts() {
  local host_pub ctl_pub name
  host_pub=$(pubkey_of "$SSH_DIR/ssh_host_ed25519_key.pub")
  ctl_pub=$(pubkey_of "$RUN/ctl_host_ed25519_key.pub")
  {
    printf '[%s]:%s %s\n' "$HOST" "$SSH_PORT" "$host_pub"
    printf '[%s]:%s %s\n' "$HOST" "$CTL_PORT" "$ctl_pub"
    for name in "${FAKES[@]}"; do printf '[%s]:%s %s\n' "$HOST" "${FAKE_PORT[$name]}" "$host_pub"; done
  } >"$SSH_DIR/known_hosts.tmp"
  mv "$SSH_DIR/known_hosts.tmp" "$SSH_DIR/known_hosts"
}

host_key_json() {
  printf '{ "publicKey": %s, "fingerprint": %s }' "$(jstr "$(pubkey_of "$1")")" "$(jstr "$(fingerprint_of "$1")")"
}

write_lab_json() {
  local key=$SSH_DIR/mxrc_ed25519 enc=$SSH_DIR/mxrc_ed25519_enc name tmp=$LAB_JSON.tmp
  {
    cat <<JSON | head -c -1 # the fakes follow on the systemd line
{
  "version": 1,
  "labDir": $(jstr "$LAB_DIR"),
  "startedAt": $(jstr "$(read_file "$RUN/started-at")"),
  "updatedAt": $(jstr "$(date -u +%Y-%m-%dT%H:%M:%SZ)"),
  "cacheDir": $(jstr "$CACHE_DIR"),
  "sshd": { "host": "$HOST", "port": $SSH_PORT, "pid": $(<"$SSH_DIR/sshd.pid"), "config": $(jstr "$SSH_DIR/sshd_config"), "log": $(jstr "$SSH_DIR/sshd.log") },
  "hostKey": $(host_key_json "$SSH_DIR/ssh_host_ed25519_key.pub"),
  "knownHostsFile": $(jstr "$SSH_DIR/known_hosts"),
  "users": {
    "key": { "user": "mxrc", "keyFile": $(jstr "$key"), "publicKey": $(jstr "$(pubkey_of "$key.pub")"), "fingerprint": $(jstr "$(fingerprint_of "$key.pub")") },
    "encryptedKey": { "user": "mxrc", "keyFile": $(jstr "$enc"), "passphrase": $(jstr "$(<"$enc.passphrase")"), "publicKey": $(jstr "$(pubkey_of "$enc.pub")"), "fingerprint": $(jstr "$(fingerprint_of "$enc.pub")") },
    "password": { "user": "mxrcpw", "password": $(jstr "$(<"$PASSWORD_FILE")") },
    "noSudo": { "user": "mxrc-nosudo", "keyFile": $(jstr "$key") }
  },
  "agent": { "socket": $(jstr "$AGENT_SOCK"), "pid": $(<"$RUN/ssh-agent.pid"), "fingerprints": [$(jstr "$(fingerprint_of "$key.pub")")] },
  "docker": {
    "socket": $(jstr "$DOCKER_SOCK"), "host": $(jstr "unix://$DOCKER_SOCK"), "pid": $(<"$LAB_DIR/dockerd.pid"),
    "images": { "busybox": "$BUSYBOX_TAG", "busyboxArchive": $(jstr "$LAB_DIR/busybox-image.tar"), "ctlSystemd": "$CTL_TAG" },
    "mxrcRunDir": $(jstr "$LAB_DIR/mxrc-run")
  },
  "controllers": {
    "systemd": { "host": "$HOST", "port": $CTL_PORT, "user": "mxrc", "keyFile": $(jstr "$key"), "container": "$CTL_NAME", "image": "$CTL_TAG", "hostKey": $(host_key_json "$RUN/ctl_host_ed25519_key.pub"), "rtCores": "$CTL_RT_CORES", "housekeepingCores": "$CTL_HK_CORES", "sudo": true, "dockerSocket": "/var/run/docker.sock" }
JSON
    for name in "${FAKES[@]}"; do
      printf ',\n    %s: { "host": "%s", "port": %s, "user": "mxrc", "keyFile": %s, "pid": %s, "profile": %s, "hostname": %s, "hostKey": %s, "rtCores": %s, "housekeepingCores": %s, "sudo": false }' \
        "$(jstr "$name")" "$HOST" "${FAKE_PORT[$name]}" "$(jstr "$key")" "$(<"$SSH_DIR/sshd-$name.pid")" "$(jstr "$name")" \
        "$(jstr "$(meta_get "$name" hostname)")" "$(host_key_json "$SSH_DIR/ssh_host_ed25519_key.pub")" \
        "$(jstr "$(meta_get "$name" rtCores)")" "$(jstr "$(meta_get "$name" housekeepingCores)")"
    done
    printf '\n  }\n}\n'
  } >"$tmp"
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$tmp" || die "generated lab.json is not valid JSON ($tmp)"
  chmod 600 "$tmp" # it holds the password and the passphrase
  mv "$tmp" "$LAB_JSON"
}

# ---------------------------------------------------------------------------------------------------------
# commands

FAKES=()
up() {
  require_root
  check_lab_dir
  lock_lab
  bash "$REPO/.ci/install-system-packages.sh"
  mapfile -t FAKES < <(profile_names)
  [ ${#FAKES[@]} -gt 0 ] || die "no profiles in $HERE/profiles"
  ensure_keys
  ensure_host_users
  ensure_sshd
  ensure_agent
  ensure_dockerd
  ensure_busybox_image
  ensure_ctl_image
  ensure_ctl
  prune_ctl_images
  local name
  for name in "${FAKES[@]}"; do ensure_fake "$name"; done
  # a fake whose profile was deleted must not keep running
  local pidf
  for pidf in "$SSH_DIR"/sshd-*.pid; do
    [ -e "$pidf" ] || continue
    name=${pidf##*/sshd-}
    name=${name%.pid}
    [[ " ${FAKES[*]} " == *" $name "* ]] || { stop_pid "$pidf" tree; rm -rf "$RUN/$name.port" "$LAB_DIR/fake/$name"; }
  done
  write_known_hosts
  write_lab_json
  log "up: $LAB_JSON"
  cat "$LAB_JSON"
}

# Containers whose dockerd died (kill -9) keep running under their containerd shims, and no pid file names
# the shims. A dockerd restarted on the same roots takes them over, so let one remove them (lab.md §10).
orphaned_bundles() { compgen -G "$LAB_DIR/docker-exec/containerd/daemon/io.containerd.runtime.v2.task/moby/*/" >/dev/null; }
remove_all_containers() {
  local ids
  ids=$("${DOCKER[@]}" ps -aq)
  # shellcheck disable=SC2086 # one argument per container id
  [ -z "$ids" ] || "${DOCKER[@]}" rm -f $ids >/dev/null
}

# processes whose command line mentions LAB_DIR, without this script and its callers
lab_processes() {
  local skip=" $$ " p=$$
  while [ "$p" -gt 1 ]; do
    p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null || echo 1)
    skip="$skip$p "
  done
  local pid
  for pid in $(pgrep -f "$LAB_DIR/" || true); do
    case "$skip" in *" $pid "*) continue ;; esac
    mentions_lab_dir "$pid" || continue
    ps -o pid=,args= -p "$pid" || true
  done
}

down() {
  require_root
  check_lab_dir
  [ -d "$LAB_DIR" ] || {
    log "down: $LAB_DIR does not exist"
    return 0
  }
  lock_lab
  local pidf
  for pidf in "$SSH_DIR"/sshd-*.pid; do
    if [ -e "$pidf" ]; then stop_pid "$pidf" tree; fi
  done
  if docker_ping; then remove_all_containers; fi
  stop_pid "$LAB_DIR/dockerd.pid" # removes its socket first and exits a moment later
  stop_pid "$CONTAINERD_PID"      # normally gone with dockerd
  if orphaned_bundles; then
    log "down: containers of a crashed dockerd are still running; restarting dockerd to remove them"
    ensure_dockerd
    remove_all_containers
    stop_pid "$LAB_DIR/dockerd.pid"
  fi
  stop_pid "$RUN/ssh-agent.pid"
  stop_pid "$SSH_DIR/sshd.pid" tree
  unmount_lab_mounts
  rm -f "$LAB_JSON" "$DOCKER_SOCK" "$AGENT_SOCK" "$RUN"/*.port
  local left mounts
  left=$(lab_processes)
  mounts=$(awk -v d="$LAB_DIR" '$5 == d || index($5, d "/") == 1' /proc/self/mountinfo)
  [ -z "$left" ] || die "still running after down:"$'\n'"$left"
  [ -z "$mounts" ] || die "still mounted after down:"$'\n'"$mounts"
  log "down: stopped; keys, docker-data and $CACHE_DIR are kept"
}

status() {
  check_lab_dir
  local ok=0 name port
  report() { printf '%-10s %s\n' "$1" "$2"; }
  port=$(read_file "$RUN/sshd.port")
  if [ -n "$port" ] && pid_alive "$SSH_DIR/sshd.pid" && ssh_ready "$port"; then report sshd "up $HOST:$port"; else report sshd down; ok=1; fi
  if agent_ok; then report agent "up $AGENT_SOCK"; else report agent down; ok=1; fi
  if pid_alive "$LAB_DIR/dockerd.pid" && docker_ping; then
    report dockerd "up $DOCKER_SOCK"
    port=$(read_file "$RUN/ctl.port")
    if [ -n "$port" ] && [ "$("${DOCKER[@]}" inspect -f '{{.State.Running}}' "$CTL_NAME" 2>/dev/null)" = true ] && ssh_ready "$port"; then
      report systemd "up $HOST:$port ($CTL_NAME)"
    else
      report systemd down
      ok=1
    fi
  else
    report dockerd down
    report systemd down
    ok=1
  fi
  for name in $(profile_names); do
    port=$(read_file "$RUN/$name.port")
    if [ -n "$port" ] && pid_alive "$SSH_DIR/sshd-$name.pid" && ssh_ready "$port"; then report "$name" "up $HOST:$port"; else report "$name" down; ok=1; fi
  done
  if [ -f "$LAB_JSON" ]; then report lab.json "$LAB_JSON"; else report lab.json missing; ok=1; fi
  return $ok
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac
