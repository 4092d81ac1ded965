#!/usr/bin/python3
"""A model trained in PyTorch, saved as PyTorch saves it by default (float32 state_dict), for ejgrad's interop test.

Trains torch.nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3)) in float32 for 200 full-batch Adam steps on seeded
three-class data, then writes, in nn/src/test/resources/interop/:
  torch_mlp.safetensors  the float32 state_dict, laid out as safetensors.torch.save_file lays it out (8-byte
                         little-endian header length, JSON header padded with spaces to a multiple of 8, values);
                         written here by hand because the safetensors package is not installed on this machine
  torch_mlp.json         inputs (float64), the float32 weights widened to float64, and the model's outputs on the
                         inputs computed by torch in float64 from those same float32 weights (model.double()), and
                         in float32 (for information)
Deterministic: the same command gives byte-identical files. Run: /usr/bin/python3 tools/torch_interop/make_model.py
"""
import json
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "nn", "src", "test", "resources", "interop")

torch.manual_seed(0)
torch.set_num_threads(1)
centres = torch.tensor([[2.0, 0.0, 1.0, -1.0], [-1.0, 1.7, 0.0, 1.0], [-1.0, -1.7, -1.0, 0.0]])
y = torch.arange(90) % 3
x = centres[y] + 0.6 * torch.randn(90, 4)
model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
opt = torch.optim.Adam(model.parameters(), lr=0.02)
for _ in range(200):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()

state = model.state_dict()
assert all(v.dtype == torch.float32 for v in state.values())

# safetensors layout: tensors ordered by name within one dtype, contiguous, little-endian
names = sorted(state)
header, blobs, offset = {}, [], 0
for name in names:
    data = state[name].contiguous().numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(state[name].shape), "data_offsets": [offset, offset + len(data)]}
    blobs.append(data)
    offset += len(data)
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(os.path.join(OUT, "torch_mlp.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

inputs = torch.tensor([[0.5, -1.25, 2.0, 0.125], [-2.0, 1.5, -0.75, 1.0], [1.0, 0.0, 1.0, -1.0],
                       [0.1, 0.2, 0.3, 0.4], [-0.3, -1.9, -1.1, 0.05]], dtype=torch.float64)
with torch.no_grad():
    out64 = model.double()(inputs)
    out32 = model.float()(inputs.float()).double()
    weights = {k: v.double().reshape(1, -1).tolist() if v.dim() == 1 else v.double().tolist()
               for k, v in model.double().state_dict().items()}
doc = {
    "note": "made by tools/torch_interop/make_model.py with torch " + torch.__version__
            + "; output64 = model.double()(inputs) from the float32 weights; 1-D biases as 1xC rows",
    "final_loss": float(loss),
    "weights": weights,
    "inputs": inputs.tolist(),
    "output64": out64.tolist(),
    "output32": out32.tolist(),
}
with open(os.path.join(OUT, "torch_mlp.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
