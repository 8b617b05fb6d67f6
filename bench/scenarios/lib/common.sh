# Shared by bench/run.sh and the scenario files: messages, the table of processes this run started,
# and the cleanup that stops them. Sourced, not executed.
#
# Every server is started by a function in servers.sh, which records its PID here. Cleanup stops
# exactly those PIDs (TERM, then KILL after a grace period) — never by name, so nothing that
# belongs to someone else on a shared machine is touched.

# PIDs this run started, in start order; stopped in reverse order.
declare -a STARTED_PIDS=()
# The work directory of the whole run (sockets, configs, logs); removed at exit.
WORK_DIR=""

say() { printf '%s\n' "$*" >&2; }
die() {
  say "run.sh: $*"
  exit 1
}
# A section heading on the terminal.
banner() { say "" "== $* =="; }

# Records a PID this run owns.
own_pid() { STARTED_PIDS+=("$1"); }

# Forgets a PID (after it was stopped on purpose).
disown_pid() {
  local keep=() p
  for p in "${STARTED_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  STARTED_PIDS=("${keep[@]}")
}

# Stops one process this run started and waits for it: TERM, then KILL after $2 seconds (default
# 10). Returns the process's exit status (or 0 when it was already gone).
stop_pid() {
  local pid=$1 grace=${2:-10} waited=0
  kill -0 "$pid" 2>/dev/null || {
    wait "$pid" 2>/dev/null || true
    disown_pid "$pid"
    return 0
  }
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [[ $(proc_state "$pid") != Z ]]; do
    if ((waited >= grace * 20)); then
      say "process $pid did not stop within ${grace}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.05
    waited=$((waited + 1))
  done
  local status=0
  wait "$pid" 2>/dev/null || status=$?
  disown_pid "$pid"
  return "$status"
}

# The state letter of a process (R, S, Z, ...), empty when it is gone.
proc_state() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  printf '%s' "${stat%% *}"
}

# Stops everything still running, newest first. Installed as the EXIT trap.
cleanup() {
  local status=$? i
  trap - EXIT INT TERM
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED_PIDS[i]}" 5 || true
  done
  if [[ -n $WORK_DIR && -d $WORK_DIR && -z ${KEEP_WORK_DIR:-} ]]; then
    rm -rf "$WORK_DIR"
  fi
  exit "$status"
}

on_interrupt() {
  say "" "interrupted: stopping the servers this run started"
  exit 130
}

install_cleanup() {
  trap cleanup EXIT
  trap on_interrupt INT TERM
}

# Waits until $1 (a path) exists, for at most $2 seconds; fails if the process $3 dies first.
wait_for_path() {
  local path=$1 limit=$2 pid=${3:-} i
  for ((i = 0; i < limit * 20; i++)); do
    [[ -e $path ]] && return 0
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.05
  done
  return 1
}

