#!/usr/bin/env python3
"""Linear-chain CRF reference values for mtstc's `crf` op: loss, gradients and Viterbi paths.

Plain torch autograd of the forward algorithm (no CRF package), in float64, on float32 inputs
laid out as mtstc packs token rows: several sentences one after another, each with rows that
the chain skips (label −1: [CLS], [SEP], continuation pieces). Per case <k> (0: ordinary
scores, 1: scores ×40, where a naive exp overflows float32):

  <k>.emissions    [N, C]   per-token logits
  <k>.labels       [N]      gold tag, −1 where the row is not in the chain
  <k>.starts       [B+1]    row offsets of the sentences (packed layout)
  <k>.transitions  [C, C]   score of tag i followed by tag j at [i, j]
  <k>.start, <k>.end [C]
  <k>.nll          [1]      mean over sentences of log Z − score(gold path)
  <k>.grad.emissions / .grad.transitions / .grad.start / .grad.end   d nll / d input
  <k>.viterbi      [N]      best path's tag on chain rows, −1 elsewhere

The formulas (mtstc computes the same in Swift):
  alpha_0 = start + e_0;  alpha_t[j] = e_t[j] + logsumexp_i(alpha_{t−1}[i] + T[i, j])
  log Z   = logsumexp_j(alpha_{n−1}[j] + end[j])
  score   = start[y_0] + Σ_t e_t[y_t] + Σ_{t≥1} T[y_{t−1}, y_t] + end[y_{n−1}]
All tensors are float32. Run: .venv-reference/bin/python Scripts/reference/make_crf_fixture.py
"""
import argparse
import os

import torch
from safetensors.torch import save_file

C = 5
# Sentence row lengths and which rows are outside the chain ([CLS] first, [SEP] last, one
# continuation piece in the first and third sentence, a one-word sentence last).
SENTENCES = [
    (8, {0, 3, 7}),
    (5, {0, 4}),
    (7, {0, 2, 5, 6}),
    (3, {0, 2}),
]


def chains(labels, starts):
    for b in range(len(starts) - 1):
        rows = [r for r in range(starts[b], starts[b + 1]) if labels[r] >= 0]
        if rows:
            yield rows


def nll(emissions, labels, starts, transitions, start, end):
    total = emissions.new_zeros(())
    count = 0
    for rows in chains(labels, starts):
        e = emissions[rows]
        y = [int(labels[r]) for r in rows]
        alpha = start + e[0]
        for t in range(1, len(rows)):
            alpha = e[t] + torch.logsumexp(alpha.unsqueeze(1) + transitions, dim=0)
        log_z = torch.logsumexp(alpha + end, dim=0)
        score = start[y[0]] + end[y[-1]] + sum(e[t, y[t]] for t in range(len(rows)))
        score = score + sum(transitions[y[t - 1], y[t]] for t in range(1, len(rows)))
        total = total + log_z - score
        count += 1
    return total / count


def viterbi(emissions, labels, starts, transitions, start, end):
    out = torch.full((emissions.shape[0],), -1.0, dtype=torch.float64)
    for rows in chains(labels, starts):
        e = emissions[rows]
        delta = start + e[0]
        back = []
        for t in range(1, len(rows)):
            scores = delta.unsqueeze(1) + transitions
            best, arg = scores.max(dim=0)
            back.append(arg)
            delta = best + e[t]
        tag = int((delta + end).argmax())
        path = [tag]
        for arg in reversed(back):
            tag = int(arg[tag])
            path.append(tag)
        for r, t in zip(rows, reversed(path)):
            out[r] = t
    return out


def case(gen, scale):
    n = sum(length for length, _ in SENTENCES)
    starts, labels = [0], []
    for length, skipped in SENTENCES:
        starts.append(starts[-1] + length)
        labels += [-1 if i in skipped else int(torch.randint(C, (1,), generator=gen)) for i in range(length)]
    f32 = lambda *shape: (torch.randn(*shape, generator=gen) * scale).float()
    inputs = dict(emissions=f32(n, C), transitions=f32(C, C), start=f32(C), end=f32(C))
    leaves = {k: v.double().requires_grad_() for k, v in inputs.items()}
    labels_t = torch.tensor(labels, dtype=torch.float32)
    loss = nll(leaves["emissions"], labels, starts, leaves["transitions"], leaves["start"], leaves["end"])
    loss.backward()
    out = {k: v for k, v in inputs.items()}
    out["labels"] = labels_t
    out["starts"] = torch.tensor(starts, dtype=torch.float32)
    out["nll"] = loss.detach().float().reshape(1)
    for k, v in leaves.items():
        out[f"grad.{k}"] = v.grad.float()
    with torch.no_grad():
        out["viterbi"] = viterbi(*(leaves[k].detach() for k in ("emissions",)), labels, starts,
                                 leaves["transitions"].detach(), leaves["start"].detach(), leaves["end"].detach()).float()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "../../Tests/MTSTRuntimeTests/Fixtures/crf.safetensors"))
    args = parser.parse_args()
    gen = torch.Generator().manual_seed(20261130)
    tensors = {}
    for k, scale in enumerate([1.0, 40.0]):
        for name, t in case(gen, scale).items():
            tensors[f"{k}.{name}"] = t.contiguous()
    save_file(tensors, os.path.normpath(args.out), metadata={"torch": torch.__version__, "seed": "20261130"})
    print(f"wrote {os.path.normpath(args.out)}: " + ", ".join(f"{k} nll {float(tensors[f'{k}.nll'][0]):.6f}" for k in range(2)))


if __name__ == "__main__":
    main()
