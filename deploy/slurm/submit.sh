#!/usr/bin/env bash
# Submits the whole recipe to Slurm: the index array (N parts), the merge after it, the check array after it (one
# partial result per part), and the combine after the checks. Prints the job ids, one per line:
# index, merge, check, combine.
# Usage: N=8 CORPUS="/data/corpus" ITEMS="/data/test.jsonl" OUT=/shared/run1 deploy/slurm/submit.sh [sbatch options]
# Optional: CONTAM (binary), INDEX_ARGS, CHECK_ARGS, REPORT_ARGS (see each .sbatch file).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${N:?set N, the number of parts}" "${CORPUS:?}" "${ITEMS:?}" "${OUT:?}"
mkdir -p "$OUT/logs"
export CONTAM_DEPLOY=$here CONTAM=${CONTAM:-contam} CORPUS ITEMS OUT INDEX_ARGS=${INDEX_ARGS:-} CHECK_ARGS=${CHECK_ARGS:-} REPORT_ARGS=${REPORT_ARGS:-}
submit() { sbatch --parsable --export=ALL --output="$OUT/logs/%x-%A_%a.out" "$@"; }
index=$(submit "$@" --array=1-"$N" "$here/index-parts.sbatch")
merge=$(submit "$@" --dependency=afterok:"$index" "$here/merge.sbatch")
check=$(submit "$@" --array=1-"$N" --dependency=afterok:"$index" "$here/check-parts.sbatch")
combine=$(submit "$@" --dependency=afterok:"$check" "$here/combine.sbatch")
printf '%s\n' "${index%%;*}" "${merge%%;*}" "${check%%;*}" "${combine%%;*}"
