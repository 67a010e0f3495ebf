#!/usr/bin/env bash
# Tokenize a large corpus on Slurm: a job array of 16 tasks, task I running
# `deno task tokenize --shard I/16`, each writing a complete token store of its own on a shared
# file system. Walk-through (tokenizer first, then this array, then the merge, then training):
# docs/cluster.md.
#
#   sbatch examples/slurm/tokenize-array.sh                  # all 16 shards
#   sbatch --array=3,7 examples/slurm/tokenize-array.sh      # run (resume) shards 3 and 7 again
#   scontrol requeue 12345_7                                 # the same, for a task of job 12345
#
# The nodes need Deno 2.9.6 on PATH and the toolkit checked out on the shared file system with
# `deno install` run once there (so the tasks need no network); $TOOLKIT names that folder. $DATA
# holds the corpus (owt/**/*.xz) and the tokenizer (tokenizer/tokenizer.json, docs/cluster.md step
# 1); the shards are written to $DATA/owt-tokens/shard-I.
#
# N, the number of shards, is written twice: SHARDS below and the array's range 0-(SHARDS-1) here
# (an #SBATCH line cannot read a variable). Keep them equal (tests/examples_cluster_test.ts checks
# this file does); to change N for one submission: SHARDS=32 sbatch --array=0-31 tokenize-array.sh.
#SBATCH --job-name=tokenize-owt
#SBATCH --array=0-15
# Two encoder Workers per task (--workers below follows this number).
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=12:00:00
# A task whose node fails or that is preempted goes back in the queue and resumes its shard.
#SBATCH --requeue
# One log per task: %A is the array's job id, %a the task's index.
#SBATCH --output=tokenize-owt-%A_%a.out

set -euo pipefail

SHARDS="${SHARDS:-16}"
TOOLKIT="${TOOLKIT:-$HOME/gpt-toolkit}"
DATA="${DATA:-/data}"

# An index outside 0..SHARDS-1 means the array and SHARDS disagree: stop before writing anything
# (tokenize would refuse it too, with the flag named).
if ((SLURM_ARRAY_TASK_ID >= SHARDS)); then
  echo "task ${SLURM_ARRAY_TASK_ID} is outside 0..$((SHARDS - 1)): --array and SHARDS disagree" >&2
  exit 1
fi

cd "$TOOLKIT"
# The same command for a first run and for every retry: a store that exists in --out is resumed
# from its last journaled chunk (nothing lost, nothing written twice); one that is complete is
# left as it is. The one-writer lock in --out refuses a second task on the same shard (where the
# file system honours flock). The glob
# is quoted: the toolkit expands it, in sorted order, the same on every node.
deno task tokenize \
  --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" \
  --tokenizer "$DATA/tokenizer/tokenizer.json" \
  --input "$DATA/owt/**/*.xz" \
  --out "$DATA/owt-tokens/shard-${SLURM_ARRAY_TASK_ID}" \
  --workers "${SLURM_CPUS_PER_TASK:-2}" \
  --json
