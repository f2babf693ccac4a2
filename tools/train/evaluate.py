"""Validation: run the contract-form detector on whole images, post-process as DroneScan does, score AP50.

Post-processing mirrors the C# path for an image that is exactly one tile (``dronescan detect`` on a
640 × 640 frame): per anchor the best class, kept when its score reaches the threshold; per-class NMS at
IoU 0.7 (at most 300 boxes); then, with ``merge=True``, per-class merging of boxes whose intersection over
the smaller box reaches 0.5 into their union (DroneScan's cross-tile merge, which also runs on a one-tile
photo).

AP50 is scored WITHOUT the merge: it needs the whole ranking down to a score of 0.01, and there the merge is
pathological (a low-score junk box that contains a good detection is absorbed into it and inflates it to
the junk box's size, so a correct 20-px detection becomes a 200-px miss). At a deployment threshold (≥ 0.2)
the junk is gone; the operating points (precision / recall / F1 at fixed thresholds) are therefore computed
on the full DroneScan path, merge included.

AP50 is the area under the precision-recall curve with VOC-style all-point interpolation (precision made
monotone from the right), detections of all images ranked by score, a detection true when it overlaps a
not-yet-matched ground-truth box of its class with IoU ≥ 0.5.
"""
import json
import os
import re

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see train.py
import torch  # noqa: E402

from data import letterbox  # noqa: E402


def box_iou(a, b):
    """IoU matrix between corner boxes a [K,4] and b [M,4] (numpy)."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    ix = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    iy = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = ix * iy
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)


def _overlap(box, others, metric):
    """Overlap of one corner box with each of others [M,4]: IoU, or intersection over the smaller box."""
    ix = np.clip(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), 0, None)
    iy = np.clip(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), 0, None)
    inter = ix * iy
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    denom = area + areas - inter if metric == "iou" else np.minimum(area, areas)
    return inter / np.maximum(denom, 1e-9)


def greedy_merge(boxes, scores, classes, metric, threshold, union, max_keep):
    """Greedy per-class suppression (``union=False``) or merging into the union (``union=True``), best score
    first; a box is compared with the kept box as it stands (the growing union) — the C# BoxMerger."""
    order = np.argsort(-scores, kind="stable")
    boxes, scores, classes = boxes[order].astype(np.float64), scores[order], classes[order]
    alive = np.ones(len(boxes), bool)
    keep_b, keep_s, keep_c = [], [], []
    for i in range(len(boxes)):
        if not alive[i] or len(keep_b) >= max_keep:
            continue
        alive[i] = False
        box = boxes[i].copy()
        j0 = i + 1
        while True:
            cand = np.nonzero(alive[j0:] & (classes[j0:] == classes[i]))[0] + j0
            if len(cand) == 0:
                break
            hit = _overlap(box, boxes[cand], metric) >= threshold
            if not union:
                alive[cand[hit]] = False
                break
            if not hit.any():
                break
            # Absorb the first hit in score order, grow, and compare the rest with the grown box.
            j = cand[int(hit.argmax())]
            alive[j] = False
            box = np.concatenate([np.minimum(box[:2], boxes[j, :2]), np.maximum(box[2:], boxes[j, 2:])])
            j0 = j + 1
        keep_b.append(box)
        keep_s.append(scores[i])
        keep_c.append(classes[i])
    return np.array(keep_b, np.float32).reshape(-1, 4), np.array(keep_s, np.float32), np.array(keep_c, np.int64)


def postprocess(rows, min_score, merge=False):
    """One tile's contract output [4 + C, A] → (boxes [K,4] corners, scores [K], classes [K]) after the
    DroneScan threshold and NMS, and with ``merge`` the IoS union merge."""
    rows = rows.numpy() if isinstance(rows, torch.Tensor) else rows
    cls_scores = rows[4:]
    classes = cls_scores.argmax(0)
    scores = cls_scores.max(0)
    sel = np.nonzero(scores >= min_score)[0]
    # Pre-limit to the best 1000 peaks: the greedy merge is quadratic and the tail cannot change AP50 much.
    sel = sel[np.argsort(-scores[sel], kind="stable")[:1000]]
    cx, cy, w, h = rows[0, sel], rows[1, sel], rows[2, sel], rows[3, sel]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)
    b, s, c = greedy_merge(boxes, scores[sel], classes[sel], "iou", 0.7, union=False, max_keep=300)
    return greedy_merge(b, s, c, "ios", 0.5, union=True, max_keep=1000) if merge else (b, s, c)


