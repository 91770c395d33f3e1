#!/usr/bin/env bash
# The one command that runs every test (`npm test`): unit tests, lab tests against real sshd/dockerd/systemd,
# and browser end-to-end tests in Debian's Chromium. Pass tiers to run a subset: `bash test/run-all.sh unit`.
# Output ends with the node test runner's summary (`# pass N` / `# fail N`).
set -uo pipefail
cd "$(dirname "$0")/.."
shopt -s globstar nullglob

tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(unit lab e2e)

files=()
for tier in "${tiers[@]}"; do
  case "$tier" in
    unit|lab|e2e) files+=(test/"$tier"/**/*.test.ts) ;;
    *) echo "unknown test tier: $tier (use unit, lab, e2e)" >&2; exit 2 ;;
  esac
done

# Browser tests drive the built renderer; build it once up front.
if printf '%s\n' "${files[@]}" | grep -q '^test/e2e/'; then
  npx electron-vite build >/tmp/mxrc-build.log 2>&1 || { cat /tmp/mxrc-build.log; echo "build failed"; exit 1; }
fi

# The lab is started on demand by the first test that needs it; take it down afterwards only if we started it.
lab_json="${MXRC_LAB_DIR:-/srv/mxrc-lab}/lab.json"
lab_was_up=0; [ -f "$lab_json" ] && lab_was_up=1
cleanup() { if [ $lab_was_up = 0 ] && [ -f "$lab_json" ]; then bash test/lab/lab.sh down >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT

node --import tsx --test --test-concurrency=1 --test-timeout=900000 "${files[@]}"
