"""The PyTorch half of bench/pytorch/check_same_model.ts. Reads (JSON on stdin) a model's parameters, batches
and, per update, a gradient and a learning rate, all exported from TypeScript; prints (JSON on stdout) each
batch's loss and gradients at those parameters, then the parameters after the updates (global-norm clip, then
AdamW) made from the given gradients, and the schedule's learning rates, computed by the anchor's own
functions."""

import json
import sys

import torch

from micro_gpt import MicroGpt
from training import adamw, apply_update, learning_rate


def tensor(values, like):
    return torch.tensor(values, dtype=torch.float32).view(like.shape)


def main():
    case = json.load(sys.stdin)
    config = case["config"]
    model = MicroGpt(config["layers"], config["model_d"], config["heads"], config["vocab"], config["ctx"])
    named = model.seed_parameters()
    if list(named) != list(case["params"]):
        raise SystemExit(f"parameter names differ: {list(named)} vs {list(case['params'])}")
    with torch.no_grad():
        for name, parameter in named.items():
            parameter.copy_(tensor(case["params"][name], parameter))

    batches = []
    for rows in case["batches"]:
        windows = torch.tensor(rows, dtype=torch.int64)
        model.zero_grad(set_to_none=True)
        loss = model.loss(windows[:, :-1], windows[:, 1:])
        loss.backward()
        batches.append({
            "loss": loss.item(),
            "gradients": {name: p.grad.flatten().tolist() for name, p in named.items()},
        })

    optimizer = adamw(list(named.values()), case["weight_decay"])
    norms = []
    for update in case["updates"]:
        for name, parameter in named.items():
            parameter.grad = tensor(update["gradients"][name], parameter)
        norms.append(apply_update(optimizer, update["lr"], case["clip"]))
    schedule = case["schedule"]
    rates = [learning_rate(count, schedule["peak"], schedule["warmup"], schedule["decay_steps"], schedule["end"])
             for count in range(schedule["decay_steps"] + 1)]
    json.dump({
        "learning_rates": rates,
        "batches": batches,
        "norms": norms,
        "updated": {name: p.detach().flatten().tolist() for name, p in named.items()},
    }, sys.stdout)


if __name__ == "__main__":
    main()
