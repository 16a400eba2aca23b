#!/usr/bin/env python3
"""MPNet parity fixtures: transformers' MPNetModel on seeded random weights, as golden files for mtstc.

  tiny (committed)   Tests/MTSTRuntimeTests/Fixtures/mpnet_step.safetensors, ≈ 60 KB
  full (--full DIR)  all-mpnet-base-v2 shapes (12 layers, 768, 12 heads, 3072, vocab 30527, 514 positions)
                     with random weights: DIR/config.json, DIR/model.safetensors, DIR/step.safetensors
                     (≈ 450 MB, git-ignored; DIR is normally Assets/reference/mpnet-base)
  tokens (--tokens)  Tests/MTSTRuntimeTests/Fixtures/mpnet_tokens.json: MPNetTokenizer on the texts of
                     parity_tokens.json, with an MPNet vocabulary built from Assets/all-MiniLM-L6-v2/vocab.txt

Each step file holds

  <MPNetModel names>       initial weights (embeddings.*, encoder.layer.N.*, encoder.relative_attention_bias.weight;
                           no pooler.*), plus heads.intent.{weight,bias}, heads.slots.{weight,bias}
  input.ids, input.mask    [B, T] float32; padding id 1 (<pad>), real ids never 1 (MPNet derives positions from
                           ids != 1, so a real 1 would shift them); positions are 2 … n+1 as MPNet computes them
  input.intent [B], input.slots [B, T] (−1 = ignored)
  output.tokens            [B, T, H] last_hidden_state (eval; dropout 0 so train = eval)   (tiny only)
  output.pooled            [B, H] mask-aware mean of last_hidden_state
  output.embedding         [B, H] output.pooled L2-normalised (eps 1e-12)
  loss.total/intent/slots  [1]
  grad.<name>              d loss.total / d parameter (tiny: every parameter; full: the ones in FULL_GRADS)
  buckets                  [1201] MPNet's relative_position_bucket(r) for r = −600 … 600, 32 buckets, 128   (tiny only)

Losses are mtstc's heads: intent = mean cross-entropy of Linear(H, 3) on output.embedding, slots = cross-entropy
of Linear(H, 5) on every token, mean over labels ≥ 0, total = intent + slots.
"""
import argparse
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
from transformers import MPNetConfig, MPNetModel  # noqa: E402
from transformers.models.mpnet.modeling_mpnet import MPNetEncoder  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

