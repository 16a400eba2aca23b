"""Outside check of a run folder's metrics.jsonl against its predictions.jsonl (issue 9's
output contract): every head's scores are recomputed from the predictions alone, with
seqeval (conlleval-compatible default mode) for tagging heads and scikit-learn for
classification heads, and compared with the last metrics row.

    .venv-reference/bin/python Scripts/reference/check_run_outputs.py RUN_DIR

Exits non-zero when a recomputed value differs by more than 1e-6 (percent).
"""
import json
import sys
from collections import defaultdict

from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from sklearn.metrics import accuracy_score
from sklearn.metrics import f1_score as sk_f1


def main(run):
    rows = [json.loads(l) for l in open(f"{run}/metrics.jsonl")]
    last = rows[-1]
    gold, pred = defaultdict(list), defaultdict(list)
    for line in open(f"{run}/predictions.jsonl"):
        p = json.loads(line)
        for head, gp in p["heads"].items():
            gold[head].append(gp["gold"])
            pred[head].append(gp["pred"])
    bad = 0

    def compare(what, ours, theirs):
        nonlocal bad
        ok = abs(ours - theirs) <= 1e-6
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {what}: mtstc {ours:.6f}, recomputed {theirs:.6f}")

    for head, g in gold.items():
        m = last["heads"][head]
        if isinstance(g[0], list):
            compare(f"{head} f1", m["f1"], 100 * f1_score(g, pred[head]))
            compare(f"{head} precision", m["precision"], 100 * precision_score(g, pred[head]))
            compare(f"{head} recall", m["recall"], 100 * recall_score(g, pred[head]))
            report = classification_report(g, pred[head], output_dict=True, zero_division=0)
            for t, s in m["per_type"].items():
                if s["support"] > 0:
                    compare(f"{head} {t} f1", s["f1"], 100 * report[t]["f1-score"])
        else:
            compare(f"{head} accuracy", m["accuracy"], 100 * accuracy_score(g, pred[head]))
            compare(f"{head} macro_f1", m["macro_f1"], 100 * sk_f1(g, pred[head], average="macro", zero_division=0))
    print(f"{len(gold)} heads, {sum(len(v) for v in gold.values())} scored predictions, {bad} mismatches")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1])
