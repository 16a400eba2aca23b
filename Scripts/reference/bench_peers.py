#!/usr/bin/env python3
"""Throughput and peak memory of PyTorch and ONNX Runtime (fp32 and int8) on the shapes `mtstc bench` runs.

The table in Docs/GUIDE §5 is only fair if the peers run the same work on the same machine
with the same thread count, so this script mirrors `mtstc bench`:

  inputs     batch B × seq T: [CLS], T−2 random ids in [1000, vocab), [SEP]; full attention mask;
             token type 0; random labels for training (intent per sentence, slot tag per token)
  models     minilm = all-MiniLM-L6-v2 from Assets/; bert-base = BertConfig(768, 12 layers,
             12 heads, 3072) with random weights (seed 0) — speed does not depend on the values
  torch      eager PyTorch, `torch.inference_mode()`; inference = BertModel + mean pooling +
             L2 normalisation; train = one full step: forward with dropout 0.1, intent head
             (pooled, 22 classes) and slot head (per token, 121 classes) as on ATIS, both
             cross-entropies, backward, gradient-norm clip 1.0, AdamW over every parameter
  onnxruntime  BertModel exported with torch.onnx.export (dynamic batch and sequence axes), then
             onnxruntime.transformers.optimizer.optimize_model(model_type="bert") for the fused
             EmbedLayerNormalization / Attention / BiasGelu / SkipLayerNormalization graph;
             inference only (last_hidden_state; pooling is a negligible share of the work)
  int8       onnxruntime-int8: onnxruntime.quantization.quantize_dynamic on the fused model above,
             default settings (QInt8 weights, per tensor, no reduce_range); onnxruntime-int8-pc: the same
             with per_channel=True, reduce_range=True (7-bit weights: no 16-bit saturation on AVX2);
             torch-int8: torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=qint8),
             inference only. Their embeddings' cosines to fp32 are measured by embed_peers.py.
  threads    2 intra-op threads (--threads); ONNX Runtime sequential execution, 1 inter-op thread

Every workload runs in a fresh subprocess so that its peak RSS (getrusage ru_maxrss) is its own;
the ONNX export runs in yet another subprocess, so torch never inflates ONNX Runtime's memory.
Throughput is sentences per second over at least --seconds of steps after 2 warm-up steps.

Output: one JSON object per line on stdout,
  {"engine", "model", "mode", "batch", "seq", "sentences_per_second", "peak_rss_mb"}
and a human-readable line per workload on stderr.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MINILM_DIR = os.path.join(REPO, "Assets/all-MiniLM-L6-v2")
DEFAULT_WORKLOADS = ("minilm-inf-32x32,minilm-inf-32x128,minilm-train-32x32,"
                     "bertbase-inf-32x32,bertbase-inf-8x128,bertbase-train-32x32")
MODELS = {"minilm": "minilm", "bertbase": "bert-base"}  # workload spelling → output name
BERT_BASE = dict(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                 intermediate_size=3072, max_position_embeddings=512, type_vocab_size=2)
ATIS_INTENTS, ATIS_TAGS = 22, 121  # distinct intents and slot tags in Assets/atis/train_dev
WARMUP_STEPS = 2
INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]
ENGINES = ("torch", "torch-int8", "onnxruntime", "onnxruntime-int8", "onnxruntime-int8-pc")
INFERENCE_ONLY = ("torch-int8", "onnxruntime", "onnxruntime-int8", "onnxruntime-int8-pc")
# ONNX engine → file suffix and quantize_dynamic keywords (None: the fused fp32 model itself).
ONNX_VARIANTS = {"onnxruntime": ("opt", None),
                 "onnxruntime-int8": ("int8", {}),
                 "onnxruntime-int8-pc": ("int8-pc", {"per_channel": True, "reduce_range": True})}


def parse_workload(text: str) -> dict:
    """`minilm-inf-32x32` → model, mode, batch, seq."""
    try:
        model, mode, shape = text.split("-")
        batch, seq = (int(v) for v in shape.split("x"))
        mode = {"inf": "inference", "train": "train"}[mode]
        MODELS[model]
    except (ValueError, KeyError):
        raise SystemExit(f"bench_peers: cannot read workload '{text}' (expected e.g. minilm-inf-32x32, "
                         f"bertbase-train-32x32; models {', '.join(MODELS)}; modes inf, train)")
    if seq < 2 or batch < 1:
        raise SystemExit(f"bench_peers: workload '{text}': need batch ≥ 1 and seq ≥ 2")
    return {"model": model, "mode": mode, "batch": batch, "seq": seq}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def synthetic_ids(batch: int, seq: int, vocab: int, cls_id: int = 101, sep_id: int = 102):
    """Same recipe as mtstc's Benchmark: [CLS], random ids from 1000 up, [SEP]; a numpy array."""
    import numpy as np
    rng = np.random.default_rng(42)
    ids = rng.integers(1000, vocab, size=(batch, seq), dtype=np.int64)
    ids[:, 0], ids[:, -1] = cls_id, sep_id
    return ids


