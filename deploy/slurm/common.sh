# Sourced by the sbatch scripts of deploy/slurm: checks the environment submit.sh exports and the array's shape.
# CONTAM: the contam binary (default: contam on the PATH); OUT: a directory every node sees (parts, partial
# results, the merged index and the report go there).
set -euo pipefail
CONTAM=${CONTAM:-contam}
: "${OUT:?set OUT to a directory on a file system every node mounts}"
# K/N for --shard: the array must run tasks 1..N (sbatch --array=1-N), so task K indexes part K of N.
array_part() {
  : "${SLURM_ARRAY_TASK_ID:?run this script as a job array: sbatch --array=1-N}"
  if [ "${SLURM_ARRAY_TASK_MIN:-1}" != 1 ] || [ "${SLURM_ARRAY_TASK_MAX:-$SLURM_ARRAY_TASK_COUNT}" != "$SLURM_ARRAY_TASK_COUNT" ]; then
    echo "contam: the array must be --array=1-N (tasks 1..N, one per part); this one runs ${SLURM_ARRAY_TASK_MIN}-${SLURM_ARRAY_TASK_MAX}" >&2
    exit 2
  fi
  K=$SLURM_ARRAY_TASK_ID
  N=$SLURM_ARRAY_TASK_COUNT
}
