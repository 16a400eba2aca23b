#!/usr/bin/env python3
"""PyTorch + transformers baseline of mtstc's ATIS protocol (Docs/GUIDE §6).

mtstc's accuracy and speed claims on ATIS are only meaningful next to a conventional
implementation of the same recipe, so this script trains exactly what Graphs/multitask.yaml
describes:

  model       all-MiniLM-L6-v2 from Assets/ (BertModel, no pooler), dropout as in its config (0.1)
  intent      mask-aware mean pooling → dropout 0.1 → Linear (as Graphs/multitask.yaml's `input: pooled`;
              --intent-input embedding puts the L2 normalisation before the head)
  slots       per-token dropout 0.1 → Linear; only the first word piece of each word carries the
              word's tag, other pieces and [CLS]/[SEP]/padding are ignored (−100)
  loss        intent cross-entropy + slot cross-entropy (weights 1)
  optimizer   AdamW, lr 2e-4 with layer-wise decay 0.95: layer i of L=6 gets 2e-4·0.95^(L−i),
              the embeddings 2e-4·0.95^(L+1), the heads 2e-4; weight decay 0.01 except biases and
              LayerNorm weights; betas 0.9/0.999, eps 1e-8
  schedule    linear warmup over the first 10 % of steps (floor), then linear decay to 0
  batches     32 sentences, reshuffled every epoch from a seeded generator, gradient norm clipped
              to 1.0, at most 64 word pieces per sentence including [CLS] and [SEP]

Labels: every distinct intent string (`atis_flight;atis_airfare` is one class) and every tag in
train_dev is a class. Test labels never seen in training cannot be predicted, so they count as
errors. Evaluation on `test` after every epoch: intent accuracy, slot F1 (entity-level micro F1,
conlleval's chunk rules; a word's tag is predicted at its first piece, words lost to truncation
are predicted "O") and sentence accuracy (intent and every tag right).

Prints a line per epoch; --out writes the same numbers as JSON lines.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import transformers  # noqa: E402
from transformers import BertModel, get_linear_schedule_with_warmup  # noqa: E402

try:  # transformers ≥ 5 keeps the pure-Python tokenizer under this name
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy as SlowBertTokenizer
except ImportError:  # transformers 4.x: BertTokenizer is the slow one
    from transformers import BertTokenizer as SlowBertTokenizer

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IGNORE = -100


# ----------------------------------------------------------------------------- data

def read_atis(path: str, limit: int | None = None) -> list[tuple[list[str], list[str], str]]:
    """`word:TAG word:TAG ... <=> intent` lines → (words, tags, intent).

    Split at the last `<=>` and at each token's last ':' (times such as 8:30 contain colons,
    tags never do), as mtstc's ATISReader does.
    """
    examples = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            left, _, intent = line.rpartition("<=>")
            words, tags = [], []
            for token in left.split():
                word, _, tag = token.rpartition(":")
                words.append(word)
                tags.append(tag)
            examples.append((words, tags, intent.strip()))
            if limit is not None and len(examples) == limit:
                break
    return examples


class WordEncoder:
    """Tokenizes pre-split words one at a time, as mtstc's `encodeWords`.

    Each word is tokenized on its own (so a word never merges with its neighbour), the pieces
    are concatenated after [CLS], and the sequence is cut so that [SEP] still fits in
    max_length. first_piece[w] is the position of word w's first piece, or −1 when the word
    produced no piece or was cut off.
    """

    def __init__(self, vocab_path: str, max_length: int):
        self.tokenizer = SlowBertTokenizer(vocab_file=vocab_path, do_lower_case=True)
        self.max_length = max_length
        self.cache: dict[str, list[int]] = {}

    def pieces(self, word: str) -> list[int]:
        if word not in self.cache:
            self.cache[word] = self.tokenizer.convert_tokens_to_ids(self.tokenizer.tokenize(word))
        return self.cache[word]

    def encode(self, words: list[str]) -> tuple[list[int], list[int]]:
        limit = self.max_length - 1
        ids = [self.tokenizer.cls_token_id]
        first_piece = [-1] * len(words)
        for w, word in enumerate(words):
            if len(ids) >= limit:
                break
            p = self.pieces(word)
            if p:
                first_piece[w] = len(ids)
            ids.extend(p)
        del ids[limit:]
        ids.append(self.tokenizer.sep_token_id)
        return ids, first_piece


class Encoded:
    """One sentence ready for batching, with its gold strings kept for evaluation."""

    def __init__(self, example, encoder: WordEncoder, intents: dict, tags: dict):
        words, self.gold_tags, self.gold_intent = example
        self.ids, self.first_piece = encoder.encode(words)
        self.intent = intents.get(self.gold_intent, IGNORE)  # unseen at test time: never right
        self.slots = [IGNORE] * len(self.ids)
        for w, position in enumerate(self.first_piece):
            if position >= 0:
                self.slots[position] = tags.get(self.gold_tags[w], IGNORE)


def collate(items: list[Encoded]):
    """Pads to the longest sentence of the batch (dynamic padding, as PyTorch users do)."""
    width = max(len(x.ids) for x in items)
    ids = torch.zeros((len(items), width), dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    slots = torch.full((len(items), width), IGNORE, dtype=torch.long)
    for b, x in enumerate(items):
        n = len(x.ids)
        ids[b, :n] = torch.tensor(x.ids)
        mask[b, :n] = 1
        slots[b, :n] = torch.tensor(x.slots)
    intent = torch.tensor([x.intent for x in items])
    return ids, mask, intent, slots


# ----------------------------------------------------------------------------- model

class JointModel(torch.nn.Module):
    def __init__(self, model_dir: str, n_intents: int, n_tags: int, head_dropout: float = 0.1,
                 intent_input: str = "pooled"):
        super().__init__()
        self.intent_input = intent_input
        self.bert = BertModel.from_pretrained(model_dir, add_pooling_layer=False)
        hidden = self.bert.config.hidden_size
        self.dropout = torch.nn.Dropout(head_dropout)
        self.intent = torch.nn.Linear(hidden, n_intents)
        self.slots = torch.nn.Linear(hidden, n_tags)
        # BERT's own head init (normal 0.02, zero bias), which mtstc uses for new heads too.
        std = self.bert.config.initializer_range
        for head in (self.intent, self.slots):
            torch.nn.init.normal_(head.weight, std=std)
            torch.nn.init.zeros_(head.bias)

    def forward(self, ids, mask):
        hidden = self.bert(input_ids=ids, attention_mask=mask,
                           token_type_ids=torch.zeros_like(ids)).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        features = F.normalize(pooled, p=2, dim=-1, eps=1e-12) if self.intent_input == "embedding" else pooled
        return self.intent(self.dropout(features)), self.slots(self.dropout(hidden))


def parameter_groups(model: JointModel, base_lr: float, decay: float, weight_decay: float):
    """Layer-wise learning rates × (decay, no decay) → AdamW parameter groups."""
    layers = model.bert.config.num_hidden_layers
    groups: dict[tuple[float, float], list] = {}
    for name, p in model.named_parameters():
        if name.startswith("bert.embeddings."):
            lr = base_lr * decay ** (layers + 1)
        elif name.startswith("bert.encoder.layer."):
            i = int(name.split(".")[3])
            lr = base_lr * decay ** (layers - i)
        elif name.startswith(("intent.", "slots.")):
            lr = base_lr
        else:
            raise ValueError(f"no learning-rate rule for parameter {name}")
        no_decay = name.endswith(".bias") or "LayerNorm" in name
        groups.setdefault((lr, 0.0 if no_decay else weight_decay), []).append(p)
    return [{"params": ps, "lr": lr, "weight_decay": wd} for (lr, wd), ps in sorted(groups.items())]


# ----------------------------------------------------------------------------- metrics

def split_tag(tag: str) -> tuple[str, str]:
    """conlleval splits at the first '-': B-fromloc.city_name → (B, fromloc.city_name).

    Perl treats a type of "0" as false, so conlleval drops it; kept here for exactness.
    """
    prefix, dash, kind = tag.partition("-")
    if not dash:
        return tag, ""
    return prefix, "" if kind == "0" else kind


# conlleval's tables of (previous prefix, current prefix) pairs that open / close a chunk. They
# accept IOB1, IOB2 and IOE tags alike, which is why I- after O (or after another type) opens one.
STARTS = {("B", "B"), ("I", "B"), ("O", "B"), ("O", "I"), ("E", "E"), ("E", "I"), ("O", "E")}
ENDS = {("B", "B"), ("B", "O"), ("I", "B"), ("I", "O"), ("E", "E"), ("E", "I"), ("E", "O")}


def chunk_starts(prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    (p, pt), (c, ct) = prev, cur
    if (p, c) in STARTS or c in ("[", "]"):
        return True
    return c not in ("O", ".") and pt != ct


def chunk_ends(prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    (p, pt), (c, ct) = prev, cur
    if (p, c) in ENDS or p in ("[", "]"):
        return True
    return p not in ("O", ".") and pt != ct


def conlleval_counts(sentences: list[tuple[list[str], list[str]]]) -> tuple[int, int, int]:
    """(correct, gold, predicted) chunk counts in conlleval's single pass over the tags.

    A chunk is correct when gold and prediction open it on the same word with the same type
    and close it on the same word. Each sentence ends with an implicit O, as conlleval's blank line.
    """
    correct = gold_n = pred_n = 0
    for gold, pred in sentences:
        last_g = last_p = ("O", "")
        matching = False
        for g_tag, p_tag in list(zip(gold, pred)) + [("O", "O")]:
            g, p = split_tag(g_tag), split_tag(p_tag)
            if matching:
                g_end, p_end = chunk_ends(last_g, g), chunk_ends(last_p, p)
                if g_end and p_end and last_g[1] == last_p[1]:
                    matching = False
                    correct += 1
                elif g_end != p_end or g[1] != p[1]:
                    matching = False
            g_start, p_start = chunk_starts(last_g, g), chunk_starts(last_p, p)
            if g_start and p_start and g[1] == p[1]:
                matching = True
            gold_n += g_start
            pred_n += p_start
            last_g, last_p = g, p
    return correct, gold_n, pred_n


def evaluate(model: JointModel, data: list[Encoded], intent_names: list[str], tag_names: list[str],
             batch_size: int) -> dict:
    model.eval()
    intent_right = sentence_right = 0
    pairs = []
    with torch.inference_mode():
        for start in range(0, len(data), batch_size):
            items = data[start:start + batch_size]
            ids, mask, _, _ = collate(items)
            intent_logits, slot_logits = model(ids, mask)
            intent_pred = intent_logits.argmax(-1).tolist()
            slot_pred = slot_logits.argmax(-1).tolist()
            for x, ip, sp in zip(items, intent_pred, slot_pred):
                tags = [tag_names[sp[pos]] if pos >= 0 else "O" for pos in x.first_piece]
                intent_ok = intent_names[ip] == x.gold_intent
                intent_right += intent_ok
                sentence_right += intent_ok and tags == x.gold_tags
                pairs.append((x.gold_tags, tags))
    correct, gold_n, pred_n = conlleval_counts(pairs)
    precision = correct / pred_n if pred_n else 0.0
    recall = correct / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"intent_acc": intent_right / len(data), "slot_f1": f1, "sentence_acc": sentence_right / len(data)}


# ----------------------------------------------------------------------------- training

def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=os.path.join(REPO, "Assets/all-MiniLM-L6-v2"))
    parser.add_argument("--train", default=os.path.join(REPO, "Assets/atis/train_dev"))
    parser.add_argument("--test", default=os.path.join(REPO, "Assets/atis/test"))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--layer-decay", type=float, default=0.95)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--warmup", type=float, default=0.1, help="fraction of all steps")
    parser.add_argument("--clip-norm", type=float, default=1.0)
    parser.add_argument("--max-length", type=int, default=64, help="word pieces incl. [CLS] and [SEP]")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, help="train on the first N sentences only (smoke tests)")
    parser.add_argument("--eval-limit", type=int, help="evaluate on the first N test sentences only")
    parser.add_argument("--out", help="write one JSON line per epoch here")
    parser.add_argument("--intent-input", choices=["pooled", "embedding"], default="pooled",
                        help="what the intent head reads: the mean-pooled vector, or it L2-normalised")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    transformers.logging.set_verbosity_error()  # the checkpoint's unused pooler is expected

    train_examples = read_atis(args.train, args.limit)
    test_examples = read_atis(args.test, args.eval_limit)
    # Label sets come from the full training file even under --limit, so a smoke test sees
    # the same classes as the real run.
    full_train = train_examples if args.limit is None else read_atis(args.train)
    intent_names = sorted({intent for _, _, intent in full_train})
    tag_names = sorted({t for _, tags, _ in full_train for t in tags})
    intents = {s: i for i, s in enumerate(intent_names)}
    tags = {s: i for i, s in enumerate(tag_names)}

    encoder = WordEncoder(os.path.join(args.model, "vocab.txt"), args.max_length)
    train = [Encoded(e, encoder, intents, tags) for e in train_examples]
    test = [Encoded(e, encoder, intents, tags) for e in test_examples]
    unseen_intents = sum(x.intent == IGNORE for x in test)
    truncated = sum(-1 in x.first_piece for x in train + test)
    print(f"train {len(train)} sentences, test {len(test)} ({unseen_intents} with an intent unseen in training); "
          f"{len(intent_names)} intents, {len(tag_names)} tags; {truncated} sentences with words lost to "
          f"truncation at {args.max_length} pieces", file=sys.stderr)

    model = JointModel(args.model, len(intent_names), len(tag_names), intent_input=args.intent_input)
    optimizer = torch.optim.AdamW(parameter_groups(model, args.lr, args.layer_decay, args.weight_decay),
                                  betas=(0.9, 0.999), eps=1e-8)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total_steps = steps_per_epoch * args.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(args.warmup * total_steps), total_steps)
    shuffle = torch.Generator().manual_seed(args.seed)

    out = open(args.out, "w") if args.out else None
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(train), generator=shuffle).tolist()
        loss_sum = 0.0
        started = time.perf_counter()
        for step in range(steps_per_epoch):
            batch = [train[i] for i in order[step * args.batch_size:(step + 1) * args.batch_size]]
            ids, mask, intent, slots = collate(batch)
            intent_logits, slot_logits = model(ids, mask)
            loss = (F.cross_entropy(intent_logits, intent, ignore_index=IGNORE)
                    + F.cross_entropy(slot_logits.flatten(0, 1), slots.flatten(), ignore_index=IGNORE))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip_norm)
            optimizer.step()
            scheduler.step()
            loss_sum += loss.item()
        seconds = time.perf_counter() - started
        scores = evaluate(model, test, intent_names, tag_names, 64)
        record = {"epoch": epoch, "loss": loss_sum / steps_per_epoch, **scores,
                  "train_seconds": seconds, "sentences_per_second": len(train) / seconds,
                  "peak_rss_mb": peak_rss_mb()}
        print("epoch {epoch:2d}  loss {loss:.4f}  intent {a:.2f}  slot F1 {f:.2f}  sentence {s:.2f}  "
              "{train_seconds:.1f} s ({sentences_per_second:.1f} sent/s)  peak RSS {peak_rss_mb:.0f} MB".format(
                  a=100 * scores["intent_acc"], f=100 * scores["slot_f1"], s=100 * scores["sentence_acc"], **record))
        if out:
            out.write(json.dumps(record) + "\n")
            out.flush()
    if out:
        out.close()


if __name__ == "__main__":
    main()
