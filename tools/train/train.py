#!/usr/bin/python3
"""Trains the small-object detector (model.py) on a YOLO-format dataset.

    /usr/bin/python3 tools/train/train.py --data /tmp/thermal-split/data.yaml --out /tmp/runs/thermal \\
        --img-size 320 --epochs 25 --batch 16 --eval-every 5

Each epoch draws one augmented crop per training image (data.Augmenter); validation runs the exported form of
the detector (in-graph peak decoding, then DroneScan's threshold and NMS) on whole validation images at
``--val-size`` and logs AP50 (evaluate.py). Writes, in ``--out``: ``last.pt`` (everything needed to resume,
written every epoch), ``model.pt`` (EMA weights + class names, what export_onnx.py reads), ``log.csv``; with
``--keep-evals`` also ``model-e<epoch>.pt`` (model.pt's format) for each validation epoch.

Reproducibility: one ``--seed`` fixes the initial weights (torch) and, per epoch, the augmentation stream
(numpy Generator seeded with (seed, epoch)), so ``--resume`` continues exactly where a run stopped.
Deterministic algorithms are requested from torch (warn-only: some CPU kernels have no deterministic form).
"""
import argparse
import copy
import csv
import math
import os
import time

import numpy as np

# Busy-waiting OpenMP threads are ruinous when other processes share the cores (measured here: 3-6 s per
# step instead of 1.8 s with C# builds running); must be set before torch loads its OpenMP runtime.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402  (after the environment variable on purpose)

from data import PHOTOMETRIC, Augmenter, YoloDataset, read_data_yaml
from evaluate import evaluate, predict
from model import STRIDE, ContractDetector, SmallObjectNet, arch_of, count_macs, count_parameters
from targets import build_targets, focal_loss, giou_loss

GIOU_WEIGHT = 5.0  # TTFNet's balance between the heatmap and box losses


def parse_args(argv=None):
    """Command line; either --data or --train/--val/--names."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", help="YOLO data.yaml (train, val, names)")
    ap.add_argument("--train", help="training images folder (instead of --data)")
    ap.add_argument("--val", help="validation images folder (instead of --data)")
    ap.add_argument("--names", nargs="+", help="class names, index order (instead of --data)")
    ap.add_argument("--out", required=True, help="output folder for checkpoints and the log")
    ap.add_argument("--img-size", type=int, default=320, help="training crop size, pixels")
    ap.add_argument("--val-size", type=int, default=640, help="validation input size (the deployed tile size)")
    ap.add_argument("--val-downscale", type=int, default=1, help="validate as export_onnx --downscale D would deploy")
    ap.add_argument("--scale", type=float, nargs=2, default=(0.5, 1.25), help="crop scale range (output px per source px)")
    ap.add_argument("--photometric", choices=sorted(PHOTOMETRIC), default="standard",
                    help="photometric augmentation: standard (the shipped recipes) or heavy (wider contrast, brightness, "
                         "colour gain, saturation, hue, gamma, some grey crops)")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3, help="peak AdamW learning rate")
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--warmup-steps", type=int, default=100)
    ap.add_argument("--ema", type=float, default=0.998, help="weight EMA decay (0 disables)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    ap.add_argument("--eval-every", type=int, default=1, help="validate every N epochs (and after the last)")
    ap.add_argument("--keep-evals", action="store_true",
                    help="also keep the EMA weights of each validated epoch as OUT/model-e<epoch>.pt (model.pt's format): "
                         "for picking a checkpoint on the development data afterwards")
    ap.add_argument("--resume", action="store_true", help="continue from OUT/last.pt (same arguments)")
    ap.add_argument("--init", help="start from the weights of a model.pt (new optimiser and schedule): longer training")
    ap.add_argument("--repeat", type=int, default=1, help="passes over the training images per epoch (fewer, longer epochs)")
    ap.add_argument("--device", default="auto", help="auto (CUDA when available), cpu or cuda")
    ap.add_argument("--workers", type=int, default=0, help="augmentation worker processes (0: in the training process)")
    ap.add_argument("--gpu-augment", action="store_true",
                    help="make the augmented pixels on the training device (images kept there); the workers then only "
                         "draw the random choices and build the targets. For a GPU, where CPU augmentation is the limit")
    ap.add_argument("--width-mult", type=float, default=1.0,
                    help="channel width multiplier of the network (1.0: the shipped size; compute grows ~ its square)")
    ap.add_argument("--time-budget-min", type=float, default=0,
                    help="stop after this many minutes, with the learning-rate schedule stretched over that time "
                         "instead of --epochs (for a lent GPU with a fixed time)")
    args = ap.parse_args(argv)
    if args.data:
        cfg = read_data_yaml(args.data)
        args.train, args.val, args.names = args.train or cfg.get("train"), args.val or cfg.get("val"), args.names or cfg["names"]
    if not (args.train and args.names):
        ap.error("give --data, or --train and --names")
    return args


class ModelEma:
    """Exponential moving average of weights and BatchNorm buffers; warms up as 1 − exp(−step / 200) so early
    averages are not dominated by the random initialisation."""

    def __init__(self, model, decay):
        self.model = copy.deepcopy(model).eval()
        self.decay = decay
        self.updates = 0
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model):
        self.updates += 1
        d = self.decay * (1 - math.exp(-self.updates / 200))
        for e, m in zip(self.model.state_dict().values(), model.state_dict().values()):
            if e.dtype.is_floating_point:
                e.mul_(d).add_(m.detach(), alpha=1 - d)
            else:
                e.copy_(m)


def learning_rate(step, total, peak, warmup):
    """Linear warm-up, then cosine decay to 5 % of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    t = (step - warmup) / max(1, total - warmup)
    return peak * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))))


