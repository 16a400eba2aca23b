#!/usr/bin/env python3
"""DistilBERT parity fixtures: transformers' DistilBertModel on seeded random weights.

Two outputs, both from the same conventions as make_grad_fixture.py (mean pooling over the
mask, L2 normalisation, an intent head on the embedding and a slot head on the tokens, total
loss = intent + slots, eager attention, dropout 0, one AdamW step):

  --tiny-out  (committed, ≈ 70 KB) a tiny DistilBERT (vocab 65, dim 16, 2 layers, 2 heads,
              hidden_dim 32): initial weights under DistilBertModel names (embeddings.*,
              transformer.layer.N.*) plus heads.{intent,slots}.*, inputs, expected.embedding
              (eval-mode sentence embeddings), losses, grad.<name> for every parameter and
              after.<name> after one AdamW step (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight
              decay 0.01). Tensor layout as in make_grad_fixture.py.

  --full-out  (git-ignored folder, ≈ 270 MB) distilbert-base-uncased shapes (vocab 30522,
              dim 768, 6 layers, 12 heads, hidden_dim 3072) with random weights:
              model.safetensors (DistilBertModel names), config.json, and expected.safetensors
              with the inputs, expected.embedding, the losses and the gradients of a few
              tensors (the full gradient set would be as large as the model).

Nothing is downloaded; DistilBertModel is built from a config.
"""
import argparse
import json
import os
import platform
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import transformers  # noqa: E402
from transformers import DistilBertConfig, DistilBertModel  # noqa: E402
import safetensors  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_grad_fixture import sort_metadata  # noqa: E402

TINY = dict(vocab_size=65, dim=16, n_layers=2, n_heads=2, hidden_dim=32, max_position_embeddings=64,
            dropout=0.0, attention_dropout=0.0, activation="gelu", sinusoidal_pos_embds=False)
FULL = dict(vocab_size=30522, dim=768, n_layers=6, n_heads=12, hidden_dim=3072, max_position_embeddings=512,
            dropout=0.0, attention_dropout=0.0, activation="gelu", sinusoidal_pos_embds=False)
INTENT_CLASSES, SLOT_CLASSES = 3, 5
PAD_ID, CLS_ID, SEP_ID, FIRST_WORD_ID = 0, 2, 3, 5
IGNORE = -1
ADAMW = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
FULL_GRADS = ["embeddings.LayerNorm.weight", "transformer.layer.0.attention.q_lin.weight",
              "transformer.layer.5.ffn.lin1.bias", "transformer.layer.5.output_layer_norm.weight",
              "heads.intent.weight", "heads.slots.bias"]


