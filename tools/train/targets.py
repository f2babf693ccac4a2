"""Training targets and losses for the heatmap + box detector (TTFNet-style).

Targets live on the stride-4 output grid (H/4 × W/4 cells, cell (x, y) centred at ((x + 0.5)·4, (y + 0.5)·4)
input pixels):

* heat [N, C, h, w]: for each object an elliptical Gaussian on its class channel, exactly 1 at the cell that
  holds the box centre, σ = ``ALPHA`` · box size / 6 along each axis (TTFNet α = 0.54);
* box [N, 4, h, w] and weight [N, h, w]: the cells inside the central ``BETA`` part of a box regress that box
  (x1, y1, x2, y2 in input pixels), weighted by the Gaussian and normalised so each object's weights sum to
  log(area); where boxes overlap the smaller one wins.
"""
import math

import numpy as np
import torch

from model import STRIDE, decode_boxes

ALPHA = 0.54
BETA = 0.54
MIN_SIGMA = 0.35  # cells; keeps tiny objects from collapsing to a one-cell target


def build_targets(batch_targets, num_classes, out_h, out_w, stride=STRIDE):
    """[(boxes [K,4] px, classes [K])] * N → (heat, box, weight) tensors as described in the module doc."""
    n = len(batch_targets)
    heat = np.zeros((n, num_classes, out_h, out_w), np.float32)
    box = np.zeros((n, 4, out_h, out_w), np.float32)
    weight = np.zeros((n, out_h, out_w), np.float32)
    ys = np.arange(out_h, dtype=np.float32)[:, None]
    xs = np.arange(out_w, dtype=np.float32)[None, :]
    for i, (boxes, classes) in enumerate(batch_targets):
        if len(boxes) == 0:
            continue
        areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        for j in np.argsort(-areas):  # largest first, so smaller boxes overwrite shared cells
            x1, y1, x2, y2 = boxes[j] / stride
            bw, bh = max(x2 - x1, 1e-3), max(y2 - y1, 1e-3)
            cx = min(max(int((x1 + x2) / 2), 0), out_w - 1)
            cy = min(max(int((y1 + y2) / 2), 0), out_h - 1)
            sx, sy = max(ALPHA * bw / 6, MIN_SIGMA), max(ALPHA * bh / 6, MIN_SIGMA)
            g = np.exp(-((xs - cx) ** 2) / (2 * sx * sx) - ((ys - cy) ** 2) / (2 * sy * sy))
            c = classes[j]
            np.maximum(heat[i, c], g, out=heat[i, c])
            # Regression area: cells within the central BETA part of the box, always including the centre cell.
            rx, ry = max(BETA * bw / 2, 0.5), max(BETA * bh / 2, 0.5)
            inside = (np.abs(xs + 0.5 - (x1 + x2) / 2) <= rx) & (np.abs(ys + 0.5 - (y1 + y2) / 2) <= ry)
            inside[cy, cx] = True
            w = g * inside
            w *= math.log(max(areas[j], 2.0)) / w.sum()
            box[i][:, inside] = boxes[j][:, None]
            weight[i][inside] = w[inside]
    return torch.from_numpy(heat), torch.from_numpy(box), torch.from_numpy(weight)


def focal_loss(logits, target):
    """CenterNet's penalty-reduced focal loss (α = 2, β = 4), summed and divided by the number of peaks."""
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = target.eq(1).float()
    neg = 1 - pos
    pos_loss = torch.log(p) * (1 - p) ** 2 * pos
    neg_loss = torch.log(1 - p) * p ** 2 * (1 - target) ** 4 * neg
    num_pos = pos.sum()
    return -(pos_loss.sum() + neg_loss.sum()) / num_pos.clamp(min=1)


def giou_loss(box_pred, box_target, weight, stride=STRIDE):
    """Weighted mean of 1 − GIoU between decoded predictions and target corners over the regression cells."""
    mask = weight > 0
    if not mask.any():
        return box_pred.sum() * 0
    cx, cy, w, h = decode_boxes(box_pred, stride)
    px1, py1, px2, py2 = (cx - w / 2)[mask], (cy - h / 2)[mask], (cx + w / 2)[mask], (cy + h / 2)[mask]
    t = box_target.permute(0, 2, 3, 1)[mask]
    tx1, ty1, tx2, ty2 = t.unbind(1)
    iw = (torch.min(px2, tx2) - torch.max(px1, tx1)).clamp(min=0)
    ih = (torch.min(py2, ty2) - torch.max(py1, ty1)).clamp(min=0)
    inter = iw * ih
    union = (px2 - px1) * (py2 - py1) + (tx2 - tx1) * (ty2 - ty1) - inter
    iou = inter / union.clamp(min=1e-6)
    hull = (torch.max(px2, tx2) - torch.min(px1, tx1)) * (torch.max(py2, ty2) - torch.min(py1, ty1))
    giou = iou - (hull - union) / hull.clamp(min=1e-6)
    w = weight[mask]
    return ((1 - giou) * w).sum() / w.sum().clamp(min=1e-6)
