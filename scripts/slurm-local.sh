#!/usr/bin/env bash
# Runs the Slurm recipe of deploy/slurm/ on a real, throwaway single-node Slurm cluster on this machine and checks
# that it gives what one machine gives: installs slurm-wlm and munge from Debian when missing, starts munged,
# slurmctld and slurmd with their own key, slurm.conf, state and logs in a temporary directory (loopback, free
# non-default ports, ProctrackType=proctrack/linuxproc, TaskPlugin=task/none), submits deploy/slurm/submit.sh with 4
# array tasks on the sample corpus, and compares:
#   - the merged index's documents, tokens and phrase counts with a single-machine build;
#   - the combined check (--combine of the 4 partial results) with a check on the merged index: the same JSON
#     report byte for byte, and the same exit code (--fail-on);
#   - its verdicts and verbatim figures per item with a single-machine build and check;
#   - counts through deploy/kubernetes/serve.yaml's recipe (a `contam serve` per part, a --remote front) with the
#     merged index's.
# Every daemon and server it started is stopped by its PID on exit, failure or interrupt (trap), and the script checks that
# none is left. Needs root (munged's key, apt-get). Usage: scripts/slurm-local.sh [CONTAM_BINARY]
# (default: .build/debug/contam, built by scripts/test.sh's swift build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
contam=$(realpath "${1:-.build/debug/contam}")
[ -x "$contam" ] || { echo "slurm-local: no contam binary at $contam; run swift build first" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "slurm-local: needs root (munged, slurmd, apt-get); set CONTAM_SKIP_SLURM=1 to skip" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-local: installing slurm-wlm and munge from Debian" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge >&2 \
    || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge >&2; }
fi

work=$(mktemp -d /tmp/contam-slurm.XXXXXX)
pids=()
cleanup() {
  local status=$?
  set +e
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$work/slurmctld.pid" ]; then
    scancel --quiet --user="$(id -un)" 2>/dev/null
    for _ in $(seq 1 20); do [ -z "$(squeue --noheader 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  # Newest first: slurmd, slurmctld, munged.
  for file in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [ -s "$file" ] && pids+=("$(cat "$file")")
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null; sleep 0.5; fi
    if kill -0 "$pid" 2>/dev/null; then echo "slurm-local: process $pid is still running" >&2; status=1; fi
  done
  if [ "$status" != 0 ]; then
    for log in "$work"/*.log "$work"/munge/*.log "$work"/out/logs/*; do
      [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ctld_port=$(free_port)
slurmd_port=$(free_port)
while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
host=$(hostname -s)

# munge with its own key and socket.
mkdir -p "$work/munge" "$work/state" "$work/spool" "$work/out"
chmod 755 "$work" "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --socket="$work/munge/munge.sock" --key-file="$work/munge/munge.key" --log-file="$work/munge/munged.log" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed"
for _ in $(seq 1 20); do [ -S "$work/munge/munge.sock" ] && break; sleep 0.25; done

cat > "$work/slurm.conf" <<EOF
ClusterName=contamlocal
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N "$host"
for _ in $(seq 1 40); do sinfo --noheader --states=idle 2>/dev/null | grep -q idle && break; sleep 0.5; done
sinfo --noheader --states=idle | grep -q idle || { echo "slurm-local: the node did not come up" >&2; exit 1; }

corpus="$repo/corpora/licenses $repo/corpora/python-faq.csv $repo/corpora/python-tutorial.jsonl.zst"
items="$repo/corpora/items/benchmark.jsonl"
check_args="--field question --field answer --method all"
report_args="--json --fail-on gpt3:0.2"
started=$(date +%s)
mapfile -t jobs < <(N=4 CONTAM="$contam" CORPUS="$corpus" ITEMS="$items" OUT="$work/out" INDEX_ARGS="--shard-tokens 20000" \
  CHECK_ARGS="$check_args" REPORT_ARGS="$report_args" deploy/slurm/submit.sh --partition=local)
[ "${#jobs[@]}" = 4 ] || { echo "slurm-local: submit.sh printed ${#jobs[@]} job ids, not 4" >&2; exit 1; }
echo "slurm-local: submitted index array ${jobs[0]}, merge ${jobs[1]}, check array ${jobs[2]}, combine ${jobs[3]}" >&2

# "STATE EXITCODE REASON" of each task of a job (every task of an array).
job_states() { scontrol show job -o "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\) Reason=\([^ ]*\) .*ExitCode=\([0-9:]*\) .*/\1 \3 \2/p'; }
# Waits for each job in order (up to 2 minutes each); the first that ends badly, or can never start, fails the run.
for k in 0 1 2 3; do
  for _ in $(seq 1 240); do
    states=$(job_states "${jobs[$k]}")
    grep -q 'DependencyNeverSatisfied' <<<"$states" && { echo "slurm-local: job ${jobs[$k]} can never start (a job it depends on failed)" >&2; exit 1; }
    if [ -n "$states" ] && ! grep -qE '^(PENDING|RUNNING|CONFIGURING|COMPLETING)' <<<"$states"; then break; fi
    sleep 0.5
  done
  [ "$k" = 3 ] && break
  bad=$(job_states "${jobs[$k]}" | grep -v '^COMPLETED 0:0' || true)
  [ -z "$bad" ] || { echo "slurm-local: job ${jobs[$k]} ended badly: $bad" >&2; exit 1; }
done
combine_state=$(job_states "${jobs[3]}" | cut -d" " -f1,2)
echo "slurm-local: all jobs ended in $(( $(date +%s) - started ))s; combine: $combine_state" >&2

# One machine: the same corpus indexed whole, the same items checked.
# shellcheck disable=SC2086
"$contam" index $corpus -o "$work/single.idx" --quiet
for index in single.idx out/merged.idx; do
  "$contam" stats "$work/$index" | grep -E '^(documents|tokens) ' | sed 's/ from .*//' > "$work/$index.figures"
  for phrase in "the" "free software foundation" "for x in range" "Everyone is permitted to copy and distribute verbatim copies"; do
    echo "$phrase: $("$contam" query "$work/$index" count "$phrase")" >> "$work/$index.figures"
  done
done
diff -u "$work/single.idx.figures" "$work/out/merged.idx.figures" >&2 || { echo "slurm-local: the merged index's figures differ from one build's" >&2; exit 1; }

# shellcheck disable=SC2086
set +e
"$contam" check "$work/out/merged.idx" "$items" $check_args $report_args --quiet > "$work/merged.json" 2>/dev/null
merged_status=$?
"$contam" check "$work/single.idx" "$items" $check_args $report_args --quiet > "$work/single.json" 2>/dev/null
single_status=$?
set -e
cmp "$work/merged.json" "$work/out/report.txt" || { echo "slurm-local: the combined report differs from the merged index's check" >&2; diff "$work/merged.json" "$work/out/report.txt" | head -5 >&2; exit 1; }
[ "$combine_state" = "$( [ $merged_status = 0 ] && echo COMPLETED || echo FAILED ) $merged_status:0" ] \
  || { echo "slurm-local: combine ended '$combine_state', a check on the merged index exits $merged_status" >&2; exit 1; }
[ "$single_status" = "$merged_status" ] || { echo "slurm-local: exit code $merged_status on the merged index, $single_status on one build" >&2; exit 1; }
# Verdicts and verbatim figures item by item (sources may be listed in another order: documents are numbered otherwise).
verdicts() { python3 -c 'import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    print(o["id"], sorted(o["methods"].items()), o["longest_match_tokens"], o["covered_tokens"], o["near_verbatim"])' "$1"; }
diff -u <(verdicts "$work/single.json") <(verdicts "$work/out/report.txt") >&2 || { echo "slurm-local: verdicts differ from one build's" >&2; exit 1; }
# The serving recipe of deploy/kubernetes/serve.yaml on the parts the cluster built: one `contam serve` per part,
# all under one index name, and a front with --remote to each; its counts must be the merged index's.
for k in 1 2 3 4; do
  "$contam" serve "corpus=$work/out/part-$k" --port 0 --quiet > "$work/serve-$k.url" 2> "$work/serve-$k.log" &
  pids+=($!)
done
remotes=()
for k in 1 2 3 4; do
  for _ in $(seq 1 40); do grep -q http "$work/serve-$k.url" && break; sleep 0.25; done
  remotes+=(--remote "$(grep -o 'http://[^ ]*' "$work/serve-$k.url" | head -n 1 | sed 's#/$##')")
done
"$contam" serve --port 0 --quiet "${remotes[@]}" > "$work/front.url" 2> "$work/front.log" &
pids+=($!)
for _ in $(seq 1 40); do grep -q http "$work/front.url" && break; sleep 0.25; done
front=$(grep -o 'http://[^ ]*' "$work/front.url" | head -n 1 | sed 's#/$##')
for phrase in "the" "free software foundation" "for x in range"; do
  want=$("$contam" query "$work/out/merged.idx" count "$phrase")
  got=$(curl -s --max-time 10 "$front/v1/count" -d "{\"index\": \"corpus\", \"query\": \"$phrase\"}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])')
  [ "$got" = "$want" ] || { echo "slurm-local: the serve front counts '$phrase' $got times, the merged index $want" >&2; exit 1; }
done
echo "slurm-local: ok: 4 parts built, merged and checked as Slurm array jobs; merged figures, combined report ($(wc -l < "$work/out/report.txt") items) and exit code ($merged_status) match one machine; a contam serve --remote front over the 4 parts counts as the merged index" >&2
