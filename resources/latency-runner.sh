#!/bin/sh
# mxrc-commissioner latency runner (rt-checklist.md §9). Runs detached on the controller as root — as a systemd
# transient unit pinned to the housekeeping cores, or under setsid where systemd is absent — so a test survives
# the laptop sleeping or the link dropping. Usage: sh latency-runner.sh RUN_DIR
#
# Input: RUN_DIR/run.conf, written by the app with every value quoted as one shell word. It sets THREADS,
# DURATION_S, STATUS_EVERY, LOAD, RTLA, RT_UNIT, HK_CORES and defines run_cyclictest, run_load and run_rtla
# (each ends in exec, so the pid recorded below is the tool's own).
# Output, all in RUN_DIR (readable by the SSH user, written by nobody else):
#   state        starting | running | rtla | finished | failed | cancelled
#   status       "state=…" and "phase=…", then the tail of cyclictest's stderr; replaced atomically ~1/s
#   runner.pid   this script; ct.pid, load.pid, rtla.pid the measurement, the load and rtla
#   ct.out ct.err ct.exit   cyclictest stdout (histogram), stderr (warnings + SIGUSR1 status blocks), exit code
#   ct.json      cyclictest --json (its path is part of the command line in run.conf)
#   load.out load.exit rtla.txt rtla.exit rt-unit reason runner.log
# The app never runs anything on the RT cores: it only reads these files.
set -u
RUN_DIR=$1
cd "$RUN_DIR" || exit 1
umask 022

STATE=starting
PHASE=setup
CANCELLED=0
CT_PID=
LOAD_PID=
RTLA_PID=
RT_STOPPED=0
TAIL_LINES=8

log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>runner.log; }

write_status() {
  {
    printf 'state=%s\nphase=%s\n' "$STATE" "$PHASE"
    if [ -s ct.err ]; then tail -n "$TAIL_LINES" ct.err; fi
  } >status.tmp 2>/dev/null && mv -f status.tmp status
}

set_state() {
  STATE=$1
  printf '%s\n' "$1" >state.tmp && mv -f state.tmp state
  write_status
}

# Alive and not a zombie: kill -0 succeeds on a zombie, which would never end the wait loops.
alive() {
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  read -r _pid _comm st _rest <"/proc/$1/stat" 2>/dev/null || return 1
  [ "$st" != Z ] && [ "$st" != X ]
}

# cyclictest installs its SIGUSR1 handler after parsing options and locking memory; before that SIGUSR1 would end it.
handles_usr1() {
  while IFS= read -r line; do
    case $line in
      SigCgt:*)
        set -- $line
        mask=${2#"${2%????}"}
        [ $((0x$mask & 512)) -ne 0 ]
        return
        ;;
    esac
  done <"/proc/$1/status"
  return 1
}

stop_load() {
  [ -n "$LOAD_PID" ] || return 0
  # stress-ng ends its workers on SIGTERM; they share this runner's process group / unit cgroup.
  kill -TERM "$LOAD_PID" 2>/dev/null
  i=0
  while alive "$LOAD_PID" && [ $i -lt 50 ]; do
    sleep 0.2
    i=$((i + 1))
  done
  alive "$LOAD_PID" && kill -KILL "$LOAD_PID" 2>/dev/null
  wait "$LOAD_PID"
  echo $? >load.exit
  log "load stopped"
  LOAD_PID=
}

restore_rt_unit() {
  [ "$RT_STOPPED" = 1 ] || return 0
  RT_STOPPED=0
  log "starting $RT_UNIT again"
  if systemctl start --no-block "$RT_UNIT" >>runner.log 2>&1; then echo restored >rt-unit; else echo restore-failed >rt-unit; fi
}

finish() {
  trap '' TERM INT
  stop_load
  restore_rt_unit
  PHASE=done
  set_state "$1"
  log "end: $1"
  exit 0
}

fail() {
  printf '%s\n' "$1" >reason
  log "failed: $1"
  finish failed
}

