#!/usr/bin/env python3
"""Data-parallel cost model of Docs/DISTRIBUTED.md: step time and scaling efficiency of MiniLM
and bert-base training on N nodes, from the measured compute time per sentence of one node and
the gradient size, for a ring all-reduce:

    allreduce(N) = 2(N-1)/N * gradient_bytes / bandwidth  +  2(N-1) * latency * buckets

(a ring all-reduce sends 2(N-1) messages per bucket; every rank sends and receives
2(N-1)/N of the bytes). Two step times bound what mtstc does:
    blocking    compute + allreduce            (the all-reduce after backward, `mpi` slice)
    overlapped  max(compute, allreduce)        (all-reduce hidden behind backward, at best)
Efficiency is the one-node compute time over the step time (per sentence, at the same per-node
batch). Plain Python, no dependencies; every input is a flag so the tables can be redone with
other measurements.

    python3 Scripts/cost_model.py                       # the tables in Docs/DISTRIBUTED.md
    python3 Scripts/cost_model.py --minilm-s 0.040 ...  # with another node's compute time
"""
import argparse
import math

MIB = 1 << 20


def allreduce(n, nbytes, bandwidth, latency, bucket):
    if n == 1:
        return 0.0
    buckets = math.ceil(nbytes / bucket)
    return 2 * (n - 1) / n * nbytes / bandwidth + 2 * (n - 1) * latency * buckets


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minilm-s", type=float, default=0.0216, help="MiniLM training seconds per sentence on one node (32x32 steps)")
    ap.add_argument("--bert-s", type=float, default=0.133, help="bert-base training seconds per sentence on one node")
    ap.add_argument("--minilm-params", type=int, default=22_620_431, help="trainable parameters (compile --json params.trainable)")
    ap.add_argument("--bert-params", type=int, default=109_001_615)
    ap.add_argument("--bucket-mib", type=float, default=25, help="all-reduce bucket size")
    ap.add_argument("--batch", type=int, default=32, help="per-node batch for the weak-scaling table")
    ap.add_argument("--global-batch", default="32,1024", help="global batches for the strong-scaling table (comma-separated)")
    ap.add_argument("--links", default="10:30e-6,100:5e-6", help="Gbit/s:latency_s of each network")
    a = ap.parse_args()

    models = [("MiniLM-L6", a.minilm_params * 4, a.minilm_s), ("bert-base", a.bert_params * 4, a.bert_s)]
    links = [(float(g), float(l)) for g, l in (x.split(":") for x in a.links.split(","))]
    bucket = a.bucket_mib * MIB
    nodes = [1, 2, 4, 8, 16, 32, 64]

    print(f"## Weak scaling: {a.batch} sentences per node per step (global batch {a.batch}·N)\n")
    print("| model | gradient MB | link | N | all-reduce ms | step ms blocking | efficiency | step ms overlapped | efficiency | global sentences/s (blocking) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, nbytes, s in models:
        compute = s * a.batch
        for gbit, lat in links:
            bw = gbit * 1e9 / 8
            for n in [8, 16, 32, 64]:
                ar = allreduce(n, nbytes, bw, lat, bucket)
                blocking, overlapped = compute + ar, max(compute, ar)
                print(f"| {name} | {nbytes / 1e6:.1f} | {gbit:g} Gbit/s | {n} | {1e3 * ar:.0f} | {1e3 * blocking:.0f} | "
                      f"{100 * compute / blocking:.0f} % | {1e3 * overlapped:.0f} | {100 * compute / overlapped:.0f} % | "
                      f"{n * a.batch / blocking:.0f} |")

    print("\n## Strong scaling: a fixed global batch split over N nodes (N ≤ the batch)\n")
    print("| model | global batch | link | " + " | ".join(f"N={n}" for n in nodes) + " | efficiency < 50 % from N = (blocking / overlapped) |")
    print("|---|---|---|" + "---|" * len(nodes) + "---|")
    for name, nbytes, s in models:
        for g in [int(x) for x in a.global_batch.split(",")]:
            for gbit, lat in links:
                bw = gbit * 1e9 / 8
                cells, stop_b, stop_o = [], None, None
                for n in range(1, g + 1):
                    compute = s * g / n
                    ar = allreduce(n, nbytes, bw, lat, bucket)
                    eb, eo = compute / (compute + ar), compute / max(compute, ar)
                    if n in nodes:
                        cells.append(f"{1e3 * (compute + ar):.0f} ms, {100 * eb:.0f} %")
                    if stop_b is None and eb < 0.5:
                        stop_b = n
                    if stop_o is None and eo < 0.5:
                        stop_o = n
                cells += ["—"] * (len(nodes) - len(cells))
                fmt = lambda v: str(v) if v else f"never (≤ {g})"
                print(f"| {name} | {g} | {gbit:g} Gbit/s | " + " | ".join(cells) + f" | {fmt(stop_b)} / {fmt(stop_o)} |")

if __name__ == "__main__":
    main()
