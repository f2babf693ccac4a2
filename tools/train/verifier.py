#!/usr/bin/python3
"""Stage 2 of the RGB model: a chip verifier on an ImageNet ResNet-18 trunk.

Stage 1 (the small detector of model.py) proposes boxes at a low threshold; for each proposal DroneScan cuts a
square chip centred on the box, ``L = max(min_px, context × longest side)`` pixels of the image the detector saw,
resampled to ``size`` × ``size`` (bilinear, pixel centres, border replicated: ``crop_chips``; the C# pipeline
samples the same points), and the verifier returns the probability that the chip holds a real object. DroneScan
scores the box ``p1^(1-w) · p2^w``.

The verifier is the pretrained trunk up to stage 3 (resnet18.py: ImageNet weights from NuGet), frozen, global
average pooled at stages 2 and 3 (128 + 256 features), then a linear layer. Only that layer is trained, on features
computed once per chip, which is what makes the whole recipe run on two CPU cores in minutes:

* positives: every labelled object of the training flights (PFM-1 and KSF casings), many times, each with the
  chip's centre and size jittered, flips and quarter turns, colour, contrast, blur and resolution changes;
* negatives: random boxes on the training tiles away from objects, random boxes on the CC0 background tiles, and
  the stage-1 detector's own false alarms on both (hard negatives: ``--stage1``).

Commands (seeded; every step deterministic on the CPU)::

    /usr/bin/python3 tools/train/verifier.py train --data /tmp/pfm1/data.yaml --stage1 /tmp/runs/s1/model.pt --out /tmp/runs/v1
    /usr/bin/python3 tools/train/verifier.py eval --data /tmp/pfm1 --stage1 /tmp/runs/s1/model.pt --verifier /tmp/runs/v1/verifier.pt
    /usr/bin/python3 tools/train/verifier.py export --verifier /tmp/runs/v1/verifier.pt --out models/dronescan-rgb-verify.onnx
"""
import argparse
import json
import os
import time

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from data import YoloDataset, read_data_yaml, to_tensor  # noqa: E402
from resnet18 import ResNet18Trunk, load_onnx  # noqa: E402

CHIP_SIZE = 64
CONTEXT = 2.0
MIN_PX = 32.0


def chip_windows(boxes, context=CONTEXT, min_px=MIN_PX):
    """Boxes [K, 4] corners → (cx, cy, L) of their square chips."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    side = np.maximum(min_px, context * np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]))
    return cx, cy, side


def crop_chips(image, boxes, size=CHIP_SIZE, context=CONTEXT, min_px=MIN_PX):
    """Chips of ``image`` (float CHW 0..1) for ``boxes`` → [K, 3, size, size]. Output pixel (i, j) samples the
    image at x = cx - L/2 + (i + 0.5) L / size - 0.5 (pixel centres at integers), bilinear, border replicated."""
    cx, cy, side = chip_windows(boxes, context, min_px)
    k = len(cx)
    if k == 0:
        return torch.zeros(0, 3, size, size)
    _, h, w = image.shape
    t = (np.arange(size) + 0.5) / size
    xs = cx[:, None] - side[:, None] / 2 + t[None, :] * side[:, None] - 0.5  # [K, S]
    ys = cy[:, None] - side[:, None] / 2 + t[None, :] * side[:, None] - 0.5
    # grid_sample (align_corners=False) maps normalised u to pixel (u + 1) W / 2 - 0.5.
    gx = torch.from_numpy((xs + 0.5) * 2 / w - 1).float()
    gy = torch.from_numpy((ys + 0.5) * 2 / h - 1).float()
    grid = torch.stack([gx[:, None, :].expand(k, size, size), gy[:, :, None].expand(k, size, size)], -1)
    return F.grid_sample(image[None].expand(k, -1, -1, -1), grid, mode="bilinear", padding_mode="border",
                         align_corners=False)


def dihedral(x, k):
    """View k (0-7) of chips [N, C, S, S]: transposed if k & 4, then mirrored left-right if k & 1, upside down if
    k & 2 — the 8 flips and quarter turns."""
    if k & 4:
        x = x.transpose(2, 3)
    if k & 1:
        x = x.flip(3)
    if k & 2:
        x = x.flip(2)
    return x


def undo_dihedral_deltas(d, k):
    """Box deltas (dx, dy, log w, log h) [N, 4] predicted on view k → deltas in the original chip's frame."""
    d = d.clone()
    if k & 1:
        d[:, 0] = -d[:, 0]
    if k & 2:
        d[:, 1] = -d[:, 1]
    if k & 4:
        d = d[:, [1, 0, 3, 2]]
    return d


def dihedral_deltas(d, k):
    """The inverse of ``undo_dihedral_deltas``: deltas of the original chip → deltas seen in view k."""
    d = np.array(d, np.float64, copy=True).reshape(-1, 4)
    if k & 4:
        d = d[:, [1, 0, 3, 2]]
    if k & 1:
        d[:, 0] = -d[:, 0]
    if k & 2:
        d[:, 1] = -d[:, 1]
    return d


def box_deltas(boxes, truth, context=CONTEXT, min_px=MIN_PX):
    """Regression targets of the chip around each box for its true box: the true centre's offset from the chip
    centre in chip sides (dx, dy), and the true width and height as log fractions of the chip side."""
    cx, cy, side = chip_windows(boxes, context, min_px)
    truth = np.asarray(truth, np.float64).reshape(-1, 4)
    tcx, tcy = (truth[:, 0] + truth[:, 2]) / 2, (truth[:, 1] + truth[:, 3]) / 2
    tw, th = np.maximum(truth[:, 2] - truth[:, 0], 1e-3), np.maximum(truth[:, 3] - truth[:, 1], 1e-3)
    return np.stack([(tcx - cx) / side, (tcy - cy) / side, np.log(tw / side), np.log(th / side)], 1)


def apply_deltas(boxes, deltas, context=CONTEXT, min_px=MIN_PX):
    """The inverse of ``box_deltas``: boxes [K, 4] and their chips' predicted deltas → refined corner boxes."""
    cx, cy, side = chip_windows(boxes, context, min_px)
    d = np.asarray(deltas, np.float64).reshape(-1, 4)
    ncx, ncy = cx + d[:, 0] * side, cy + d[:, 1] * side
    w, h = np.exp(d[:, 2]) * side, np.exp(d[:, 3]) * side
    return np.stack([ncx - w / 2, ncy - h / 2, ncx + w / 2, ncy + h / 2], 1)


def pool_matrix(n, out):
    """[out, n]: row i averages the input cells of adaptive average pooling's bin i, [⌊i n / out⌋, ⌈(i + 1) n / out⌉)."""
    m = torch.zeros(out, n)
    for i in range(out):
        a, b = (i * n) // out, -((-(i + 1) * n) // out)
        m[i, a:b] = 1.0 / (b - a)
    return m


