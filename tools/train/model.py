"""A small anchor-free detector for small objects on CPU (CenterNet/TTFNet style).

Layout: a depthwise-separable backbone down to stride 32 (large receptive field for close-up frames), a light
FPN that climbs back to stride 4, and two heads at stride 4:

* ``heat``: one heatmap per class (logits); an object is the peak of its Gaussian;
* ``box``: 4 channels per cell, (dx, dy, log w, log h) in units of the stride: the object centre is at
  ``(x + 0.5 + dx) * stride`` (x = cell column) and its width ``exp(log w) * stride`` input pixels.

Every cell near an object regresses the whole box (TTFNet), so ``dx``/``dy`` can exceed one cell; at the
peak they are the sub-cell offset of the usual CenterNet head.

Tensor layout everywhere: NCHW, float32. The input is RGB in 0..1 (the DroneScan ONNX contract); the network
normalises it itself so the exported graph needs no pre-processing.
"""
import torch
from torch import nn
import torch.nn.functional as F

STRIDE = 4

# Upper bound for log(w / stride) when decoding, so exp() cannot overflow: e ** 6 * 4 ≈ 1600 px.
MAX_LOG_SIZE = 6.0

# The shipped network's channel widths (stem, strides 4, 8, 16, 32) and FPN width.
DEFAULT_WIDTH = (16, 32, 64, 128, 256)
DEFAULT_NECK = 64


def conv_bn(cin, cout, k=3, stride=1, groups=1, act=True):
    """Conv (no bias) + BatchNorm (+ ReLU). ReLU rather than SiLU: ONNX Runtime fuses Conv+ReLU on CPU."""
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class SepConv(nn.Module):
    """Depthwise k×k + pointwise 1×1, each with BatchNorm; residual when the shape is kept."""

    def __init__(self, cin, cout, stride=1, k=3):
        super().__init__()
        self.dw = conv_bn(cin, cin, k, stride, groups=cin)
        self.pw = conv_bn(cin, cout, 1, act=False)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        return F.relu(x + y) if self.residual else F.relu(y)


def stage(cin, cout, blocks, k):
    """A stride-2 separable conv then ``blocks`` residual separable convs."""
    layers = [SepConv(cin, cout, stride=2, k=k)]
    layers += [SepConv(cout, cout, k=k) for _ in range(blocks)]
    return nn.Sequential(*layers)


class Head(nn.Module):
    """Separable 3×3 conv then a 1×1 projection to ``out`` channels."""

    def __init__(self, ch, out, bias_init=0.0):
        super().__init__()
        self.body = SepConv(ch, ch)
        self.out = nn.Conv2d(ch, out, 1)
        nn.init.normal_(self.out.weight, std=0.01)
        nn.init.constant_(self.out.bias, bias_init)

    def forward(self, x):
        return self.out(self.body(x))


class SmallObjectNet(nn.Module):
    """Backbone + FPN + heads; ``forward`` returns (heat logits [N,C,H/4,W/4], box [N,4,H/4,W/4])."""

    def __init__(self, num_classes, width=DEFAULT_WIDTH, neck=DEFAULT_NECK):
        super().__init__()
        c1, c2, c3, c4, c5 = width
        self.num_classes = num_classes
        self.stem = conv_bn(3, c1, 3, 2)                                      # /2
        self.c2 = nn.Sequential(conv_bn(c1, c2, 3, 2), SepConv(c2, c2))       # /4
        self.c3 = stage(c2, c3, 2, k=3)                                       # /8
        self.c4 = stage(c3, c4, 3, k=5)                                       # /16
        self.c5 = stage(c4, c5, 2, k=5)                                       # /32
        self.lat = nn.ModuleList([conv_bn(c, neck, 1) for c in (c2, c3, c4, c5)])
        self.fuse = nn.ModuleList([SepConv(neck, neck, k=3) for _ in range(3)])
        # Prior probability 0.01 for a peak: the heatmap starts almost empty, so the focal loss is stable.
        self.heat = Head(neck, num_classes, bias_init=-4.6)
        self.box = Head(neck, 4)

    def forward(self, images):
        x = (images - 0.45) / 0.25
        x = self.stem(x)
        f2 = self.c2(x)
        f3 = self.c3(f2)
        f4 = self.c4(f3)
        f5 = self.c5(f4)
        p = self.lat[3](f5)
        for i, f in zip((2, 1, 0), (f4, f3, f2)):
            # scale_factor rather than size= keeps shape arithmetic out of the ONNX graph (inputs are multiples of 32).
            p = F.interpolate(p, scale_factor=2.0, mode="nearest") + self.lat[i](f)
            p = self.fuse[i](p)
        return self.heat(p), self.box(p)