on_signal() {
  [ "$CANCELLED" = 1 ] && return
  CANCELLED=1
  log "cancel requested"
  # SIGINT: cyclictest and rtla still print their histogram and JSON for the samples so far.
  [ -n "$CT_PID" ] && kill -INT "$CT_PID" 2>/dev/null
  [ -n "$RTLA_PID" ] && kill -INT "$RTLA_PID" 2>/dev/null
  [ -n "$CT_PID$RTLA_PID" ] || finish cancelled
}

trap on_signal TERM INT
trap '' HUP

echo $$ >runner.pid
set_state starting
log "runner $$ started in $RUN_DIR"
. ./run.conf || fail "run.conf unreadable"
TAIL_LINES=$((2 * (THREADS + 3)))

command -v cyclictest >/dev/null 2>&1 || fail "tool-missing: cyclictest"
if [ "$LOAD" = 1 ]; then command -v stress-ng >/dev/null 2>&1 || fail "tool-missing: stress-ng"; fi

if [ -n "$RT_UNIT" ]; then
  log "stopping $RT_UNIT for the test"
  systemctl stop "$RT_UNIT" >>runner.log 2>&1
  if systemctl is-active --quiet "$RT_UNIT"; then fail "rt-unit-still-active: $RT_UNIT"; fi
  RT_STOPPED=1
  echo stopped >rt-unit
fi
[ "$CANCELLED" = 1 ] && finish cancelled

if [ "$LOAD" = 1 ]; then
  run_load >load.out 2>&1 &
  LOAD_PID=$!
  echo "$LOAD_PID" >load.pid
  log "load started (pid $LOAD_PID)"
fi
[ "$CANCELLED" = 1 ] && finish cancelled

PHASE=cyclictest
run_cyclictest >ct.out 2>ct.err &
CT_PID=$!
echo "$CT_PID" >ct.pid
log "cyclictest started (pid $CT_PID)"

READY=0
i=0
while [ $i -lt 100 ] && alive "$CT_PID"; do
  if handles_usr1 "$CT_PID"; then
    READY=1
    break
  fi
  sleep 0.1
  i=$((i + 1))
done
[ "$CANCELLED" = 1 ] || set_state running

LIMIT=$((DURATION_S + 120))
ELAPSED=0
while alive "$CT_PID"; do
  [ "$READY" = 1 ] && kill -USR1 "$CT_PID" 2>/dev/null
  sleep "$STATUS_EVERY"
  write_status
  ELAPSED=$((ELAPSED + STATUS_EVERY))
  if [ $ELAPSED -eq $LIMIT ]; then
    log "cyclictest overran its duration by 120 s; stopping it"
    kill -INT "$CT_PID" 2>/dev/null
  fi
  if [ $ELAPSED -eq $((LIMIT + 30)) ]; then kill -KILL "$CT_PID" 2>/dev/null; fi
done
wait "$CT_PID"
CT_RC=$?
echo "$CT_RC" >ct.exit
log "cyclictest ended with $CT_RC"
CT_PID=
write_status

[ "$CANCELLED" = 1 ] && finish cancelled
[ "$CT_RC" = 0 ] || fail "cyclictest-exit: $CT_RC"

if [ "$RTLA" = 1 ]; then
  if command -v rtla >/dev/null 2>&1; then
    PHASE=rtla
    set_state rtla
    # Only flags this rtla knows: -H (its own threads on housekeeping) appeared in newer versions.
    if rtla timerlat hist --help 2>&1 | grep -q -e '--house-keeping'; then
      run_rtla -H "$HK_CORES" >rtla.txt 2>&1 &
    else
      run_rtla >rtla.txt 2>&1 &
    fi
    RTLA_PID=$!
    echo "$RTLA_PID" >rtla.pid
    log "rtla started (pid $RTLA_PID)"
    while alive "$RTLA_PID"; do
      sleep "$STATUS_EVERY"
      write_status
    done
    wait "$RTLA_PID"
    echo $? >rtla.exit
    RTLA_PID=
    log "rtla ended"
  else
    echo missing >rtla.exit
    log "rtla not installed; skipped"
  fi
fi

[ "$CANCELLED" = 1 ] && finish cancelled
finish finished
