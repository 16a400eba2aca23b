"""Scripts/bench.py's int8 and real-text part: int8 plans, embedding cosines, the real-corpus workload.

mtstc's int8 rows need `mtstc compile --quantize int8` and `--precision int8` on `bench` and `embed`;
a build without them gets its int8 rows skipped with a note (the fp32 rows still run). Cosines are
against fp32 transformers (Scripts/reference/embed_peers.py), on the parity texts and on the
3,000-sentence corpus (Scripts/make-corpus.py), so they need --peer-python.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "Scripts/reference"))
import embed_peers  # noqa: E402  (standard library at import time)

EMBED_SPEC = "Graphs/minilm-embed.yaml"   # max_seq 256, no heads: the corpus and cosine plan
# The same model with `compile.quantize` in the spec: its guard calibrates on the corpus's first 512
# lines (tweets) at worst cosine ≥ 0.997, which keeps the layers short noisy texts are most
# sensitive to in fp32 (ATIS sentences alone flag none: they are too easy).
EMBED_INT8_SPEC = "Graphs/minilm-embed-int8.yaml"
PEER_INT8 = ("torch-int8", "onnxruntime-int8", "onnxruntime-int8-pc")
LOOP_PEERS = ("onnxruntime", "onnxruntime-int8", "onnxruntime-int8-pc", "sentence-transformers")
NAMES = {"torch": "PyTorch fp32", "torch-int8": "PyTorch int8 (quantize_dynamic)",
         "onnxruntime": "ONNX RT fp32", "onnxruntime-int8": "ONNX RT int8 (quantize_dynamic)",
         "onnxruntime-int8-pc": "ONNX RT int8 (per_channel, reduce_range)",
         "sentence-transformers": "sentence-transformers fp32 (encode)"}
CALIBRATION = "runs/bench-calibration.txt"


def name(engine):
    if engine in NAMES:
        return NAMES[engine]
    int8 = engine.endswith("-int8")
    label = engine[:-5] if int8 else engine
    return ("mtstc" if label == "mtstc" else f"mtstc {label}") + (" int8" if int8 else " fp32")


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True, **kw).stdout


def int8_support(mtstc):
    """None when this build compiles and runs int8, else why not (printed as a note)."""
    try:
        compile_help = run([mtstc, "compile", "--help"])
        bench_help, embed_help = run([mtstc, "bench", "--help"]), run([mtstc, "embed", "--help"])
    except (OSError, subprocess.CalledProcessError) as e:
        return f"cannot run {mtstc} --help ({e})"
    if "--quantize" not in compile_help:
        return "its `mtstc compile` has no `--quantize` (the int8 compiler pass is not in this build)"
    if "--precision" not in bench_help or "--precision" not in embed_help:
        return "its `mtstc bench`/`embed` have no `--precision`"
    return None


def write_calibration():
    """256 ATIS train+dev sentences, evenly spaced: disjoint from both cosine sets, so the guard
    in `compile --quantize int8` never sees the texts it is judged on."""
    with open(os.path.join(REPO, "Assets/atis/train_dev"), encoding="utf-8") as f:
        lines = [line.split(" <=> ", 1)[0] for line in f if line.strip()]
    picked = [" ".join(p.rsplit(":", 1)[0] for p in lines[i * len(lines) // 256].split()) for i in range(256)]
    os.makedirs(os.path.join(REPO, "runs"), exist_ok=True)
    with open(os.path.join(REPO, CALIBRATION), "w", encoding="utf-8") as f:
        f.write("\n".join(picked) + "\n")
    return CALIBRATION


def compile_int8(spec, plan, mtstc):
    """Compiles SPEC with quantization; returns the compile summary (JSON)."""
    cmd = [mtstc, "compile", spec, "-o", plan, "--json", "--quantize", "int8", "--calibration", write_calibration()]
    return json.loads(run(cmd))


def peer(python, env, script, args):
    out = subprocess.run([python, f"Scripts/reference/{script}"] + args + ["--corpus", embed_peers.CORPUS],
                         cwd=REPO, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def compare(python, env, path, set_name, label):
    return peer(python, env, "embed_peers.py", ["--compare", path, "--set", set_name, "--label", label] + UNTIMED)[0]


# Cosines do not depend on the thread count, and one thread keeps PyTorch's OpenMP workers from
# spinning against each other when the machine is busy; the timed corpus loops use the default 2.
UNTIMED = ["--threads", "1"]


def mtstc_embed(mtstc, plan, int8, args, stdout):
    cmd = [mtstc, "embed", "--graph", plan] + (["--precision", "int8"] if int8 else []) + args
    subprocess.run(cmd, cwd=REPO, check=True, stdout=stdout, stderr=subprocess.PIPE)


def embedding_rows(builds, python, env, repeats, log):
    """Cosines on both sets and the corpus workload, for mtstc (fp32, and int8 where supported) and
    the peers. Returns ({engine: {set: cosine line}}, {engine: best whole-process seconds})."""
    corpus = embed_peers.CORPUS
    if not os.path.exists(corpus):
        raise SystemExit(f"bench: {corpus} is missing; run `python3 Scripts/make-corpus.py`")
    sentences = len(embed_peers.read_corpus(corpus))
    cosines, seconds = {}, {}
    peer(python, env, "embed_peers.py", ["--prepare", ",".join(("torch",) + PEER_INT8[1:])] + UNTIMED)
    mtstc_runs = []   # (engine, mtstc, plan, int8)
    for label, mtstc, int8_ok in builds:
        plan = f"runs/bench-embed-{label}.plan"
        run([mtstc, "compile", EMBED_SPEC, "-o", plan])
        mtstc_runs.append((label, mtstc, plan, False))
        if int8_ok:
            plan8 = f"runs/bench-embed-{label}-int8.plan"
            run([mtstc, "compile", EMBED_INT8_SPEC, "-o", plan8])
            mtstc_runs.append((f"{label}-int8", mtstc, plan8, True))
    with tempfile.TemporaryDirectory() as d:
        parity = embed_peers.load_set("parity")
        for engine, mtstc, plan, int8 in mtstc_runs:
            path = os.path.join(d, f"{engine}-parity.jsonl")
            with open(path, "w") as f:
                mtstc_embed(mtstc, plan, int8, parity, f)
            cosines.setdefault(engine, {})["parity"] = compare(python, env, path, "parity", engine)
        # The corpus workload: every engine once per round, rounds back to back; best round kept.
        for _ in range(repeats):
            for engine, mtstc, plan, int8 in mtstc_runs:
                out = os.path.join(d, f"{engine}-corpus.jsonl")
                start = time.perf_counter()
                with open(out, "w") as f:
                    mtstc_embed(mtstc, plan, int8, ["--input", corpus], f)
                seconds[engine] = min(seconds.get(engine, float("inf")), time.perf_counter() - start)
                log(f"{engine} corpus: {time.perf_counter() - start:.1f} s")
            for engine in LOOP_PEERS:
                out = os.path.join(d, f"{engine}-corpus.npy")
                start = time.perf_counter()
                peer(python, env, "embed_peers.py", ["--corpus-loop", engine, "--input", corpus, "--output", out])
                seconds[engine] = min(seconds.get(engine, float("inf")), time.perf_counter() - start)
                log(f"{engine} corpus: {time.perf_counter() - start:.1f} s")
        for engine, *_ in mtstc_runs:
            cosines[engine]["corpus"] = compare(python, env, os.path.join(d, f"{engine}-corpus.jsonl"), "corpus", engine)
        for engine in LOOP_PEERS:
            cosines.setdefault(engine, {})["corpus"] = compare(python, env, os.path.join(d, f"{engine}-corpus.npy"), "corpus", engine)
    for engine in LOOP_PEERS:
        cosines[engine].update({r["set"]: r for r in peer(python, env, "embed_peers.py", ["--accuracy", engine, "--sets", "parity"] + UNTIMED)})
    for r in peer(python, env, "embed_peers.py", ["--accuracy", "torch-int8"] + UNTIMED):
        cosines.setdefault("torch-int8", {})[r["set"]] = r
    return cosines, seconds, sentences


def cos_cells(cosines, engine):
    cells = []
    for s in ("parity", "corpus"):
        r = cosines.get(engine, {}).get(s)
        cells += [f"{r['worst_cosine']:.4f}", f"{r['mean_cosine']:.5f}"] if r else ["—", "—"]
    return cells


def print_tables(results, inference, builds, cosines, seconds, notes, sentences):
    """The int8 table (speed / ORT fp32, cosines) and the corpus table, as Markdown."""
    engines = ["onnxruntime", "onnxruntime-int8", "onnxruntime-int8-pc", "torch", "torch-int8"]
    for label, _, int8_ok in builds:
        engines += [label] + ([f"{label}-int8"] if int8_ok else [])
    print("\n### int8 against fp32: speed and embedding cosines, one run\n")
    for note in notes:
        print(f"- {note}")
    if notes:
        print()
    head = "| engine | " + " | ".join(f"{w} sent/s | / ORT fp32" for w in inference)
    head += " | parity worst cos | parity mean cos | corpus worst cos | corpus mean cos |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    torch_ref = {"torch": {s: {"worst_cosine": 1.0, "mean_cosine": 1.0} for s in ("parity", "corpus")}}
    for e in engines:
        cells = [name(e)]
        for w in inference:
            r, o = results.get((e, w)), results.get(("onnxruntime", w))
            cells += [f"{r['sentences_per_second']:.1f}" if r else "—",
                      f"{r['sentences_per_second'] / o['sentences_per_second']:.2f}×" if r and o else "—"]
        print("| " + " | ".join(cells + cos_cells({**cosines, **torch_ref} if cosines else {}, e)) + " |")
    print("\nCosines: each engine's all-MiniLM-L6-v2 sentence embeddings (mean pooling, L2) against fp32 "
          "transformers (PyTorch fp32 is that reference), on the parity texts and the corpus below"
          + ("; bert-base columns are speed only (random weights)." if any(w.startswith("bertbase") for w in inference) else "."))
    if not seconds:
        return
    loop = seconds.get("onnxruntime")
    print(f"\n### Real corpus: {sentences:,} sentences from a file, whole process\n")
    print("| engine | seconds (best round) | sentences/s | / ORT fp32 loop | worst cosine | mean cosine |")
    print("|---|---|---|---|---|---|")
    for e, s in seconds.items():
        r = cosines.get(e, {}).get("corpus")
        label = name(e).replace("ONNX RT", "ONNX RT loop") if e in LOOP_PEERS[:3] else name(e)
        if e in [b[0] for b in builds] or e.endswith("-int8") and e not in PEER_INT8:
            label += " (`embed --input`)"
        print(f"| {label} | {s:.2f} | {sentences / s:.1f} | {loop / s:.2f}× | "
              + (f"{r['worst_cosine']:.4f} | {r['mean_cosine']:.5f} |" if r else "— | — |"))