def train_step(model, optimizer, images, built, device):
    """One optimisation step on a batch and its prebuilt targets (heat, box, weight); returns (heat loss, box loss)."""
    heat_logits, box = model(images.to(device, non_blocking=True))
    heat_t, box_t, weight = (t.to(device, non_blocking=True) for t in built)
    l_heat = focal_loss(heat_logits, heat_t)
    l_box = giou_loss(box, box_t, weight, STRIDE)
    loss = l_heat + GIOU_WEIGHT * l_box
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
    optimizer.step()
    return float(l_heat), float(l_box)


def batch_seed(seed, epoch, k):
    """One integer per (seed, epoch, batch) for the torch generator that draws a batch's sensor noise."""
    return int(np.random.default_rng([seed, epoch, k, 7]).integers(2**62))


class EpochBatches(torch.utils.data.Dataset):
    """Batch k of one epoch, augmented with its own generator seeded by (seed, epoch, k): the same batches
    whatever the number of worker processes. Targets are built here too, off the training process.

    With ``pixels`` (the default) an item is (images [B,3,S,S], targets); without, it is (k, image indices,
    augmentation params, targets), and the training process makes the pixels on its device
    (``Augmenter.apply_batch``, the same code)."""

    def __init__(self, dataset, augmenter, batch_size, num_classes, seed, epoch, repeat=1, pixels=True):
        self.dataset, self.augmenter, self.batch_size, self.num_classes = dataset, augmenter, batch_size, num_classes
        self.seed, self.epoch, self.pixels = seed, epoch, pixels
        self.order = np.concatenate([np.random.default_rng([seed, epoch, r]).permutation(len(dataset)) for r in range(repeat)])

    def __len__(self):
        return len(self.order) // self.batch_size

    def __getitem__(self, k):
        rng = np.random.default_rng([self.seed, self.epoch, k])
        indices = self.order[k * self.batch_size:(k + 1) * self.batch_size]
        params, targets = [], []
        for i in indices:
            p, b, c = self.augmenter.sample(self.dataset.images[i].shape, self.dataset.boxes[i], self.dataset.classes[i],
                                            rng, self.dataset.is_grey)
            params.append(p)
            targets.append((b, c))
        cells = self.augmenter.size // STRIDE
        built = build_targets(targets, self.num_classes, cells, cells, STRIDE)
        if not self.pixels:
            return k, indices, params, built
        generator = torch.Generator().manual_seed(batch_seed(self.seed, self.epoch, k))
        return self.augmenter.apply_batch([self.dataset.images[i] for i in indices], params, generator), built