def adaptive_pool(x, out):
    """``F.adaptive_avg_pool2d(x, out)`` as two matrix products with the map's size fixed when traced: torch 1.13
    cannot export adaptive pooling to ONNX once the batch is dynamic ("input size not accessible"), MatMul it can."""
    h, w = int(x.shape[2]), int(x.shape[3])
    return pool_matrix(h, out).to(x) @ x @ pool_matrix(w, out).to(x).T


class Verifier(nn.Module):
    """Chips RGB 0..1 [N, 3, S, S] → probability [N, 1]. Features: the last two stages' global averages and the
    last stage's average over its middle half (where the object sits), then one linear layer.

    With ``tta`` the probability is the mean over the chip's 8 flips and quarter turns. With a box regressor
    (``reg``, a linear layer on the last two stages' maps pooled to 4 × 4) the output is [N, 5]: the probability,
    then the box deltas of ``box_deltas`` (averaged over the views, each mapped back, with ``tta``)."""

    def __init__(self, stages=3, reg=False, tta=False):
        super().__init__()
        self.trunk = ResNet18Trunk(stages=stages)
        widths = [64, 128, 256, 512][stages - 2:stages]
        self.head = nn.Linear(widths[0] + 2 * widths[1], 1)
        self.reg = nn.Linear(16 * (widths[0] + widths[1]), 4) if reg else None
        self.tta = tta

    @staticmethod
    def pooled(f):
        last = f[-1]
        h, w = last.shape[2], last.shape[3]
        centre = last[:, :, h // 4:h - h // 4, w // 4:w - w // 4]
        return torch.cat([f[-2].mean((2, 3)), last.mean((2, 3)), centre.mean((2, 3))], 1)

    @staticmethod
    def spatial(f):
        return torch.cat([adaptive_pool(f[-2], 4).flatten(1), adaptive_pool(f[-1], 4).flatten(1)], 1)

    def features(self, chips):
        return self.pooled(self.trunk.forward_stages(chips))

    def both_features(self, chips):
        f = self.trunk.forward_stages(chips)
        return self.pooled(f), self.spatial(f)

    def _one(self, chips):
        f = self.trunk.forward_stages(chips)
        p = torch.sigmoid(self.head(self.pooled(f)))
        return p, (self.reg(self.spatial(f)) if self.reg is not None else None)

    def forward(self, chips):
        if not self.tta:
            p, d = self._one(chips)
            return p if d is None else torch.cat([p, d], 1)
        n = chips.shape[0]
        p, d = self._one(torch.cat([dihedral(chips, k) for k in range(8)]))
        p = p.reshape(8, n, 1).mean(0)
        if d is None:
            return p
        d = d.reshape(8, n, 4)
        d = torch.stack([undo_dihedral_deltas(d[k], k) for k in range(8)]).mean(0)
        return torch.cat([p, d], 1)


# ---------------------------------------------------------------- training chips

def _photometric(chips, rng, heavy=False):
    """Per-chip contrast, brightness, channel gain, sometimes blur or a coarser resolution. ``heavy`` widens every
    range and adds gamma, saturation and JPEG re-encoding (another camera, another light, another season)."""
    n = chips.shape[0]
    lo_c, hi_c, br, g = (0.5, 1.6, 0.25, 0.25) if heavy else (0.6, 1.4, 0.15, 0.15)
    contrast = torch.from_numpy(rng.uniform(lo_c, hi_c, (n, 1, 1, 1))).float()
    bright = torch.from_numpy(rng.uniform(-br, br, (n, 1, 1, 1))).float()
    gain = torch.from_numpy(rng.uniform(1 - g, 1 + g, (n, 3, 1, 1))).float()
    mean = chips.mean((1, 2, 3), keepdim=True)
    chips = ((chips - mean) * contrast + mean + bright) * gain
    if heavy:
        grey = chips.mean(1, keepdim=True)
        sat = torch.from_numpy(rng.uniform(0.4, 1.6, (n, 1, 1, 1))).float()
        chips = (grey + (chips - grey) * sat).clamp(0, 1)
        gamma = torch.from_numpy(np.exp(rng.uniform(np.log(0.6), np.log(1.7), (n, 1, 1, 1)))).float()
        chips = chips ** gamma
    for i in range(n):
        r = rng.random()
        if r < (0.3 if heavy else 0.25):  # a coarser camera or a higher flight: down and up again
            s = int(rng.integers(16, 40))
            chips[i] = F.interpolate(F.interpolate(chips[i:i + 1], size=s, mode="bilinear", align_corners=False),
                                     size=chips.shape[-1], mode="bilinear", align_corners=False)[0]
        elif r < (0.5 if heavy else 0.4):
            chips[i] = F.avg_pool2d(F.pad(chips[i:i + 1], (1, 1, 1, 1), mode="replicate"), 3, 1)[0]
    noise = torch.from_numpy(rng.normal(0, 1, chips.shape) * rng.uniform(0, 0.05 if heavy else 0.03, (n, 1, 1, 1))).float()
    chips = (chips + noise).clamp(0, 1)
    if heavy:
        chips = _jpeg(chips, rng, p=0.4)
    return chips


def _jpeg(chips, rng, p):
    """Re-encodes a fraction ``p`` of the chips as JPEG at quality 25-90."""
    import io

    from PIL import Image

    for i in range(len(chips)):
        if rng.random() < p:
            a = (chips[i].permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)
            buf = io.BytesIO()
            Image.fromarray(a).save(buf, "JPEG", quality=int(rng.integers(25, 91)))
            buf.seek(0)
            chips[i] = torch.from_numpy(np.asarray(Image.open(buf).convert("RGB"), np.float32) / 255).permute(2, 0, 1)
    return chips


def _geometric(chips, rng):
    out = chips.clone()
    for i in range(len(out)):
        if rng.random() < 0.5:
            out[i] = out[i].flip(-1)
        if rng.random() < 0.5:
            out[i] = out[i].flip(-2)
        out[i] = torch.rot90(out[i], int(rng.integers(0, 4)), (1, 2))
    return out


def _jitter(boxes, rng, shift=0.15, scale=(0.8, 1.25)):
    """Moves each box's centre by up to ``shift`` of its side and rescales it."""
    boxes = np.asarray(boxes, np.float64)
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    cx = (boxes[:, 0] + boxes[:, 2]) / 2 + rng.uniform(-shift, shift, len(boxes)) * side
    cy = (boxes[:, 1] + boxes[:, 3]) / 2 + rng.uniform(-shift, shift, len(boxes)) * side
    s = np.exp(rng.uniform(np.log(scale[0]), np.log(scale[1]), len(boxes)))
    return np.stack([cx - w * s / 2, cy - h * s / 2, cx + w * s / 2, cy + h * s / 2], 1)


def _random_boxes(shape, truth, sizes, n, rng):
    """n random boxes inside an image, sized like the objects, whose centres lie away from every object."""
    h, w = shape[:2]
    out = []
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        side = float(rng.choice(sizes)) * rng.uniform(0.6, 2.0)
        aspect = rng.uniform(0.6, 1.6)
        bw, bh = side * np.sqrt(aspect), side / np.sqrt(aspect)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        if len(truth):
            tcx, tcy = (truth[:, 0] + truth[:, 2]) / 2, (truth[:, 1] + truth[:, 3]) / 2
            tside = np.maximum(truth[:, 2] - truth[:, 0], truth[:, 3] - truth[:, 1])
            if np.any(np.hypot(tcx - cx, tcy - cy) < 1.2 * np.maximum(tside, side)):
                continue
        out.append((cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2))
    return np.array(out, np.float64).reshape(-1, 4)


def stage1_boxes(stage1_path, dataset, min_score, size=640):
    """The stage-1 detector's boxes on every image (threshold and NMS as DroneScan), in image pixels."""
    from evaluate import predict
    from model import ContractDetector, net_from_checkpoint

    ck = torch.load(stage1_path, map_location="cpu", weights_only=False)
    net = net_from_checkpoint(ck)
    net.load_state_dict(ck["model"])
    return predict(ContractDetector(net.eval()), dataset, size, min_score)


def detect_boxes(jsonl_path, dataset, min_score):
    """Per image of ``dataset``, the boxes ≥ ``min_score`` (x1, y1, x2, y2 image pixels) that ``dronescan detect --json``
    wrote for it (matched by file name): a shipped stage-1 ONNX's proposals exactly as DroneScan makes them (tiles,
    cross-tile merge), e.g. from a model whose training checkpoint is not kept. An image the file does not list, or
    lists with an error, is an error: its false alarms would silently be missing."""
    found = {}
    with open(jsonl_path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            name = os.path.basename(row.get("file") or "")
            if row.get("error"):
                raise ValueError(f"{jsonl_path}:{n}: {name}: {row['error']}")
            found[name] = np.array([(d["x1"], d["y1"], d["x2"], d["y2"]) for d in row.get("detections") or []
                                    if d["score"] >= min_score], np.float64).reshape(-1, 4)
    missing = [os.path.basename(p) for p in dataset.paths if os.path.basename(p) not in found]
    if missing:
        raise ValueError(f"{jsonl_path}: no detections for {len(missing)} training image(s), e.g. {missing[0]}")
    return [found[os.path.basename(p)] for p in dataset.paths]


def far_from_truth(boxes, truth, iou=0.2):
    """Boxes whose IoU with every true box is below ``iou``."""
    from evaluate import box_iou

    if len(boxes) == 0 or len(truth) == 0:
        return boxes
    return boxes[box_iou(boxes, truth).max(1) < iou]


def build_chips(dataset, rng, pos_copies, neg_random, hard, augment=True, size=CHIP_SIZE, heavy=False, hard_copies=2,
                pos_shift=0.15, pos_scale=None):
    """(chips [N, 3, S, S], labels [N]) for one dataset; ``hard`` is per image a box array of stage-1 false alarms.
    ``heavy``: heavy photometric augmentation and positive scale jitter 0.7-1.4 (negatives ×0.8-1.25).
    ``pos_shift`` / ``pos_scale``: how far (fraction of the side) and by what factor the positives' boxes move, i.e.
    how badly placed a proposal on an object may be and still be called a mine (the box regressor places it)."""
    default_pos, neg_scale = ((0.7, 1.4), (0.8, 1.25)) if heavy else ((0.8, 1.25), (0.9, 1.1))
    pos_scale = tuple(pos_scale) if pos_scale else default_pos
    sizes = np.concatenate([np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) for b in dataset.boxes if len(b)] or [np.array([40.0])])
    chips, labels = [], []
    for i in range(len(dataset)):
        image = to_tensor(dataset.images[i])
        truth = dataset.boxes[i]
        if len(truth):
            boxes = np.repeat(truth, pos_copies, 0)
            c = crop_chips(image, _jitter(boxes, rng, shift=pos_shift, scale=pos_scale) if augment else boxes, size)
            chips.append(_photometric(_geometric(c, rng), rng, heavy) if augment else c)
            labels.append(np.ones(len(c), np.float32))
        neg = [_random_boxes(dataset.images[i].shape, truth, sizes, neg_random, rng)]
        if hard is not None and len(hard[i]):
            h = far_from_truth(hard[i], truth)
            neg.append(np.repeat(h, hard_copies, 0))
        neg = np.concatenate(neg)
        if len(neg):
            c = crop_chips(image, _jitter(neg, rng, shift=0.05, scale=neg_scale) if augment else neg, size)
            chips.append(_photometric(_geometric(c, rng), rng, heavy) if augment else c)
            labels.append(np.zeros(len(c), np.float32))
    return torch.cat(chips), torch.from_numpy(np.concatenate(labels))


def build_reg_chips(dataset, rng, copies, size=CHIP_SIZE, shift=0.4, scale=(0.6, 1.6), heavy=False):
    """Chips around jittered copies of every labelled object, each with its ``box_deltas`` target (mapped through
    the chip's random flip/turn): the training set of the box regressor. Stage-1 boxes land 0.1-0.5 IoU from the
    object as often as above it, hence the wide jitter (centre ±``shift`` of the side, size × ``scale``, aspect)."""
    chips, targets = [], []
    for i in range(len(dataset)):
        truth = np.asarray(dataset.boxes[i], np.float64)
        if not len(truth):
            continue
        image = to_tensor(dataset.images[i])
        t = np.repeat(truth, copies, 0)
        w, h = t[:, 2] - t[:, 0], t[:, 3] - t[:, 1]
        side = np.maximum(w, h)
        cx = (t[:, 0] + t[:, 2]) / 2 + rng.uniform(-shift, shift, len(t)) * side
        cy = (t[:, 1] + t[:, 3]) / 2 + rng.uniform(-shift, shift, len(t)) * side
        s = np.exp(rng.uniform(np.log(scale[0]), np.log(scale[1]), len(t)))
        a = np.exp(rng.uniform(-0.25, 0.25, len(t)))
        bw, bh = w * s * a, h * s / a
        boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
        d = box_deltas(boxes, t)
        c = crop_chips(image, boxes, size)
        for j in range(len(c)):
            k = int(rng.integers(0, 8))
            c[j] = dihedral(c[j:j + 1], k)[0].clone()
            d[j] = dihedral_deltas(d[j], k)[0]
        chips.append(_photometric(c, rng, heavy))
        targets.append(d)
    return torch.cat(chips), torch.from_numpy(np.concatenate(targets)).float()


def fit_ridge(x, y, lam=1.0):
    """Ridge regression on standardised features (``lam`` × N on the diagonal) → (weight [D_out, D], bias), folded
    back to the raw features."""
    x, y = x.float(), y.float()
    mu, sd = x.mean(0), x.std(0) + 1e-6
    z = (x - mu) / sd
    ym = y.mean(0)
    a = z.T @ z + lam * len(z) * torch.eye(z.shape[1], dtype=z.dtype)
    w = torch.linalg.solve(a, z.T @ (y - ym)).T  # [D_out, D]
    w_raw = w / sd
    return w_raw.float(), (ym - (w_raw * mu).sum(1)).float()


def box_ious_matched(pred, truth):
    """Per true box, the best IoU of any predicted box (0 when none)."""
    from evaluate import box_iou

    if len(truth) == 0:
        return np.zeros(0)
    if len(pred) == 0:
        return np.zeros(len(truth))
    return box_iou(np.asarray(truth, np.float64), np.asarray(pred, np.float64)).max(1)


def fit_box_scale(pred_list, truth_list, min_iou=0.3):
    """Size calibration of a detector: the median of sqrt(true area / predicted area) over each true box's best
    predicted box (IoU ≥ ``min_iou``). Returns (scale, number of pairs)."""
    from evaluate import box_iou

    logs = []
    for pred, truth in zip(pred_list, truth_list):
        pred, truth = np.asarray(pred, np.float64).reshape(-1, 4), np.asarray(truth, np.float64).reshape(-1, 4)
        if len(pred) == 0 or len(truth) == 0:
            continue
        iou = box_iou(truth, pred)
        best = iou.argmax(1)
        for t in range(len(truth)):
            if iou[t, best[t]] >= min_iou:
                p = pred[best[t]]
                ta = (truth[t, 2] - truth[t, 0]) * (truth[t, 3] - truth[t, 1])
                pa = (p[2] - p[0]) * (p[3] - p[1])
                logs.append(0.5 * np.log(ta / max(pa, 1e-9)))
    return (float(np.exp(np.median(logs))) if logs else 1.0), len(logs)


def scale_boxes(boxes, s):
    """Boxes [K, 4] scaled by ``s`` about their centres."""
    b = np.asarray(boxes, np.float64).reshape(-1, 4)
    cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    w, h = (b[:, 2] - b[:, 0]) * s, (b[:, 3] - b[:, 1]) * s
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)


