#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is missing, fetch the assets, build,
# compile Graphs/multitask.yaml, print the seed's three sample embeddings, then train and
# evaluate on ATIS as the spec says (MTSTC_EPOCHS=N overrides the spec's epoch count). Each
# run starts afresh in runs/multitask (--overwrite replaces only the files an earlier run wrote);
# to continue a run that was stopped, use `mtstc run --graph runs/multitask.plan --resume runs/multitask`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash Scripts/setup-debian.sh
bash Scripts/fetch-assets.sh
swift build -c release --product mtstc
mtstc=.build/release/mtstc

mkdir -p runs
"$mtstc" compile Graphs/multitask.yaml -o runs/multitask.plan
"$mtstc" embed --graph runs/multitask.plan --preview 5 \
    "This is a test sentence." "Another sentence with different length." "Machine learning is fascinating."
"$mtstc" run --graph runs/multitask.plan --overwrite ${MTSTC_EPOCHS:+--epochs "$MTSTC_EPOCHS"}