def save_checkpoint(path, **state):
    """Writes atomically (temp file + rename) so an interrupted run never leaves a broken checkpoint."""
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if args.device == "auto" else args.device))
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    os.makedirs(args.out, exist_ok=True)
    num_classes = len(args.names)

    t0 = time.time()
    train_set = YoloDataset(args.train, num_classes)
    val_set = YoloDataset(args.val, num_classes) if args.val else None
    print(f"data: {len(train_set)} training images, {len(val_set) if val_set else 0} validation images, "
          f"classes {args.names} (loaded in {time.time() - t0:.0f} s)", flush=True)

    arch = arch_of(args.width_mult)
    model = SmallObjectNet(num_classes, **arch)
    print(f"device: {device}", flush=True)
    print(f"model: {count_parameters(model) / 1e6:.3f} M parameters, {count_macs(model, 640) / 1e9:.2f} GMAC at 640 px", flush=True)
    decay, no_decay = [], []
    for p in model.parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    if args.init:
        init = torch.load(args.init, map_location="cpu", weights_only=False)
        if init["names"] != args.names:
            raise SystemExit(f"--init {args.init} was trained for classes {init['names']}, not {args.names}")
        if (init.get("arch") or arch_of(1.0)) != arch:
            raise SystemExit(f"--init {args.init} has another network width ({init.get('arch')}); give its --width-mult")
        model.load_state_dict(init["model"])
        print(f"initialised from {args.init} (epoch {init.get('epoch')})", flush=True)
    model.to(device)
    # For --gpu-augment every training image lives on the device (uint8; 1.2 MB per 640-px photo).
    device_images = [torch.from_numpy(a).to(device) for a in train_set.images] if args.gpu_augment else None
    ema = ModelEma(model, args.ema) if args.ema > 0 else None
    augmenter = Augmenter(args.img_size, scale=tuple(args.scale), **PHOTOMETRIC[args.photometric])
    steps_per_epoch = len(train_set) * args.repeat // args.batch
    total_steps = steps_per_epoch * args.epochs

    start_epoch, step, history = 0, 0, []
    last_path = os.path.join(args.out, "last.pt")
    if args.resume:
        ck = torch.load(last_path, map_location=device, weights_only=False)
        model.load_state_dict(ck["model"])
        optimizer.load_state_dict(ck["optimizer"])
        if ema:
            ema.model.load_state_dict(ck["ema"])
            ema.updates = ck["ema_updates"]
        torch.set_rng_state(ck["torch_rng"])
        start_epoch, step, history = ck["epoch"] + 1, ck["step"], ck["history"]
        print(f"resumed from {last_path} after epoch {ck['epoch'] + 1}", flush=True)

    log_path = os.path.join(args.out, "log.csv")
    fields = ["epoch", "lr", "heat_loss", "box_loss", "ap50", "best_f1", "best_f1_score", "train_s", "data_s", "step_s", "val_s", "total_s"]
    if not args.resume:
        with open(log_path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerow(fields)

    budget_s = args.time_budget_min * 60
    t_start = time.time()
    epochs = 10**6 if budget_s > 0 else args.epochs
    for epoch in range(start_epoch, epochs):
        t_epoch = time.time()
        model.train()
        heat_sum = box_sum = 0.0
        n = 0
        data_s = step_s = 0.0
        batches = torch.utils.data.DataLoader(EpochBatches(train_set, augmenter, args.batch, num_classes, args.seed, epoch, args.repeat,
                                                           pixels=not args.gpu_augment),
                                              batch_size=None, shuffle=False, num_workers=args.workers,
                                              pin_memory=device.type == "cuda" and not args.gpu_augment,
                                              # torch 1.13 (Debian) refuses the argument without workers.
                                              **({"prefetch_factor": 4} if args.workers else {}))
        t_data = time.time()
        for item in batches:
            if args.gpu_augment:
                k, indices, params, built = item
                generator = torch.Generator(device=device).manual_seed(batch_seed(args.seed, epoch, k))
                images = augmenter.apply_batch([device_images[i] for i in indices], params, generator)
            else:
                images, built = item
            t_step = time.time()
            data_s += t_step - t_data
            if budget_s > 0:
                # Time, not steps, drives the schedule: the run ends when the budget does, fully annealed.
                frac = (time.time() - t_start) / budget_s
                lr = learning_rate(int(frac * 10**6), 10**6, args.lr, int(10**6 * 0.02))
            else:
                lr = learning_rate(step, total_steps, args.lr, args.warmup_steps)
            for g in optimizer.param_groups:
                g["lr"] = lr
            l_heat, l_box = train_step(model, optimizer, images, built, device)
            if ema:
                ema.update(model)
            heat_sum, box_sum, n, step = heat_sum + l_heat, box_sum + l_box, n + 1, step + 1
            t_data = time.time()
            step_s += t_data - t_step
        last_epoch = budget_s > 0 and time.time() - t_start >= budget_s

        row = {"epoch": epoch + 1, "lr": f"{lr:.2e}", "heat_loss": f"{heat_sum / n:.4f}", "box_loss": f"{box_sum / n:.4f}",
               "ap50": "", "best_f1": "", "best_f1_score": "", "train_s": f"{time.time() - t_epoch:.0f}",
               "data_s": f"{data_s:.1f}", "step_s": f"{step_s:.1f}"}
        t_val = time.time()
        eval_model = ema.model if ema else model
        evaluated = (epoch + 1) % args.eval_every == 0 or epoch + 1 == epochs or last_epoch
        if val_set and evaluated:
            report = evaluate(predict(ContractDetector(eval_model, downscale=args.val_downscale), val_set, args.val_size), val_set, args.names)
            first = report[args.names[0]]
            row.update(ap50=f"{report['map50']:.4f}", best_f1=f"{first['best_f1']:.3f}", best_f1_score=f"{first['best_f1_score']:.3f}")
        row["val_s"] = f"{time.time() - t_val:.0f}"
        history.append(row)
        row["total_s"] = f"{sum(float(r['train_s']) + float(r['val_s']) for r in history):.0f}"
        print("  ".join(f"{k} {v}" for k, v in row.items() if v != ""), flush=True)
        with open(log_path, "a", newline="", encoding="utf-8") as f:
            csv.writer(f).writerow([row[k] for k in fields])

        save_checkpoint(last_path, model=model.state_dict(), optimizer=optimizer.state_dict(),
                        ema=ema.model.state_dict() if ema else None, ema_updates=ema.updates if ema else 0,
                        torch_rng=torch.get_rng_state(), epoch=epoch, step=step, history=history, args=vars(args))
        weights = dict(model={k: v.cpu() for k, v in eval_model.state_dict().items()},
                       names=args.names, stride=STRIDE, img_size=args.img_size, epoch=epoch + 1, arch=arch, args=vars(args))
        save_checkpoint(os.path.join(args.out, "model.pt"), **weights)
        if args.keep_evals and evaluated:
            save_checkpoint(os.path.join(args.out, f"model-e{epoch + 1}.pt"), **weights)
        if last_epoch:
            print(f"time budget of {args.time_budget_min} min reached after epoch {epoch + 1} ({step} steps)", flush=True)
            break


if __name__ == "__main__":
    main()
