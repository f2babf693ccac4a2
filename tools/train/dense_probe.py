"""Dense (CenterNet-style) probe on frozen ImageNet ResNet-18 features: does a small dense head on the trunk's
stride-8 maps find PFM-1 mines in whole drone tiles?

Three steps, each a sub-command (1 thread everywhere; the trunk is ``resnet18.ResNet18Trunk`` with the NuGet
ImageNet weights, frozen):

  extract  run the trunk to stage 3 on every tile of a YOLO folder (optionally scaled, optionally mirrored) and
           cache stage 2 (stride 8, 128 ch) and stage 3 (stride 16, 256 ch) as float16, one .pt per tile, plus
           the tile's boxes (scaled/mirrored to match). Prints ms per tile.
  train    fit the head on cached train features: 1×1 384→64, ReLU, 3×3 64→64, ReLU, then a 1-channel centre
           heatmap (CenterNet focal loss, Gaussian targets), 2-channel log(w, h) and 2-channel sub-cell offset at
           centre cells. Stage 3 is upsampled to stage 2's grid inside the head. Mine-free tiles stay in.
  eval     decode (3×3 max-pool peaks, boxes from predicted size, score = sigmoid) and report, per dev flight,
           class-agnostic AP50 with verifier.agnostic_report (evaluate.pr_curve / average_precision), recall,
           precision and false boxes per MP on label-free tiles at thresholds, and proposal recall (share of
           objects with a box of score ≥ 0.05 at IoU ≥ 0.5).

Example::

    OMP_NUM_THREADS=1 /usr/bin/python3 tools/train/dense_probe.py extract /tmp/pfm1/train /tmp/dense/f1/train --flip
    OMP_NUM_THREADS=1 /usr/bin/python3 tools/train/dense_probe.py train /tmp/dense/f1/train /tmp/dense/head.pt
    OMP_NUM_THREADS=1 /usr/bin/python3 tools/train/dense_probe.py eval /tmp/dense/head.pt /tmp/dense/f1/F02 /tmp/dense/f1/F03
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import YoloDataset, to_tensor  # noqa: E402
from resnet18 import ResNet18Trunk, load_onnx  # noqa: E402

NAMES = ["ap_mine", "at_mine", "uxo"]
STRIDE = 8


# ---------------------------------------------------------------- extract
def cmd_extract(args):
    torch.set_num_threads(1)
    trunk = load_onnx(ResNet18Trunk(stages=3))
    ds = YoloDataset(os.path.join(args.src, "images"), len(NAMES))
    variants = [False, True] if args.flip else [False]
    os.makedirs(args.out, exist_ok=True)
    times = []
    with torch.no_grad():
        for i, path in enumerate(ds.paths):
            img = to_tensor(ds.images[i])[None]
            h0, w0 = img.shape[-2:]
            boxes = ds.boxes[i].copy()
            if args.scale != 1.0:
                img = F.interpolate(img, scale_factor=args.scale, mode="bilinear", align_corners=False)
                boxes = boxes * args.scale
            for flip in variants:
                x, b = img, boxes
                if flip:
                    x = img.flip(3)
                    W = img.shape[-1]
                    b = np.stack([W - boxes[:, 2], boxes[:, 1], W - boxes[:, 0], boxes[:, 3]], 1).reshape(-1, 4)
                t = time.perf_counter()
                # The CNTK-padded strided blocks need even sizes at every stage: pad right/bottom to a multiple of 16
                # (edge replicate), which leaves pixel coordinates unchanged.
                ph, pw = (-x.shape[-2]) % 16, (-x.shape[-1]) % 16
                s1, s2, s3 = trunk.forward_stages(F.pad(x, (0, pw, 0, ph), mode="replicate"))
                times.append(time.perf_counter() - t)
                name = os.path.splitext(os.path.basename(path))[0] + ("_flip" if flip else "")
                torch.save({"s2": s2[0].half(), "s3": s3[0].half(), "boxes": torch.from_numpy(b.astype(np.float32)),
                            "classes": torch.from_numpy(ds.classes[i]), "size": (int(x.shape[-2]), int(x.shape[-1])),
                            "orig_size": (int(h0), int(w0)), "scale": args.scale, "path": path, "flip": flip},
                           os.path.join(args.out, name + ".pt"))
            if i % 50 == 0:
                print(f"{i}/{len(ds)} {1000 * np.mean(times):.0f} ms/forward", flush=True)
    print(f"{args.src}: {len(times)} forwards, trunk to stage 3 at scale {args.scale}: "
          f"{1000 * np.mean(times):.0f} ms mean, {1000 * np.median(times):.0f} ms median per tile (1 thread)")


def load_cache(folder, with_flips=True):
    items = []
    for f in sorted(os.listdir(folder)):
        if f.endswith(".pt") and (with_flips or not f.endswith("_flip.pt")):
            items.append(torch.load(os.path.join(folder, f)))
    return items


# ---------------------------------------------------------------- head
class DenseHead(nn.Module):
    def __init__(self, mean, std, width=64):
        super().__init__()
        self.register_buffer("mean", mean.view(1, -1, 1, 1))
        self.register_buffer("std", std.view(1, -1, 1, 1))
        self.body = nn.Sequential(nn.Conv2d(384, width, 1), nn.ReLU(inplace=True),
                                  nn.Conv2d(width, width, 3, padding=1), nn.ReLU(inplace=True))
        self.heat = nn.Conv2d(width, 1, 1)
        self.size = nn.Conv2d(width, 2, 1)
        self.off = nn.Conv2d(width, 2, 1)
        nn.init.constant_(self.heat.bias, -2.19)
        nn.init.constant_(self.size.bias, float(np.log(44.0)))

    def forward(self, s2, s3):
        up = F.interpolate(s3, size=s2.shape[-2:], mode="bilinear", align_corners=False)
        x = (torch.cat([s2, up], 1) - self.mean) / self.std
        y = self.body(x)
        return self.heat(y), self.size(y), self.off(y)


def targets(boxes, hw, sigma_k):
    """Heatmap [1,H,W], size [2,H,W] (log w, h in px), offset [2,H,W], mask [H,W] for one tile."""
    H, W = hw
    heat = torch.zeros(1, H, W)
    size = torch.zeros(2, H, W)
    off = torch.zeros(2, H, W)
    mask = torch.zeros(H, W)
    ys, xs = torch.arange(H).float().view(-1, 1), torch.arange(W).float().view(1, -1)
    for x1, y1, x2, y2 in boxes.tolist():
        cx, cy = (x1 + x2) / 2 / STRIDE, (y1 + y2) / 2 / STRIDE
        w, h = max(x2 - x1, 1.0), max(y2 - y1, 1.0)
        ix, iy = min(max(int(round(cx)), 0), W - 1), min(max(int(round(cy)), 0), H - 1)
        sigma = max(0.5, sigma_k * np.sqrt(w * h) / STRIDE)
        g = torch.exp(-((xs - ix) ** 2 + (ys - iy) ** 2) / (2 * sigma ** 2))
        heat[0] = torch.maximum(heat[0], g)
        size[:, iy, ix] = torch.tensor([np.log(w), np.log(h)])
        off[:, iy, ix] = torch.tensor([cx - ix, cy - iy])
        mask[iy, ix] = 1
    return heat, size, off, mask


def focal(logits, gt):
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = gt.eq(1).float()
    neg = 1 - pos
    pos_loss = torch.log(p) * (1 - p) ** 2 * pos
    neg_loss = torch.log(1 - p) * p ** 2 * (1 - gt) ** 4 * neg
    return -(pos_loss.sum() + neg_loss.sum()) / pos.sum().clamp(min=1)


def crop(t, y0, x0, c):
    return t[..., y0:y0 + c, x0:x0 + c]


def cmd_train(args):
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    items = []
    for folder in args.train:
        items += load_cache(folder, with_flips=not args.no_flips)
    print(f"{len(items)} cached train maps, {sum(len(it['boxes']) for it in items)} objects", flush=True)
    # Per-channel standardisation from a subset of train maps.
    acc = []
    for it in items[:: max(1, len(items) // 60)]:
        up = F.interpolate(it["s3"][None].float(), size=it["s2"].shape[-2:], mode="bilinear", align_corners=False)
        acc.append(torch.cat([it["s2"][None].float(), up], 1).flatten(2))
    acc = torch.cat(acc, 2)[0]
    mean, std = acc.mean(1), acc.std(1).clamp(min=1e-2)
    del acc
    model = DenseHead(mean, std, args.width)
    tg = [targets(it["boxes"], it["s2"].shape[-2:], args.sigma) for it in items]
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.wd)
    # One epoch = every tile once, in one of its cached versions (plain or mirrored) at random.
    groups = {}
    for i, it in enumerate(items):
        groups.setdefault(it["path"], []).append(i)
    groups = list(groups.values())
    steps_per_epoch = (len(groups) + args.batch - 1) // args.batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=args.epochs * steps_per_epoch, pct_start=0.1)
    c = args.crop
    t0 = time.time()
    for ep in range(args.epochs):
        order = rng.permutation(len(groups))
        tot = [0.0, 0.0, 0.0]
        for s in range(steps_per_epoch):
            idx = [groups[g][int(rng.integers(len(groups[g])))] for g in order[s * args.batch:(s + 1) * args.batch]]
            s2s, s3s, hs, ss, os_, ms = [], [], [], [], [], []
            for i in idx:
                it = items[i]
                H, W = it["s2"].shape[-2:]
                H3, W3 = it["s3"].shape[-2:]
                Hc, Wc = min(H, 2 * H3), min(W, 2 * W3)
                # crop on the stride-16 grid so stage 3 aligns (even offsets on stage 2); with probability
                # obj_p the crop holds a random object of the tile
                cc = min(c, Hc - Hc % 2, Wc - Wc % 2)
                ylo, yhi, xlo, xhi = 0, (Hc - cc) // 2, 0, (Wc - cc) // 2
                if len(it["boxes"]) and rng.random() < args.obj_p:
                    x1, y1, x2, y2 = (it["boxes"][int(rng.integers(len(it["boxes"])))] / (2 * STRIDE)).tolist()
                    ylo, yhi = max(ylo, min(int(np.ceil(y2 - cc / 2)), yhi)), min(yhi, max(int(y1), 0))
                    xlo, xhi = max(xlo, min(int(np.ceil(x2 - cc / 2)), xhi)), min(xhi, max(int(x1), 0))
                    ylo, xlo = min(ylo, yhi), min(xlo, xhi)
                y0 = 2 * int(rng.integers(ylo, yhi + 1))
                x0 = 2 * int(rng.integers(xlo, xhi + 1))
                s2s.append(crop(it["s2"], y0, x0, cc).float())
                s3s.append(it["s3"][:, y0 // 2:y0 // 2 + cc // 2, x0 // 2:x0 // 2 + cc // 2].float())
                h, sz, of, m = tg[i]
                hs.append(crop(h, y0, x0, cc)); ss.append(crop(sz, y0, x0, cc)); os_.append(crop(of, y0, x0, cc)); ms.append(crop(m, y0, x0, cc))
            cmin = min(t.shape[-1] for t in s2s)
            cut = lambda ts, k=1: torch.stack([t[..., :cmin // k, :cmin // k] for t in ts])
            s2b, s3b = cut(s2s), cut(s3s, 2)
            hb, sb, ob, mb = cut(hs), cut(ss), cut(os_), cut(ms)
            heat, size, off = model(s2b, s3b)
            lh = focal(heat, hb)
            npos = mb.sum().clamp(min=1)
            ls = (F.l1_loss(size, sb, reduction="none").sum(1) * mb).sum() / npos
            lo = (F.l1_loss(off, ob, reduction="none").sum(1) * mb).sum() / npos
            loss = lh + args.size_w * ls + lo
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tot[0] += lh.item(); tot[1] += ls.item(); tot[2] += lo.item()
        print(f"epoch {ep + 1}/{args.epochs}: focal {tot[0] / steps_per_epoch:.3f} size {tot[1] / steps_per_epoch:.3f} "
              f"off {tot[2] / steps_per_epoch:.3f} ({time.time() - t0:.0f} s)", flush=True)
        if args.save_every and (ep + 1) % args.save_every == 0:
            torch.save({"state": model.state_dict(), "width": args.width, "args": vars(args), "epoch": ep + 1},
                       args.out.replace(".pt", f"_e{ep + 1}.pt"))
    torch.save({"state": model.state_dict(), "width": args.width, "args": vars(args), "epoch": args.epochs}, args.out)
    print(f"saved {args.out}")


# ---------------------------------------------------------------- decode / eval
def nms(boxes, scores, iou=0.5):
    order = np.argsort(-scores)
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        if len(order) == 1:
            break
        b = boxes[order[1:]]
        xx1 = np.maximum(boxes[i, 0], b[:, 0]); yy1 = np.maximum(boxes[i, 1], b[:, 1])
        xx2 = np.minimum(boxes[i, 2], b[:, 2]); yy2 = np.minimum(boxes[i, 3], b[:, 3])
        inter = np.clip(xx2 - xx1, 0, None) * np.clip(yy2 - yy1, 0, None)
        a = (boxes[i, 2] - boxes[i, 0]) * (boxes[i, 3] - boxes[i, 1])
        ab = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        order = order[1:][inter / (a + ab - inter + 1e-9) < iou]
    return np.array(keep, np.int64)


def decode(heat, size, off, min_score=0.01, topk=100, scale=1.0, flip_w=None):
    p = torch.sigmoid(heat[0, 0])
    peaks = (p == F.max_pool2d(p[None, None], 3, 1, 1)[0, 0]) & (p >= min_score)
    ys, xs = torch.nonzero(peaks, as_tuple=True)
    sc = p[ys, xs]
    if len(sc) > topk:
        sc, k = sc.topk(topk)
        ys, xs = ys[k], xs[k]
    cx = (xs.float() + off[0, 0, ys, xs]) * STRIDE
    cy = (ys.float() + off[0, 1, ys, xs]) * STRIDE
    w, h = size[0, 0, ys, xs].exp(), size[0, 1, ys, xs].exp()
    b = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1).numpy() / scale
    s = sc.numpy()
    if len(s):
        k = nms(b, s, 0.5)
        b, s = b[k], s[k]
    return b.astype(np.float32), s.astype(np.float32)


def load_head(path):
    ck = torch.load(path)
    st = ck["state"]
    model = DenseHead(st["mean"].flatten(), st["std"].flatten(), ck["width"])
    model.load_state_dict(st)
    return model.eval()


def proposal_recall(results, ds, t=0.05):
    from evaluate import box_iou
    hit = n = 0
    for (b, s, _), gt in zip(results, ds.boxes):
        n += len(gt)
        if len(gt) and (s >= t).any():
            hit += int((box_iou(gt, b[s >= t]) >= 0.5).any(1).sum())
    return hit / max(n, 1)


def cmd_eval(args):
    torch.set_num_threads(1)
    from verifier import agnostic_report
    models = [load_head(p) for p in args.ckpt.split(",")]
    out = {}
    for folder in args.dev:
        items = load_cache(folder, with_flips=False)
        src = os.path.dirname(os.path.dirname(items[0]["path"]))
        ds = YoloDataset(os.path.join(src, "images"), len(NAMES))
        assert [it["path"] for it in items] == ds.paths, "cache and dataset disagree"
        res, th = [], []
        with torch.no_grad():
            for it in items:
                t = time.perf_counter()
                outs = [m(it["s2"][None].float(), it["s3"][None].float()) for m in models]
                heat = torch.logit(torch.stack([torch.sigmoid(o[0]) for o in outs]).mean(0).clamp(1e-6, 1 - 1e-6))
                size = torch.stack([o[1] for o in outs]).mean(0)
                off = torch.stack([o[2] for o in outs]).mean(0)
                b, s = decode(heat, size, off, args.min_score, scale=it["scale"])
                th.append(time.perf_counter() - t)
                res.append((b, s, np.zeros(len(s), np.int64)))
        rep = agnostic_report(res, ds, args.thresholds)
        rep["proposal_recall_0.05"] = proposal_recall(res, ds, 0.05)
        rep["head_ms_per_tile"] = 1000 * float(np.mean(th))
        flight = os.path.basename(src.rstrip("/"))
        out[flight] = rep
        print(f"{flight}: AP50 {rep['ap50']:.3f} ({rep['objects']} objects, {sum(len(r[1]) for r in res)} boxes); "
              f"proposal recall@0.05 {rep['proposal_recall_0.05']:.3f}; head+decode {rep['head_ms_per_tile']:.0f} ms/tile")
        for t in args.thresholds:
            r = rep[t]
            print(f"   at {t:.2f}: recall {r['recall']:.3f} precision {r['precision']:.3f} FP/MP object-free {r['fp_per_mp_empty']:.2f}")
    print(json.dumps({f: {k if isinstance(k, str) else f"{k:.2f}": v for k, v in r.items()} for f, r in out.items()}))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("extract")
    e.add_argument("src", help="YOLO folder with images/ and labels/")
    e.add_argument("out")
    e.add_argument("--scale", type=float, default=1.0)
    e.add_argument("--flip", action="store_true", help="also cache the horizontally mirrored tile")
    t = sub.add_parser("train")
    t.add_argument("train", nargs="+", help="cache folders")
    t.add_argument("out")
    t.add_argument("--epochs", type=int, default=30)
    t.add_argument("--batch", type=int, default=8)
    t.add_argument("--crop", type=int, default=40, help="crop side in stride-8 cells")
    t.add_argument("--obj-p", type=float, default=0.7, help="chance a crop of a tile with objects holds one")
    t.add_argument("--lr", type=float, default=2e-3)
    t.add_argument("--wd", type=float, default=1e-2)
    t.add_argument("--width", type=int, default=64)
    t.add_argument("--sigma", type=float, default=0.15, help="Gaussian sigma = k · sqrt(w h) / stride")
    t.add_argument("--size-w", type=float, default=1.0)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--no-flips", action="store_true")
    t.add_argument("--save-every", type=int, default=0)
    v = sub.add_parser("eval")
    v.add_argument("ckpt", help="checkpoint, or several joined by commas (heatmaps averaged)")
    v.add_argument("dev", nargs="+", help="cache folders of dev flights")
    v.add_argument("--min-score", type=float, default=0.01)
    v.add_argument("--thresholds", type=float, nargs="+", default=[0.1, 0.2, 0.3, 0.5])
    args = ap.parse_args(argv)
    {"extract": cmd_extract, "train": cmd_train, "eval": cmd_eval}[args.cmd](args)


if __name__ == "__main__":
    main()
