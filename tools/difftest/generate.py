#!/usr/bin/python3
"""Reference data for ejgrad's differential test (nn/src/test/java/dev/ejgrad/DifferentialTest.java).

Seeded random cases, evaluated by PyTorch in float64, written as gzipped JSON into
nn/src/test/resources/difftest/. See README.md beside this file. Deterministic: the same command gives the same
files. PyTorch is the judge: nothing here restates its semantics, it only calls it.
"""

import argparse
import gzip
import json
import math
import os
import random

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "..", "nn", "src", "test", "resources", "difftest")

# ---------------------------------------------------------------------------------------------- encoding


def num(x):
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def enc(x):
    """Nested lists and dicts with every float encoded by num."""
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, list):
        return [enc(v) for v in x]
    return num(x) if isinstance(x, float) else x


def mat(t):
    if t is None:
        return None
    t = t.detach()
    assert t.dim() == 2, t.shape
    return [[num(v) for v in row] for row in t.tolist()]


def write(name, doc):
    os.makedirs(OUT_DIR, exist_ok=True)
    path = os.path.join(OUT_DIR, name)
    raw = json.dumps(doc, separators=(",", ":"), allow_nan=False).encode("utf-8")
    # mtime 0: byte-identical files on every run
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(raw)
    print("%s: %d cases, %d bytes (%d raw)" % (name, len(doc["cases"]), os.path.getsize(path), len(raw)))


# ---------------------------------------------------------------------------------------------- expressions

UNARY = ["neg", "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "logsigmoid", "softplus", "t"]
POSITIVE_DOMAIN = {"log", "sqrt"}
POW_EXPONENTS = [2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 1.5, 0.0, 1.0, 2.5, -1.5, 4.0]
DIM_OPS = ["sumd", "meand", "max", "lse", "softmax", "logsoftmax"]


def apply(op, nodes, args):
    """One op of the list, in torch. args[0] is a node index, the rest as the op needs."""
    a = nodes[args[0]]
    if op in ("add", "sub", "mul", "div", "matmul"):
        b = nodes[args[1]]
        return {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
                "matmul": torch.matmul}[op](a, b)
    if op in ("adds", "subs", "muls", "divs"):
        s = float(args[1])
        return {"adds": lambda: a + s, "subs": lambda: a - s, "muls": lambda: a * s, "divs": lambda: a / s}[op]()
    if op == "pow":
        return torch.pow(a, float(args[1]))
    if op == "clamp":
        return torch.clamp(a, float(args[1]), float(args[2]))
    if op == "sum":
        return a.sum().reshape(1, 1)
    if op == "mean":
        return a.mean().reshape(1, 1)
    if op in DIM_OPS:
        d = args[1]
        if op == "sumd":
            return a.sum(d, keepdim=True)
        if op == "meand":
            return a.mean(d, keepdim=True)
        if op == "max":
            return a.max(d, keepdim=True).values
        if op == "lse":
            return torch.logsumexp(a, d, keepdim=True)
        if op == "softmax":
            return torch.softmax(a, d)
        return torch.log_softmax(a, d)
    return {"neg": torch.neg, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt, "abs": torch.abs,
            "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "logsigmoid": F.logsigmoid,
            "softplus": F.softplus, "t": lambda x: x.t()}[op](a)


def run(leaves, ops, grad_out):
    """Evaluates the op list; returns the output and the gradient of every leaf of sum(out * G)."""
    xs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in leaves]
    nodes = []
    for op in ops:
        if op[0] == "leaf":
            nodes.append(xs[op[1]])
        else:
            nodes.append(apply(op[0], nodes, [decode(v) for v in op[1:]]))
    out = nodes[-1]
    g = torch.tensor(grad_out, dtype=torch.float64) if grad_out is not None else None
    if g is None:
        return out, None
    (out * g).sum().backward()
    return out, [x.grad for x in xs]


def decode(v):
    return float(v) if isinstance(v, str) else v


def r4(x):
    return round(x, 4)


