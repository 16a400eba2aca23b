#!/usr/bin/env python3
"""Checks that an mtstc run folder is a sentence-transformers model folder.

    check_st_folder.py RUN_DIR SENTENCES_FILE EMBEDDINGS_JSON [--tolerance 1e-5]

  1. Loads the backbone with the class `config.json` names (`BertModel`, `DistilBertModel`,
     `MPNetModel`) through `from_pretrained(RUN_DIR, output_loading_info=True)` and fails on
     any missing, unexpected or mismatched key.
  2. Checks the heads are beside the backbone: `heads.safetensors` exists and
     `model.safetensors` holds no `heads.*` or `pooling.*` tensor.
  3. Loads `SentenceTransformer(RUN_DIR)` (local path; HF_HUB_OFFLINE=1, nothing downloaded),
     encodes SENTENCES_FILE (one sentence per line) and compares with EMBEDDINGS_JSON, the
     JSON lines `mtstc embed --graph PLAN --weights RUN_DIR --input SENTENCES_FILE` printed:
     the largest absolute difference must be within the tolerance.

Prints one line `max_abs_diff=… sentences=… dim=… class=…` and exits 0, or names what failed
and exits 1.
"""
import argparse
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from safetensors import safe_open  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402


def fail(message):
    print(f"check_st_folder: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir")
    parser.add_argument("sentences")
    parser.add_argument("embeddings")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    args = parser.parse_args()
    torch.set_num_threads(2)
    transformers.utils.logging.disable_progress_bar()

    with open(os.path.join(args.run_dir, "config.json")) as f:
        config = json.load(f)
    class_name = config["architectures"][0]
    model_class = getattr(transformers, class_name)
    _, info = model_class.from_pretrained(args.run_dir, output_loading_info=True)
    for kind in ("missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs"):
        if info.get(kind):
            fail(f"{class_name}.from_pretrained({args.run_dir}): {kind} {sorted(info[kind])}")

    if not os.path.isfile(os.path.join(args.run_dir, "heads.safetensors")):
        fail(f"{args.run_dir}: no heads.safetensors beside the backbone")
    with safe_open(os.path.join(args.run_dir, "model.safetensors"), "pt") as f:
        inside = [k for k in f.keys() if k.startswith(("heads.", "pooling."))]
    if inside:
        fail(f"{args.run_dir}/model.safetensors holds mtstc tensors {inside}")

    with open(args.sentences, encoding="utf-8") as f:
        sentences = f.read().split("\n")
    if sentences and sentences[-1] == "":
        sentences.pop()
    with open(args.embeddings, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if len(rows) != len(sentences):
        fail(f"{args.embeddings}: {len(rows)} embeddings for {len(sentences)} sentences")
    for i, (row, sentence) in enumerate(zip(rows, sentences)):
        if row["text"] != sentence:
            fail(f"{args.embeddings}: line {i + 1} is for {row['text']!r}, not {sentence!r}")
    ours = np.array([row["embedding"] for row in rows], dtype=np.float64)

    model = SentenceTransformer(args.run_dir, device="cpu")
    model.eval()
    theirs = model.encode(sentences, batch_size=32, convert_to_numpy=True).astype(np.float64)
    if theirs.shape != ours.shape:
        fail(f"shapes differ: sentence-transformers {theirs.shape}, mtstc {ours.shape}")
    diff = np.abs(theirs - ours)
    worst = float(diff.max()) if diff.size else 0.0
    print(f"max_abs_diff={worst:.3g} sentences={len(sentences)} dim={ours.shape[1]} class={class_name}")
    if not worst <= args.tolerance:
        i = int(diff.max(axis=1).argmax())
        fail(f"max abs difference {worst:.3g} > {args.tolerance:g}, worst on line {i + 1}: {sentences[i]!r}")


if __name__ == "__main__":
    main()