def timed(step, seconds: float) -> float:
    """Runs `step` WARMUP_STEPS times, then until `seconds` have passed; returns steps per second."""
    for _ in range(WARMUP_STEPS):
        step()
    steps, started = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return steps / elapsed


# ----------------------------------------------------------------------------- torch side

def load_torch_model(model: str, attn: str = "sdpa"):
    """The backbone in train mode as returned by from_pretrained / the constructor."""
    import torch
    from transformers import BertConfig, BertModel
    if model == "minilm":
        return BertModel.from_pretrained(MINILM_DIR, add_pooling_layer=False, attn_implementation=attn)
    torch.manual_seed(0)
    return BertModel(BertConfig(**BERT_BASE, attn_implementation=attn), add_pooling_layer=False)


def quantize_torch(bert):
    """PyTorch dynamic quantization: int8 weights per tensor, activations quantized per batch."""
    import torch
    bert.eval()
    return torch.ao.quantization.quantize_dynamic(bert, {torch.nn.Linear}, dtype=torch.qint8)


def run_torch(w: dict, seconds: float, threads: int, int8: bool = False) -> float:
    import torch
    import torch.nn.functional as F
    import transformers
    transformers.logging.set_verbosity_error()  # the checkpoint's unused pooler is expected
    torch.set_num_threads(threads)
    bert = load_torch_model(w["model"])
    if int8:
        bert = quantize_torch(bert)
    ids = torch.from_numpy(synthetic_ids(w["batch"], w["seq"], bert.config.vocab_size))
    mask, types = torch.ones_like(ids), torch.zeros_like(ids)

    def embed():
        hidden = bert(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return hidden, F.normalize(pooled, p=2, dim=-1, eps=1e-12)

    if w["mode"] == "inference":
        bert.eval()

        def step():
            with torch.inference_mode():
                embed()
        return timed(step, seconds) * w["batch"]

    torch.manual_seed(0)
    h = bert.config.hidden_size
    intent_head, slot_head = torch.nn.Linear(h, ATIS_INTENTS), torch.nn.Linear(h, ATIS_TAGS)
    dropout = torch.nn.Dropout(0.1)
    params = list(bert.parameters()) + list(intent_head.parameters()) + list(slot_head.parameters())
    optimizer = torch.optim.AdamW(params, lr=2e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    intent_labels = torch.randint(0, ATIS_INTENTS, (w["batch"],))
    slot_labels = torch.randint(0, ATIS_TAGS, (w["batch"], w["seq"]))
    bert.train()

    def step():
        hidden, embedding = embed()
        loss = (F.cross_entropy(intent_head(dropout(embedding)), intent_labels)
                + F.cross_entropy(slot_head(dropout(hidden)).flatten(0, 1), slot_labels.flatten()))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
    return timed(step, seconds) * w["batch"]


def export_onnx(model: str, path: str) -> None:
    """Exports BertModel to ONNX and applies ONNX Runtime's BERT fusions; runs in its own process.

    Eager attention is exported on purpose: the fusion recognises the explicit
    MatMul/Softmax/MatMul pattern, while the SDPA export leaves attention unfused.
    """
    import numpy as np
    import torch
    import transformers
    from onnxruntime.transformers.optimizer import optimize_model
    transformers.logging.set_verbosity_error()
    torch.set_num_threads(2)

    class LastHidden(torch.nn.Module):
        """BertModel.forward takes keywords only in transformers 5; ONNX export passes positions."""

        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    bert = load_torch_model(model, attn="eager")
    wrapper = LastHidden(bert).eval()  # eval on the wrapper: export restores the wrapper's mode
    example = torch.from_numpy(synthetic_ids(2, 16, bert.config.vocab_size))
    args = (example, torch.ones_like(example), torch.zeros_like(example))
    raw = path + ".raw.onnx"
    axes = {name: {0: "batch", 1: "seq"} for name in INPUT_NAMES + ["last_hidden_state"]}
    torch.onnx.export(wrapper, args, raw, dynamo=False, opset_version=17, input_names=INPUT_NAMES,
                      output_names=["last_hidden_state"], dynamic_axes=axes)
    c = bert.config
    optimized = optimize_model(raw, model_type="bert", num_heads=c.num_attention_heads, hidden_size=c.hidden_size)
    fused = {k: v for k, v in optimized.get_fused_operator_statistics().items() if v}
    optimized.save_model_to_file(path)
    os.remove(raw)

    # The fused graph must still compute BertModel: compare on a shape other than the example's.
    import onnxruntime as ort
    check = synthetic_ids(3, 11, c.vocab_size)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = session.run(None, dict(zip(INPUT_NAMES, (check, np.ones_like(check), np.zeros_like(check)))))[0]
    with torch.no_grad():
        t = torch.from_numpy(check)
        want = wrapper(t, torch.ones_like(t), torch.zeros_like(t)).numpy()
    print(f"bench_peers: exported {model} to {path}: fused {fused}, "
          f"max |ORT − torch| {abs(got - want).max():.2e}", file=sys.stderr)


def quantize_onnx(model: str, engine: str, directory: str) -> None:
    """quantize_dynamic on the fused fp32 model; runs in its own process."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    _, options = ONNX_VARIANTS[engine]
    source, target = onnx_file(directory, model), onnx_file(directory, model, engine)
    # ONNX shape inference cannot type the outputs of the fused contrib ops (Attention,
    # SkipLayerNormalization…); the quantizer asks for this hint and otherwise refuses.
    quantize_dynamic(source, target + ".tmp", weight_type=QuantType.QInt8,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT}, **options)
    os.replace(target + ".tmp", target)
    print(f"bench_peers: quantized {source} → {target} (QInt8 weights, {options or 'default settings'})", file=sys.stderr)


def ensure_onnx(model: str, engine: str, directory: str) -> str:
    """The ONNX file an engine runs, exporting and quantizing first when it is not cached."""
    if not os.path.exists(onnx_file(directory, model)):
        run_subprocess(["--export-onnx", model, "--onnx-dir", directory])
    path = onnx_file(directory, model, engine)
    if not os.path.exists(path):
        run_subprocess(["--quantize-onnx", f"{model}:{engine}", "--onnx-dir", directory])
    return path


# ----------------------------------------------------------------------------- ONNX Runtime side

def ort_session(path: str, threads: int):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def run_onnxruntime(w: dict, seconds: float, threads: int, onnx_path: str) -> float:
    """Imports only numpy and onnxruntime, so the peak RSS is ONNX Runtime's alone."""
    import numpy as np
    session = ort_session(onnx_path, threads)
    vocab = BERT_BASE["vocab_size"]  # both models use BERT's uncased vocabulary
    ids = synthetic_ids(w["batch"], w["seq"], vocab)
    feed = dict(zip(INPUT_NAMES, (ids, np.ones_like(ids), np.zeros_like(ids))))
    return timed(lambda: session.run(None, feed), seconds) * w["batch"]


# ----------------------------------------------------------------------------- driver

def child(args) -> None:
    """One workload in this (fresh) process; prints its JSON line."""
    engine, name = args.child.split(":", 1)
    w = parse_workload(name)
    if engine in ("torch", "torch-int8"):
        rate = run_torch(w, args.seconds, args.threads, int8=engine == "torch-int8")
    else:
        rate = run_onnxruntime(w, args.seconds, args.threads, onnx_file(args.onnx_dir, w["model"], engine))
    record = {"engine": engine, "model": MODELS[w["model"]], "mode": w["mode"], "batch": w["batch"],
              "seq": w["seq"], "sentences_per_second": round(rate, 3), "peak_rss_mb": round(peak_rss_mb(), 1)}
    print(json.dumps(record), flush=True)


def onnx_file(directory: str, model: str, engine: str = "onnxruntime") -> str:
    return os.path.join(directory, f"{model}.{ONNX_VARIANTS[engine][0]}.onnx")


def run_subprocess(argv: list[str]) -> str:
    result = subprocess.run([sys.executable, os.path.abspath(__file__)] + argv, stdout=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"bench_peers: {' '.join(argv)} failed with exit status {result.returncode}")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default=DEFAULT_WORKLOADS,
                        help="comma-separated MODEL-MODE-BxT, MODEL minilm|bertbase, MODE inf|train")
    parser.add_argument("--engines", default="torch,onnxruntime",
                        help=f"comma-separated of {', '.join(ENGINES)}; all but torch run inference workloads only")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured time per workload after warm-up")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--onnx-dir", default=os.path.join(tempfile.gettempdir(), "mtstc-bench-onnx"),
                        help="where exported models are kept between runs (delete to re-export)")
    parser.add_argument("--out", help="also append the JSON lines to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)          # ENGINE:WORKLOAD, internal
    parser.add_argument("--export-onnx", help=argparse.SUPPRESS)    # MODEL, internal
    parser.add_argument("--quantize-onnx", help=argparse.SUPPRESS)  # MODEL:ENGINE, internal
    args = parser.parse_args()

    if args.child:
        return child(args)
    if args.export_onnx:
        os.makedirs(args.onnx_dir, exist_ok=True)
        return export_onnx(args.export_onnx, onnx_file(args.onnx_dir, args.export_onnx))
    if args.quantize_onnx:
        model, engine = args.quantize_onnx.split(":", 1)
        return quantize_onnx(model, engine, args.onnx_dir)

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    for e in engines:
        if e not in ENGINES:
            raise SystemExit(f"bench_peers: unknown engine '{e}' ({', '.join(ENGINES)})")
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    for name in workloads:
        parse_workload(name)  # reject typos before spending minutes on the first workload

    common = ["--seconds", str(args.seconds), "--threads", str(args.threads), "--onnx-dir", args.onnx_dir]
    out = open(args.out, "a") if args.out else None
    for name in workloads:
        w = parse_workload(name)
        for engine in engines:
            if engine in INFERENCE_ONLY and w["mode"] == "train":
                continue
            if engine in ONNX_VARIANTS:
                ensure_onnx(w["model"], engine, args.onnx_dir)
            line = run_subprocess(["--child", f"{engine}:{name}"] + common).strip().splitlines()[-1]
            record = json.loads(line)
            print(line, flush=True)
            print(f"bench_peers: {engine:11s} {name:22s} {record['sentences_per_second']:9.2f} sentences/s  "
                  f"peak RSS {record['peak_rss_mb']:7.0f} MB", file=sys.stderr, flush=True)
            if out:
                out.write(line + "\n")
                out.flush()
    if out:
        out.close()


if __name__ == "__main__":
    main()