TINY = dict(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=4, intermediate_size=32,
            max_position_embeddings=66, layer_norm_eps=1e-5, relative_attention_num_buckets=32, hidden_act="gelu",
            hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
# all-mpnet-base-v2's config.json, dropout 0.
FULL = dict(vocab_size=30527, hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
            max_position_embeddings=514, layer_norm_eps=1e-5, relative_attention_num_buckets=32, hidden_act="gelu",
            hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
TINY_LENGTHS = [40, 23, 9, 3]      # 40 tokens reach the logarithmic buckets (distance ≥ 8)
FULL_LENGTHS = [160, 64, 17, 5]    # 160 reaches the capped buckets (distance ≥ 128)
FULL_GRADS = ["encoder.relative_attention_bias.weight", "embeddings.position_embeddings.weight",
              "embeddings.LayerNorm.weight", "encoder.layer.0.attention.attn.q.weight",
              "encoder.layer.0.attention.attn.k.bias", "encoder.layer.5.attention.attn.v.weight",
              "encoder.layer.11.output.dense.weight", "encoder.layer.11.output.LayerNorm.bias",
              "heads.intent.weight", "heads.slots.bias"]
INTENTS, SLOTS = 3, 5
PAD, CLS, SEP = 1, 0, 2
IGNORE = -1


class Multitask(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        self.mpnet = MPNetModel(config, add_pooling_layer=False)
        self.intent = torch.nn.Linear(config.hidden_size, INTENTS)
        self.slots = torch.nn.Linear(config.hidden_size, SLOTS)

    def forward(self, ids, mask, intent, slots):
        hidden = self.mpnet(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        embedding = F.normalize(pooled, p=2, dim=-1, eps=1e-12)
        intent_loss = F.cross_entropy(self.intent(embedding), intent)
        slot_loss = F.cross_entropy(self.slots(hidden).reshape(-1, SLOTS), slots.reshape(-1), ignore_index=IGNORE)
        return hidden, pooled, embedding, intent_loss + slot_loss, intent_loss, slot_loss

    def named_fixture_parameters(self):
        for name, p in self.mpnet.named_parameters():
            yield name, p
        for head in ("intent", "slots"):
            for name, p in getattr(self, head).named_parameters():
                yield f"heads.{head}.{name}", p


def build(config_dict, seed):
    """MPNet's own init for matrices; LayerNorm gains, every bias and the relative bias table redrawn, so a
    gradient mistake cannot hide behind ones and zeros (the table is zero-mean N(0, 0.02) by default)."""
    torch.manual_seed(seed)
    model = Multitask(MPNetConfig(**config_dict))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn_like(p))
            elif "relative_attention_bias" in name:
                p.copy_(0.5 * torch.randn_like(p))
    return model


def inputs(vocab, lengths, seed):
    gen = torch.Generator().manual_seed(seed)
    batch, seq = len(lengths), max(lengths)
    ids = torch.full((batch, seq), PAD, dtype=torch.long)
    mask = torch.zeros((batch, seq), dtype=torch.long)
    slots = torch.full((batch, seq), IGNORE, dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, 0] = CLS
        ids[b, 1:n - 1] = torch.randint(3, vocab, (max(0, n - 2),), generator=gen)
        ids[b, n - 1] = SEP
        mask[b, :n] = 1
        slots[b, 1:n - 1] = torch.randint(0, SLOTS, (max(0, n - 2),), generator=gen)
    intent = torch.randint(0, INTENTS, (batch,), generator=gen)
    assert not (ids[mask.bool()] == PAD).any()
    return ids, mask, intent, slots


def step(model, batch, grads_for=None):
    model.train()
    named = list(model.named_fixture_parameters())
    model.zero_grad(set_to_none=True)
    hidden, pooled, embedding, total, intent_loss, slot_loss = model(*batch)
    total.backward()
    out = {}
    for name, p in named:
        if grads_for is None or name in grads_for:
            out["grad." + name] = p.grad.detach().clone()
    out.update({"loss.total": total.detach().reshape(1), "loss.intent": intent_loss.detach().reshape(1),
                "loss.slots": slot_loss.detach().reshape(1), "output.pooled": pooled.detach(),
                "output.embedding": embedding.detach()})
    return out, hidden.detach()


def metadata(config, lengths):
    return {"config": json.dumps(config, sort_keys=True), "lengths": json.dumps(lengths),
            "torch": torch.__version__, "transformers": transformers.__version__, "python": platform.python_version(),
            "conventions": "positions 2..n+1; padding id 1; pooled = masked mean; embedding = l2(pooled, eps 1e-12); "
                           "loss = CE(intent(embedding)) + CE(slots(tokens), ignore -1)"}


def fixture(config, lengths, seed, grads_for, with_tokens):
    model = build(config, seed)
    batch = inputs(config["vocab_size"], lengths, seed + 1)
    result, hidden = step(model, batch, grads_for)
    tensors = {n: p.detach().clone().contiguous() for n, p in model.named_fixture_parameters()}
    ids, mask, intent, slots = batch
    tensors.update({"input.ids": ids.float(), "input.mask": mask.float(), "input.intent": intent.float(),
                    "input.slots": slots.float()})
    tensors.update(result)
    if with_tokens:
        tensors["output.tokens"] = hidden
        rel = torch.arange(-600, 601)
        tensors["buckets"] = MPNetEncoder.relative_position_bucket(rel, num_buckets=32, max_distance=128).float()
    # Cross-check: float64 forward of the same model, how far float32 is (a guide for tolerances).
    model64 = build(config, seed).double()
    with torch.no_grad():
        _, pooled64, _, _, _, _ = model64(*batch)
    dev = (result["output.pooled"].double() - pooled64).abs().max().item()
    print(f"float32 vs float64 pooled: max |Δ| = {dev:.2e}", file=sys.stderr)
    return {k: v.float().contiguous() for k, v in tensors.items()}


def save(tensors, path, meta):
    """save_file, then the header's __metadata__ keys sorted (the writer's hash map reorders them
    from run to run; the header keeps its length), so reruns give identical bytes."""
    save_file(tensors, path, metadata=meta)
    with open(path, "r+b") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
        text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
        if len(text) <= length:
            f.seek(8)
            f.write(text + b" " * (length - len(text)))


def tokens_fixture(minilm_vocab, parity_tokens, out):
    from transformers import MPNetTokenizer
    with open(minilm_vocab, encoding="utf-8") as f:
        bert = f.read().splitlines()
    vocab = ["<s>", "<pad>", "</s>", "<unk>"] + bert + ["<mask>"]
    assert len(set(vocab)) == len(vocab)
    tok = MPNetTokenizer(vocab={t: i for i, t in enumerate(vocab)})  # defaults: <s> </s> <pad> [UNK] <mask>, lower case
    with open(parity_tokens, encoding="utf-8") as f:
        texts = [item["text"] for item in json.load(f)]
    items = [{"text": t, "ids": tok(t, truncation=True, max_length=256)["input_ids"]} for t in texts]
    head = {"vocab": "<s> <pad> </s> <unk> + all-MiniLM-L6-v2 vocab.txt + <mask>", "size": len(vocab),
            "specials": {"cls": "<s>", "sep": "</s>", "pad": "<pad>", "unk": str(tok.unk_token), "mask": "<mask>"},
            "transformers": transformers.__version__}
    with open(out, "w", encoding="utf-8") as f:
        f.write(json.dumps(head, ensure_ascii=False)[:-1] + ',\n"items": [\n')
        f.write(",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]}\n")
    print(f"wrote {out}: {len(items)} texts, vocabulary of {len(vocab)}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="Tests/MTSTRuntimeTests/Fixtures/mpnet_step.safetensors")
    ap.add_argument("--full", help="directory for the full-size fixture (Assets/reference/mpnet-base)")
    ap.add_argument("--tokens", action="store_true", help="also write mpnet_tokens.json next to --out")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(2)
    tiny = fixture(TINY, TINY_LENGTHS, args.seed, None, True)
    save(tiny, args.out, metadata(TINY, TINY_LENGTHS))
    print(f"wrote {args.out}: {len(tiny)} tensors", file=sys.stderr)
    if args.tokens:
        fixtures = os.path.dirname(args.out)
        tokens_fixture("Assets/all-MiniLM-L6-v2/vocab.txt", os.path.join(fixtures, "parity_tokens.json"),
                       os.path.join(fixtures, "mpnet_tokens.json"))
    if args.full:
        os.makedirs(args.full, exist_ok=True)
        full = fixture(FULL, FULL_LENGTHS, args.seed + 10, set(FULL_GRADS), False)
        weights = {k: v for k, v in full.items() if not k.split(".")[0] in ("input", "output", "loss", "grad")}
        save_file({k: v for k, v in weights.items() if not k.startswith("heads.")},
                  os.path.join(args.full, "model.safetensors"))
        save({k: v for k, v in full.items() if k not in weights or k.startswith("heads.")},
             os.path.join(args.full, "step.safetensors"), metadata(FULL, FULL_LENGTHS))
        with open(os.path.join(args.full, "config.json"), "w") as f:
            json.dump(dict(FULL, model_type="mpnet", architectures=["MPNetModel"], pad_token_id=1, bos_token_id=0,
                           eos_token_id=2, initializer_range=0.02), f, indent=2, sort_keys=True)
        print(f"wrote {args.full}", file=sys.stderr)


if __name__ == "__main__":
    main()
