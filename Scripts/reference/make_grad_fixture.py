#!/usr/bin/env python3
"""One training step of a tiny BERT with mtstc's two heads, as a golden file for the Swift side.

mtstc derives its backward graph and its AdamW update itself; this fixture lets a test check
both end to end against PyTorch autograd and torch.optim.AdamW on a model small enough to
commit (≈ 80 KB). Everything mtstc needs to reproduce the step is in the one file:

  initial weights   Hugging Face BertModel names (embeddings.*, encoder.layer.N.*; no pooler.*)
                    plus heads.intent.{weight,bias} and heads.slots.{weight,bias}, Linear layout [out, in]
  input.ids         [3, 7] token ids ([CLS]=2 … [SEP]=3, padding 0), lengths 7, 5, 3
  input.mask        [3, 7] attention mask (1 real token, 0 padding)
  input.intent      [3]    intent class in [0, 3)
  input.slots       [3, 7] slot class in [0, 5), −1 = ignored ([CLS], [SEP], padding, one continuation piece)
  loss.total/intent/slots   [1]
  grad.<name>       d loss.total / d parameter, for every parameter above
  after.<name>      the parameter after one AdamW step (lr 1e-3, betas 0.9/0.999, eps 1e-8,
                    weight decay 0.01 on every parameter)

All tensors are float32 (the integer inputs too, so a reader needs only one dtype). token_type_ids
are all 0 and position ids are 0..6; neither is stored.

The heads are computed exactly as mtstc lowers them:
  embedding    = normalize_l2( sum_t(h_t · mask_t) / max(sum_t mask_t, 1e-9) ), eps 1e-12
  intent loss  = mean cross-entropy of Linear(16, 3)(embedding)
  slot loss    = cross-entropy of Linear(16, 5)(h_t), mean over positions whose label ≥ 0
  total        = intent loss + slot loss
Dropout is 0 everywhere, so train and eval mode agree.

The same step is also recomputed in float64 and the largest float32 deviation is printed, as a
guide for how tight the Swift-side tolerances can be.
"""
import argparse
import copy
import json
import os
import platform
import struct
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import transformers  # noqa: E402
from transformers import BertConfig, BertModel  # noqa: E402

try:
    import safetensors
    from safetensors.torch import save_file
except ImportError:
    sys.exit("make_grad_fixture: needs the safetensors package (pip install safetensors)")

CONFIG = dict(
    vocab_size=65, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
    intermediate_size=32, max_position_embeddings=64, type_vocab_size=2,
    layer_norm_eps=1e-12, hidden_act="gelu",
    hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
)
INTENT_CLASSES = 3
SLOT_CLASSES = 5
BATCH, SEQ = 3, 7
LENGTHS = [7, 5, 3]             # including [CLS] and [SEP]
PAD_ID, CLS_ID, SEP_ID = 0, 2, 3
FIRST_WORD_ID = 5               # ids 0–4 are the special tokens of Graphs/tiny-vocab.txt
IGNORE = -1
CONTINUATION = (0, 3)           # (sentence, position) of the real token whose slot label is ignored
ADAMW = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)


class TinyMultitask(torch.nn.Module):
    """BertModel + mean-pooled/L2-normalised intent head + per-token slot head."""

    def __init__(self, config: BertConfig):
        super().__init__()
        # The config asks for eager attention: the plain softmax(QKᵀ/√d + mask)·V that mtstc implements, with no
        # backend choosing a different summation order behind our back.
        self.bert = BertModel(config, add_pooling_layer=False)
        self.intent = torch.nn.Linear(config.hidden_size, INTENT_CLASSES)
        self.slots = torch.nn.Linear(config.hidden_size, SLOT_CLASSES)

    def forward(self, ids, mask, intent_labels, slot_labels):
        positions = torch.arange(ids.shape[1]).expand_as(ids)
        hidden = self.bert(input_ids=ids, attention_mask=mask,
                           token_type_ids=torch.zeros_like(ids),
                           position_ids=positions).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        embedding = F.normalize(pooled, p=2, dim=-1, eps=1e-12)
        intent_loss = F.cross_entropy(self.intent(embedding), intent_labels)
        slot_logits = self.slots(hidden)
        slot_loss = F.cross_entropy(slot_logits.reshape(-1, SLOT_CLASSES), slot_labels.reshape(-1),
                                    ignore_index=IGNORE)
        return intent_loss + slot_loss, intent_loss, slot_loss

    def named_fixture_parameters(self):
        """Parameters under the names mtstc's checkpoint loader expects."""
        for name, p in self.bert.named_parameters():
            yield name, p
        for head in ("intent", "slots"):
            for name, p in getattr(self, head).named_parameters():
                yield f"heads.{head}.{name}", p