class ExprBuilder:
    """Builds a random op list while evaluating it (no grad), so shapes and domains are known at each step."""

    def __init__(self, rng, edge):
        self.rng = rng
        self.edge = edge
        self.leaves = []
        self.vals = []
        self.ops = []
        # per node: computed with correctly rounded IEEE operations only (equal bits in every implementation)
        self.exact = []

    def leaf_values(self, r, c, lo=-2.0, hi=2.0):
        rng = self.rng
        rows = [[r4(rng.uniform(lo, hi)) for _ in range(c)] for _ in range(r)]
        if self.edge:
            for i in range(r):
                for j in range(c):
                    if rng.random() < 0.35:
                        rows[i][j] = rng.choice(EDGE_VALUES)
            if rng.random() < 0.4 and r * c > 1:   # ties
                i, j = rng.randrange(r), rng.randrange(c)
                k, l = rng.randrange(r), rng.randrange(c)
                rows[k][l] = rows[i][j]
        return rows

    def new_leaf(self, r, c, lo=-2.0, hi=2.0):
        rows = self.leaf_values(r, c, lo, hi)
        self.leaves.append(rows)
        self.ops.append(["leaf", len(self.leaves) - 1])
        self.vals.append(torch.tensor(rows, dtype=torch.float64))
        self.exact.append(True)
        return len(self.vals) - 1

    def push(self, *op):
        enc = [op[0]] + [num(v) if isinstance(v, float) else v for v in op[1:]]
        with torch.no_grad():
            v = apply(op[0], self.vals, list(op[1:]))
        self.ops.append(enc)
        self.vals.append(v)
        inputs = [a for a in op[1:3] if isinstance(a, int)] if op[0] in TWO_NODE_OPS else [op[1]]
        self.exact.append(op[0] in EXACT_OPS and all(self.exact[a] for a in inputs))
        return len(self.vals) - 1

    def positive(self, i):
        """Ordinary cases keep log, sqrt and fractional powers inside their domain: |x| + a margin."""
        if self.edge or float(self.vals[i].min()) > 0.05:
            return i
        return self.push("adds", self.push("abs", i), r4(self.rng.uniform(0.1, 1.0)))

    def moderate(self, i, limit):
        if self.edge or float(self.vals[i].abs().max()) <= limit:
            return i
        return self.push("tanh", i)

    def other_shape(self, r, c):
        rng = self.rng
        rr = rng.choice([1, rng.randint(2, 4)]) if r == 1 else rng.choice([r, r, 1])
        cc = rng.choice([1, rng.randint(2, 4)]) if c == 1 else rng.choice([c, c, 1])
        return rr, cc

    def step(self, cur):
        rng = self.rng
        r, c = self.vals[cur].shape
        kind = rng.random()
        if kind < 0.30:
            op = rng.choice(["add", "sub", "mul", "div"])
            # fan-out: reuse an earlier node whose shape broadcasts, else a new leaf
            reuse = [k for k in range(len(self.vals)) if k != cur and broadcastable(self.vals[k].shape, (r, c))]
            if reuse and rng.random() < 0.3:
                other = rng.choice(reuse)
            else:
                rr, cc = self.other_shape(r, c)
                if op == "div" and not self.edge:
                    other = self.new_leaf(rr, cc, 0.5, 2.0)
                    if rng.random() < 0.5:
                        other = self.push("neg", other)
                else:
                    other = self.new_leaf(rr, cc)
            if op == "div" and not self.edge:
                other = self.positive(other)
            a, b = (cur, other) if rng.random() < 0.6 or op == "div" else (other, cur)
            return self.push(op, a, b)
        if kind < 0.40:
            op = rng.choice(["adds", "subs", "muls", "divs"])
            s = rng.choice(EDGE_SCALARS) if self.edge and rng.random() < 0.5 else r4(rng.uniform(-2, 2))
            if op == "divs" and not self.edge and abs(s) < 0.3:
                s = 1.25
            return self.push(op, cur, s)
        if kind < 0.48:
            if rng.random() < 0.2:
                return self.push("matmul", cur, self.push("t", cur))
            k = rng.randint(1, 4)
            if rng.random() < 0.5:
                return self.push("matmul", cur, self.new_leaf(c, k))
            return self.push("matmul", self.new_leaf(k, r), cur)
        if kind < 0.70:
            op = rng.choice(UNARY)
            if op in POSITIVE_DOMAIN:
                cur = self.positive(cur)
            if op == "exp":
                cur = self.moderate(cur, 10.0)
            return self.push(op, cur)
        if kind < 0.78:
            p = rng.choice(POW_EXPONENTS)
            if p != int(p) or p < 0:
                cur = self.positive(cur)
            cur = self.moderate(cur, 30.0)
            return self.push("pow", cur, p)
        if kind < 0.83:
            v = sorted(float(x) for x in self.vals[cur].flatten())
            if self.edge and self.exact[cur] and rng.random() < 0.8:
                # bounds at values the tensor holds: the gradient passes at the bounds
                lo, hi = rng.choice(v), rng.choice(v)
                lo, hi = min(lo, hi), max(lo, hi)
            else:
                lo = r4(rng.uniform(-1.5, 0.5))
                hi = r4(lo + rng.uniform(0.0, 2.0))
            if math.isnan(lo) or math.isnan(hi) or lo > hi:
                lo, hi = -1.0, 1.0
            return self.push("clamp", cur, lo, hi)
        if kind < 0.87:
            return self.push(rng.choice(["sum", "mean"]), cur)
        op = rng.choice(DIM_OPS)
        return self.push(op, cur, rng.choice([0, 1]))


