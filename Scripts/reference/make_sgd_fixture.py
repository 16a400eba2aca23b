#!/usr/bin/env python3
"""Two SGD-with-momentum steps of the tiny BERT of make_grad_fixture.py, as a golden file.

The AdamW fixture (grad_step.safetensors) proves mtstc's gradients and its AdamW update; this one
proves the optimizer seam: the same model, inputs and loss, updated twice by
torch.optim.SGD(momentum=0.9, lr=0.05, weight_decay=0.01) on the same batch, so the second step
reads the momentum buffer the first one wrote.

  initial weights   as in grad_step.safetensors (Hugging Face BertModel names, heads.*)
  input.*           as in grad_step.safetensors
  step1.<name>      every parameter after the first step
  step2.<name>      after the second (forward and backward recomputed on the updated weights)

Run in a throwaway venv with torch, transformers and safetensors:
  python Scripts/reference/make_sgd_fixture.py
"""
import argparse
import json
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
import transformers  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

from make_grad_fixture import CONFIG, build_model, make_inputs, sort_metadata  # noqa: E402

SGD = dict(lr=0.05, momentum=0.9, weight_decay=0.01)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="Tests/MTSTRuntimeTests/Fixtures/sgd_steps.safetensors")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)

    model = build_model(args.seed)
    inputs = make_inputs(args.seed + 1)
    names = [n for n, _ in model.named_fixture_parameters()]
    params = [p for _, p in model.named_fixture_parameters()]
    tensors = {n: p.detach().clone() for n, p in zip(names, params)}
    for key, t in zip(("ids", "mask", "intent", "slots"), inputs):
        tensors[f"input.{key}"] = t
    optimizer = torch.optim.SGD(params, **SGD)
    model.train()
    for step in (1, 2):
        optimizer.zero_grad(set_to_none=True)
        total, _, _ = model(*inputs)
        total.backward()
        optimizer.step()
        tensors.update({f"step{step}.{n}": p.detach().clone() for n, p in zip(names, params)})
        print(f"step {step}: loss {total.item():.8f}")
    tensors = {k: v.to(torch.float32).contiguous() for k, v in tensors.items()}
    metadata = {
        "description": "two torch.optim.SGD steps (momentum) of make_grad_fixture.py's tiny BERT on one batch",
        "config": json.dumps(CONFIG, sort_keys=True),
        "sgd": json.dumps(SGD, sort_keys=True),
        "seed": str(args.seed),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    save_file(tensors, args.out, metadata=metadata)
    sort_metadata(args.out)
    print(f"wrote {args.out}: {len(tensors)} tensors, {os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