def build_model(seed: int) -> TinyMultitask:
    """BERT's own init for matrices; LayerNorm gains and every bias perturbed.

    With the default init all biases are 0 and LayerNorm gains 1, and a wrong gradient for
    them (for example a bias gradient summed over the wrong axis) can hide behind those values.
    Small random values make every parameter's role in the forward pass visible.
    """
    torch.manual_seed(seed)
    model = TinyMultitask(BertConfig(**CONFIG, attn_implementation="eager"))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn_like(p))
    return model


def make_inputs(seed: int):
    gen = torch.Generator().manual_seed(seed)
    ids = torch.full((BATCH, SEQ), PAD_ID, dtype=torch.long)
    mask = torch.zeros((BATCH, SEQ), dtype=torch.long)
    slots = torch.full((BATCH, SEQ), IGNORE, dtype=torch.long)
    for b, n in enumerate(LENGTHS):
        ids[b, 0] = CLS_ID
        ids[b, 1:n - 1] = torch.randint(FIRST_WORD_ID, CONFIG["vocab_size"], (n - 2,), generator=gen)
        ids[b, n - 1] = SEP_ID
        mask[b, :n] = 1
        slots[b, 1:n - 1] = torch.randint(0, SLOT_CLASSES, (n - 2,), generator=gen)
    slots[CONTINUATION] = IGNORE
    intent = torch.randint(0, INTENT_CLASSES, (BATCH,), generator=gen)
    return ids, mask, intent, slots


def train_step(model: TinyMultitask, inputs):
    """Forward, backward and one AdamW step; returns losses, gradients and updated parameters."""
    model.train()  # dropout is 0, so this equals eval mode; train() states the intent
    names = [n for n, _ in model.named_fixture_parameters()]
    params = [p for _, p in model.named_fixture_parameters()]
    model.zero_grad(set_to_none=True)
    total, intent_loss, slot_loss = model(*inputs)
    total.backward()
    grads = {n: p.grad.detach().clone() for n, p in zip(names, params)}
    optimizer = torch.optim.AdamW(params, **ADAMW)
    optimizer.step()
    after = {n: p.detach().clone() for n, p in zip(names, params)}
    losses = {"total": total.detach(), "intent": intent_loss.detach(), "slots": slot_loss.detach()}
    return losses, grads, after


def mathematically_zero(grads64: dict) -> list[str]:
    """Gradients that vanish in exact arithmetic and are only rounding noise in float32.

    The key bias adds q·b_k to every score of a query row, and softmax ignores a constant
    added to a whole row, so d loss / d key.bias is 0. float64 shows ~1e-20 there, float32
    ~1e-11; a Swift implementation gets its own noise of that size.
    """
    scale = max(g.abs().max().item() for g in grads64.values())
    return [n for n, g in grads64.items() if g.abs().max().item() < 1e-12 * scale]


def max_relative_deviation(a: dict, b: dict, skip: list[str]) -> tuple[float, str]:
    """Largest |a − b| / max|b| over tensors not in skip, with the worst tensor's name."""
    worst, where = 0.0, ""
    for name in a:
        scale = b[name].abs().max().item()
        if name in skip or scale == 0:
            continue
        d = (a[name].double() - b[name]).abs().max().item() / scale
        if d > worst:
            worst, where = d, name
    return worst, where


