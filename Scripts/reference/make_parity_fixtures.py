#!/usr/bin/env python3
"""Reference fixtures for mtstc's tokenizer and embedding parity tests.

Writes into --out:
  parity_tokens.json      [{"text", "ids"}]: Hugging Face's slow (pure Python) BertTokenizer,
                          [CLS] … [SEP], truncated to --max-length. Items where the fast (Rust)
                          tokenizer disagrees also carry "fast_ids" and a "note".
  parity_words.json       [{"words", "max_length", "ids", "first_piece"}]: pre-split words, each
                          tokenized on its own (as mtstc's encodeWords does), checked against the
                          fast tokenizer's is_split_into_words word_ids().
  parity_fuzz.json        [{"text", "ids", "cased_ids"}]: seeded random texts drawn from many Unicode
                          blocks (controls, spaces, Latin, combining marks, Greek sigma, CJK, emoji…),
                          tokenized by the slow tokenizer with do_lower_case True and False.
  parity_embeddings.json  {"model", "max_length", "items": [{"text", "embedding", "unnormalized_first5"}]}:
                          BertModel last_hidden_state → mask-aware mean pooling → L2 normalisation,
                          float32, rounded to 8 significant digits.

Offline only: run with HF_HUB_OFFLINE=1; everything is read from --model.
"""
import argparse
import json
import os
import random
import sys
import unicodedata

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import BertModel, BertTokenizerFast  # noqa: E402

try:  # transformers ≥ 5 keeps the pure-Python tokenizer under this name
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy as SlowBertTokenizer
except ImportError:  # transformers 4.x: BertTokenizer is the slow one
    from transformers import BertTokenizer as SlowBertTokenizer

PARAGRAPH = (
    "The quick brown fox jumps over the lazy dog while seventeen zebras, unconcerned, "
    "graze near the riverbank; meanwhile, researchers in Zürich measure photosynthetic "
    "efficiency (approximately 3.7%) across heterogeneous ecosystems. "
)

# (text, include in the embedding fixture?) — every §7 rule of Docs/GUIDE appears at least once.
# Avoid characters assigned after Unicode 14: Python 3.11's unicodedata calls them unassigned
# (dropped as control characters) while Swift and the Rust tokenizer know them.
TEXTS = [
    ("This is a test sentence.", True),
    ("Another sentence with different length.", True),
    ("Machine learning is fascinating.", True),
    ("Café déjà vu, naïve résumé", True),
    ("Cafe\u0301 de\u0301ja\u0300 vu, nai\u0308ve (decomposed accents)", False),
    ("我爱北京天安门 and 東京", True),
    ("I ❤️ NLP 🤖👍🏽 !!", True),
    ("👨‍👩‍👧‍👦 family 🏳️‍🌈 flag 1️⃣ keycap", False),
    ("Well... (really?) [yes] {no} <maybe> #hash @user $5.00 100% a&b", True),
    ("see https://example.com/a?b=c&d=e#frag", True),
    ("UNBELIEVABLY Antidisestablishmentarianism iPhone McDonald's HuggingFace tokenization", True),
    ("don't can't won't it's ol' rock'n'roll ^caret^ `tick` ~tilde~ back\\slash under_score", False),
    ("tab\there\nnew\rline\u0000nul\u0007bell \ufffd replacement\u200bzero\u00adsoft\ue000private", True),
    ("non\u00a0breaking\u2003em\u3000ideographic\u2028line\u2029para\u0085nel\u000bvt", False),
    ((PARAGRAPH * 8).strip(), True),
    ("", True),
    ("     ", True),
    ("\t\n\r ", False),
    ("مرحبا بالعالم Привет мир Γειά σου Κόσμε", True),
    ("ΟΔΥΣΣΕΥΣ ΟΔΟΣ. Σ ΣΑΣ", False),
    ("İstanbul ǅemal ﬁnance Ｈｅｌｌｏ Å Ω K", False),
    ("“smart quotes” — em-dash… ¿qué? «guillemets» 「括弧」・§ ¶ ‰ †", False),
    ("한국어 テスト ひらがな カタカナ", False),
    ("नमस्ते दुनिया Tiếng Việt có dấu שָׁלוֹם", False),
    ("3.14159 1,000,000 2nd 10:30am x² + y² = z² ± 5 × 3 ÷ 2 ≠ ∞ → €100 £50 ¥1000", False),
    ("show me flights from boston to denver on monday morning", True),
    ("!!!???...", False),
    ("a" * 101 + " ok " + "b" * 100 + " " + "Ab" * 60, True),
]