def agnostic_nms(boxes, scores, iou=0.5):
    """Indices kept by greedy NMS over all classes together (best score first, IoU ≥ ``iou`` suppressed)."""
    from evaluate import box_iou

    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    order = np.argsort(-np.asarray(scores), kind="stable")
    keep = []
    alive = np.ones(len(boxes), bool)
    ious = box_iou(boxes, boxes)
    for i in order:
        if not alive[i]:
            continue
        keep.append(int(i))
        alive &= ious[i] < iou
    return np.array(keep, np.int64)


@torch.no_grad()
def features_of(model, chips, batch=128):
    return torch.cat([model.features(chips[s:s + batch]) for s in range(0, len(chips), batch)])


def fit_head(model, feats, labels, epochs=300, lr=0.05, weight_decay=1e-3, seed=0):
    """Class-balanced logistic regression on standardised features (full batch, L-BFGS-free Adam)."""
    torch.manual_seed(seed)
    mu, sd = feats.mean(0), feats.std(0) + 1e-6
    x = (feats - mu) / sd
    lin = nn.Linear(x.shape[1], 1)
    nn.init.zeros_(lin.weight)
    nn.init.zeros_(lin.bias)
    pos = labels.sum()
    weight = torch.where(labels > 0, 0.5 / pos, 0.5 / (len(labels) - pos))
    opt = torch.optim.Adam(lin.parameters(), lr=lr, weight_decay=weight_decay)
    for _ in range(epochs):
        opt.zero_grad()
        loss = (F.binary_cross_entropy_with_logits(lin(x)[:, 0], labels, reduction="none") * weight).sum()
        loss.backward()
        opt.step()
    # Fold the standardisation into the layer: w·(f - mu)/sd + b.
    w = lin.weight.data / sd
    model.head.weight.data.copy_(w)
    model.head.bias.data.copy_(lin.bias.data - (w * mu).sum(1))
    return float(loss)


