#!/usr/bin/env python3
"""PyTorch side of `npm run bench -- torch-compare`: a faithful AWD-LSTM (awd-lstm-lm's
initialisation: embedding uniform +-0.1, decoder bias 0, nn.LSTM's own uniform +-1/sqrt(hidden) for
weights and both biases; tied decoder, weight drop, locked and embedding dropout, AR/TAR, AdamW
with the given betas, global-norm clipping, one-cycle schedule), trained on the exact token windows
the TypeScript side exported. Argument: one JSON object. Prints one JSON object. One thread."""
import json, math, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

c = json.loads(sys.argv[1])
torch.set_num_threads(1)
torch.manual_seed(c["seed"])
T, B, V, E, H, L = c["T"], c["B"], c["vocab"], c["embSize"], c["hiddenSize"], c["layers"]
raw = np.fromfile(c["data"], dtype=np.int32).reshape(-1, 2, T, B)
data = torch.from_numpy(raw.astype(np.int64))
train, valid = data[: c["steps"]], data[c["steps"] :]


def locked(x, p):
    if p <= 0:
        return x
    return x * (x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - p) / (1 - p))


class Model(nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = nn.Embedding(V, E)
        nn.init.uniform_(s.emb.weight, -0.1, 0.1)
        sizes = [(E if l == 0 else H, E if l == L - 1 else H) for l in range(L)]
        s.rnns = nn.ModuleList([nn.LSTM(i, h) for i, h in sizes])
        for k, r in enumerate(s.rnns):
            w = r.weight_hh_l0
            del r._parameters["weight_hh_l0"]
            r.register_parameter("raw_hh", nn.Parameter(w.data.clone()))
            r.flatten_parameters = lambda: None
        s.dec_b = nn.Parameter(torch.zeros(V))

    def forward(s, x, hidden, train):
        w = s.emb.weight
        if train and c["dropoutEmb"] > 0:
            w = w * (w.new_empty(V, 1).bernoulli_(1 - c["dropoutEmb"]) / (1 - c["dropoutEmb"]))
        out = F.embedding(x, w)
        if train:
            out = locked(out, c["dropoutInput"])
        new_h = []
        for k, r in enumerate(s.rnns):
            # A plain tensor, never the Parameter itself (nn.Module would register it as one).
            w = F.dropout(r.raw_hh, p=c["weightDrop"], training=True) if train else r.raw_hh.detach()
            setattr(r, "weight_hh_l0", w)
            out, h = r(out, hidden[k])
            new_h.append((h[0].detach(), h[1].detach()))
            rawout = out
            if k < L - 1 and train:
                out = locked(out, c["dropoutHidden"])
        dropped = locked(rawout, c["dropoutOutput"]) if train else rawout
        logits = dropped.reshape(-1, E) @ s.emb.weight.t() + s.dec_b
        return logits, rawout, dropped, new_h


def lr_at(progress):
    lr, p = c["lr"], min(1.0, max(0.0, progress))
    cos = lambda a, b, x: b + (a - b) * (1 + math.cos(math.pi * x)) / 2
    if c["schedule"] == "one-cycle":
        return lr / 25 + (lr - lr / 25) * (p / 0.1) if p < 0.1 else cos(lr, lr / 1e4, (p - 0.1) / 0.9)
    return lr * (p / 0.02) if p < 0.02 else cos(lr, 0, (p - 0.02) / 0.98)


def zero():
    return [(torch.zeros(1, B, E if k == L - 1 else H), torch.zeros(1, B, E if k == L - 1 else H)) for k in range(L)]


m = Model()
opt = torch.optim.AdamW(m.parameters(), lr=c["lr"], betas=(c["beta1"], c["beta2"]), weight_decay=c["weightDecay"], eps=1e-8)
hidden = zero()
curve, train_ce, ms = [], [], 0.0
for step in range(c["steps"]):
    t0 = time.perf_counter()
    for g in opt.param_groups:
        g["lr"] = lr_at(step / c["steps"])
    x, y = train[step, 0], train[step, 1]
    logits, rawout, dropped, hidden = m(x, hidden, True)
    ce = F.cross_entropy(logits, y.reshape(-1))
    loss = ce + c["alpha"] * dropped.pow(2).mean() + c["beta"] * (rawout[1:] - rawout[:-1]).pow(2).mean()
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(m.parameters(), c["clip"])
    opt.step()
    ms += time.perf_counter() - t0
    train_ce.append(round(ce.item(), 4))
    if (step + 1) % c["evalEvery"] == 0:
        with torch.no_grad():
            vh, tot = zero(), 0.0
            for w in valid:
                lg, _, _, vh = m(w[0], vh, False)
                tot += F.cross_entropy(lg, w[1].reshape(-1)).item()
        curve.append([step + 1, round(tot / len(valid), 4)])
        print(f"torch seed {c['seed']} step {step + 1}: valid {tot / len(valid):.3f}", file=sys.stderr)
print(json.dumps({"valid": curve, "trainCe": train_ce, "tokensPerSec": round(c["steps"] * T * B / ms), "torchVersion": torch.__version__}))
