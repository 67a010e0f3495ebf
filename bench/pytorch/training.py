"""The toolkit's training step, schedule, batch sampling and evaluation in PyTorch (the anchor's loop).

Each function follows one TypeScript file: model/schedule.ts, model/clip.ts, model/optimizer.ts,
model/train_step.ts, model/train.ts with pipeline/shards/reader.ts (`batch`, `iterate`), model/evaluate.ts.
"""

import math

import numpy as np
import torch


def learning_rate(count, peak, warmup, decay_steps, end, init=0.0):
    """optax's warmup_cosine_decay_schedule at `count` earlier updates (model/schedule.ts `learningRate`)."""
    if count < warmup:
        return (init - peak) * (1 - count / warmup) + peak
    cosine_steps = decay_steps - warmup
    alpha = end / peak
    c = min(count - warmup, cosine_steps)
    return peak * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * c / cosine_steps)) + alpha)


def adamw(parameters, weight_decay):
    """optax's adamw (b1 0.9, b2 0.999, eps 1e-8 outside the sqrt, decay on every parameter).

    torch's AdamW makes the same update: p(1 - lr wd) - lr (m / (1 - b1^t)) / (sqrt(v) / sqrt(1 - b2^t) + eps)
    = p - lr (m_hat / (sqrt(v_hat) + eps) + wd p), optax's, up to float rounding (bench/pytorch/check_same_model.ts
    gives both the same gradients and compares the parameters after two updates).
    """
    return torch.optim.AdamW(
        parameters, lr=0.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=weight_decay, foreach=True
    )


@torch.no_grad()
def clip_by_global_norm(gradients, max_norm):
    """optax's clip_by_global_norm: when the global norm g >= max_norm, each gradient becomes t / g * max_norm.

    Returns g measured before clipping (torch's clip_grad_norm_ differs: it adds 1e-6 to g and clips only above).
    """
    norm = torch.stack([gradient.square().sum() for gradient in gradients]).sum().sqrt().item()
    if max_norm > 0 and norm >= max_norm:
        for gradient in gradients:
            gradient.div_(norm).mul_(max_norm)
    return norm


def train_step(model, optimizer, ids, targets, lr, clip):
    """One update (model/train_step.ts): loss, gradients, then `apply_update`; returns (loss, norm)."""
    optimizer.zero_grad(set_to_none=True)
    loss = model.loss(ids, targets)
    loss.backward()
    loss_value = loss.item()
    norm = apply_update(optimizer, lr, clip, loss_value)
    return loss_value, norm


def apply_update(optimizer, lr, clip, loss_value=0.0):
    """Clips the parameters' .grad by global norm, then AdamW at `lr`; raises on a non-finite loss or norm
    (the toolkit stops before such an update). Returns the norm before clipping."""
    parameters = [p for group in optimizer.param_groups for p in group["params"]]
    norm = clip_by_global_norm([p.grad for p in parameters], clip)
    if not (math.isfinite(loss_value) and math.isfinite(norm)):
        raise FloatingPointError(f"the loss is {loss_value} and the gradient norm {norm}: no update made")
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    return norm


class BatchSampler:
    """`batch` windows of ctx + 1 tokens, each starting uniformly at random in the split (Shards.batch).

    Its own seeded numpy generator (the toolkit draws from xoshiro128**: the same distribution, other values).
    """

    def __init__(self, tokens, batch, ctx, seed):
        if len(tokens) < ctx + 1:
            raise ValueError(f"the train split has {len(tokens)} tokens, fewer than one window of {ctx + 1}")
        self.tokens, self.batch, self.ctx = tokens, batch, ctx
        self.random = np.random.default_rng(seed)
        self.offsets = np.arange(ctx + 1)

    def next(self):
        """(ids, targets), each int64 (B, T): a window's first ctx tokens and its last ctx."""
        starts = self.random.integers(0, len(self.tokens) - self.ctx, size=self.batch)  # ≤ len - (ctx + 1)
        windows = torch.from_numpy(self.tokens[starts[:, None] + self.offsets].astype(np.int64))
        return windows[:, :-1], windows[:, 1:]


@torch.no_grad()
def evaluate(model, tokens, ctx, batch=16):
    """Mean cross-entropy (nats) over the windows of ctx + 1 tokens starting at 0, ctx, 2 ctx, ... (each window's
    last token is the next one's first, so every token but the first is predicted once; the last partial window
    is dropped): model/evaluate.ts over Shards.iterate, the whole split."""
    starts = np.arange(0, len(tokens) - ctx, ctx)  # start + ctx + 1 <= len
    if len(starts) == 0:
        raise ValueError(f"the val split has {len(tokens)} tokens, too few for one window of {ctx + 1}")
    offsets = np.arange(ctx + 1)
    total = 0.0
    for first in range(0, len(starts), batch):
        windows = torch.from_numpy(tokens[starts[first : first + batch, None] + offsets].astype(np.int64))
        total += model.loss(windows[:, :-1], windows[:, 1:], reduction="sum").item()
    return total / (len(starts) * ctx)