TWO_NODE_OPS = {"add", "sub", "mul", "div", "matmul"}
# ops whose every result bit is fixed by IEEE 754: clamp bounds taken from their values are hit in every implementation
# (a transcendental function or a sum may differ in the last bit, and a bound one ulp off is missed)
EXACT_OPS = {"add", "sub", "mul", "div", "adds", "subs", "muls", "divs", "neg", "abs", "relu", "t", "clamp"}


def broadcastable(a, b):
    return all(x == y or x == 1 or y == 1 for x, y in zip(a, b))


EDGE_VALUES = [0.0, -0.0, float("nan"), float("inf"), float("-inf"), 1e-300, -1e-300, 1e4, -1e4, 1e5, -1e5, 1e17,
               -1e17, 20.0, -20.0, 19.9999, 20.0001, 1.0, -1.0]
EDGE_SCALARS = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-300, 1e17, -1e17, 1e5, 20.0]


def perturbed(leaves, rng):
    return [[[v * (1 + rng.uniform(-4e-16, 4e-16)) for v in row] for row in m] for m in leaves]


def well_conditioned(ref_out, ref_grads, leaves, ops, g, rng):
    """A case whose results move by more than 1e-13 (relative) when the inputs move by an ulp is one where the
    order of a sum decides the last digits: ordinary cases avoid it (the edge cases keep it on purpose)."""
    for _ in range(2):
        out, grads = run(perturbed(leaves, rng), ops, g)
        for a, b in [(ref_out, out)] + list(zip(ref_grads, grads)):
            if (a is None) != (b is None):
                return False
            if a is None:
                continue
            fa, fb = torch.isfinite(a), torch.isfinite(b)
            if not torch.equal(fa, fb):
                return False
            if not torch.equal(torch.nan_to_num(a[~fa], nan=7.0), torch.nan_to_num(b[~fb], nan=7.0)):
                return False
            diff = (a[fa] - b[fb]).abs()
            if bool((diff > 1e-13 * a[fa].abs().clamp(min=1)).any()):
                return False
    return True


def expression_cases(count, edge, seed):
    rng = random.Random(seed)
    cases = []
    rejected = 0
    while len(cases) < count:
        b = ExprBuilder(rng, edge)
        r, c = rng.randint(1, 4), rng.randint(1, 4)
        cur = b.new_leaf(r, c)
        n = rng.randint(1, 3) if edge else rng.randint(2, 12)
        while len(b.ops) - len(b.leaves) < n:
            cur = b.step(cur)
        out_shape = b.vals[-1].shape
        g = [[r4(rng.uniform(-1.5, 1.5)) for _ in range(out_shape[1])] for _ in range(out_shape[0])]
        out, grads = run(b.leaves, b.ops, g)
        if not edge and not well_conditioned(out, grads, b.leaves, b.ops, g, rng):
            rejected += 1
            continue
        cases.append({"name": "%s-%d" % ("edge" if edge else "expr", len(cases)), "leaves": enc(b.leaves),
                      "ops": b.ops, "grad_output": g, "output": mat(out), "grads": [mat(x) for x in grads]})
    print("%s: rejected %d ill-conditioned" % ("edge" if edge else "expr", rejected))
    return cases


# ---------------------------------------------------------------------------------------------- losses


def rand_mat(rng, r, c, lo=-2.0, hi=2.0):
    return [[r4(rng.uniform(lo, hi)) for _ in range(c)] for _ in range(r)]


