#!/usr/bin/env python3
"""PyTorch reference for `npm run bench -- train`: the same AWD-LSTM (tied decoder, weight drop,
locked and embedding dropout, AR/TAR, Adam with Clara's betas, gradient clipping), timed on the CPU.
Prints one JSON object. Needs Debian's python3-torch (with libopenblas0-pthread)."""
import argparse, json, time
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--vocab", type=int, required=True)
p.add_argument("--emb", type=int, required=True)
p.add_argument("--hidden", type=int, required=True)
p.add_argument("--layers", type=int, required=True)
p.add_argument("--bptt", type=int, required=True)
p.add_argument("--batch", type=int, required=True)
p.add_argument("--steps", type=int, default=5)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

def locked(x, p):
    if p <= 0: return x
    m = x.new_empty(1, x.size(1), x.size(2)).bernoulli_(1 - p) / (1 - p)
    return x * m

class Model(nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = nn.Embedding(a.vocab, a.emb)
        sizes = [(a.emb if l == 0 else a.hidden, a.emb if l == a.layers - 1 else a.hidden) for l in range(a.layers)]
        s.rnns = nn.ModuleList([nn.LSTM(i, h) for i, h in sizes])
        s.raw = [nn.Parameter(r.weight_hh_l0.data.clone()) for r in s.rnns]
        for k, r in enumerate(s.rnns):
            del r._parameters["weight_hh_l0"]
            s.register_parameter(f"raw_hh_{k}", s.raw[k])
        s.dec_b = nn.Parameter(torch.zeros(a.vocab))
    def forward(s, x, hidden):
        w = s.emb.weight
        mask = w.new_empty(w.size(0), 1).bernoulli_(1 - 0.02) / (1 - 0.02)
        out = locked(F.embedding(x, w * mask), 0.05)
        new_h = []
        for k, r in enumerate(s.rnns):
            setattr(r, "weight_hh_l0", F.dropout(s.raw[k], p=0.1, training=True))
            r.flatten_parameters = lambda: None
            out, h = r(out, hidden[k])
            new_h.append((h[0].detach(), h[1].detach()))
            raw = out
            if k < a.layers - 1: out = locked(out, 0.05)
        dropped = locked(raw, 0.05)
        logits = dropped.reshape(-1, a.emb) @ s.emb.weight.t() + s.dec_b
        return logits, raw, dropped, new_h

m = Model()
opt = torch.optim.Adam(m.parameters(), lr=3e-3, betas=(0.7, 0.99), weight_decay=1e-6)
def zero():
    return [(torch.zeros(1, a.batch, a.emb if k == a.layers - 1 else a.hidden),) * 2 for k in range(a.layers)]
hidden = zero()
data = torch.randint(0, a.vocab, (a.bptt + 1, a.batch))
times = []
for step in range(a.warmup + a.steps):
    t0 = time.perf_counter()
    logits, raw, dropped, hidden = m(data[:-1], hidden)
    loss = F.cross_entropy(logits, data[1:].reshape(-1))
    loss = loss + 2 * dropped.pow(2).mean() + 1 * (raw[1:] - raw[:-1]).pow(2).mean()
    opt.zero_grad(); loss.backward()
    nn.utils.clip_grad_norm_(m.parameters(), 0.3)
    opt.step()
    if step >= a.warmup: times.append(time.perf_counter() - t0)
tok = a.bptt * a.batch
print(json.dumps({"torchTokensPerSec": tok * len(times) / sum(times), "torchVersion": torch.__version__, "threads": torch.get_num_threads(),
                  "params": sum(q.numel() for q in m.parameters())}))