class Multitask(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        self.distilbert = DistilBertModel(config)
        self.intent = torch.nn.Linear(config.dim, INTENT_CLASSES)
        self.slots = torch.nn.Linear(config.dim, SLOT_CLASSES)

    def embed(self, ids, mask):
        hidden = self.distilbert(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return hidden, F.normalize(pooled, p=2, dim=-1, eps=1e-12)

    def forward(self, ids, mask, intent_labels, slot_labels):
        hidden, embedding = self.embed(ids, mask)
        intent_loss = F.cross_entropy(self.intent(embedding), intent_labels)
        slot_loss = F.cross_entropy(self.slots(hidden).reshape(-1, SLOT_CLASSES), slot_labels.reshape(-1),
                                    ignore_index=IGNORE)
        return intent_loss + slot_loss, intent_loss, slot_loss

    def named_fixture_parameters(self):
        yield from self.distilbert.named_parameters()
        for head in ("intent", "slots"):
            for name, p in getattr(self, head).named_parameters():
                yield f"heads.{head}.{name}", p


def build(config: dict, seed: int) -> Multitask:
    """DistilBERT's own init, then LayerNorm gains and every bias perturbed (as make_grad_fixture.py)."""
    torch.manual_seed(seed)
    model = Multitask(DistilBertConfig(**config, attn_implementation="eager"))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layer_norm.weight" in name or "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn_like(p))
    return model


def inputs(vocab: int, lengths: list[int], seed: int):
    gen = torch.Generator().manual_seed(seed)
    batch, seq = len(lengths), max(lengths)
    ids = torch.full((batch, seq), PAD_ID, dtype=torch.long)
    mask = torch.zeros((batch, seq), dtype=torch.long)
    slots = torch.full((batch, seq), IGNORE, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, 0] = CLS_ID
        ids[b, 1:n - 1] = torch.randint(FIRST_WORD_ID, vocab, (n - 2,), generator=gen)
        ids[b, n - 1] = SEP_ID
        mask[b, :n] = 1
        slots[b, 1:n - 1] = torch.randint(0, SLOT_CLASSES, (n - 2,), generator=gen)
    slots[0, 3] = IGNORE  # one continuation piece
    intent = torch.randint(0, INTENT_CLASSES, (batch,), generator=gen)
    return ids, mask, intent, slots


def step(model: Multitask, batch):
    names = [n for n, _ in model.named_fixture_parameters()]
    params = [p for _, p in model.named_fixture_parameters()]
    model.eval()
    with torch.no_grad():
        embedding = model.embed(batch[0], batch[1])[1].clone()
    model.train()
    model.zero_grad(set_to_none=True)
    total, intent_loss, slot_loss = model(*batch)
    total.backward()
    grads = {n: p.grad.detach().clone() for n, p in zip(names, params)}
    torch.optim.AdamW(params, **ADAMW).step()
    after = {n: p.detach().clone() for n, p in zip(names, params)}
    losses = {"total": total.detach(), "intent": intent_loss.detach(), "slots": slot_loss.detach()}
    return embedding, losses, grads, after


def metadata(config: dict, seed: int, extra: dict) -> dict:
    return {
        "config": json.dumps(config, sort_keys=True),
        "heads": json.dumps({"intent": INTENT_CLASSES, "slots": SLOT_CLASSES}),
        "conventions": ("embedding = F.normalize(masked mean of last_hidden_state), eps 1e-12; intent = mean CE of "
                        "Linear(dim,3)(embedding); slots = CE of Linear(dim,5)(h_t), ignore -1; total = intent + slots; "
                        "eager attention; dropout 0; DistilBertModel position ids 0..T-1"),
        "adamw": json.dumps({"lr": ADAMW["lr"], "betas": list(ADAMW["betas"]), "eps": ADAMW["eps"],
                             "weight_decay": ADAMW["weight_decay"]}),
        "seed": str(seed), "torch": torch.__version__, "transformers": transformers.__version__,
        "safetensors": safetensors.__version__, "python": platform.python_version(), **extra,
    }


def save(tensors: dict, path: str, meta: dict) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    save_file({k: v.to(torch.float32).contiguous() for k, v in tensors.items()}, path, metadata=meta)
    sort_metadata(path)
    print(f"wrote {path}: {len(tensors)} tensors, {os.path.getsize(path)} bytes")


def tiny(path: str, seed: int) -> None:
    model = build(TINY, seed)
    initial = {n: p.detach().clone() for n, p in model.named_fixture_parameters()}
    batch = inputs(TINY["vocab_size"], [7, 5, 3], seed + 1)
    embedding, losses, grads, after = step(model, batch)
    tensors = dict(initial)
    for key, t in zip(("ids", "mask", "intent", "slots"), batch):
        tensors[f"input.{key}"] = t
    tensors["expected.embedding"] = embedding
    tensors.update({f"loss.{k}": v.reshape(1) for k, v in losses.items()})
    tensors.update({f"grad.{n}": g for n, g in grads.items()})
    tensors.update({f"after.{n}": p for n, p in after.items()})
    save(tensors, path, metadata(TINY, seed, {"description": "one step of a tiny DistilBertModel with mtstc's heads"}))
    print("loss total {:.8f}".format(losses["total"].item()))


def full(folder: str, seed: int) -> None:
    model = build(FULL, seed)
    weights = {n: p.detach().clone().contiguous() for n, p in model.named_fixture_parameters()}
    batch = inputs(FULL["vocab_size"], [32, 17, 9, 3], seed + 1)
    embedding, losses, grads, _ = step(model, batch)
    os.makedirs(folder, exist_ok=True)
    save(weights, os.path.join(folder, "model.safetensors"), {"format": "pt"})
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump({"model_type": "distilbert", "architectures": ["DistilBertModel"], "initializer_range": 0.02,
                   **FULL}, f, indent=2, sort_keys=True)
    tensors = {f"input.{k}": t for k, t in zip(("ids", "mask", "intent", "slots"), batch)}
    tensors["expected.embedding"] = embedding
    tensors.update({f"loss.{k}": v.reshape(1) for k, v in losses.items()})
    tensors.update({f"grad.{n}": grads[n] for n in FULL_GRADS})
    save(tensors, os.path.join(folder, "expected.safetensors"),
         metadata(FULL, seed, {"description": "distilbert-base-uncased shapes, random weights"}))
    print("loss total {:.8f}".format(losses["total"].item()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny-out", default="Tests/MTSTRuntimeTests/Fixtures/distilbert_step.safetensors")
    parser.add_argument("--full-out", default="Assets/reference/distilbert-base")
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    tiny(args.tiny_out, args.seed)
    if not args.skip_full:
        full(args.full_out, args.seed)


if __name__ == "__main__":
    main()