def t2(rows):
    return torch.tensor(rows, dtype=torch.float64)


def loss_case(name, kind, opts, inputs, fn, rng):
    """fn(input tensor) -> torch loss; records output and the input gradient of sum(out * G)."""
    x = t2(inputs["input"]).requires_grad_(True)
    try:
        out = fn(x)
    except (RuntimeError, ValueError):
        return None
    out2 = out.reshape(1, 1) if out.dim() == 0 else (out.reshape(-1, 1) if out.dim() == 1 else out)
    g = [[r4(rng.uniform(-1.5, 1.5)) for _ in range(out2.shape[1])] for _ in range(out2.shape[0])]
    (out2 * t2(g)).sum().backward()
    return {"name": name, "loss": kind, "options": opts, "inputs": enc(inputs), "grad_output": g,
            "output": mat(out2), "grad_input": mat(x.grad)}


def weight_for(rng, kind, n, c, zero_at=None):
    if kind == "none":
        return None
    shape = {"NxC": (n, c), "1xC": (1, c), "Nx1": (n, 1), "1x1": (1, 1)}[kind]
    w = rand_mat(rng, shape[0], shape[1], 0.1, 2.0)
    return w


def probs(rng, n, c, zeros=False):
    rows = []
    for _ in range(n):
        v = [rng.uniform(0.05, 1.0) for _ in range(c)]
        if zeros:
            for j in range(c):
                if rng.random() < 0.3:
                    v[j] = 0.0
            if sum(v) == 0:
                v[0] = 1.0
        s = sum(v)
        rows.append([x / s for x in v])
    return rows