def sort_metadata(path: str) -> None:
    """Rewrite the header with __metadata__ keys in sorted order, so reruns give identical bytes.

    The safetensors writer keeps metadata in a hash map, whose order changes from run to run;
    tensor data and offsets are untouched, and the header keeps its length (it is space-padded).
    """
    with open(path, "r+b") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
        text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
        if len(text) > length:  # cannot happen for the same keys and values; keep the original then
            return
        f.seek(8)
        f.write(text + b" " * (length - len(text)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="Tests/MTSTCompilerTests/Fixtures/grad_step.safetensors")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)  # deterministic summation order; the model is tiny anyway

    model = build_model(args.seed)
    initial = {n: p.detach().clone() for n, p in model.named_fixture_parameters()}
    inputs = make_inputs(args.seed + 1)
    model64 = copy.deepcopy(model).double()

    losses, grads, after = train_step(model, inputs)
    losses64, grads64, after64 = train_step(model64, inputs)
    noise = mathematically_zero(grads64)

    tensors = {}
    tensors.update(initial)
    for key, t in zip(("ids", "mask", "intent", "slots"), inputs):
        tensors[f"input.{key}"] = t
    for key, v in losses.items():
        tensors[f"loss.{key}"] = v.reshape(1)
    tensors.update({f"grad.{n}": g for n, g in grads.items()})
    tensors.update({f"after.{n}": p for n, p in after.items()})
    tensors = {k: v.to(torch.float32).contiguous() for k, v in tensors.items()}

    metadata = {
        "description": "one forward/backward/AdamW step of a tiny BERT with mtstc's intent and slot heads",
        "config": json.dumps(CONFIG, sort_keys=True),
        "heads": json.dumps({"intent": INTENT_CLASSES, "slots": SLOT_CLASSES}),
        "conventions": ("embedding = F.normalize(masked mean of last_hidden_state, clamp 1e-9), eps 1e-12; "
                        "intent = mean CE of Linear(16,3)(embedding); slots = CE of Linear(16,5)(h_t), "
                        "mean over label >= 0 (ignore -1); total = intent + slots; "
                        "token_type_ids 0, position ids 0..T-1; eager attention; dropout 0"),
        "adamw": json.dumps({"lr": ADAMW["lr"], "betas": list(ADAMW["betas"]), "eps": ADAMW["eps"],
                             "weight_decay": ADAMW["weight_decay"], "decay_on": "every parameter"}),
        "zero_gradients": json.dumps(noise),
        "note": ("zero_gradients lists parameters whose gradient is 0 in exact arithmetic (softmax is "
                 "shift-invariant, so the key bias has none); their grad.* and after.* hold float32 "
                 "rounding noise, since AdamW's g/(|g|+eps) amplifies noise of ~1e-11 to updates of ~1e-6"),
        "seed": str(args.seed),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "safetensors": safetensors.__version__,
        "python": platform.python_version(),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    save_file(tensors, args.out, metadata=metadata)
    sort_metadata(args.out)

    n_params = sum(t.numel() for t in initial.values())
    print(f"wrote {args.out}: {len(tensors)} tensors, {os.path.getsize(args.out)} bytes, "
          f"{len(initial)} parameters ({n_params} values)")
    print("loss total {:.8f}  intent {:.8f}  slots {:.8f}".format(
        *(losses[k].item() for k in ("total", "intent", "slots"))))
    print("float64 loss total {:.8f}".format(losses64["total"].item()))
    grad_norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads.values())).item()
    print(f"global gradient norm {grad_norm:.6g}")
    zero = [n for n, g in grads.items() if not g.any()]
    print(f"parameters with an all-zero float32 gradient: {zero or 'none'}")
    for n in noise:
        print(f"zero in exact arithmetic (float32 rounding noise only): {n}, "
              f"max |grad| float32 {grads[n].abs().max().item():.1e}, float64 {grads64[n].abs().max().item():.1e}")
    for label, a, b in (("gradients", grads, grads64), ("updated parameters", after, after64)):
        d, where = max_relative_deviation(a, b, noise)
        print(f"float32 vs float64 {label} (others): max |Δ| / max|x| = {d:.2e} ({where})")
    print("inputs:")
    for key in ("ids", "mask", "slots"):
        print(f"  {key:6s}", tensors[f'input.{key}'].to(torch.long).tolist())
    print(f"  intent", tensors["input.intent"].to(torch.long).tolist())


if __name__ == "__main__":
    main()
