#!/usr/bin/python3
"""Loads ejgrad-written safetensors state dicts into the matching torch.nn modules with load_state_dict(strict=True).

Usage: /usr/bin/python3 tools/torch_interop/check_ejgrad_files.py DIR
DIR holds <Family>.safetensors (and optionally <Family>-f32.safetensors) written by
SafeTensors.save(module.stateDict(), ...) for the modules below (the sizes must match). The files are read with a
small reader of the safetensors layout (the safetensors package is not installed on this machine), as
safetensors.torch.load_file would give them: each tensor with the dtype and shape of the file. Prints, per file,
whether torch took it and how the values compare with the file. The ejgrad build does not run this.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

DTYPES = {"F64": "<f8", "F32": "<f4", "I64": "<i8", "I32": "<i4"}
MODULES = {
    "Linear": lambda: torch.nn.Linear(3, 2),
    "Embedding": lambda: torch.nn.Embedding(5, 3),
    "LayerNorm": lambda: torch.nn.LayerNorm(4),
    "BatchNorm1d": lambda: torch.nn.BatchNorm1d(4),
    "RNNCell": lambda: torch.nn.RNNCell(3, 2),
    "GRUCell": lambda: torch.nn.GRUCell(3, 2),
    "LSTMCell": lambda: torch.nn.LSTMCell(3, 2),
    "MultiheadAttention": lambda: torch.nn.MultiheadAttention(4, 2),
    "Conv2d": lambda: torch.nn.Conv2d(2, 3, 2),
    "BatchNorm2d": lambda: torch.nn.BatchNorm2d(4),
    # ejgrad's rows are already flat: the Linear follows the pooling as child 4, with no Flatten
    "ConvNet": lambda: torch.nn.Sequential(torch.nn.Conv2d(2, 3, 2), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
                                           torch.nn.MaxPool2d(2), torch.nn.Linear(12, 5)),
}


def load_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        begin, end = spec["data_offsets"]
        values = np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=DTYPES[spec["dtype"]])
        out[name] = torch.from_numpy(values.copy()).reshape(spec["shape"])
    return out


def main(directory):
    failures = 0
    for family, make in MODULES.items():
        for suffix in ("", "-f32"):
            path = os.path.join(directory, family + suffix + ".safetensors")
            if not os.path.exists(path):
                continue
            state = load_file(path)
            module = make()
            try:
                module.load_state_dict(state, strict=True)
            except RuntimeError as e:
                failures += 1
                print("REFUSED", os.path.basename(path), str(e).replace("\n", " "))
                continue
            mine = module.state_dict()
            exact = all(torch.equal(mine[k], state[k].to(mine[k].dtype)) for k in state)
            print("loaded ", os.path.basename(path), "strict=True;",
                  ", ".join("%s %s %s" % (k, str(v.dtype).replace("torch.", ""), list(v.shape))
                            for k, v in state.items()),
                  "; values as in the file" if exact else "; VALUES DIFFER")
            failures += 0 if exact else 1
    print("failures:", failures)
    return failures


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1]) else 0)