# Pre-split word lists for encodeWords: (words, max_length).
WORDS = [
    (["show", "me", "flights", "from", "Boston", "to", "Denver"], 256),
    (["i'd", "like", "a", "round-trip", "ticket", "to", "São", "Paulo", "on", "12/25"], 256),
    (["", "\u0007", "okay", "東京", "well...", "😀"], 256),
    (["antidisestablishmentarianism", "is", "long", "and", "unbelievably", "tokenized", "here"], 10),
    (["one", "two", "three", "four", "five", "six"], 5),
]

# Character pools for the fuzz texts: each text mixes vocabulary words with runs from these.
FUZZ_POOLS = [
    [chr(c) for c in range(0x20, 0x7F)],
    [chr(c) for c in range(0, 0x20)] + list("\x7f\x85\xa0\ufffd\u200b\u200d\ufe0f\u2028\u2029\u3000\u2003\ue000\u00ad"),
    [chr(c) for c in range(0xA0, 0x250)],
    [chr(c) for c in range(0x300, 0x370)],
    [chr(c) for c in range(0x370, 0x530)],
    list("ΣΣσςΑΩ'.\u0345\u00b7\u0387"),
    [chr(c) for c in range(0x1E00, 0x2000)],
    [chr(c) for c in range(0x2000, 0x2BFF)],
    [chr(c) for c in range(0x3000, 0x3100)],
    [chr(c) for c in range(0x4E00, 0x4E80)] + [chr(c) for c in range(0xF900, 0xF940)] + [chr(c) for c in range(0xFF00, 0xFFF0)],
    [chr(c) for c in range(0x0900, 0x0980)] + [chr(c) for c in range(0x0590, 0x0700)] + [chr(c) for c in range(0xAC00, 0xAC40)],
    [chr(c) for c in range(0x1F300, 0x1F650)] + [chr(c) for c in range(0x1F3FB, 0x1F400)] + [chr(c) for c in range(0x1D400, 0x1D480)],
    [chr(c) for c in range(0x20000, 0x20040)] + [chr(c) for c in range(0x2F800, 0x2F840)],
]


def fuzz_texts(vocab_tokens, count, seed=20261127):
    rng = random.Random(seed)
    words = [t.replace("##", "") for t in vocab_tokens[1000:]]

    def assigned(ch):  # see the Unicode 14 note above TEXTS
        return unicodedata.category(ch) not in ("Cn", "Cs")

    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 8)):
            if rng.random() < 0.4:
                word = rng.choice(words)
                parts.append(word.upper() if rng.random() < 0.3 else word.capitalize() if rng.random() < 0.3 else word)
            else:
                pool = rng.choice(FUZZ_POOLS)
                parts.append("".join(c for c in (rng.choice(pool) for _ in range(rng.randint(1, 5))) if assigned(c)))
            parts.append(rng.choice([" ", " ", "", "\t", "\n", "-", "\u00a0"]))
        texts.append("".join(parts))
    return texts


