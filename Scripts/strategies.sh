#!/usr/bin/env bash
# Measures every strategy in Graphs/strategies/ with one `mtstc compare` run, then refreshes
# Docs/STRATEGIES.md's generated part (between its compare:begin/compare:end markers) with the
# run's report.md and copies the charts to Docs/strategies/.
#
#   Scripts/strategies.sh                      # EPOCHS=4, full ATIS, into runs/strategies
#   EPOCHS=2 LIMIT=1000 Scripts/strategies.sh  # a smaller subset
#   DOCS=0 Scripts/strategies.sh               # leave Docs/ alone
#
# Resumable: run it again after Ctrl-C or a kill and finished strategies are skipped. The
# default (8 strategies × 4 epochs of 4,978 ATIS sentences, evaluated on 893) is sized for
# about half an hour on 2 otherwise idle cores; see Docs/STRATEGIES.md for the estimate.
set -euo pipefail
cd "$(dirname "$0")/.."

epochs="${EPOCHS:-4}"
out="${OUT:-runs/strategies}"
limit=()
[[ -n "${LIMIT:-}" ]] && limit=(--limit "$LIMIT")

swift build -c release --product mtstc
start=$(date +%s)
.build/release/mtstc compare Graphs/strategies/*.yaml --epochs "$epochs" "${limit[@]}" --out "$out"
echo "strategies: compare took $(( $(date +%s) - start )) s (0 if every run was already done)"

[[ "${DOCS:-1}" == "1" ]] || exit 0
mkdir -p Docs/strategies
rm -f Docs/strategies/chart-*.svg
cp "$out"/chart-*.svg Docs/strategies/
# The report's tables and chart links, with the links pointing into Docs/strategies/.
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
sed -e '1,/^$/d' -e 's#](chart-#](strategies/chart-#' -e 's/^## /### /' "$out/report.md" > "$generated"
awk -v file="$generated" '
  /<!-- compare:begin -->/ { print; while ((getline line < file) > 0) print line; skip = 1; next }
  /<!-- compare:end -->/ { skip = 0 }
  !skip { print }
' Docs/STRATEGIES.md > Docs/STRATEGIES.md.tmp
mv Docs/STRATEGIES.md.tmp Docs/STRATEGIES.md
echo "strategies: refreshed Docs/STRATEGIES.md and Docs/strategies/"
