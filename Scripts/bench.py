#!/usr/bin/env python3
"""Benchmark table: mtstc against PyTorch (eager) and ONNX Runtime on the same shapes, in one run.

Runs `mtstc bench --json` for each workload (one fresh process each, so peak RSS is per
workload), then, when a Python with torch is given (--peer-python), Scripts/reference/
bench_peers.py for the same workloads, and prints a Markdown table with the ratios
mtstc / peer. Also times training steps under the freezing strategies, to show how freezing
shrinks the backward graph and the step, one full ATIS epoch of Graphs/multitask.yaml against
Scripts/reference/train_atis_torch.py (--atis-epoch), and the compile time of the bert-base spec.
Run it on an otherwise idle machine.

int8 (Scripts/bench_int8.py): each build that has `compile --quantize int8` also runs the inference
workloads on an int8 plan; the peers add PyTorch dynamic quantization and ONNX Runtime's
quantize_dynamic (default, and per_channel + reduce_range). With --peer-python it then measures every
engine's worst and mean embedding cosine to fp32 transformers on the parity texts and on the
3,000-sentence corpus (Scripts/make-corpus.py), and the real-corpus workload: `mtstc embed --input`
against a sentence-transformers-style ONNX Runtime loop and sentence-transformers, whole process.
A second Markdown table shows speed / ONNX Runtime fp32 and the cosines of every engine.

    python3 Scripts/bench.py --peer-python /path/to/venv/bin/python > table.md
    # both BLAS backends in one session (build the second with MTSTC_BLAS=blis, see BENCHMARKS.md):
    python3 Scripts/bench.py --mtstc openblas=.build/release/mtstc --mtstc blis=.build-blis/release/mtstc ...

Workloads: minilm-inf-32x32, minilm-inf-32x128, minilm-train-32x32, bertbase-inf-32x32,
bertbase-inf-8x128, bertbase-train-32x32 (names as in bench_peers.py).
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import bench_int8

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MTSTC = os.path.join(REPO, ".build/release/mtstc")
PLANS = {"minilm": ("Graphs/multitask.yaml", "runs/bench-minilm.plan"),
         "bertbase": ("Graphs/bert-base.yaml", "runs/bench-bertbase.plan")}
STRATEGIES = ["Graphs/multitask.yaml", "Graphs/strategies/layered.yaml", "Graphs/strategies/backbone-frozen.yaml"]
DEFAULT = "minilm-inf-32x32,minilm-inf-32x128,minilm-train-32x32,bertbase-inf-32x32,bertbase-inf-8x128,bertbase-train-32x32"


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True, **kw).stdout


def compile_plan(spec, plan, mtstc=MTSTC):
    os.makedirs(os.path.join(REPO, "runs"), exist_ok=True)
    return json.loads(run([mtstc, "compile", spec, "-o", plan, "--json"]))


def compile_seconds(spec, mtstc, repeats=3):
    """Best wall time of `mtstc compile` (process start to plan written) over a few runs."""
    best = float("inf")
    with tempfile.TemporaryDirectory() as d:
        for _ in range(repeats):
            start = time.perf_counter()
            run([mtstc, "compile", spec, "-o", os.path.join(d, "p.plan")])
            best = min(best, time.perf_counter() - start)
    return best


def atis_epoch_mtstc(mtstc, plan):
    """Training seconds of one full ATIS epoch (`mtstc run --epochs 1`), from its metrics.jsonl."""
    with tempfile.TemporaryDirectory() as d:
        run([mtstc, "run", "--graph", plan, "--epochs", "1", "--out", d])
        with open(os.path.join(d, "metrics.jsonl")) as f:
            return json.loads(f.readline())


def atis_epoch_torch(python, env):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "torch.jsonl")
        subprocess.run([python, "Scripts/reference/train_atis_torch.py", "--epochs", "1", "--out", out],
                       cwd=REPO, env=env, check=True, capture_output=True, text=True)
        with open(out) as f:
            return json.loads(f.readline())


def mtstc_bench(plan, mode, batch, seq, seconds, mtstc=MTSTC, extra=()):
    cmd = [mtstc, "bench", "--graph", plan, "--batch", str(batch), "--seq", str(seq), "--json", "--seconds", str(seconds)]
    cmd += list(extra)
    if mode == "train":
        cmd.append("--train")
    return json.loads(run(cmd))


MODEL_DIMS = {"minilm": (384, 1536, 6), "bertbase": (768, 3072, 12)}


def gemm_rate(shape, seconds, mtstc=MTSTC):
    return json.loads(run([mtstc, "bench", "--gemm", shape, "--json", "--seconds", str(seconds)]))["gflops"]


def roofline(model, mode, b, t, seconds, cache, mtstc=MTSTC):
    """FLOPs per sentence of the encoder GEMMs and attention, and the sentences/s they allow at the
    sgemm rates the linked BLAS reaches on exactly these shapes (forward: NT; backward: NN for
    input gradients, TN for weight gradients)."""
    h, inter, layers = MODEL_DIMS[model]
    n = b * t
    shapes = [(n, 3 * h, h), (n, h, h), (n, inter, h), (n, h, inter)]  # (rows, out, in)
    work = []
    for rows, out, inp in shapes:
        work.append((f"{rows},{out},{inp},NT", 2 * rows * out * inp))
        if mode == "train":
            work.append((f"{rows},{inp},{out},NN", 2 * rows * out * inp))
            work.append((f"{out},{inp},{rows},TN", 2 * rows * out * inp))
    seconds_per_batch = 0.0
    flops = 0.0
    for shape, f in work:
        if shape not in cache:
            cache[shape] = gemm_rate(shape, seconds, mtstc)
        seconds_per_batch += layers * f / (cache[shape] * 1e9)
        flops += layers * f
    attention = layers * 4 * n * t * h * (3 if mode == "train" else 1)  # QKᵀ and PV, at the GEMM rate
    seconds_per_batch += attention / (cache[f"{n},{3 * h},{h},NT"] * 1e9)
    flops += attention
    return flops / b, b / seconds_per_batch, flops / seconds_per_batch / 1e9


def parse(w):
    model, mode, shape = w.split("-")
    b, t = (int(x) for x in shape.split("x"))
    return model, {"inf": "inference", "train": "train"}[mode], b, t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workloads", default=DEFAULT)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--mtstc", action="append", default=[],
                    help="LABEL=PATH of an mtstc build to measure (repeatable; default: the release build)")
    ap.add_argument("--peer-python", help="a Python with torch, transformers, onnxruntime (see Scripts/reference/README.md)")
    ap.add_argument("--peer-env", action="append", default=[], help="KEY=VALUE for the peer process (e.g. LD_LIBRARY_PATH)")
    ap.add_argument("--atis-epoch", action="store_true", help="also time one full ATIS epoch (needs the assets)")
    ap.add_argument("--json-out", help="append every measurement as JSON lines here")
    ap.add_argument("--no-int8", action="store_true", help="skip the int8 rows (mtstc's and the peers')")
    ap.add_argument("--no-corpus", action="store_true", help="skip the cosines and the real-corpus workload")
    ap.add_argument("--corpus-repeats", type=int, default=2, help="rounds of the corpus workload (best kept)")
    ap.add_argument("--corpus", help="one sentence per line (default Assets/corpus/real-3000.txt, Scripts/make-corpus.py)")
    args = ap.parse_args()
    workloads = args.workloads.split(",")
    builds = [tuple(b.split("=", 1)) for b in args.mtstc] or [("mtstc", MTSTC)]
    engines = [label for label, _ in builds]

    env = dict(os.environ)
    for kv in args.peer_env:
        k, v = kv.split("=", 1)
        env[k] = v
    env["HF_HUB_OFFLINE"] = "1"

    notes = []
    int8_ok = {}
    for label, mtstc in builds:
        why = None if not args.no_int8 else "--no-int8"
        why = why or bench_int8.int8_support(mtstc)
        int8_ok[label] = why is None
        if why and not args.no_int8:
            notes.append(f"mtstc `{label}` int8 rows skipped: {why}.")
            print(f"note: {notes[-1]}", file=sys.stderr)
    peer_engines = "torch,onnxruntime" + ("" if args.no_int8 else "," + ",".join(bench_int8.PEER_INT8))

    results = {}
    blas = {}
    caches = {}
    roof = {}
    plans = {}
    for label, mtstc in builds:
        for model, (spec, plan) in PLANS.items():
            if any(w.startswith(model + "-") for w in workloads):
                plans[(label, model)] = plan.replace(".plan", f"-{label}.plan")
                compile_plan(spec, plans[(label, model)], mtstc)
                if int8_ok[label]:
                    plans[(label + "-int8", model)] = plan.replace(".plan", f"-{label}-int8.plan")
                    summary = bench_int8.compile_int8(spec, plans[(label + "-int8", model)], mtstc)
                    print(f"{label} int8 {spec}: {json.dumps(summary.get('int8', summary.get('quantize', '?')))[:300]}", file=sys.stderr)
    # Workload by workload, every engine back to back: this VM's speed drifts over minutes, so
    # each ratio compares measurements taken within about a minute of each other.
    for w in workloads:
        model, mode, b, t = parse(w)
        for label, mtstc in builds:
            r = mtstc_bench(plans[(label, model)], mode, b, t, args.seconds, mtstc)
            results[(label, w)] = r
            blas[label] = r.get("blas", "?")
            # The sgemm rates right after the workload, for the same reason.
            caches[(label, w)] = {}
            roof[(label, w)] = roofline(model, mode, b, t, max(1.5, args.seconds / 5), caches[(label, w)], mtstc)
            print(f"{label} {w}: {r['sentences_per_second']:.1f} sentences/s, {r['peak_rss_mb']:.0f} MiB, "
                  f"{roof[(label, w)][2]:.0f} GFLOP/s sgemm", file=sys.stderr)
            if int8_ok[label] and mode == "inference":
                r = mtstc_bench(plans[(label + "-int8", model)], mode, b, t, args.seconds, mtstc, ["--precision", "int8"])
                results[(label + "-int8", w)] = r
                print(f"{label}-int8 {w}: {r['sentences_per_second']:.1f} sentences/s, {r['peak_rss_mb']:.0f} MiB", file=sys.stderr)
        if args.peer_python:
            out = subprocess.run([args.peer_python, "Scripts/reference/bench_peers.py", "--workloads", w, "--engines", peer_engines,
                                  "--seconds", str(args.seconds)], cwd=REPO, env=env, check=True, capture_output=True, text=True)
            for line in out.stdout.splitlines():
                r = json.loads(line)
                peer_model = {"minilm": "minilm", "bert-base": "bertbase"}[r["model"]]
                pw = f"{peer_model}-{'inf' if r['mode'] == 'inference' else 'train'}-{r['batch']}x{r['seq']}"
                results[(r["engine"], pw)] = r
                print(f"{r['engine']} {pw}: {r['sentences_per_second']:.1f} sentences/s", file=sys.stderr)

    label0, mtstc0 = builds[0]
    strategy_rows = []
    for spec in STRATEGIES:
        plan = os.path.join("runs", "bench-" + os.path.basename(spec).replace(".yaml", ".plan"))
        s = compile_plan(spec, plan, mtstc0)
        r = mtstc_bench(plan, "train", 32, 32, args.seconds, mtstc0)
        strategy_rows.append((spec, s, r))

    atis = {}
    if args.atis_epoch:
        for label, mtstc in builds:
            plan = PLANS["minilm"][1].replace(".plan", f"-{label}.plan")
            compile_plan(PLANS["minilm"][0], plan, mtstc)
            atis[label] = atis_epoch_mtstc(mtstc, plan)
            print(f"{label} ATIS epoch: {atis[label]['train_seconds']:.1f} s", file=sys.stderr)
        if args.peer_python:
            atis["torch"] = atis_epoch_torch(args.peer_python, env)
            print(f"torch ATIS epoch: {atis['torch']['train_seconds']:.1f} s", file=sys.stderr)
    compile_time = {label: compile_seconds("Graphs/bert-base.yaml", mtstc) for label, mtstc in builds}

    cosines, corpus_seconds, corpus_lines = {}, {}, 0
    if args.corpus:
        bench_int8.embed_peers.CORPUS = os.path.abspath(args.corpus)
    if args.peer_python and not args.no_corpus:
        log = lambda text: print(text, file=sys.stderr)
        cosines, corpus_seconds, corpus_lines = bench_int8.embedding_rows([(label, mtstc, int8_ok[label]) for label, mtstc in builds],
                                                            args.peer_python, env, args.corpus_repeats, log)
    elif not args.no_corpus:
        notes.append("cosines and the real-corpus workload skipped: they need --peer-python.")

    if args.json_out:
        with open(args.json_out, "a") as f:
            for (engine, w), r in results.items():
                f.write(json.dumps({"engine": engine, "workload": w, **r}) + "\n")
            for engine, r in atis.items():
                f.write(json.dumps({"engine": engine, "workload": "atis-epoch", **r}) + "\n")
            for engine, sets in cosines.items():
                for r in sets.values():
                    f.write(json.dumps({"workload": "cosine", **r}) + "\n")
            for engine, sec in corpus_seconds.items():
                f.write(json.dumps({"engine": engine, "workload": "corpus", "seconds": sec}) + "\n")

    f1 = lambda r, k: f"{r[k]:.1f}" if r else "—"
    ratio = lambda a, b: f"{a['sentences_per_second'] / b['sentences_per_second']:.2f}×" if a and b else "—"
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores ({cpu_model()})")
    for label in engines:
        print(f"- `{label}`: {blas[label]}")
    print()
    head = "| workload | " + " | ".join(f"{e} sent/s" for e in engines) + " | PyTorch sent/s | ONNX RT sent/s | "
    head += " | ".join(f"{e} / PyTorch | {e} / ORT" for e in engines)
    head += " | " + " | ".join(f"{e} peak MiB" for e in engines) + " | PyTorch peak MiB | ORT peak MiB |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for w in workloads:
        t = results.get(("torch", w))
        o = results.get(("onnxruntime", w))
        ms = [results.get((e, w)) for e in engines]
        cells = [w] + [f1(m, "sentences_per_second") for m in ms] + [f1(t, "sentences_per_second"), f1(o, "sentences_per_second")]
        for m in ms:
            cells += [ratio(m, t), ratio(m, o)]
        cells += [f1(m, "peak_rss_mb") for m in ms] + [f1(t, "peak_rss_mb"), f1(o, "peak_rss_mb")]
        print("| " + " | ".join(cells) + " |")

    print("\n| build | workload | GFLOP per sentence | sgemm rate on its shapes (GFLOP/s) | limit sent/s | mtstc sent/s | fraction of limit |")
    print("|---|---|---|---|---|---|---|")
    for label in engines:
        for w in workloads:
            per, limit, rate = roof[(label, w)]
            m = results.get((label, w))
            print(f"| {label} | {w} | {per / 1e9:.2f} | {rate:.0f} | {limit:.1f} | {m['sentences_per_second']:.1f} | "
                  f"{m['sentences_per_second'] / limit * 100:.0f} % |")
    print("\nsgemm rates (GFLOP/s, M,N,K,op), measured right after each workload:")
    for (label, w), cache in caches.items():
        print(f"- {label} {w}: " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(cache.items())))

    if atis:
        print("\n| ATIS, one full epoch (Graphs/multitask.yaml protocol) | train seconds | sentences/s | peak MiB | time / PyTorch |")
        print("|---|---|---|---|---|")
        torch = atis.get("torch")
        for engine, r in atis.items():
            rel = f"{r['train_seconds'] / torch['train_seconds']:.2f}×" if torch else "—"
            print(f"| {engine} | {r['train_seconds']:.1f} | {r['sentences_per_second']:.1f} | {r['peak_rss_mb']:.0f} | {rel} |")

    print("\n`mtstc compile Graphs/bert-base.yaml` (best of 3, whole process): "
          + ", ".join(f"{label} {compile_time[label]:.2f} s" for label in engines))

    print(f"\n| spec (MiniLM, train 32×32, {label0}) | trainable params | backward ops | training arena MiB | sent/s | peak MiB |")
    print("|---|---|---|---|---|---|")
    for spec, s, r in strategy_rows:
        print(f"| {spec} | {s['params']['trainable']:,} | {s.get('backward_ops', 0)} | {s.get('arena_bytes_train', 0) / 2**20:.1f} | "
              f"{r['sentences_per_second']:.1f} | {r['peak_rss_mb']:.0f} |")

    inference = [w for w in workloads if parse(w)[1] == "inference"]
    if not args.no_int8 or cosines:
        bench_int8.print_tables(results, inference, [(label, m, int8_ok[label]) for label, m in builds],
                                cosines, corpus_seconds, notes, corpus_lines)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
