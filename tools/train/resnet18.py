"""The ImageNet ResNet-18 that NuGet serves, imported into PyTorch.

``Microsoft.ML.DnnImageFeaturizer.ResNet18`` 0.24.0 (MIT) ships ``ResNet18.onnx``, a CNTK 2.6 export (opset 8).
It is not torchvision's ResNet-18, and the differences matter for the weights to mean anything:

* stage 4 has **three** basic blocks (2, 2, 2, 3 blocks; 22 convolutions with the three 1×1 shortcuts);
* padding is asymmetric: conv1 pads (top, left, bottom, right) = (3, 3, 2, 2), every strided 3×3 conv and the
  max-pool pad (1, 1, 0, 0): CNTK's "same" padding;
* the input is BGR in 0–255 minus the ImageNet mean image (``ResNetPreprocess.onnx``; its per-channel means,
  B 103.06, G 115.90, R 123.15, are used here because chips are not 224 px), no division by a standard deviation.

``ResNet18Trunk`` rebuilds that network; ``load_onnx`` fills it from the ONNX initialisers by walking the graph
(each Conv with the BatchNormalization that reads its output, in graph order). ``test_tools`` checks it against a
node-by-node evaluation of the ONNX graph itself. ``tools/pretrained/fetch.sh`` restores the package and prints
the ONNX file's path (the 63 MB file stays in the NuGet cache).
"""
import os
import subprocess

import torch
import torch.nn as nn
import torch.nn.functional as F

# Per-channel means of ResNetPreprocess.onnx's mean image, in the network's BGR order.
MEAN_BGR = (103.06262, 115.902885, 123.15163)
# (in, out, stride) per block; the first block of stages 2-4 has a 1×1 strided shortcut.
BLOCKS = [[(64, 64, 1), (64, 64, 1)],
          [(64, 128, 2), (128, 128, 1)],
          [(128, 256, 2), (256, 256, 1)],
          [(256, 512, 2), (512, 512, 1), (512, 512, 1)]]
BN_EPS = 1e-5


def onnx_path():
    """The NuGet cache's ResNet18.onnx (restored by tools/pretrained/fetch.sh), or $DRONESCAN_RESNET18."""
    if os.environ.get("DRONESCAN_RESNET18"):
        return os.environ["DRONESCAN_RESNET18"]
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pretrained", "fetch.sh")
    return subprocess.run(["bash", script], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]


def conv_bn(cin, cout, k, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, 0, bias=False), nn.BatchNorm2d(cout, eps=BN_EPS))


class Block(nn.Module):
    """A basic block with CNTK's padding: (1, 1, 0, 0) before a strided 3×3 conv, (1, 1, 1, 1) otherwise."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        self.shortcut = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else None
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout, 3, 1)

    def forward(self, x):
        pad = (1, 0, 1, 0) if self.stride == 2 else (1, 1, 1, 1)  # F.pad order: left, right, top, bottom
        y = F.relu(self.a(F.pad(x, pad)))
        y = self.b(F.pad(y, (1, 1, 1, 1)))
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))

    def convs(self):
        """This block's conv+BN pairs in the ONNX graph's order (shortcut first)."""
        return ([self.shortcut] if self.shortcut is not None else []) + [self.a, self.b]


class ResNet18Trunk(nn.Module):
    """The network up to stage ``stages`` (1-4), input RGB 0–1 [N, 3, H, W]; returns that stage's feature map.
    ``forward_stages`` returns every stage's map."""

    def __init__(self, stages=4):
        super().__init__()
        self.register_buffer("mean", torch.tensor(MEAN_BGR).view(1, 3, 1, 1))
        self.stem = conv_bn(3, 64, 7, 2)
        self.stages = nn.ModuleList(nn.Sequential(*(Block(*b) for b in BLOCKS[s])) for s in range(stages))

    def preprocess(self, rgb01):
        return rgb01.flip(1) * 255.0 - self.mean

    def forward_stages(self, rgb01, stop=None):
        """Each stage's output, through ``self.stages[:stop]`` (all by default)."""
        x = F.relu(self.stem(F.pad(self.preprocess(rgb01), (3, 2, 3, 2))))
        x = F.max_pool2d(F.pad(x, (1, 0, 1, 0), value=float("-inf")), 3, 2)
        out = []
        for stage in self.stages[:stop]:
            x = stage(x)
            out.append(x)
        return out

    def forward(self, rgb01):
        return self.forward_stages(rgb01)[-1]

    def conv_bns(self):
        return [self.stem] + [cb for stage in self.stages for block in stage for cb in block.convs()]


