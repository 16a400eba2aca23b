#!/usr/bin/env python3
"""Sentence embeddings of the peers on real text: cosines to fp32 transformers, and the corpus loop.

    embed_peers.py --prepare ENGINES [--sets parity,corpus]    export/quantize ONNX models, cache references
    embed_peers.py --accuracy ENGINES [--sets parity,corpus]   one JSON line per engine and set (below)
    embed_peers.py --compare FILE --set SET --label LABEL     the same line for embeddings another program
                                                              wrote: JSON lines {"text","embedding"} (mtstc
                                                              embed) or a .npy matrix, in the set's order
    embed_peers.py --corpus-loop ENGINE --input TXT --output NPY   the timed real-corpus workload

Sets (`load_set`, standard library only, so Scripts/bench.py imports it):
  parity  the texts of Tests/MTSTRuntimeTests/Fixtures/parity_embeddings.json (what the embedding
          parity test uses: accents, CJK, emoji, URLs, control characters, an 800-word paragraph, an
          empty and a blank text), with NUL characters removed — they cannot travel in a command-line
          argument and BERT's text cleaning drops them anyway;
  corpus  Assets/corpus/real-3000.txt (Scripts/make-corpus.py: 2,394 WNUT-16 tweets + 606 ATIS).

Every engine embeds as all-MiniLM-L6-v2 is meant to be used: BERT uncased WordPiece truncated to 256
pieces, texts sorted by length (longest first, as sentence-transformers' encode), batches of 32 padded
to their longest, mask-aware mean pooling, L2 normalisation, results back in input order. The reference
is engine `torch` (transformers BertModel, float32, 2 threads), cached in --onnx-dir per set; a line is
  {"engine", "set", "sentences", "worst_cosine", "mean_cosine", "worst_text"}.
Engines: torch, torch-int8, onnxruntime, onnxruntime-int8, onnxruntime-int8-pc (see bench_peers.py),
and sentence-transformers (SentenceTransformer built from the local folder: Transformer with
max_seq_length 256, mean Pooling, Normalize; encode(batch_size=32)).

The corpus loop is what a user would write around ONNX Runtime (onnxruntime, onnxruntime-int8,
onnxruntime-int8-pc) or sentence-transformers: a fresh process that loads the session and the
tokenizer (Hugging Face `tokenizers`, BertWordPiece from vocab.txt), reads the file, embeds as above
and writes the matrix with numpy.save. The caller times the whole process.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_peers  # noqa: E402  (its top level is standard library only)

REPO = bench_peers.REPO
MINILM_DIR = bench_peers.MINILM_DIR
PARITY_FIXTURE = os.path.join(REPO, "Tests/MTSTRuntimeTests/Fixtures/parity_embeddings.json")
CORPUS = os.path.join(REPO, "Assets/corpus/real-3000.txt")
SETS = ("parity", "corpus")
EMBED_ENGINES = ("torch", "torch-int8", "onnxruntime", "onnxruntime-int8", "onnxruntime-int8-pc", "sentence-transformers")
LOOP_ENGINES = ("onnxruntime", "onnxruntime-int8", "onnxruntime-int8-pc", "sentence-transformers")
MAX_LENGTH, BATCH = 256, 32


def fail(message):
    raise SystemExit(f"embed_peers: {message}")


def read_corpus(path):
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        fail(f"{path}: cannot read ({e.strerror}); run Scripts/make-corpus.py")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def load_set(name):
    """The texts of a set, in order (see the module docstring)."""
    if name == "parity":
        try:
            with open(PARITY_FIXTURE, encoding="utf-8") as f:
                items = json.load(f)["items"]
        except (OSError, ValueError, KeyError) as e:
            fail(f"{PARITY_FIXTURE}: cannot read the parity texts ({e})")
        return [item["text"].replace("\0", "") for item in items]
    if name == "corpus":
        return read_corpus(CORPUS)
    fail(f"unknown set '{name}' ({', '.join(SETS)})")


# ----------------------------------------------------------------------------- embedding

def sorted_batches(texts):
    """Index batches, longest text first (sentence-transformers sorts by character length)."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    return [order[i:i + BATCH] for i in range(0, len(order), BATCH)]


