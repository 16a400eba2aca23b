#!/usr/bin/env python3
"""(anchor, positive) pairs from ATIS for Graphs/contrastive.yaml: two different queries with the
same intent. Standard library only; deterministic for a given --seed.

Within each intent string (multi-label intents such as atis_flight;atis_airfare are one class,
as everywhere in mtstc) the distinct queries are shuffled and paired off consecutively, so each
query is used once. atis_flight holds 74 % of ATIS; its pairs are capped (--cap) so that a batch
of in-batch negatives is not almost all flight queries (MultipleNegativesRankingLoss treats
every other positive in the batch as a negative, even one with the same intent).

  python3 Scripts/contrastive/make_atis_pairs.py            # writes runs/atis-pairs/{train,test}.jsonl
"""
import argparse
import json
import os
import random
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_atis(path):
    """Yields (text, intent) from `BOS w1 … wn EOS<TAB>…` or mtstc's `w:tag … <=> intent` lines."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if " <=> " in line:
                words, intent = line.rsplit(" <=> ", 1)
                text = " ".join(w.rsplit(":", 1)[0] for w in words.split())
            else:
                words, tags = line.split("\t")
                text = " ".join(w for w in words.split() if w not in ("BOS", "EOS"))
                intent = tags.split()[-1]
            yield text, intent


def pairs(path, seed, cap):
    by_intent = defaultdict(list)
    for text, intent in read_atis(path):
        if text not in by_intent[intent]:
            by_intent[intent].append(text)
    rng = random.Random(seed)
    result = []
    for intent in sorted(by_intent):
        texts = by_intent[intent]
        rng.shuffle(texts)
        made = [(texts[i], texts[i + 1]) for i in range(0, len(texts) - 1, 2)][:cap]
        result += [{"anchor": a, "positive": p, "intent": intent} for a, p in made]
    rng.shuffle(result)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--atis", default=os.path.join(ROOT, "Assets/atis"))
    parser.add_argument("--out", default=os.path.join(ROOT, "runs/atis-pairs"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cap", type=int, default=300, help="most pairs per intent (default 300)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for split, source in (("train", "train_dev"), ("test", "test")):
        made = pairs(os.path.join(args.atis, source), args.seed, args.cap)
        with open(os.path.join(args.out, f"{split}.jsonl"), "w", encoding="utf-8") as f:
            for p in made:
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
        intents = len({p["intent"] for p in made})
        print(f"{split}: {len(made)} pairs over {intents} intents → {os.path.join(args.out, split + '.jsonl')}")


if __name__ == "__main__":
    main()
