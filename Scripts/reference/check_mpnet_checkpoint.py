#!/usr/bin/env python3
"""Loads a checkpoint saved by mtstc (an MPNet spec) into transformers' MPNetModel, strictly.

    .venv-reference/bin/python Scripts/reference/check_mpnet_checkpoint.py CHECKPOINT CONFIG_JSON [--embeddings FILE]

The checkpoint holds the backbone under MPNetModel's names and mtstc's heads under `heads.*`
(and `pooling.*`), which the model does not own; everything else must match MPNetModel (without
its pooler) key for key and shape for shape: the script prints the missing and unexpected keys
and exits 1 if there are any. With --embeddings (a JSON `{"ids": [[…]], "embedding": [[…]]}`
written by the caller from `mtstc embed`), it also runs the loaded model on those ids and prints
the largest difference from mtstc's mean-pooled, L2-normalised embeddings.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from transformers import MPNetConfig, MPNetModel  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkpoint")
    ap.add_argument("config")
    ap.add_argument("--embeddings")
    args = ap.parse_args()
    tensors = load_file(args.checkpoint)
    own = {k: v for k, v in tensors.items() if not k.startswith(("heads.", "pooling."))}
    with open(args.config) as f:
        config = MPNetConfig(**{k: v for k, v in json.load(f).items() if k != "architectures"})
    model = MPNetModel(config, add_pooling_layer=False).eval()
    result = model.load_state_dict(own, strict=False)
    expected = model.state_dict()
    shapes = [k for k in own if k in expected and tuple(own[k].shape) != tuple(expected[k].shape)]
    print(f"{args.checkpoint}: {len(tensors)} tensors, {len(tensors) - len(own)} mtstc heads/pooling, "
          f"{len(own)} backbone; MPNetModel expects {len(expected)}")
    print(f"missing keys: {result.missing_keys}")
    print(f"unexpected keys: {result.unexpected_keys}")
    print(f"shape mismatches: {shapes}")
    if result.missing_keys or result.unexpected_keys or shapes:
        sys.exit(1)
    if args.embeddings:
        with open(args.embeddings) as f:
            data = json.load(f)
        worst = 0.0
        with torch.no_grad():
            for ids, ours in zip(data["ids"], data["embedding"]):
                ids_t = torch.tensor([ids])
                h = model(input_ids=ids_t, attention_mask=torch.ones_like(ids_t)).last_hidden_state
                emb = F.normalize(h.mean(1), p=2, dim=-1, eps=1e-12)[0]
                worst = max(worst, (emb - torch.tensor(ours)).abs().max().item())
        print(f"embeddings: {len(data['ids'])} sentences, max |mtstc − MPNetModel| = {worst:.2e}")
    print("ok: the checkpoint loads into MPNetModel with no missing or unexpected keys")


if __name__ == "__main__":
    main()