def loss_cases(seed):
    rng = random.Random(seed)
    cases = []

    def add(case):
        if case is not None:
            case["name"] = "%s-%d" % (case["loss"], len(cases))
            cases.append(case)

    reductions = ["none", "mean", "sum"]
    # BCELoss: probabilities, exact 0 and 1 among them (the log clamp at -100)
    for red in reductions:
        for wk in ["none", "NxC", "1xC", "Nx1", "1x1"]:
            for inst in range(4):
                n, c = rng.randint(1, 4), rng.randint(1, 4)
                if wk == "1xC" and n == c:
                    n += 1
                p = rand_mat(rng, n, c, 0.02, 0.98)
                y = rand_mat(rng, n, c, 0.0, 1.0)
                if inst >= 2:
                    for i in range(n):
                        for j in range(c):
                            if rng.random() < 0.3:
                                p[i][j] = rng.choice([0.0, 1.0, 1e-300, 1 - 1e-16])
                            if rng.random() < 0.3:
                                y[i][j] = rng.choice([0.0, 1.0])
                w = weight_for(rng, wk, n, c)
                inputs = {"input": p, "target": y}
                if w is not None:
                    inputs["weight"] = w
                add(loss_case("", "bce", {"reduction": red}, inputs,
                              lambda x: F.binary_cross_entropy(x, t2(y), None if w is None else t2(w),
                                                               reduction=red), rng))
    # BCEWithLogitsLoss: weight and pos_weight, large logits
    for red in reductions:
        for wk in ["none", "NxC", "1xC", "Nx1", "1x1"]:
            for pk in ["none", "1xC", "1x1"]:
                for inst in range(2):
                    n, c = rng.randint(1, 4), rng.randint(1, 4)
                    if wk == "1xC" and n == c:
                        n += 1
                    z = rand_mat(rng, n, c, -4, 4)
                    if inst == 1:
                        for i in range(n):
                            for j in range(c):
                                if rng.random() < 0.3:
                                    z[i][j] = rng.choice([0.0, -0.0, 30.0, -30.0, 1e4, -1e4, 1e17, -1e17, 800.0])
                    y = rand_mat(rng, n, c, 0.0, 1.0)
                    w = weight_for(rng, wk, n, c)
                    pw = None if pk == "none" else rand_mat(rng, 1, c if pk == "1xC" else 1, 0.2, 3.0)
                    inputs = {"input": z, "target": y}
                    if w is not None:
                        inputs["weight"] = w
                    if pw is not None:
                        inputs["pos_weight"] = pw
                    add(loss_case("", "bce_logits", {"reduction": red}, inputs,
                                  lambda x: F.binary_cross_entropy_with_logits(
                                      x, t2(y), None if w is None else t2(w), reduction=red,
                                      pos_weight=None if pw is None else t2(pw)[0]), rng))
    # NLLLoss: log-probabilities, class weights, an ignore index
    for red in reductions:
        for weighted in [False, True]:
            for ignore in [-100, 0, 2]:
                for inst in range(3):
                    n, c = rng.randint(1, 5), rng.randint(3, 5)
                    lp = torch.log_softmax(t2(rand_mat(rng, n, c, -3, 3)), 1).tolist()
                    tgt = [rng.randrange(c) for _ in range(n)]
                    if ignore != -100 and inst > 0:
                        for i in range(n):
                            if rng.random() < 0.4 or inst == 2:
                                tgt[i] = ignore
                    w = rand_mat(rng, 1, c, 0.1, 2.0) if weighted else None
                    inputs = {"input": lp, "target": tgt}
                    if w is not None:
                        inputs["weight"] = w
                    add(loss_case("", "nll", {"reduction": red, "ignore_index": ignore}, inputs,
                                  lambda x: F.nll_loss(x, torch.tensor(tgt), None if w is None else t2(w)[0],
                                                       ignore_index=ignore, reduction=red), rng))
    # CrossEntropyLoss with class indices: weights, ignore index, label smoothing, large logits
    for red in reductions:
        for weighted in [False, True]:
            for ignore in [-100, 1]:
                for ls in [0.0, 0.1, 0.35, 1.0]:
                    for inst in range(3):
                        n, c = rng.randint(1, 5), rng.randint(2, 5)
                        z = rand_mat(rng, n, c, -4, 4)
                        if inst == 2:
                            big = rng.choice([1e5, 1e16, 1e17, 1e300, -1e17])
                            for i in range(n):
                                for j in range(c):
                                    if rng.random() < 0.5:
                                        z[i][j] = big
                        tgt = [rng.randrange(c) for _ in range(n)]
                        if ignore != -100 and inst == 1:
                            tgt = [ignore if rng.random() < 0.5 else t for t in tgt]
                        w = rand_mat(rng, 1, c, 0.1, 2.0) if weighted else None
                        inputs = {"input": z, "target": tgt}
                        if w is not None:
                            inputs["weight"] = w
                        add(loss_case("", "ce", {"reduction": red, "ignore_index": ignore, "label_smoothing": ls},
                                      inputs,
                                      lambda x: F.cross_entropy(x, torch.tensor(tgt), None if w is None else t2(w)[0],
                                                                ignore_index=ignore, reduction=red,
                                                                label_smoothing=ls), rng))
    # every target's weight 0 (the mean's denominator is 0)
    for red in reductions:
        for ls in [0.0, 0.2]:
            n, c = 3, 4
            z = rand_mat(rng, n, c, -2, 2)
            tgt = [0, 2, 0]
            w = [[0.0, 1.5, 0.0, 0.5]]
            add(loss_case("", "ce", {"reduction": red, "ignore_index": -100, "label_smoothing": ls},
                          {"input": z, "target": tgt, "weight": w},
                          lambda x: F.cross_entropy(x, torch.tensor(tgt), t2(w)[0], reduction=red,
                                                    label_smoothing=ls), rng))
    # CrossEntropyLoss with probability targets
    for red in reductions:
        for weighted in [False, True]:
            for ls in [0.0, 0.1, 0.5]:
                for inst in range(3):
                    n, c = rng.randint(1, 5), rng.randint(2, 5)
                    z = rand_mat(rng, n, c, -4, 4)
                    if inst == 2:
                        big = rng.choice([1e5, 1e17, 1e300])
                        for i in range(n):
                            z[i][rng.randrange(c)] = big
                    q = probs(rng, n, c, zeros=inst > 0)
                    w = rand_mat(rng, 1, c, 0.1, 2.0) if weighted else None
                    inputs = {"input": z, "target": q}
                    if w is not None:
                        inputs["weight"] = w
                    add(loss_case("", "ce_probs", {"reduction": red, "label_smoothing": ls}, inputs,
                                  lambda x: F.cross_entropy(x, t2(q), None if w is None else t2(w)[0],
                                                            reduction=red, label_smoothing=ls), rng))
    # MSELoss
    for red in reductions:
        for inst in range(6):
            n, c = rng.randint(1, 4), rng.randint(1, 4)
            a, y = rand_mat(rng, n, c), rand_mat(rng, n, c)
            if inst == 5:
                a[0][0], y[0][0] = 1e17, -1e17
            add(loss_case("", "mse", {"reduction": red}, {"input": a, "target": y},
                          lambda x: F.mse_loss(x, t2(y), reduction=red), rng))
    # KLDivLoss: probability targets with zeros, or log targets; every reduction
    for red in reductions + ["batchmean"]:
        for log_target in [False, True]:
            for inst in range(5):
                n, c = rng.randint(1, 4), rng.randint(2, 4)
                lp = torch.log_softmax(t2(rand_mat(rng, n, c, -3, 3)), 1).tolist()
                q = probs(rng, n, c, zeros=inst >= 2 and not log_target)
                if log_target:
                    q = torch.log(t2(q)).tolist()
                    if inst >= 3:
                        q[0][0] = float("-inf")
                inputs = {"input": lp, "target": q}
                add(loss_case("", "kl", {"reduction": red, "log_target": log_target}, inputs,
                              lambda x: F.kl_div(x, t2(q), reduction=red, log_target=log_target), rng))
    return cases