@torch.no_grad()
def infer(detector, dataset, size, batch_size=4):
    """Runs the contract-form detector over a YoloDataset, each image letterboxed to size × size; returns per
    image (raw output [4 + C, A] as numpy, scale from image to tile pixels)."""
    detector.eval()
    raw = []
    for start in range(0, len(dataset), batch_size):
        tiles, scales = zip(*(letterbox(dataset.images[i], size) for i in range(start, min(start + batch_size, len(dataset)))))
        device = next(detector.parameters()).device
        out = detector(torch.stack(tiles).to(device)).cpu()
        raw.extend((rows.numpy(), k) for rows, k in zip(out, scales))
    return raw


def detections(raw, min_score, merge=False):
    """infer() output → per image (boxes, scores, classes) in original image pixels."""
    results = []
    for rows, k in raw:
        b, s, c = postprocess(rows, min_score, merge)
        results.append((b / k, s, c))
    return results


def predict(detector, dataset, size, min_score=0.01):
    """Detections for AP: threshold ``min_score`` and NMS, no merge (see the module doc)."""
    return detections(infer(detector, dataset, size), min_score)


def pr_curve(results, dataset, cls, iou_threshold=0.5):
    """Ranked detections of one class → (scores desc, precision, recall, number of ground-truth boxes)."""
    dets = []
    n_gt = 0
    for i, (boxes, scores, classes) in enumerate(results):
        gt = dataset.boxes[i][dataset.classes[i] == cls]
        n_gt += len(gt)
        m = classes == cls
        for b, s in zip(boxes[m], scores[m]):
            dets.append((s, i, b))
    dets.sort(key=lambda d: -d[0])
    matched = [np.zeros((dataset.classes[i] == cls).sum(), bool) for i in range(len(dataset))]
    tp = np.zeros(len(dets))
    for k, (_, i, b) in enumerate(dets):
        gt = dataset.boxes[i][dataset.classes[i] == cls]
        if len(gt) == 0:
            continue
        ious = box_iou(b[None], gt)[0]
        ious[matched[i]] = -1
        j = int(ious.argmax())
        if ious[j] >= iou_threshold:
            matched[i][j] = True
            tp[k] = 1
    ctp = np.cumsum(tp)
    recall = ctp / max(n_gt, 1)
    precision = ctp / np.arange(1, len(dets) + 1)
    return np.array([d[0] for d in dets]), precision, recall, n_gt


def average_precision(precision, recall):
    """All-point interpolated AP (VOC 2010+)."""
    if len(precision) == 0:
        return 0.0
    mrec = np.concatenate([[0.0], recall, [1.0]])
    mpre = np.concatenate([[1.0], precision, [0.0]])
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    idx = np.nonzero(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[idx + 1] - mrec[idx]) * mpre[idx + 1]))


def evaluate(results, dataset, names):
    """AP50 per class and their mean; also the best-F1 operating point per class."""
    report = {}
    for c, name in enumerate(names):
        scores, precision, recall, n_gt = pr_curve(results, dataset, c)
        ap = average_precision(precision, recall)
        f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
        best = int(f1.argmax()) if len(f1) else 0
        report[name] = {
            "ap50": ap, "gt": n_gt,
            "best_f1": float(f1[best]) if len(f1) else 0.0,
            "best_f1_score": float(scores[best]) if len(f1) else 0.0,
            "best_f1_precision": float(precision[best]) if len(f1) else 0.0,
            "best_f1_recall": float(recall[best]) if len(f1) else 0.0,
        }
    report["map50"] = float(np.mean([report[n]["ap50"] for n in names]))
    return report


def count_matches(results, dataset, cls, iou_threshold=0.5):
    """(true positives, detections, ground-truth boxes) of one class, greedy by score per image."""
    _, precision, recall, n_gt = pr_curve(results, dataset, cls, iou_threshold)
    n_det = len(precision)
    tp = int(round(recall[-1] * n_gt)) if n_det else 0
    return tp, n_det, n_gt


def operating_points(raw, dataset, cls, thresholds):
    """Precision / recall / F1 at fixed score thresholds on the full DroneScan path (threshold, NMS, merge)."""
    rows = []
    for t in thresholds:
        tp, n_det, n_gt = count_matches(detections(raw, t, merge=True), dataset, cls)
        p = tp / n_det if n_det else 1.0
        r = tp / max(n_gt, 1)
        rows.append((t, p, r, 2 * p * r / max(p + r, 1e-9), n_det))
    return rows


