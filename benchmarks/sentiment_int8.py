"""Would dynamic int8 quantisation of target sentiment keep its NewsMTSC devtest score? (It did not.)

    python benchmarks/sentiment_int8.py

The shipped model (:func:`analysis.sentiment.build` of the shipped npz) and a
copy whose linear maps are quantised to int8 weights with dynamic int8
activations (``torch.ao.quantization.quantize_dynamic`` on every ``nn.Linear``:
the merged adapter layers are turned into plain ``nn.Linear`` first), each
scored on ``devtest_rw.jsonl`` with :func:`analysis.validation.sentiment.evaluate`
(VADER beside it, same run), one torch thread. The rule: keep int8 only if its
macro-F1 stays within 0.005 of the full-precision model's. Measured 2026-12-01:
0.7647 (fp32) against 0.7254 (int8), 0.039 lower, so the library does not
quantise (CPU time of the two evaluations: 9.9 s against 5.8 s, VADER included).
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def as_linear(module):
    """``module`` with every (merged) ``AdaptedLinear`` replaced by an ``nn.Linear`` of the same weights."""
    import torch
    import torch.nn as nn

    for name, child in list(module.named_children()):
        if type(child).__name__ == "AdaptedLinear":
            lin = nn.Linear(child.weight.shape[1], child.weight.shape[0])
            with torch.no_grad():
                lin.weight.copy_(child.weight)
                lin.bias.copy_(child.bias)
            setattr(module, name, lin)
        else:
            as_linear(child)
    return module


def main() -> None:
    import torch
    import torch.nn as nn

    from analysis import sentiment
    from analysis.validation import sentiment as validation

    torch.set_num_threads(1)
    lower, head, tok = sentiment.build(*sentiment.load_state())
    q = lambda m: torch.ao.quantization.quantize_dynamic(as_linear(copy.deepcopy(m)), {nn.Linear},  # noqa: E731
                                                         dtype=torch.qint8)
    models = {"fp32": {"lower": lower, "head": head, "tokenizer": tok},
              "int8": {"lower": q(lower), "head": q(head), "tokenizer": tok}}
    scores = {}
    for name, model in models.items():
        c = time.process_time()
        table = validation.evaluate(model=model)
        scores[name] = validation.macro_f1(table, "target-model")
        print(f"{name}: devtest_rw macro-F1 {scores[name]:.4f} (VADER, same run: "
              f"{validation.macro_f1(table, 'vader-sentence'):.4f}); CPU {time.process_time() - c:.1f} s", flush=True)
    gap = scores["fp32"] - scores["int8"]
    print(f"int8 is {gap:+.4f} below fp32: {'keep' if gap <= 0.005 else 'do not keep'} (rule: within 0.005)")


if __name__ == "__main__":
    main()