# ---------------------------------------------------------------------------------------------- optimizers


def optim_cases(seed):
    rng = random.Random(seed)
    configs = []
    for momentum in [0.0, 0.9]:
        for dampening in [0.0, 0.3]:
            for wd in [0.0, 0.05]:
                for nesterov in [False, True]:
                    configs.append(("sgd", {"lr": 0.1, "momentum": momentum, "dampening": dampening,
                                            "weight_decay": wd, "nesterov": nesterov}))
    for kind in ["adam", "adamw"]:
        for betas in [(0.9, 0.999), (0.8, 0.95)]:
            for eps in [1e-8, 1e-3]:
                for wd in [0.0, 0.1] if kind == "adam" else [0.01, 0.2]:
                    for ams in [False, True]:
                        configs.append((kind, {"lr": 0.01 if kind == "adam" else 0.05, "betas": list(betas),
                                               "eps": eps, "weight_decay": wd, "amsgrad": ams}))
    cases = []
    for kind, o in configs:
        for inst in range(3):
            p0, p1 = rand_mat(rng, 3, 4), rand_mat(rng, 1, 4)
            params = [t2(p0).requires_grad_(True), t2(p1).requires_grad_(True)]
            try:
                if kind == "sgd":
                    opt = torch.optim.SGD(params, lr=o["lr"], momentum=o["momentum"], dampening=o["dampening"],
                                          weight_decay=o["weight_decay"], nesterov=o["nesterov"])
                else:
                    cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
                    opt = cls(params, lr=o["lr"], betas=tuple(o["betas"]), eps=o["eps"],
                              weight_decay=o["weight_decay"], amsgrad=o["amsgrad"])
            except ValueError:
                continue   # e.g. nesterov without momentum or with dampening: torch refuses
            steps, grads, traj = 6, [], []
            for s in range(steps):
                scale = [1.0, 0.5, 2.0, 0.01, 1.0, 0.1][s]
                g0 = rand_mat(rng, 3, 4, -scale, scale)
                g1 = None if (inst == 2 and s in (1, 4)) else rand_mat(rng, 1, 4, -scale, scale)
                params[0].grad = t2(g0)
                params[1].grad = None if g1 is None else t2(g1)
                opt.step()
                grads.append({"p0": g0, "p1": g1})
                traj.append({"p0": mat(params[0]), "p1": mat(params[1])})
            cases.append({"name": "%s-%d" % (kind, len(cases)), "optimizer": kind, "options": o,
                          "p0": p0, "p1": p1, "grads": grads, "trajectory": traj})
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--expressions", type=int, default=2500)
    ap.add_argument("--edge", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=10)
    a = ap.parse_args()
    meta = {"torch_version": torch.__version__, "seed": a.seed, "generator": "tools/difftest/generate.py"}
    exprs = expression_cases(a.expressions, False, a.seed) + expression_cases(a.edge, True, a.seed + 1)
    write("expressions.json.gz", dict(meta, cases=exprs))
    write("losses.json.gz", dict(meta, cases=loss_cases(a.seed + 2)))
    write("optimizers.json.gz", dict(meta, cases=optim_cases(a.seed + 3)))


if __name__ == "__main__":
    main()
