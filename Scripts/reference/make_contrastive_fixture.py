#!/usr/bin/env python3
"""Loss and gradients of sentence-transformers' MultipleNegativesRankingLoss on a tiny random BERT.

The golden file for mtstc's contrastive head: the same tiny BERT as make_grad_fixture.py (its
CONFIG and perturbed init), mean pooling, L2 normalisation (the spec's `normalize: l2`), then
`sentence_transformers.losses.MultipleNegativesRankingLoss(scale=20)` on (anchor, positive)
pairs: cross-entropy of 20 · cos(anchor_i, positive_j) over j with target i, mean over i.
If sentence-transformers does not import, the same formula is computed by hand (the metadata
says which). Written tensors (float32):

  embeddings.*, encoder.layer.N.*   initial BertModel weights (no pooler)
  input.ids, input.mask             [2·PAIRS, SEQ]: rows 0..PAIRS-1 anchors, then their positives,
                                    [CLS]=2 … [SEP]=3, padding 0
  loss.total                        [1]
  grad.<name>                       d loss / d parameter

Dropout is 0, token types 0, positions 0..T-1. The loss is also recomputed in float64 and the
float32 deviation printed.
"""
import argparse
import copy
import json
import os
import platform
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import transformers  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from transformers import BertConfig, BertModel  # noqa: E402

from make_grad_fixture import CONFIG, CLS_ID, FIRST_WORD_ID, PAD_ID, SEP_ID, sort_metadata  # noqa: E402

PAIRS = 4
LENGTHS = [7, 5, 3, 6, 4, 7, 5, 3]   # anchors, then positives; including [CLS] and [SEP]
SEQ = max(LENGTHS)
SCALE = 20.0

try:
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    LOSS_SOURCE = "sentence_transformers.MultipleNegativesRankingLoss"
except ImportError:
    try:
        from sentence_transformers.losses import MultipleNegativesRankingLoss
        LOSS_SOURCE = "sentence_transformers.MultipleNegativesRankingLoss"
    except ImportError:
        MultipleNegativesRankingLoss = None
        LOSS_SOURCE = "by hand: cross_entropy(scale * cos(a, p), arange(n))"


def build_model(seed: int) -> BertModel:
    torch.manual_seed(seed)
    model = BertModel(BertConfig(**CONFIG, attn_implementation="eager"), add_pooling_layer=False)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn_like(p))
    return model


def make_inputs(seed: int):
    gen = torch.Generator().manual_seed(seed)
    ids = torch.full((2 * PAIRS, SEQ), PAD_ID, dtype=torch.long)
    mask = torch.zeros((2 * PAIRS, SEQ), dtype=torch.long)
    for b, n in enumerate(LENGTHS):
        ids[b, 0] = CLS_ID
        ids[b, 1:n - 1] = torch.randint(FIRST_WORD_ID, CONFIG["vocab_size"], (n - 2,), generator=gen)
        ids[b, n - 1] = SEP_ID
        mask[b, :n] = 1
    return ids, mask


def embed(model: BertModel, ids, mask):
    positions = torch.arange(ids.shape[1]).expand_as(ids)
    hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids),
                   position_ids=positions).last_hidden_state
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return F.normalize(pooled, p=2, dim=-1, eps=1e-12)


def mnrl(anchors, positives):
    if MultipleNegativesRankingLoss is not None:
        loss = MultipleNegativesRankingLoss(model=torch.nn.Identity(), scale=SCALE)
        return loss.compute_loss_from_embeddings([anchors, positives], labels=None)
    scores = SCALE * F.normalize(anchors, dim=-1) @ F.normalize(positives, dim=-1).T
    return F.cross_entropy(scores, torch.arange(anchors.shape[0]))


def step(model: BertModel, inputs):
    model.train()  # dropout is 0
    model.zero_grad(set_to_none=True)
    e = embed(model, *inputs)
    loss = mnrl(e[:PAIRS], e[PAIRS:])
    loss.backward()
    return loss.detach(), {n: p.grad.detach().clone() for n, p in model.named_parameters()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="Tests/MTSTRuntimeTests/Fixtures/contrastive_step.safetensors")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)

    model = build_model(args.seed)
    initial = {n: p.detach().clone() for n, p in model.named_parameters()}
    inputs = make_inputs(args.seed + 2)
    loss, grads = step(model, inputs)
    loss64, grads64 = step(copy.deepcopy(model).double(), inputs)
    by_hand = F.cross_entropy(SCALE * (lambda e: e[:PAIRS] @ e[PAIRS:].T)(embed(model, *inputs)), torch.arange(PAIRS))

    tensors = dict(initial)
    tensors["input.ids"], tensors["input.mask"] = inputs
    tensors["loss.total"] = loss.reshape(1)
    tensors.update({f"grad.{n}": g for n, g in grads.items()})
    tensors = {k: v.to(torch.float32).contiguous() for k, v in tensors.items()}
    metadata = {
        "description": "MultipleNegativesRankingLoss (scale 20) on a tiny BERT's mean-pooled, L2-normalised embeddings",
        "config": json.dumps(CONFIG, sort_keys=True),
        "loss": LOSS_SOURCE,
        "pairs": str(PAIRS),
        "scale": str(SCALE),
        "conventions": "rows 0..pairs-1 anchors, pairs..2*pairs-1 their positives; token_type_ids 0; dropout 0; eager attention",
        "seed": str(args.seed),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    save_file(tensors, args.out, metadata=metadata)
    sort_metadata(args.out)
    worst = max(((grads[n].double() - grads64[n]).abs().max() / grads64[n].abs().max().clamp(min=1e-30)).item()
                for n in grads if grads64[n].abs().max() > 1e-12)
    print(f"wrote {args.out}: {len(tensors)} tensors, {os.path.getsize(args.out)} bytes; loss from {LOSS_SOURCE}")
    print(f"loss {loss.item():.8f} (float64 {loss64.item():.8f}, by hand {by_hand.item():.8f})")
    print(f"float32 vs float64 gradients: max |Δ| / max|g| = {worst:.2e}")


if __name__ == "__main__":
    main()