def load_onnx(module, path=None):
    """Copies the ONNX file's conv and BatchNorm weights into ``module`` (any number of stages); returns it."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path or onnx_path())
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    consumers = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    pairs = []
    for node in model.graph.node:
        if node.op_type == "Conv":
            bn = [n for n in consumers.get(node.output[0], []) if n.op_type == "BatchNormalization"]
            if len(bn) != 1 or len(node.input) != 2:
                raise ValueError(f"{path}: conv {node.name or node.output[0]} is not followed by one BatchNormalization")
            pairs.append((node, bn[0]))
    targets = module.conv_bns()
    if len(pairs) < len(targets):
        raise ValueError(f"{path}: {len(pairs)} conv+BN pairs, the module needs {len(targets)}")
    for (conv, bn), target in zip(pairs, targets):
        w = weights[conv.input[1]]
        if tuple(w.shape) != tuple(target[0].weight.shape):
            raise ValueError(f"{path}: conv {conv.output[0]} has shape {tuple(w.shape)}, expected {tuple(target[0].weight.shape)}")
        target[0].weight.data.copy_(w)
        scale, bias, mean, var = (weights[n] for n in bn.input[1:5])
        target[1].weight.data.copy_(scale)
        target[1].bias.data.copy_(bias)
        target[1].running_mean.copy_(mean)
        target[1].running_var.copy_(var)
    return module.eval()


def run_onnx_graph(path, bgr_minus_mean, stop=None):
    """Evaluates the ONNX graph node by node with torch.nn.functional (Conv, BatchNormalization, Relu, MaxPool,
    Add, AveragePool with their ONNX attributes, asymmetric pads included): an independent reference for the
    importer. Input is the preprocessed BGR tensor; returns every tensor by name (or stops after ``stop``)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    env = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    env[model.graph.input[0].name] = bgr_minus_mean
    for node in model.graph.node:
        a = {x.name: onnx.helper.get_attribute_value(x) for x in node.attribute}
        x = [env[n] for n in node.input]
        pads = a.get("pads", [0, 0, 0, 0])
        torch_pad = (pads[1], pads[3], pads[0], pads[2])  # ONNX (top, left, bottom, right) → (left, right, top, bottom)
        if node.op_type == "Conv":
            y = F.conv2d(F.pad(x[0], torch_pad), x[1], x[2] if len(x) > 2 else None, a.get("strides", [1, 1]),
                         0, a.get("dilations", [1, 1]), a.get("group", 1))
        elif node.op_type == "BatchNormalization":
            y = F.batch_norm(x[0], x[3], x[4], x[1], x[2], False, 0.0, a.get("epsilon", 1e-5))
        elif node.op_type == "Relu":
            y = F.relu(x[0])
        elif node.op_type == "Add":
            y = x[0] + x[1]
        elif node.op_type == "MaxPool":
            y = F.max_pool2d(F.pad(x[0], torch_pad, value=float("-inf")), a["kernel_shape"], a["strides"])
        elif node.op_type == "AveragePool":
            y = F.avg_pool2d(F.pad(x[0], torch_pad), a["kernel_shape"], a["strides"])
        else:
            raise ValueError(f"unsupported op {node.op_type}")
        env[node.output[0]] = y
        if stop and node.output[0] == stop:
            break
    return env
