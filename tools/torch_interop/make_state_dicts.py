#!/usr/bin/python3
"""PyTorch's own state-dict files with int64 and int32 tensors, for ejgrad's saved-shapes tests.

Writes, in nn/src/test/resources/interop/:
  torch_batchnorm1d.safetensors  torch.nn.BatchNorm1d(3)'s float32 state_dict after three training forwards, as
                                 PyTorch holds it: weight, bias, running_mean, running_var F32 [3] and
                                 num_batches_tracked I64 [] (= 3)
  torch_batchnorm1d.json         the same values widened to float64 (1-D vectors as 1x3 rows), inputs, and the
                                 eval-mode outputs torch computes in float64 from those values (model.double())
  torch_ints.safetensors         integer tensors as PyTorch writes them: count I64 [] 7; big I64 [3]
                                 [-2^62, 2^53 + 1, -5]; i32 I32 [2, 2] [[-2^31, 2^31 - 1], [0, -1]];
                                 stack I64 [2, 1, 3] arange(6) - 2
Laid out as safetensors.torch.save_file lays a file out (8-byte little-endian header length, compact JSON header
padded with spaces to a multiple of 8, tensors by dtype size then name); written by hand because the safetensors
package is not installed on this machine. Deterministic: the same command gives byte-identical files.
Run: /usr/bin/python3 tools/torch_interop/make_state_dicts.py
"""
import json
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "nn", "src", "test", "resources", "interop")
DTYPES = {torch.float64: ("F64", "<f8"), torch.float32: ("F32", "<f4"), torch.int64: ("I64", "<i8"),
          torch.int32: ("I32", "<i4")}


def save(tensors, path):
    names = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header, blobs, offset = {}, [], 0
    for name in names:
        dtype, fmt = DTYPES[tensors[name].dtype]
        data = tensors[name].contiguous().numpy().astype(fmt).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


torch.manual_seed(0)
torch.set_num_threads(1)
bn = torch.nn.BatchNorm1d(3)
with torch.no_grad():
    bn.weight.copy_(torch.tensor([1.5, -0.5, 0.25]))
    bn.bias.copy_(torch.tensor([0.1, 0.2, -0.3]))
    for _ in range(3):
        bn(torch.randn(5, 3) * 2 + 1)
state = bn.state_dict()
assert state["num_batches_tracked"].dtype == torch.int64 and int(state["num_batches_tracked"]) == 3
save(state, os.path.join(OUT, "torch_batchnorm1d.safetensors"))

inputs = torch.tensor([[0.5, -1.25, 2.0], [-2.0, 1.5, -0.75], [1.0, 0.0, 3.0]], dtype=torch.float64)
with torch.no_grad():
    output = bn.double().eval()(inputs)
doc = {
    "note": "made by tools/torch_interop/make_state_dicts.py with torch " + torch.__version__
            + "; output = BatchNorm1d(3).double().eval()(inputs) from the file's float32 values; 1-D as 1xC rows",
    "state_dict": {k: (v.double().reshape(1, -1).tolist() if v.dim() == 1 else float(v))
                   for k, v in bn.state_dict().items()},
    "inputs": inputs.tolist(),
    "output": output.tolist(),
}
with open(os.path.join(OUT, "torch_batchnorm1d.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")

save({"count": torch.tensor(7, dtype=torch.int64),
      "big": torch.tensor([-(2 ** 62), 2 ** 53 + 1, -5], dtype=torch.int64),
      "i32": torch.tensor([[-(2 ** 31), 2 ** 31 - 1], [0, -1]], dtype=torch.int32),
      "stack": (torch.arange(6, dtype=torch.int64) - 2).reshape(2, 1, 3)},
     os.path.join(OUT, "torch_ints.safetensors"))