def round8(x):
    return float(f"{x:.8g}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="Assets/all-MiniLM-L6-v2", help="folder with vocab.txt, config.json, model.safetensors")
    parser.add_argument("--out", default="Tests/MTSTRuntimeTests/Fixtures/")
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args()

    vocab = os.path.join(args.model, "vocab.txt")
    slow = SlowBertTokenizer(vocab, do_lower_case=True)
    fast = BertTokenizerFast.from_pretrained(args.model, local_files_only=True)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}, "
          f"python {sys.version.split()[0]} (unicodedata {__import__('unicodedata').unidata_version})")

    def slow_ids(text, max_length):
        return slow(text, truncation=True, max_length=max_length)["input_ids"]

    tokens, disagreements = [], []
    for text, _ in TEXTS:
        ids = slow_ids(text, args.max_length)
        fast_ids = fast(text, truncation=True, max_length=args.max_length)["input_ids"]
        item = {"text": text, "ids": ids}
        if fast_ids != ids:
            item["fast_ids"] = fast_ids
            item["note"] = "the fast (Rust) tokenizer differs; mtstc follows the slow Python one"
            disagreements.append((text, slow.convert_ids_to_tokens(ids), slow.convert_ids_to_tokens(fast_ids)))
        tokens.append(item)
    longest = max(len(t["ids"]) for t in tokens)
    assert longest == args.max_length, f"no text reaches the truncation limit (longest {longest})"

    words_items = []
    for words, max_length in WORDS:
        ids, first_piece = [slow.cls_token_id], []
        for word in words:
            pieces = slow.convert_tokens_to_ids(slow.tokenize(word))
            first_piece.append(len(ids) if pieces and len(ids) < max_length - 1 else -1)
            ids.extend(pieces)
        ids = ids[: max_length - 1] + [slow.sep_token_id]
        enc = fast(words, is_split_into_words=True, truncation=True, max_length=max_length)
        fast_first = [-1] * len(words)
        for position, w in enumerate(enc.word_ids()):
            if w is not None and fast_first[w] == -1:
                fast_first[w] = position
        assert enc["input_ids"] == ids and fast_first == first_piece, (words, ids, enc["input_ids"], first_piece, fast_first)
        words_items.append({"words": words, "max_length": max_length, "ids": ids, "first_piece": first_piece})

    cased = SlowBertTokenizer(vocab, do_lower_case=False)
    fuzz = [{"text": text, "ids": slow_ids(text, args.max_length),
             "cased_ids": cased(text, truncation=True, max_length=args.max_length)["input_ids"]}
            for text in fuzz_texts(list(slow.vocab.keys()), 250)]
    fast_fuzz_disagreements = sum(
        fast(item["text"], truncation=True, max_length=args.max_length)["input_ids"] != item["ids"] for item in fuzz)

    torch.set_num_threads(2)
    model = BertModel.from_pretrained(args.model, local_files_only=True, torch_dtype=torch.float32,
                                      attn_implementation="eager", add_pooling_layer=False)
    model.eval()
    embeddings = []
    with torch.no_grad():
        for item, (text, embed) in zip(tokens, TEXTS):
            if not embed:
                continue
            input_ids = torch.tensor([item["ids"]], dtype=torch.long)
            mask = torch.ones_like(input_ids)
            hidden = model(input_ids=input_ids, attention_mask=mask,
                           token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
            m = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(dim=1) / torch.clamp(m.sum(dim=1), min=1e-9)
            normalized = torch.nn.functional.normalize(pooled, p=2, dim=1)
            embeddings.append({
                "text": text,
                "embedding": [round8(x) for x in normalized[0].tolist()],
                "unnormalized_first5": [round8(x) for x in pooled[0, :5].tolist()],
            })

    os.makedirs(args.out, exist_ok=True)

    def write(name, obj):
        path = os.path.join(args.out, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")

    write("parity_tokens.json", tokens)
    write("parity_words.json", words_items)
    write("parity_fuzz.json", fuzz)
    write("parity_embeddings.json", {"model": "all-MiniLM-L6-v2", "max_length": args.max_length, "items": embeddings})

    if disagreements:
        print(f"\nslow and fast tokenizers disagree on {len(disagreements)} of {len(TEXTS)} texts:")
        for text, s, f in disagreements:
            print(f"  {text!r}\n    slow {s}\n    fast {f}")
    else:
        print(f"\nslow and fast tokenizers agree on all {len(TEXTS)} texts")
    print(f"fast tokenizer disagrees on {fast_fuzz_disagreements} of {len(fuzz)} fuzz texts "
          "(final sigma, and Unicode-version differences in the Rust tables)")


if __name__ == "__main__":
    main()
