"""The toolkit's GPT ("seed" block wiring) in PyTorch, for the benchmark's anchor and the same-model check.

Written from the TypeScript sources, one function per op as there (model/gpt.ts, model/ops/*.ts); the
parameter layout, names and initialisation are model/config.ts's `parameterLayout`.
Shape legend: B = batch, T = time, C = channels (model_d), V = vocabulary, nh = heads, hs = C / nh.

    x = E[ids] * sqrt(C) + PE            (no dropout, sinusoidal positions)
    per block i:  h = x + MHA(LN_i(x));  x = h + FFN(h)          (no second LN, no final LN)
    logits = x @ E^T                      (tied)
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# model/ops/layer_norm.ts: the seed's eps, added to the standard deviation (not the variance).
LAYER_NORM_EPS = 1e-5
# model/ops/attention.ts: the additive mask above the diagonal (exp() = 0 after the max-subtraction).
MASKED = -1e9


def layer_norm(x, gain, bias):
    """y = gain * (x - mu) / (sigma + eps) + bias over the last axis, sigma = sqrt(mean((x - mu)^2))."""
    centred = x - x.mean(-1, keepdim=True)
    sigma = centred.square().mean(-1, keepdim=True).sqrt()
    return centred / (sigma + LAYER_NORM_EPS) * gain + bias


def linear(x, weight, bias):
    """x @ W + b over the last axis, W as [in, out] (model/ops/linear.ts), as one addmm."""
    rows = x.reshape(-1, weight.shape[0])
    return torch.addmm(bias, rows, weight).view(*x.shape[:-1], weight.shape[1])


def feed_forward(x, block):
    """gelu(x @ W_fc + b_fc) @ W_proj + b_proj, GELU in its tanh form (model/ops/gelu.ts)."""
    hidden = F.gelu(linear(x, block.fc_weight, block.fc_bias), approximate="tanh")  # (B, T, 4C)
    return linear(hidden, block.proj_weight, block.proj_bias)


def causal_self_attention(x, block, heads, mask):
    """concat_h(softmax(Q K^T / sqrt(hs) + M) V) @ W_o, no biases, Q pre-scaled (model/ops/attention.ts)."""
    B, T, C = x.shape
    hs = C // heads

    def split(w):  # (B, T, C) @ (C, C) -> (B, nh, T, hs)
        return (x @ w).view(B, T, heads, hs).transpose(1, 2)

    q = split(block.w_q) * (1 / math.sqrt(hs))
    k, v = split(block.w_k), split(block.w_v)
    scores = q @ k.transpose(-2, -1) + mask[:T, :T]  # (B, nh, T, T)
    out = scores.softmax(-1) @ v  # (B, nh, T, hs)
    return out.transpose(1, 2).reshape(B, T, C) @ block.w_o


def sinusoidal_table(length, model_d):
    """PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...): float64, stored float32."""
    position = np.arange(length, dtype=np.float64)[:, None]
    pair = np.arange(model_d) - np.arange(model_d) % 2
    angle = position / np.power(10000.0, pair / model_d)
    table = np.where(np.arange(model_d) % 2 == 0, np.sin(angle), np.cos(angle))
    return torch.from_numpy(table.astype(np.float32))


def causal_mask(length):
    """0 where query i may look at key j (j <= i), MASKED above the diagonal: [T, T]."""
    return torch.triu(torch.full((length, length), MASKED), diagonal=1)


def normal(shape, std):
    return nn.Parameter(torch.randn(shape) * std)


class SeedBlock(nn.Module):
    """One block's parameters, initialised as model/config.ts: attention N(0, 1/d), FFN N(0, 0.01^2)."""

    def __init__(self, d):
        super().__init__()
        self.ln_gain = nn.Parameter(torch.ones(d))
        self.ln_bias = nn.Parameter(torch.zeros(d))
        self.w_q, self.w_k, self.w_v, self.w_o = (normal((d, d), 1 / math.sqrt(d)) for _ in range(4))
        self.fc_weight = normal((d, 4 * d), 0.01)
        self.fc_bias = nn.Parameter(torch.zeros(4 * d))
        self.proj_weight = normal((4 * d, d), 0.01)
        self.proj_bias = nn.Parameter(torch.zeros(d))

    def seed_names(self, i):
        """This block's parameters under the toolkit's names, in `parameterLayout` order."""
        return {
            f"ln{i}.gain": self.ln_gain,
            f"ln{i}.bias": self.ln_bias,
            f"attn{i}.w_q": self.w_q,
            f"attn{i}.w_k": self.w_k,
            f"attn{i}.w_v": self.w_v,
            f"attn{i}.w_o": self.w_o,
            f"ffn{i}_fc.weight": self.fc_weight,
            f"ffn{i}_fc.bias": self.fc_bias,
            f"ffn{i}_proj.weight": self.proj_weight,
            f"ffn{i}_proj.bias": self.proj_bias,
        }


class MicroGpt(nn.Module):
    """The GPT of model/gpt.ts with the "seed" wiring; draws its initial values from torch's global RNG."""

    def __init__(self, layers, model_d, heads, vocab, ctx):
        super().__init__()
        if model_d % heads:
            raise ValueError(f"model_d {model_d} is not divisible by heads {heads}")
        self.heads, self.ctx = heads, ctx
        self.embed = normal((vocab, model_d), 0.01)
        self.blocks = nn.ModuleList(SeedBlock(model_d) for _ in range(layers))
        self.register_buffer("positions", sinusoidal_table(ctx, model_d), persistent=False)
        self.register_buffer("mask", causal_mask(ctx), persistent=False)

    def seed_parameters(self):
        """Every parameter under its toolkit name (`embed`, `ln1.gain`, ...), in `parameterLayout` order."""
        named = {"embed": self.embed}
        for i, block in enumerate(self.blocks, start=1):
            named.update(block.seed_names(i))
        return named

    def forward(self, ids):
        """Logits (B, T, V) for int64 ids (B, T), T <= ctx."""
        T, C = ids.shape[1], self.embed.shape[1]
        x = F.embedding(ids, self.embed) * math.sqrt(C) + self.positions[:T]  # (B, T, C)
        for block in self.blocks:
            h = x + causal_self_attention(layer_norm(x, block.ln_gain, block.ln_bias), block, self.heads, self.mask)
            x = h + feed_forward(h, block)
        return x @ self.embed.t()  # (B, T, V)

    def loss(self, ids, targets, reduction="mean"):
        """Cross-entropy (nats) of targets (B, T) given ids (B, T) (model/ops/cross_entropy.ts)."""
        logits = self(ids)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction=reduction)