def read_dronescan_json(path, dataset, names):
    """Detections from ``dronescan detect --json`` (one JSON object per photo per line), in dataset order,
    matched by file name; a photo without a line counts as no detections."""
    by_name = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                photo = json.loads(line)
                by_name[os.path.basename(photo["file"])] = photo
    results = []
    for p in dataset.paths:
        dets = by_name.get(os.path.basename(p), {}).get("detections", [])
        boxes = np.array([[d["x1"], d["y1"], d["x2"], d["y2"]] for d in dets], np.float32).reshape(-1, 4)
        scores = np.array([d["score"] for d in dets], np.float32)
        classes = np.array([names.index(d["label"]) for d in dets], np.int64)
        results.append((boxes, scores, classes))
    missing = sum(os.path.basename(p) not in by_name for p in dataset.paths)
    return results, missing


class Subset:
    """The images of a YoloDataset whose indices are given (same attributes the scoring reads)."""

    def __init__(self, dataset, indices):
        self.paths = [dataset.paths[i] for i in indices]
        self.boxes = [dataset.boxes[i] for i in indices]
        self.classes = [dataset.classes[i] for i in indices]

    def __len__(self):
        return len(self.paths)


def main():
    """Scores a checkpoint (or DroneScan's JSON output) on a YOLO split: AP50, per-group AP50, operating points."""
    import argparse

    from data import YoloDataset, read_data_yaml
    from export_onnx import load_net
    from model import ContractDetector

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--data", required=True, help="YOLO data.yaml")
    ap.add_argument("--split", default="val", help="which folder of data.yaml to score (train, val, test)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--weights", help="model.pt from train.py (runs the contract-form detector in torch)")
    src.add_argument("--dronescan-json", help="output of 'dronescan detect --json --conf 0.01' on the split's images")
    ap.add_argument("--size", type=int, default=640, help="input size for --weights")
    ap.add_argument("--downscale", type=int, default=1, help="average d × d pixels inside the detector (export_onnx --downscale)")
    ap.add_argument("--flip-tta", action="store_true", help="average with the mirror image (export_onnx --flip-tta)")
    ap.add_argument("--min-score", type=float, default=0.01)
    ap.add_argument("--group-regex", default=None, help="report AP50 per group of file names, e.g. 'Zone_(\\d+)'")
    ap.add_argument("--thresholds", type=float, nargs="*", default=[0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6])
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    cfg = read_data_yaml(args.data)
    names = cfg["names"]
    dataset = YoloDataset(cfg[args.split], len(names))
    raw = None
    if args.weights:
        net, _ = load_net(args.weights)
        raw = infer(ContractDetector(net, downscale=args.downscale, flip_tta=args.flip_tta), dataset, args.size)
        results = detections(raw, args.min_score)
    else:
        # DroneScan's output has been merged already: AP from it is pessimistic at a low --conf (module doc).
        results, missing = read_dronescan_json(args.dronescan_json, dataset, names)
        if missing:
            print(f"warning: {missing} of {len(dataset)} images have no line in {args.dronescan_json}")
    report = evaluate(results, dataset, names)
    print(f"{args.split}: {len(dataset)} images, AP50 (mean over classes) {report['map50']:.4f}")
    for c, name in enumerate(names):
        r = report[name]
        print(f"  {name}: AP50 {r['ap50']:.4f} over {r['gt']} boxes; best F1 {r['best_f1']:.3f} at score "
              f"{r['best_f1_score']:.3f} (P {r['best_f1_precision']:.3f}, R {r['best_f1_recall']:.3f})")
        if raw is not None:
            print("    full DroneScan path (threshold, NMS 0.7, IoS merge 0.5):")
            print("    threshold  precision  recall  F1     detections")
            for t, p, rec, f1, k in operating_points(raw, dataset, c, args.thresholds):
                print(f"    {t:9.2f}  {p:9.3f}  {rec:6.3f}  {f1:5.3f}  {k}")
    if args.group_regex:
        groups = {}
        for i, p in enumerate(dataset.paths):
            m = re.search(args.group_regex, os.path.basename(p))
            groups.setdefault(m.group(1) if m else "other", []).append(i)
        for g, idx in sorted(groups.items()):
            sub = Subset(dataset, idx)
            r = evaluate([results[i] for i in idx], sub, names)
            print(f"  group {g}: {len(idx)} images, AP50 {r['map50']:.4f}")


if __name__ == "__main__":
    main()