def mean_pool(hidden, mask):
    import numpy as np
    m = mask[:, :, None].astype(hidden.dtype)
    pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def wordpiece_tokenizer():
    """BERT uncased WordPiece from vocab.txt, truncating to 256 pieces and padding each batch."""
    from tokenizers import BertWordPieceTokenizer
    tok = BertWordPieceTokenizer(os.path.join(MINILM_DIR, "vocab.txt"), lowercase=True)
    tok.enable_truncation(MAX_LENGTH)
    tok.enable_padding()
    return tok


def embed_onnx(texts, engine, onnx_dir, threads):
    import numpy as np
    session = bench_peers.ort_session(bench_peers.onnx_file(onnx_dir, "minilm", engine), threads)
    tok = wordpiece_tokenizer()
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for rows in sorted_batches(texts):
        enc = tok.encode_batch([texts[i] for i in rows])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        out[rows] = mean_pool(hidden, mask)
    return out


def embed_torch(texts, int8, threads):
    import numpy as np
    import torch
    import transformers
    transformers.logging.set_verbosity_error()
    torch.set_num_threads(threads)
    bert = bench_peers.load_torch_model("minilm").eval()
    if int8:
        bert = bench_peers.quantize_torch(bert)
    tok = transformers.AutoTokenizer.from_pretrained(MINILM_DIR, local_files_only=True)
    out = np.zeros((len(texts), bert.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for rows in sorted_batches(texts):
            enc = tok([texts[i] for i in rows], padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
            hidden = bert(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"],
                          token_type_ids=torch.zeros_like(enc["input_ids"])).last_hidden_state
            out[rows] = mean_pool(hidden.numpy(), enc["attention_mask"].numpy())
    return out


def embed_sentence_transformers(texts, threads):
    import torch
    from sentence_transformers import SentenceTransformer, models
    torch.set_num_threads(threads)
    body = models.Transformer(MINILM_DIR, max_seq_length=MAX_LENGTH)
    model = SentenceTransformer(modules=[body, models.Pooling(body.get_word_embedding_dimension(), "mean"),
                                         models.Normalize()], device="cpu")
    return model.encode(texts, batch_size=BATCH, convert_to_numpy=True, show_progress_bar=False)


def embed(texts, engine, onnx_dir, threads):
    if engine in ("torch", "torch-int8"):
        return embed_torch(texts, engine == "torch-int8", threads)
    if engine == "sentence-transformers":
        return embed_sentence_transformers(texts, threads)
    return embed_onnx(texts, engine, onnx_dir, threads)


# ----------------------------------------------------------------------------- comparison

def reference_file(onnx_dir, name, texts):
    digest = hashlib.sha256("\n\0".join(texts).encode("utf-8")).hexdigest()[:16]
    return os.path.join(onnx_dir, f"reference-{name}-{digest}.npy")


def reference(onnx_dir, name, threads):
    """fp32 transformers embeddings of a set, computed once per distinct text list."""
    import numpy as np
    texts = load_set(name)
    path = reference_file(onnx_dir, name, texts)
    if not os.path.exists(path):
        os.makedirs(onnx_dir, exist_ok=True)
        np.save(path + ".tmp.npy", embed(texts, "torch", onnx_dir, threads))
        os.replace(path + ".tmp.npy", path)
    return texts, np.load(path)


def cosine_line(label, name, texts, ref, got):
    import numpy as np
    got = np.asarray(got, dtype=np.float64)
    if got.shape != ref.shape:
        fail(f"{label} on {name}: embeddings of shape {got.shape}, the reference has {ref.shape}")
    cos = (got * ref).sum(1) / (np.linalg.norm(got, axis=1) * np.linalg.norm(ref, axis=1))
    worst = int(cos.argmin())
    return {"engine": label, "set": name, "sentences": len(texts), "worst_cosine": round(float(cos.min()), 6),
            "mean_cosine": round(float(cos.mean()), 6), "worst_text": texts[worst][:80]}


def read_embeddings(path, texts):
    import numpy as np
    if path.endswith(".npy"):
        return np.load(path)
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                row = json.loads(line)
                if len(rows) < len(texts) and row["text"] != texts[len(rows)]:
                    fail(f"{path}:{number}: embedding of {row['text'][:40]!r}, expected {texts[len(rows)][:40]!r}")
                rows.append(row["embedding"])
    return np.array(rows, dtype=np.float64)


# ----------------------------------------------------------------------------- driver

def corpus_loop(engine, source, target, onnx_dir, threads):
    import numpy as np
    texts = read_corpus(source)
    np.save(target, embed(texts, engine, onnx_dir, threads))


def engines_arg(text, allowed):
    names = [e.strip() for e in text.split(",") if e.strip()]
    for e in names:
        if e not in allowed:
            fail(f"unknown engine '{e}' ({', '.join(allowed)})")
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--prepare", metavar="ENGINES")
    mode.add_argument("--accuracy", metavar="ENGINES")
    mode.add_argument("--compare", metavar="FILE")
    mode.add_argument("--corpus-loop", metavar="ENGINE")
    mode.add_argument("--child", help=argparse.SUPPRESS)  # ENGINE:SET, internal
    parser.add_argument("--sets", default="parity,corpus")
    parser.add_argument("--set", help="with --compare: the set FILE holds")
    parser.add_argument("--label", help="with --compare: the engine name to print")
    parser.add_argument("--corpus", help="the file of the corpus set (default Assets/corpus/real-3000.txt)")
    parser.add_argument("--input", help="with --corpus-loop: one sentence per line (default: --corpus)")
    parser.add_argument("--output", help="with --corpus-loop: the .npy file to write")
    parser.add_argument("--threads", type=int, default=2,
                        help="intra-op threads (cosines do not depend on it; timings do)")
    parser.add_argument("--onnx-dir", default=os.path.join(tempfile.gettempdir(), "mtstc-bench-onnx"))
    args = parser.parse_args()
    global CORPUS
    CORPUS = args.corpus or CORPUS
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    for s in sets:
        load_set(s)

    if args.corpus_loop:
        engine = engines_arg(args.corpus_loop, LOOP_ENGINES)[0]
        if not args.output:
            fail("--corpus-loop needs --output FILE.npy")
        return corpus_loop(engine, args.input or CORPUS, args.output, args.onnx_dir, args.threads)
    if args.child:
        engine, name = args.child.split(":", 1)
        texts, ref = reference(args.onnx_dir, name, args.threads)
        print(json.dumps(cosine_line(engine, name, texts, ref, embed(texts, engine, args.onnx_dir, args.threads))))
        return
    if args.compare:
        if args.set not in SETS or not args.label:
            fail("--compare needs --set (parity or corpus) and --label")
        texts, ref = reference(args.onnx_dir, args.set, args.threads)
        print(json.dumps(cosine_line(args.label, args.set, texts, ref, read_embeddings(args.compare, texts))))
        return

    engines = engines_arg(args.prepare or args.accuracy, EMBED_ENGINES)
    for engine in engines:
        if engine in bench_peers.ONNX_VARIANTS:
            bench_peers.ensure_onnx("minilm", engine, args.onnx_dir)
    for name in sets:
        reference(args.onnx_dir, name, args.threads)
    if args.prepare:
        return
    for engine in engines:
        for name in sets:  # a fresh process per engine and set, like bench_peers' workloads
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", f"{engine}:{name}",
                                  "--threads", str(args.threads), "--onnx-dir", args.onnx_dir, "--corpus", CORPUS],
                                 stdout=subprocess.PIPE, text=True)
            if out.returncode != 0:
                fail(f"{engine} on {name} failed with exit status {out.returncode}")
            line = out.stdout.strip().splitlines()[-1]
            print(line, flush=True)
            r = json.loads(line)
            print(f"embed_peers: {engine:22s} {name:7s} worst cosine {r['worst_cosine']:.4f}  mean {r['mean_cosine']:.5f}",
                  file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