def cmd_train(args):
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    cfg = read_data_yaml(args.data)
    names = cfg["names"]
    t0 = time.time()
    train = YoloDataset(cfg["train"], len(names))
    hard = None
    if args.stage1 and args.hard_boxes:
        raise SystemExit("--stage1 and --hard-boxes both give hard negatives: use one")
    if args.hard_boxes:
        hard = detect_boxes(args.hard_boxes, train, args.hard_score)
    elif args.stage1:
        hard = [b for b, _, _ in stage1_boxes(args.stage1, train, args.hard_score)]
    if hard is not None:
        print(f"stage-1 proposals on the training tiles: {sum(len(h) for h in hard)} at ≥ {args.hard_score} ({time.time() - t0:.0f} s)", flush=True)
    chips, labels = build_chips(train, rng, args.pos_copies, args.neg_random, hard, size=args.size, heavy=args.heavy,
                                pos_shift=args.pos_shift, pos_scale=args.pos_scale,
                                hard_copies=args.hard_copies)
    print(f"chips: {int(labels.sum())} positive, {int((1 - labels).sum())} negative ({time.time() - t0:.0f} s)", flush=True)
    model = Verifier(args.stages, reg=args.reg_copies > 0)
    load_onnx(model.trunk, args.resnet18)
    model.eval()
    feats = features_of(model, chips)
    print(f"features {tuple(feats.shape)} ({time.time() - t0:.0f} s)", flush=True)
    loss = fit_head(model, feats, labels, seed=args.seed)
    with torch.no_grad():
        p = torch.sigmoid(model.head(feats))[:, 0]
    acc_pos = float((p[labels > 0] > 0.5).float().mean())
    acc_neg = float((p[labels == 0] < 0.5).float().mean())
    print(f"head: loss {loss:.4f}, training accuracy positives {acc_pos:.3f}, negatives {acc_neg:.3f} ({time.time() - t0:.0f} s)", flush=True)
    os.makedirs(args.out, exist_ok=True)
    reg_chips = reg_targets = None
    if args.reg_copies:
        reg_chips, reg_targets = build_reg_chips(train, rng, args.reg_copies, size=args.size, heavy=args.heavy)
        print(f"box-regression chips: {len(reg_chips)} ({time.time() - t0:.0f} s)", flush=True)

    def save(path):
        if reg_chips is not None:
            fit_regressor(model, reg_chips, reg_targets, args.reg_lam)
        torch.save({"head": model.head.state_dict(), "size": args.size, "stages": args.stages, "context": CONTEXT, "min_px": MIN_PX,
                    "last_stage": model.trunk.stages[-1].state_dict() if args.finetune_epochs else None,
                    "reg": model.reg.state_dict() if model.reg is not None else None,
                    "args": vars(args)}, path)

    if args.finetune_epochs:
        def each_epoch(epoch):
            if args.save_epochs:
                save(os.path.join(args.out, f"verifier-e{epoch}.pt"))
        finetune_last_stage(model, chips, labels, args.finetune_epochs, args.seed, on_epoch=each_epoch)
    save(os.path.join(args.out, "verifier.pt"))
    print(f"saved {os.path.join(args.out, 'verifier.pt')} ({time.time() - t0:.0f} s)", flush=True)


