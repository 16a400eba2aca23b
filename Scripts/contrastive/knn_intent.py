#!/usr/bin/env python3
"""Intent accuracy of nearest-neighbour retrieval with mtstc sentence embeddings.

Each ATIS test query takes the intent of its most cosine-similar train_dev query (k = 1): a
direct measure of how well the embedding space groups queries by intent, with no classifier
trained. Run it on the base model's weights and on a contrastive run's checkpoint to see what
Graphs/contrastive.yaml changed. Needs numpy and a built mtstc; no torch.

  python3 Scripts/contrastive/knn_intent.py --weights Assets/all-MiniLM-L6-v2/model.safetensors
  python3 Scripts/contrastive/knn_intent.py --weights runs/contrastive-minilm/checkpoint.safetensors
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_atis_pairs import ROOT, read_atis  # noqa: E402

SPEC = """name: knn-embed
backbone:
  config: {root}/Assets/all-MiniLM-L6-v2/config.json
  weights: {weights}
tokenizer:
  vocab: {root}/Assets/all-MiniLM-L6-v2/vocab.txt
  lowercase: true
  max_length: 64
pooling: mean
normalize: l2
compile:
  max_batch: 32
"""


def embed(mtstc, plan, texts, tmp):
    path = os.path.join(tmp, "texts.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
    out = subprocess.run([mtstc, "embed", "--graph", plan, "--input", path], check=True, capture_output=True, text=True).stdout
    return np.array([json.loads(line)["embedding"] for line in out.splitlines()], dtype=np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", required=True, help="safetensors with the backbone (a model or a run's checkpoint)")
    parser.add_argument("--mtstc", default=os.path.join(ROOT, ".build/release/mtstc"))
    parser.add_argument("--atis", default=os.path.join(ROOT, "Assets/atis"))
    parser.add_argument("--pairs", default=os.path.join(ROOT, "runs/atis-pairs/test.jsonl"),
                        help="held-out pairs for retrieval accuracy@1 as `mtstc run` reports it (skipped if missing)")
    args = parser.parse_args()
    pairs = []
    if os.path.exists(args.pairs):
        with open(args.pairs, encoding="utf-8") as f:
            pairs = [json.loads(line) for line in f if line.strip()]
    train = list(read_atis(os.path.join(args.atis, "train_dev")))
    test = list(read_atis(os.path.join(args.atis, "test")))
    with tempfile.TemporaryDirectory() as tmp:
        spec, plan = os.path.join(tmp, "knn.yaml"), os.path.join(tmp, "knn.plan")
        with open(spec, "w") as f:
            f.write(SPEC.format(root=ROOT, weights=os.path.abspath(args.weights)))
        subprocess.run([args.mtstc, "compile", spec, "-o", plan], check=True, capture_output=True)
        index = embed(args.mtstc, plan, [t for t, _ in train], tmp)
        queries = embed(args.mtstc, plan, [t for t, _ in test], tmp)
        if pairs:
            anchors = embed(args.mtstc, plan, [p["anchor"] for p in pairs], tmp)
            positives = embed(args.mtstc, plan, [p["positive"] for p in pairs], tmp)
    nearest = (queries @ index.T).argmax(axis=1)
    gold = [i for _, i in test]
    predicted = [train[j][1] for j in nearest]
    correct = sum(g == p for g, p in zip(gold, predicted))
    non_flight = [(g, p) for g, p in zip(gold, predicted) if g != "atis_flight"]
    result = {"weights": args.weights, "knn1_intent_acc": 100 * correct / len(gold),
              "knn1_intent_acc_non_flight": 100 * sum(g == p for g, p in non_flight) / len(non_flight),
              "test": len(gold), "non_flight": len(non_flight), "index": len(train)}
    if pairs:
        # Right when no other positive is more similar than the anchor's own (ties count as right).
        sims = anchors @ positives.T
        own = np.diag(sims)
        result["pair_acc1"] = 100 * float(np.mean((sims > own[:, None]).sum(axis=1) == 0))
        result["pairs"] = len(pairs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
