#!/usr/bin/env python3
"""Checks that a checkpoint mtstc saved for a DistilBERT spec loads back into transformers.

  1. Builds DistilBertModel from the plan's model config (`model` in the plan's JSON payload)
     and loads the checkpoint's backbone tensors with strict=True: no missing and no
     unexpected keys. The only other tensors allowed in the file are mtstc's own heads.* and
     pooling.* (the task heads, which DistilBertModel does not have).
  2. With --embeddings (the output of `mtstc embed --graph PLAN` for a plan whose
     backbone.weights is that checkpoint), tokenizes the same texts with transformers'
     BertTokenizer on the plan's vocabulary and compares mean-pooled sentence embeddings
     (normalised as the plan says) with mtstc's.

    mtstc run --graph tiny-distilbert.plan --out runs/d          # writes runs/d/checkpoint.safetensors
    # compile a copy of the spec with backbone.weights: runs/d/checkpoint.safetensors → p2.plan
    mtstc embed --graph p2.plan "from boston to denver" … > emb.jsonl
    python Scripts/reference/check_distilbert_checkpoint.py --plan p2.plan --embeddings emb.jsonl
"""
import argparse
import json
import os
import struct
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from transformers import BertTokenizer, DistilBertConfig, DistilBertModel  # noqa: E402


def read_plan(path: str) -> dict:
    """The JSON payload after the header: magic (8), version (4), length (8), SHA-256 (32)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"MTSTPLAN":
        sys.exit(f"{path}: not an mtstc plan")
    (length,) = struct.unpack("<Q", data[12:20])
    return json.loads(data[52:52 + length])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plan", required=True, help="plan whose weights are the checkpoint to check")
    parser.add_argument("--checkpoint", help="default: the plan's weights file")
    parser.add_argument("--embeddings", help="JSON lines from `mtstc embed --graph PLAN`")
    args = parser.parse_args()
    plan = read_plan(args.plan)
    m = plan["model"]
    if m["architecture"] != "distilbert":
        sys.exit(f"{args.plan}: architecture {m['architecture']}, not distilbert")
    checkpoint = args.checkpoint or plan["weights"]["path"]
    config = DistilBertConfig(vocab_size=m["vocabSize"], dim=m["hidden"], n_layers=m["layers"], n_heads=m["heads"],
                              hidden_dim=m["intermediate"], max_position_embeddings=m["maxPositions"],
                              dropout=0.0, attention_dropout=0.0, activation="gelu", attn_implementation="eager")
    model = DistilBertModel(config).eval()
    tensors = load_file(checkpoint)
    ours = {k: v for k, v in tensors.items() if not k.startswith(("heads.", "pooling."))}
    result = model.load_state_dict(ours, strict=False)
    print(f"{checkpoint}: {len(tensors)} tensors, {len(ours)} backbone tensors")
    print(f"missing keys: {result.missing_keys or 'none'}")
    print(f"unexpected keys: {result.unexpected_keys or 'none'}")
    print(f"mtstc-only keys (task heads): {sorted(set(tensors) - set(ours))}")
    for name, p in model.state_dict().items():
        if name in ours and not torch.equal(p, ours[name]):
            sys.exit(f"{name}: loaded value differs from the file")
    ok = not result.missing_keys and not result.unexpected_keys

    if args.embeddings:
        tokenizer = BertTokenizer(plan["tokenizer"]["vocab"]["path"], do_lower_case=plan["tokenizer"]["lowercase"])
        worst = 0.0
        with open(args.embeddings) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        for row in rows:
            enc = tokenizer(row["text"], return_tensors="pt", truncation=True, max_length=plan["tokenizer"]["maxLength"])
            with torch.no_grad():
                hidden = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
            pooled = hidden.mean(1)[0] if m["pooling"] == "mean" else hidden[0, 0]
            emb = F.normalize(pooled, dim=-1, eps=1e-12) if m["normalize"] == "l2" else pooled
            worst = max(worst, (emb - torch.tensor(row["embedding"])).abs().max().item())
        print(f"{len(rows)} sentences: max |mtstc − DistilBertModel| = {worst:.2e}")
        ok = ok and worst <= 1e-5
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