def arch_of(width_mult=1.0):
    """Channel widths for a width multiplier (1.0: the shipped size), rounded to multiples of 8 → dict for
    ``SmallObjectNet(**arch)``; stored in checkpoints so export and evaluation rebuild the same net."""
    if width_mult == 1.0:
        return {"width": DEFAULT_WIDTH, "neck": DEFAULT_NECK}
    def scaled(c):
        return max(8, int(round(c * width_mult / 8)) * 8)
    return {"width": tuple(scaled(c) for c in DEFAULT_WIDTH), "neck": scaled(DEFAULT_NECK)}


def net_from_checkpoint(ck):
    """model.pt dict → SmallObjectNet with its weights (checkpoints without ``arch`` are the default size)."""
    arch = ck.get("arch") or arch_of(1.0)
    net = SmallObjectNet(len(ck["names"]), width=tuple(arch["width"]), neck=arch["neck"])
    net.load_state_dict(ck["model"])
    return net


def cell_grid(h, w, device=None):
    """Cell-centre coordinates in stride units: gx[y, x] = x + 0.5, gy[y, x] = y + 0.5 (shape [1, H, W])."""
    ys = torch.arange(h, dtype=torch.float32, device=device) + 0.5
    xs = torch.arange(w, dtype=torch.float32, device=device) + 0.5
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    return gx[None], gy[None]


def decode_boxes(box, stride=STRIDE, grid=None):
    """Box head [N,4,H,W] → (cx, cy, w, h) in input pixels, each [N,H,W]; ``grid`` = cell_grid(H, W) if known."""
    gx, gy = grid if grid is not None else cell_grid(box.shape[2], box.shape[3], box.device)
    cx = (gx + box[:, 0]) * stride
    cy = (gy + box[:, 1]) * stride
    bw = torch.exp(box[:, 2].clamp(-MAX_LOG_SIZE, MAX_LOG_SIZE)) * stride
    bh = torch.exp(box[:, 3].clamp(-MAX_LOG_SIZE, MAX_LOG_SIZE)) * stride
    return cx, cy, bw, bh


def peak_scores(heat):
    """Heatmap probabilities kept only at their 3×3 local maxima (score = heat · [heat == maxpool(heat)])."""
    peak = F.max_pool2d(heat, 3, stride=1, padding=1)
    return heat * (heat == peak).float()


class ContractDetector(nn.Module):
    """Wraps the net so its output is DroneScan's contract: [N, 4 + C, A], rows cx, cy, w, h (input pixels)
    then C class scores, A = (S / (stride · downscale))² anchors in row-major cell order.

    ``downscale`` > 1 averages d × d input pixels first (the net then runs at S / d and boxes are scaled
    back): for imagery whose real resolution is below its pixel count, like thermal frames upscaled ~2× from
    the sensor. With ``size`` the cell grid is a constant and the output shape static (what the ONNX export
    uses); without, any input that is a multiple of 32 · d works (validation in Python).

    ``flip_tta`` runs the net on the image and on its mirror image and averages the two (heat probabilities
    and box parameters, the mirror's mapped back): twice the compute, one output in the same layout."""

    def __init__(self, net, stride=STRIDE, size=None, downscale=1, flip_tta=False):
        super().__init__()
        self.net = net
        self.flip_tta = flip_tta
        self.downscale = downscale
        self.stride = stride * downscale  # input pixels per output cell
        self.size = size
        if size is not None:
            cells = size // self.stride
            gx, gy = cell_grid(cells, cells)
            self.register_buffer("gx", gx, persistent=False)
            self.register_buffer("gy", gy, persistent=False)

    def forward(self, images):
        if self.downscale > 1:
            images = F.avg_pool2d(images, self.downscale)
        heat, box = self.net(images)
        if self.flip_tta:
            heat_m, box_m = self.net(images.flip(3))
            heat = (torch.sigmoid(heat) + torch.sigmoid(heat_m.flip(3))) / 2
            box_m = box_m.flip(3)
            # Mirrored: the x offset changes sign; y offset and log sizes are unchanged.
            box = (box + torch.cat([-box_m[:, :1], box_m[:, 1:]], 1)) / 2
        else:
            heat = torch.sigmoid(heat)
        scores = peak_scores(heat)
        grid = (self.gx, self.gy) if self.size is not None else None
        cx, cy, w, h = decode_boxes(box, self.stride, grid)
        rows = torch.cat([torch.stack([cx, cy, w, h], 1), scores], 1)
        if self.size is not None:
            return rows.reshape(-1, 4 + self.net.num_classes, (self.size // self.stride) ** 2)
        return rows.flatten(2)


def count_parameters(model):
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def count_macs(model, size=640):
    """Multiply-accumulates of one forward pass on a size × size image (convolutions only), via hooks."""
    total = [0]

    def hook(module, _inputs, output):
        k = module.kernel_size[0] * module.kernel_size[1]
        total[0] += output.numel() * (module.in_channels // module.groups) * k

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv2d)]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    model.train(was_training)
    for h in handles:
        h.remove()
    return total[0]
