"""Outside check of `retention` in a run's metrics.jsonl: embeds the run's first N evaluation
sentences (from predictions.jsonl) with the original all-MiniLM-L6-v2 and with the run's
checkpoint through transformers' BertModel (mean pooling, L2), and prints the mean cosine
between each sentence's two embeddings and the Spearman correlation (scipy, average ranks) of
the pairwise cosines. Compare with the last metrics row; N is min(512, evaluation sentences).

    .venv-reference/bin/python Scripts/reference/check_retention.py RUN_DIR [N] [MODEL_DIR]

Only for runs of specs that start from MODEL_DIR's weights (Graphs/multitask.yaml and its
strategies) and have no pairs in their evaluation data.
"""
import json
import sys

import numpy as np
import torch
from safetensors.torch import load_file
from scipy.stats import spearmanr
from transformers import BertModel, BertTokenizer


def main(run, n=512, model_dir="Assets/all-MiniLM-L6-v2"):
    tok = BertTokenizer.from_pretrained(model_dir)
    orig = BertModel.from_pretrained(model_dir).eval()
    tuned = BertModel.from_pretrained(model_dir).eval()
    weights = {k: v for k, v in load_file(f"{run}/checkpoint.safetensors").items() if not k.startswith("heads.")}
    tuned.load_state_dict(weights, strict=False)
    sents = [" ".join(json.loads(l)["words"]) for l in open(f"{run}/predictions.jsonl")][:n]

    def embed(m):
        b = tok(sents, padding=True, truncation=True, max_length=64, return_tensors="pt")
        with torch.no_grad():
            h = m(**b).last_hidden_state
        mask = b["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((h * mask).sum(1) / mask.sum(1), dim=-1)

    a, b = embed(orig), embed(tuned)
    iu = np.triu_indices(len(sents), 1)
    rho = spearmanr((a @ a.T).numpy()[iu], (b @ b.T).numpy()[iu]).correlation
    print(json.dumps({"sentences": len(sents), "mean_cosine": (a * b).sum(-1).mean().item(), "spearman": rho,
                      "mtstc": json.loads(open(f"{run}/metrics.jsonl").readlines()[-1])["retention"]}))


if __name__ == "__main__":
    main(sys.argv[1], *(int(x) if i == 0 else x for i, x in enumerate(sys.argv[2:])))