def fit_regressor(model, chips, targets, lam, batch=128):
    """Fits the box regressor (ridge) on the spatial features of the regression chips; prints the mean absolute
    error of the centre (in chip sides) before and after."""
    with torch.no_grad():
        x = torch.cat([model.both_features(chips[s:s + batch])[1] for s in range(0, len(chips), batch)])
    w, b = fit_ridge(x, targets, lam)
    model.reg.weight.data.copy_(w)
    model.reg.bias.data.copy_(b)
    with torch.no_grad():
        err = (model.reg(x) - targets).abs().mean(0)
    base = (targets - targets.mean(0)).abs().mean(0)
    print(f"box regressor: mean |error| dx dy logw logh {[round(float(v), 3) for v in err]} "
          f"(predicting the mean: {[round(float(v), 3) for v in base]})", flush=True)


def finetune_last_stage(model, chips, labels, epochs, seed, batch=128, lr=2e-4, on_epoch=None):
    """Trains the trunk's last stage and the head together (the head starts from the linear fit), with the earlier
    stages frozen: their output is computed once per chip and kept, so an epoch costs only the last stage."""
    torch.manual_seed(seed)
    trunk = model.trunk
    with torch.no_grad():
        early = []
        for s in range(0, len(chips), 256):
            x = F.relu(trunk.stem(F.pad(trunk.preprocess(chips[s:s + 256]), (3, 2, 3, 2))))
            x = F.max_pool2d(F.pad(x, (1, 0, 1, 0), value=float("-inf")), 3, 2)
            for stage in trunk.stages[:-1]:
                x = stage(x)
            early.append(x)
        early = torch.cat(early)
    last, head = trunk.stages[-1], model.head
    params = list(last.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=1e-2)
    pos = float(labels.sum())
    weight = torch.where(labels > 0, 0.5 / pos, 0.5 / (len(labels) - pos)) * len(labels)
    g = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        last.train()  # BatchNorm keeps its ImageNet statistics: only the weights move
        for m in last.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        order = torch.randperm(len(labels), generator=g)
        total = 0.0
        t = time.time()
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            prev = early[idx]
            y = last(prev)
            h, w = y.shape[2], y.shape[3]
            f = torch.cat([prev.mean((2, 3)), y.mean((2, 3)), y[:, :, h // 4:h - h // 4, w // 4:w - w // 4].mean((2, 3))], 1)
            loss = (F.binary_cross_entropy_with_logits(head(f)[:, 0], labels[idx], reduction="none") * weight[idx]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        print(f"fine-tune epoch {epoch + 1}: loss {total / len(order):.4f} ({time.time() - t:.0f} s)", flush=True)
        model.eval()
        if on_epoch is not None:
            on_epoch(epoch + 1)
    model.eval()


class VerifierEnsemble(Verifier):
    """Several verifiers of one recipe whose trunks differ only in the fine-tuned last stage (the earlier stages are
    the frozen ImageNet weights they all share): the early stages run once, each member's last stage, head and box
    regressor on them, and the probabilities and box deltas are averaged. Same input and output as one verifier;
    the cost of one trunk plus (K - 1) last stages per view. Run-to-run variance of single verifiers is large on the
    development day (docs/rgb-real-imagery.md); the average is steadier."""

    def __init__(self, members, tta=False):
        first = members[0]
        stages = len(first.trunk.stages)
        if any(len(m.trunk.stages) != stages or (m.reg is None) != (first.reg is None) for m in members):
            raise ValueError("ensemble members must have the same trunk depth and all or none a box regressor")
        super().__init__(stages, reg=False, tta=tta)
        self.trunk = first.trunk
        self.lasts = nn.ModuleList(m.trunk.stages[-1] for m in members)
        self.heads = nn.ModuleList(m.head for m in members)
        self.regs = nn.ModuleList(m.reg for m in members) if first.reg is not None else None
        self.head = first.head
        self.size = first.size

    def _one(self, chips):
        x = self.trunk.forward_stages(chips, stop=-1)[-1]
        ps, ds = [], []
        for k, last in enumerate(self.lasts):
            f = [x, last(x)]
            ps.append(torch.sigmoid(self.heads[k](self.pooled(f))))
            if self.regs is not None:
                ds.append(self.regs[k](self.spatial(f)))
        p = torch.stack(ps).mean(0)
        return p, (torch.stack(ds).mean(0) if ds else None)


def load_verifiers(paths, resnet18=None, tta=False):
    """One verifier file → that verifier; several → their ``VerifierEnsemble`` (same chip size required)."""
    members = [load_verifier(p, resnet18, tta=tta) for p in paths]
    if len(members) == 1:
        return members[0]
    if len({m.size for m in members}) != 1:
        raise ValueError("ensemble members must use the same chip size")
    return VerifierEnsemble(members, tta=tta).eval()


def _identity_bn(bn, bias):
    """Makes ``bn`` add ``bias`` and nothing else (scale 1, mean 0, variance 1 - eps): a folded conv's bias."""
    bn.weight.data.fill_(1.0)
    bn.bias.data.copy_(bias)
    bn.running_mean.zero_()
    bn.running_var.fill_(1.0 - bn.eps)


def from_onnx(path):
    """A verifier ONNX file of ``export`` (one view or 8, with the box regressor) → the dict ``train`` saves, for a
    shipped verifier whose checkpoint is not kept (e.g. to average it with others in ``export``). The export folded
    each BatchNorm into its conv; the last stage's convs (the last five, in execution order a, b, shortcut, a, b) come
    back as conv + an identity BatchNorm. The earlier stages are the frozen ImageNet weights ``load_verifier`` reads."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    weights = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer}
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    if len(convs) != 15 or any(k not in weights for k in ("head.weight", "head.bias")):
        raise ValueError(f"{path}: not a stage-3 verifier of verifier.py export ({len(convs)} convolutions)")
    last = Verifier(3).trunk.stages[-1]
    targets = [last[0].a, last[0].b, last[0].shortcut, last[1].a, last[1].b]
    for node, cb in zip(convs[-5:], targets):
        w, b = weights[node.input[1]], weights[node.input[2]]
        if tuple(w.shape) != tuple(cb[0].weight.shape):
            raise ValueError(f"{path}: conv {node.output[0]} has shape {tuple(w.shape)}, expected {tuple(cb[0].weight.shape)}")
        cb[0].weight.data.copy_(w)
        _identity_bn(cb[1], b)
    size = model.graph.input[0].type.tensor_type.shape.dim[2].dim_value or CHIP_SIZE
    reg = ({"weight": weights["reg.weight"], "bias": weights["reg.bias"]} if "reg.weight" in weights else None)
    return {"head": {"weight": weights["head.weight"], "bias": weights["head.bias"]}, "size": size, "stages": 3,
            "context": CONTEXT, "min_px": MIN_PX, "last_stage": last.state_dict(), "reg": reg,
            "args": {"from_onnx": os.path.basename(path)}}


def fold_last_stage(model):
    """Folds each BatchNorm of the verifier's last stage into its conv (the BatchNorm left as identity, as in
    ``from_onnx``), in place: the stage computes the same function, now in a form whose weights can be averaged."""
    for block in model.trunk.stages[-1]:
        for cb in block.convs():
            conv, bn = cb[0], cb[1]
            scale = bn.weight.data / torch.sqrt(bn.running_var + bn.eps)
            conv.weight.data.mul_(scale.view(-1, 1, 1, 1))
            _identity_bn(bn, bn.bias.data - bn.running_mean * scale)
    return model


def soup(paths, resnet18=None):
    """The uniform weight average of several verifiers of one recipe (a "model soup"): each member's last stage
    with its BatchNorms folded, its probability head and box regressor averaged parameter by parameter. They were
    all fine-tuned from the same ImageNet stage on the same frozen early stages, so the average stays in their
    basin; it costs one verifier at inference (an ``export`` of several files costs one trunk plus a last stage
    per member). Returns the dict ``train`` saves."""
    return soup_members([load_verifier(p, resnet18) for p in paths],
                        {"soup": [os.path.basename(os.path.dirname(p)) + "/" + os.path.basename(p) for p in paths]})


def soup_members(members, args=None):
    """``soup`` of loaded verifiers (their last stages are folded in place)."""
    members = [fold_last_stage(m) for m in members]
    if len({getattr(m, "size", CHIP_SIZE) for m in members}) != 1 or len({m.reg is None for m in members}) != 1:
        raise ValueError("soup members must share the chip size and all or none have a box regressor")

    def mean(states):
        return {k: (torch.stack([st[k].float() for st in states]).mean(0) if states[0][k].is_floating_point() else states[0][k])
                for k in states[0]}

    first = members[0]
    return {"head": mean([m.head.state_dict() for m in members]), "size": getattr(first, "size", CHIP_SIZE), "stages": len(first.trunk.stages),
            "context": CONTEXT, "min_px": MIN_PX, "last_stage": mean([m.trunk.stages[-1].state_dict() for m in members]),
            "reg": mean([m.reg.state_dict() for m in members]) if first.reg is not None else None, "args": args or {}}


def cmd_soup(args):
    torch.save(soup(args.verifier, args.resnet18), args.out)
    print(f"wrote {args.out} (average of {len(args.verifier)})")


def cmd_fromonnx(args):
    torch.save(from_onnx(args.onnx), args.out)
    print(f"wrote {args.out}")


def load_verifier(path, resnet18=None, tta=False):
    ck = torch.load(path, map_location="cpu", weights_only=False)
    model = Verifier(ck.get("stages", 3), reg=ck.get("reg") is not None, tta=tta)
    load_onnx(model.trunk, resnet18)
    model.head.load_state_dict(ck["head"])
    if ck.get("last_stage"):
        model.trunk.stages[-1].load_state_dict(ck["last_stage"])
    if ck.get("reg") is not None:
        model.reg.load_state_dict(ck["reg"])
    model.size = ck.get("size", CHIP_SIZE)
    return model.eval()


@torch.no_grad()
def verify(model, dataset, proposals, batch=128):
    """Per image, the verifier's probability for each proposal box."""
    return [v[:, 0] for v in verify_views(model, dataset, proposals, batch)[0]]


@torch.no_grad()
def verify_views(model, dataset, proposals, batch=64, views=1):
    """Per image, the verifier's outputs on each proposal's chip in each of ``views`` dihedral views:
    (probabilities [K, views], deltas [K, views, 4] mapped back to the chip's frame, or None)."""
    probs, deltas = [], []
    for i, prop in enumerate(proposals):
        boxes = prop[0]
        chips = crop_chips(to_tensor(dataset.images[i]), boxes, model.size)
        ps, ds = [], []
        for k in range(views):
            pk, dk = [], []
            for s in range(0, len(chips), batch):
                p, d = model._one(dihedral(chips[s:s + batch], k))
                pk.append(p[:, 0])
                if d is not None:
                    dk.append(undo_dihedral_deltas(d, k))
            ps.append(torch.cat(pk).numpy() if pk else np.zeros(0, np.float32))
            if model.reg is not None:
                ds.append(torch.cat(dk).numpy() if dk else np.zeros((0, 4), np.float32))
        probs.append(np.stack(ps, 1))
        deltas.append(np.stack(ds, 1) if ds else None)
    return probs, deltas


def agnostic_report(results, dataset, thresholds):
    """Class-agnostic AP50, and recall, precision and false boxes per MP on object-free images at thresholds."""
    from evaluate import average_precision, pr_curve

    class Agnostic:
        boxes = dataset.boxes
        classes = [np.zeros(len(c), np.int64) for c in dataset.classes]

        def __len__(self):
            return len(dataset)

    res = [(b, s, np.zeros(len(s), np.int64)) for b, s, _ in results]
    scores, precision, recall, n_gt = pr_curve(res, Agnostic(), 0)
    rows = {"ap50": average_precision(precision, recall), "objects": n_gt}
    empty = [i for i in range(len(dataset)) if len(dataset.boxes[i]) == 0]
    mp_empty = sum(dataset.images[i].shape[0] * dataset.images[i].shape[1] for i in empty) / 1e6
    for t in thresholds:
        k = int(np.sum(scores >= t))
        fp = sum(int(np.sum(res[i][1] >= t)) for i in empty)
        rows[t] = {"recall": float(recall[k - 1]) if k else 0.0, "precision": float(precision[k - 1]) if k else 1.0,
                   "fp_per_mp_empty": fp / max(mp_empty, 1e-9)}
    return rows


def cmd_eval(args):
    torch.set_num_threads(args.threads)
    names = ["ap_mine", "at_mine", "uxo"]
    model = load_verifier(args.verifier, args.resnet18) if args.verifier else None
    flights = sorted(os.listdir(os.path.join(args.data, "dev")))
    summary = {}
    for flight in flights:
        ds = YoloDataset(os.path.join(args.data, "dev", flight, "images"), len(names))
        props = stage1_boxes(args.stage1, ds, args.proposal)
        if model is not None:
            p2 = verify(model, ds, props)
            props = [(b, (s ** (1 - args.weight)) * (p ** args.weight), c) for (b, s, c), p in zip(props, p2)]
        rep = agnostic_report(props, ds, args.thresholds)
        summary[flight] = rep
        print(f"{flight}: AP50 {rep['ap50']:.3f} ({rep['objects']} objects, {sum(len(p[0]) for p in props)} proposals)")
        for t in args.thresholds:
            r = rep[t]
            print(f"   at {t:.2f}: recall {r['recall']:.3f} precision {r['precision']:.3f} FP/MP object-free {r['fp_per_mp_empty']:.2f}")
    print(json.dumps({f: {k if isinstance(k, str) else f"{k:.2f}": v for k, v in r.items()} for f, r in summary.items()}))


def _proposals_cached(stage1, ds, min_score, cache):
    """stage1_boxes, kept in ``cache`` (an .npz path) when given, so that variants are scored on one set."""
    if cache and os.path.exists(cache):
        z = np.load(cache, allow_pickle=True)
        return list(z["props"])
    props = stage1_boxes(stage1, ds, min_score)
    if cache:
        arr = np.empty(len(props), object)
        arr[:] = props
        np.savez(cache, props=arr)
    return props


def coverage(boxes_list, dataset, ious=(0.5, 0.3, 0.1)):
    """Fraction of the objects whose best box reaches each IoU."""
    best = np.concatenate([box_ious_matched(b, t) for b, t in zip(boxes_list, dataset.boxes)] or [np.zeros(0)])
    return [float(np.mean(best >= t)) if len(best) else 0.0 for t in ious]


def cmd_boxscale(args):
    """Fits the stage-1 size calibration on the TRAINING tiles (objects' best proposal at IoU ≥ 0.3)."""
    torch.set_num_threads(args.threads)
    cfg = read_data_yaml(args.data)
    train = YoloDataset(cfg["train"], len(cfg["names"]))
    props = stage1_boxes(args.stage1, train, args.proposal)
    s, n = fit_box_scale([b for b, _, _ in props], train.boxes)
    before = coverage([b for b, _, _ in props], train)
    after = coverage([scale_boxes(b, s) for b, _, _ in props], train)
    print(f"box scale {s:.3f} from {n} training objects; training objects covered at IoU 0.5/0.3/0.1: "
          f"{[round(v, 3) for v in before]} → {[round(v, 3) for v in after]}")


def cmd_ablate(args):
    """Ranking and box variants of one stage-1 + verifier pair on the development flights, from one set of
    proposals: box scale, class-agnostic NMS before verification, 8-view TTA, score weight, box refinement."""
    torch.set_num_threads(args.threads)
    model = load_verifier(args.verifier, args.resnet18)
    views = 8 if args.tta else 1
    rows = {}
    for flight in sorted(os.listdir(os.path.join(args.data, "dev"))):
        ds = YoloDataset(os.path.join(args.data, "dev", flight, "images"), 3)
        cache = os.path.join(args.cache, f"{flight}-{args.proposal}.npz") if args.cache else None
        if args.cache:
            os.makedirs(args.cache, exist_ok=True)
        props = _proposals_cached(args.stage1, ds, args.proposal, cache)
        print(f"{flight}: {sum(len(b) for b, _, _ in props)} proposals ≥ {args.proposal}; objects covered at IoU 0.5/0.3/0.1 "
              f"{[round(v, 2) for v in coverage([b for b, _, _ in props], ds)]}", flush=True)
        for scale in args.box_scale:
            sprops = [(scale_boxes(b, scale).astype(np.float32), sc, c) for b, sc, c in props]
            t = time.time()
            probs, deltas = verify_views(model, ds, sprops, views=views)
            print(f"   scale {scale}: verified {sum(len(p) for p in probs)} chips × {views} views ({time.time() - t:.0f} s)", flush=True)
            if deltas[0] is not None or any(d is not None for d in deltas):
                for tta in ([0, 1] if views > 1 else [0]):
                    ref = [apply_deltas(b, (d.mean(1) if tta else d[:, 0]) if len(b) else np.zeros((0, 4))) for (b, _, _), d in zip(sprops, deltas)]
                    print(f"   scale {scale} refined{' tta' if tta else ''}: covered {[round(v, 2) for v in coverage(ref, ds)]}", flush=True)
            for tta in ([0, 1] if views > 1 else [0]):
                p2 = [p.mean(1) if tta else p[:, 0] for p in probs]
                for merge in args.merge:
                    for refine in ([0, 1] if deltas[0] is not None else [0]):
                        for w in args.weight:
                            res = []
                            for (b, s1, c), p, d in zip(sprops, p2, deltas):
                                score = (s1.astype(np.float64) ** (1 - w)) * (p.astype(np.float64) ** w)
                                keep = np.arange(len(b))
                                if merge == "pre":
                                    keep = agnostic_nms(b, s1, args.nms_iou)
                                bb = b.astype(np.float64)
                                if refine:
                                    bb = apply_deltas(b, d.mean(1) if tta else d[:, 0]) if len(b) else bb
                                bb, score, cc = bb[keep], score[keep], c[keep]
                                if merge == "post" or refine:
                                    k2 = agnostic_nms(bb, score, args.nms_iou)
                                    bb, score, cc = bb[k2], score[k2], cc[k2]
                                res.append((bb.astype(np.float32), score.astype(np.float32), cc))
                            rep = agnostic_report(res, ds, args.thresholds)
                            key = f"scale={scale} tta={tta} merge={merge} refine={refine} w={w}"
                            rows.setdefault(key, {})[flight] = rep
    flights = sorted(os.listdir(os.path.join(args.data, "dev")))
    print("\nvariant | AP50 " + " / ".join(flights) + " | mean | " + " | ".join(f"at {t}: recall, FP/MP" for t in args.thresholds))
    for key, r in rows.items():
        aps = [r[f]["ap50"] for f in flights]
        ops = " | ".join(" / ".join(f"{r[f][t]['recall']:.2f}, {r[f][t]['fp_per_mp_empty']:.2f}" for f in flights) for t in args.thresholds)
        print(f"{key} | {' / '.join(f'{a:.3f}' for a in aps)} | {np.mean(aps):.3f} | {ops}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({k: {fl: {str(kk): vv for kk, vv in v.items()} for fl, v in r.items()} for k, r in rows.items()}, f)


def ranking_metrics(p, labels):
    """AUC, average precision and recall at 1 % false-positive rate of scores p for binary labels."""
    order = np.argsort(-p, kind="stable")
    y = labels[order]
    tp, fp = np.cumsum(y), np.cumsum(1 - y)
    recall, fpr = tp / max(y.sum(), 1), fp / max((1 - y).sum(), 1)
    precision = tp / np.arange(1, len(y) + 1)
    auc = float(np.trapz(np.concatenate([[0], recall]), np.concatenate([[0], fpr])))
    ap = float(np.sum(np.diff(np.concatenate([[0], recall])) * precision))
    return auc, ap, float(recall[fpr <= 0.01].max()) if np.any(fpr <= 0.01) else 0.0


def cmd_chipeval(args):
    """Chips centred on the development objects against random chips of the development tiles (no stage 1)."""
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    model = load_verifier(args.verifier, args.resnet18)
    for flight in sorted(os.listdir(os.path.join(args.data, "dev"))):
        ds = YoloDataset(os.path.join(args.data, "dev", flight, "images"), 3)
        chips, labels = build_chips(ds, rng, 1, 8, None, augment=False, size=model.size)
        with torch.no_grad():
            p = torch.cat([model(chips[s:s + 256])[:, 0] for s in range(0, len(chips), 256)]).numpy()
        auc, ap, r1 = ranking_metrics(p, labels.numpy())
        print(f"{flight}: {int(labels.sum())} objects, {int((1 - labels).sum())} random chips: AUC {auc:.3f}  AP {ap:.3f}  recall at 1 % FPR {r1:.3f}")


def export_metadata(args):
    """The exported verifier's metadata (``verifier.py export`` arguments): DroneScan's chip geometry and weight, the
    number of views, and the screen it names, if any."""
    return {"dronescan.model_name": args.name, "dronescan.model_version": args.version,
            "dronescan.chip_context": str(CONTEXT), "dronescan.chip_min_px": str(MIN_PX),
            "dronescan.verify_weight": str(args.weight),
            "dronescan.verifier_tta": "8" if args.tta else "1",
            **({"dronescan.screen": args.screen, "dronescan.screen_score": str(args.screen_score)} if args.screen else {}),
            "dronescan.description": "Chip verifier (stage 2) of the RGB model: ImageNet ResNet-18 trunk "
                                     "(Microsoft.ML.DnnImageFeaturizer.ResNet18, MIT) to stage 3 + a linear layer "
                                     "trained on real PFM-1 drone tiles; see models/dronescan-rgb.md"}


def cmd_export(args):
    model = load_verifiers(args.verifier, args.resnet18, tta=args.tta)
    if args.no_reg:
        model.reg = None
        if isinstance(model, VerifierEnsemble):
            model.regs = None
    dummy = torch.rand(2, 3, model.size, model.size)
    torch.onnx.export(model, dummy, args.out, input_names=["chips"], output_names=["scores"],
                      dynamic_axes={"chips": {0: "n"}, "scores": {0: "n"}}, opset_version=17, do_constant_folding=True)
    import onnx

    m = onnx.load(args.out)
    meta = export_metadata(args)
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    m.producer_name = "dronescan-tools"
    onnx.checker.check_model(m)
    onnx.save(m, args.out)
    print(f"wrote {args.out}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", required=True, help="data.yaml of prepare_pfm1.py")
    t.add_argument("--stage1", help="stage-1 model.pt: its false alarms become hard negatives")
    t.add_argument("--hard-boxes", help="`dronescan detect --json` output of a stage-1 ONNX (no verifier) on the training "
                   "images: its boxes are the hard negatives (instead of --stage1)")
    t.add_argument("--hard-score", type=float, default=0.05)
    t.add_argument("--out", required=True)
    t.add_argument("--pos-copies", type=int, default=40)
    t.add_argument("--neg-random", type=int, default=12)
    t.add_argument("--size", type=int, default=CHIP_SIZE, help="chip size in pixels")
    t.add_argument("--stages", type=int, default=3, choices=(3, 4), help="trunk depth (ResNet stages)")
    t.add_argument("--finetune-epochs", type=int, default=0,
                   help="then train the trunk's last stage with the head for N epochs (0: linear head on frozen features)")
    t.add_argument("--save-epochs", action="store_true", help="also save verifier-e<N>.pt after each fine-tuning epoch")
    t.add_argument("--heavy", action="store_true", help="heavy photometric augmentation, positive scale 0.7-1.4")
    t.add_argument("--hard-copies", type=int, default=2, help="copies of each hard negative")
    t.add_argument("--pos-shift", type=float, default=0.15,
                   help="positives' box centres move by up to this fraction of the side (a badly placed proposal "
                   "on a mine is still a mine; the box regressor places it)")
    t.add_argument("--pos-scale", type=float, nargs=2, metavar=("LO", "HI"),
                   help="positives' box size factor range (default 0.8 1.25; 0.7 1.4 with --heavy)")
    t.add_argument("--reg-copies", type=int, default=0, help="train a box regressor on N jittered chips per object (0: none)")
    t.add_argument("--reg-lam", type=float, default=0.05, help="ridge strength of the box regressor")
    b = sub.add_parser("boxscale")
    b.add_argument("--data", required=True, help="data.yaml of prepare_pfm1.py")
    b.add_argument("--stage1", required=True)
    b.add_argument("--proposal", type=float, default=0.05)
    a = sub.add_parser("ablate")
    a.add_argument("--data", required=True, help="prepare_pfm1.py output folder (dev/<flight>/...)")
    a.add_argument("--stage1", required=True)
    a.add_argument("--verifier", required=True)
    a.add_argument("--proposal", type=float, default=0.05)
    a.add_argument("--cache", help="folder for the stage-1 proposals of each flight")
    a.add_argument("--box-scale", type=float, nargs="+", default=[1.0])
    a.add_argument("--tta", action="store_true", help="also score the 8-view average")
    a.add_argument("--merge", nargs="+", default=["none", "pre"], choices=["none", "pre", "post"])
    a.add_argument("--nms-iou", type=float, default=0.5)
    a.add_argument("--weight", type=float, nargs="+", default=[1.0, 0.5])
    a.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.5])
    a.add_argument("--json")
    e = sub.add_parser("eval")
    e.add_argument("--data", required=True, help="prepare_pfm1.py output folder (dev/<flight>/...)")
    e.add_argument("--stage1", required=True)
    e.add_argument("--verifier")
    e.add_argument("--proposal", type=float, default=0.05)
    e.add_argument("--weight", type=float, default=1.0)
    e.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.5, 0.7])
    c = sub.add_parser("chipeval")
    c.add_argument("--data", required=True, help="prepare_pfm1.py output folder (dev/<flight>/...)")
    c.add_argument("--verifier", required=True)
    x = sub.add_parser("export")
    x.add_argument("--verifier", required=True, nargs="+",
                   help="verifier.pt; several (one recipe, other seeds): their average in one graph")
    x.add_argument("--out", required=True)
    x.add_argument("--name", default="dronescan-rgb-verify")
    x.add_argument("--version", default="0.4.0")
    x.add_argument("--weight", type=float, default=1.0)
    x.add_argument("--tta", action="store_true", help="average the 8 flips and quarter turns in the graph (8× the cost)")
    x.add_argument("--no-reg", action="store_true", help="leave the box regressor out (output [N, 1])")
    x.add_argument("--screen", help="a cheaper verifier file in the same folder (e.g. this one exported without --tta) that "
                                    "every candidate goes through first (dronescan.screen)")
    x.add_argument("--screen-score", type=float, default=0.05,
                   help="the screen probability a chip needs to go through this verifier (dronescan.screen_score)")
    u = sub.add_parser("soup", help="several verifier.pt of one recipe → their weight average, one verifier.pt")
    u.add_argument("--verifier", required=True, nargs="+")
    u.add_argument("--out", required=True)
    o = sub.add_parser("fromonnx", help="a verifier ONNX of export → verifier.pt (e.g. to average it with others)")
    o.add_argument("--onnx", required=True)
    o.add_argument("--out", required=True)
    for p in (t, e, c, x, b, a, u):
        p.add_argument("--resnet18", help="ResNet18.onnx (default: restored from NuGet by tools/pretrained/fetch.sh)")
        p.add_argument("--threads", type=int, default=2)
        p.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    {"train": cmd_train, "eval": cmd_eval, "chipeval": cmd_chipeval, "export": cmd_export,
     "boxscale": cmd_boxscale, "ablate": cmd_ablate, "fromonnx": cmd_fromonnx, "soup": cmd_soup}[args.cmd](args)


if __name__ == "__main__":
    main()
