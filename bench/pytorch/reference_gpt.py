"""The PyTorch anchor of `deno task bench train`: trains the toolkit's GPT with its optimizer, schedule and
batch sampling on token streams exported from a store, then evaluates on the whole val split, and prints one
JSON line: {"seconds", "val_loss", "steps", "threads", "tokens_per_second", ...}.

Run with Debian's interpreter (python3-torch 1.13, CPU), e.g. from bench/train_pytorch.ts:
    /usr/bin/python3 bench/pytorch/reference_gpt.py --train train.bin --val val.bin --dtype uint16 \
        --layers 2 --model-d 128 --heads 4 --ctx 64 --batch 16 --steps 300 --lr 1e-3 --min-lr 1e-5 \
        --warmup 30 --weight-decay 0.01 --clip 1.0 --vocab 2000 --threads 1 --seed 0
"""

import argparse
import json
import sys
import time

import numpy as np
import torch

from blas import blas_info, set_threads
from micro_gpt import MicroGpt
from training import BatchSampler, adamw, evaluate, learning_rate, train_step


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True, help="train tokens, raw little-endian")
    parser.add_argument("--val", required=True, help="val tokens, raw little-endian")
    parser.add_argument("--dtype", choices=["uint16", "uint32"], default="uint16")
    for name, default in [("layers", 2), ("model-d", 128), ("heads", 4), ("ctx", 64), ("batch", 16),
                          ("steps", 300), ("warmup", 30), ("vocab", 2000), ("threads", 1), ("seed", 0)]:
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--decay-steps", type=int, help="where the cosine reaches --min-lr (default: --steps)")
    for name, default in [("lr", 1e-3), ("min-lr", 1e-5), ("weight-decay", 0.01), ("clip", 1.0)]:
        parser.add_argument(f"--{name}", type=float, default=default)
    return parser.parse_args(argv)


def read_tokens(path, dtype, vocab):
    tokens = np.fromfile(path, dtype=np.dtype(dtype).newbyteorder("<"))
    if tokens.size and int(tokens.max()) >= vocab:
        raise SystemExit(f"{path}: token id {int(tokens.max())} is outside --vocab {vocab}")
    return tokens


def main(argv):
    args = parse_args(argv)
    set_threads(args.threads)
    train_tokens = read_tokens(args.train, args.dtype, args.vocab)
    val_tokens = read_tokens(args.val, args.dtype, args.vocab)
    torch.manual_seed(args.seed)  # the initial parameters
    model = MicroGpt(args.layers, args.model_d, args.heads, args.vocab, args.ctx)
    optimizer = adamw(list(model.seed_parameters().values()), args.weight_decay)
    sampler = BatchSampler(train_tokens, args.batch, args.ctx, seed=args.seed + 1)
    # model/train_plan.ts: the cosine ends at the last step unless told otherwise.
    decay_steps = args.decay_steps or max(args.steps, args.warmup + 1)

    started = time.perf_counter()
    for step in range(args.steps):
        lr = learning_rate(step, args.lr, args.warmup, decay_steps, args.min_lr)
        ids, targets = sampler.next()
        loss, _ = train_step(model, optimizer, ids, targets, lr, args.clip)
    seconds = time.perf_counter() - started

    eval_started = time.perf_counter()
    val_loss = evaluate(model, val_tokens, args.ctx)
    eval_seconds = time.perf_counter() - eval_started
    print(json.dumps({
        "seconds": seconds,
        "val_loss": val_loss,
        "steps": args.steps,
        "threads": args.threads,
        "tokens_per_second": args.steps * args.batch * args.ctx / seconds,
        "train_loss": loss,
        "eval_seconds": eval_seconds,
        "torch": torch.__version__,
        "blas": blas_info(),
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
