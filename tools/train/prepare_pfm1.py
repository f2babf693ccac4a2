#!/usr/bin/python3
"""Builds the day-split YOLO dataset of real PFM-1 drone tiles for the RGB model, plus mine-free background tiles.

Source: ``pfm1-binghamton`` (one folder per flight, YOLO labels, class 0 ``ksf-casing``, 1 ``pfm-1``; de Smet,
Nikulin, Baur (2020), Binghamton University; Apache 2.0 as stated by joelUSD/PFM1-Detection). The two flights of
one day fly over the same plot and the same mines, so the split is by day, never at random:

* development (never trained on; thresholds and checkpoints are picked here): 2020-03-16, ``Phan4_200316_F02`` and
  ``Phan4_200316_F03``;
* training: the four flights of 2019-11-05 (M600) and 2021-04-14 (Phantom 4).

Classes are mapped to the RGB model's: ``pfm-1`` → ``ap_mine``, ``ksf-casing`` (the PFM-1's dispenser cassette, a
piece of ordnance debris that marks a strike) → ``uxo``. Tiles without objects are kept: they are the real ratio.

Mine-free CC0 drone photos (``caliterra-cc0``, ``garfield-cc0``; CC0 1.0) add background tiles: crops upsampled
to the model's GSD as ``dronescan detect`` would (their GSD is 1.9-3 cm/px, the model's ~0.4 cm/px). Every
fifth caliterra photo and the garfield photos whose index is odd are held out (``cc0-holdout``) for the
false-alarm check and never used for training.

Output (deterministic; images are symlinked, labels written)::

    OUT/train/{images,labels}            four training flights + CC0 background tiles (+ --paste tiles)
    OUT/dev/<flight>/{images,labels}     the two development flights, one folder each (dronescan eval layout)
    OUT/heldout/<flight>/...             with --holdout-day: a leave-one-day-out split instead
    OUT/cc0-holdout/images               held-out CC0 photos (whole, for the false-alarm check)
    OUT/data.yaml                        names, train, val (= the development flights pooled)

Usage::

    /usr/bin/python3 tools/train/prepare_pfm1.py --out /tmp/pfm1 [--shared ../shared/data]
"""
import argparse
import os
import shutil

import numpy as np
from PIL import Image

NAMES = ["ap_mine", "at_mine", "uxo"]
CLASS_MAP = {0: 2, 1: 0}  # ksf-casing → uxo, pfm-1 → ap_mine
DEV_DAY = "200316"
MODEL_GSD_M = 0.004
CC0_GSD_M = {"caliterra-cc0": 0.019, "garfield-cc0": 0.030}
MAX_UPSCALE = 4.0  # what dronescan detect clamps the GSD rescale to


def default_shared():
    """``../shared/data`` beside the repository (the layout of the project's machines)."""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(os.path.dirname(repo), "shared", "data")


def day_of(flight):
    """``Phan4_200316_F02`` → ``200316``."""
    return flight.split("_")[1]


def remap_labels(src, dst):
    """Copies a YOLO label file with the class ids mapped to the model's."""
    lines = []
    if os.path.exists(src):
        with open(src, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                parts = line.split()
                if not parts:
                    continue
                c = int(parts[0])
                if c not in CLASS_MAP:
                    raise ValueError(f"{src}:{n}: unknown class {c}")
                lines.append(" ".join([str(CLASS_MAP[c])] + parts[1:]))
    with open(dst, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
    return len(lines)


def link_flight(flight_dir, images_out, labels_out):
    """Symlinks a flight's images and writes its remapped labels; returns (tiles, objects)."""
    os.makedirs(images_out, exist_ok=True)
    os.makedirs(labels_out, exist_ok=True)
    tiles = objects = 0
    for name in sorted(os.listdir(os.path.join(flight_dir, "images"))):
        stem = os.path.splitext(name)[0]
        dst = os.path.join(images_out, name)
        if os.path.lexists(dst):
            os.remove(dst)
        os.symlink(os.path.abspath(os.path.join(flight_dir, "images", name)), dst)
        objects += remap_labels(os.path.join(flight_dir, "labels", stem + ".txt"), os.path.join(labels_out, stem + ".txt"))
        tiles += 1
    return tiles, objects


def cc0_split(shared):
    """(training photos, held-out photos) of the CC0 sets, by a fixed rule on the sorted file names."""
    train, held = [], []
    for folder in sorted(CC0_GSD_M):
        files = sorted(f for f in os.listdir(os.path.join(shared, folder)) if f.lower().endswith(".jpg"))
        for i, f in enumerate(files):
            held_out = (i % 5 == 4) if folder == "caliterra-cc0" else (i % 2 == 1)
            (held if held_out else train).append((folder, os.path.join(shared, folder, f)))
    return train, held


def background_tiles(photos, out_images, out_labels, per_photo, tile, seed):
    """Random crops of mine-free photos, upsampled to the model's GSD (clamped as detect does), saved as JPEG."""
    rng = np.random.default_rng(seed)
    os.makedirs(out_images, exist_ok=True)
    os.makedirs(out_labels, exist_ok=True)
    count = 0
    for folder, path in photos:
        scale = min(MAX_UPSCALE, CC0_GSD_M[folder] / MODEL_GSD_M)
        src = int(round(tile / scale))
        with Image.open(path) as im:
            im = im.convert("RGB")
            for k in range(per_photo):
                x = int(rng.integers(0, im.width - src))
                y = int(rng.integers(0, im.height - src))
                crop = im.crop((x, y, x + src, y + src)).resize((tile, tile), Image.BILINEAR)
                stem = f"cc0_{os.path.splitext(os.path.basename(path))[0]}_{k}"
                crop.save(os.path.join(out_images, stem + ".jpg"), quality=90)
                open(os.path.join(out_labels, stem + ".txt"), "w", encoding="utf-8").close()
                count += 1
    return count


def cutouts(flight_dirs, margin=0.35):
    """Every labelled object of the training flights as (RGBA patch with a feathered elliptical mask, class,
    box inside the patch)."""
    from PIL import ImageDraw, ImageFilter

    out = []
    for flight_dir in flight_dirs:
        for name in sorted(os.listdir(os.path.join(flight_dir, "images"))):
            label = os.path.join(flight_dir, "labels", os.path.splitext(name)[0] + ".txt")
            rows = [line.split() for line in open(label, encoding="utf-8") if line.strip()] if os.path.exists(label) else []
            if not rows:
                continue
            with Image.open(os.path.join(flight_dir, "images", name)) as im:
                im = im.convert("RGB")
                for r in rows:
                    c, cx, cy, w, h = int(r[0]), *(float(v) for v in r[1:])
                    bw, bh = w * im.width, h * im.height
                    mx, my = bw * margin, bh * margin
                    x1, y1 = int(cx * im.width - bw / 2 - mx), int(cy * im.height - bh / 2 - my)
                    x2, y2 = int(cx * im.width + bw / 2 + mx), int(cy * im.height + bh / 2 + my)
                    if x1 < 0 or y1 < 0 or x2 > im.width or y2 > im.height:
                        continue  # cut at the tile border: its mask would show the edge
                    patch = im.crop((x1, y1, x2, y2)).convert("RGBA")
                    mask = Image.new("L", patch.size, 0)
                    ImageDraw.Draw(mask).ellipse((mx * 0.3, my * 0.3, patch.width - mx * 0.3, patch.height - my * 0.3), fill=255)
                    patch.putalpha(mask.filter(ImageFilter.GaussianBlur(max(1.0, min(mx, my) * 0.4))))
                    box = (cx * im.width - bw / 2 - x1, cy * im.height - bh / 2 - y1, cx * im.width + bw / 2 - x1, cy * im.height + bh / 2 - y1)
                    out.append((patch, CLASS_MAP[c], box))
    return out


def paste_tiles(objects, backgrounds, out_images, out_labels, count, seed, native_gsd_m=0.0028):
    """Real object cut-outs pasted onto mine-free real ground: each tile is a background (a CC0 crop at the model's
    GSD or a mine-free training tile) with 1-4 objects, scaled from their flights' ~0.28 cm/px to the model's
    GSD on the CC0 crops (which are at that GSD) or kept at scale on the flights' own tiles (with ±30 %), turned,
    mirrored and re-lit towards the ground around them."""
    from PIL import ImageEnhance

    rng = np.random.default_rng(seed)
    base = native_gsd_m / MODEL_GSD_M
    for k in range(count):
        path = backgrounds[int(rng.integers(len(backgrounds)))]
        bg = Image.open(path).convert("RGB")
        scale = base if os.path.basename(path).startswith("cc0_") else 1.0
        labels = []
        for _ in range(int(rng.integers(1, 5))):
            patch, cls, box = objects[int(rng.integers(len(objects)))]
            s = scale * float(np.exp(rng.uniform(np.log(0.7), np.log(1.4))))
            patch = patch.resize((max(2, int(patch.width * s)), max(2, int(patch.height * s))), Image.BILINEAR)
            box = [v * s for v in box]
            turns = int(rng.integers(4))
            for _t in range(turns):  # 90° anticlockwise: (x, y) → (y, W - x)
                w = patch.width
                patch = patch.transpose(Image.ROTATE_90)
                box = [box[1], w - box[2], box[3], w - box[0]]
            if rng.random() < 0.5:
                w = patch.width
                patch = patch.transpose(Image.FLIP_LEFT_RIGHT)
                box = [w - box[2], box[1], w - box[0], box[3]]
            if bg.width <= patch.width or bg.height <= patch.height:
                continue
            x = int(rng.integers(0, bg.width - patch.width))
            y = int(rng.integers(0, bg.height - patch.height))
            rgb, alpha = patch.convert("RGB"), patch.getchannel("A")
            # Re-light: move the object's brightness part of the way towards the ground it lands on.
            ground = np.asarray(bg.crop((x, y, x + patch.width, y + patch.height)), np.float32).mean()
            own = max(1.0, np.asarray(rgb, np.float32).mean())
            rgb = ImageEnhance.Brightness(rgb).enhance(float((ground / own) ** rng.uniform(0.2, 0.6)))
            rgb = ImageEnhance.Color(rgb).enhance(float(rng.uniform(0.7, 1.3)))
            bg.paste(rgb, (x, y), alpha)
            labels.append((cls, (x + box[0]), (y + box[1]), (x + box[2]), (y + box[3])))
        stem = f"paste_{k:04d}"
        bg.save(os.path.join(out_images, stem + ".jpg"), quality=int(rng.integers(75, 95)))
        with open(os.path.join(out_labels, stem + ".txt"), "w", encoding="utf-8") as f:
            for cls, x1, y1, x2, y2 in labels:
                f.write(f"{cls} {(x1 + x2) / 2 / bg.width:.6f} {(y1 + y2) / 2 / bg.height:.6f} "
                        f"{(x2 - x1) / bg.width:.6f} {(y2 - y1) / bg.height:.6f}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--shared", default=default_shared(), help="the shared data folder (default: ../shared/data)")
    ap.add_argument("--holdout-day", default=DEV_DAY, help="day (yymmdd) kept out of training (default 200316)")
    ap.add_argument("--cc0-per-photo", type=int, default=6, help="background tiles per training CC0 photo")
    ap.add_argument("--paste", type=int, default=0,
                    help="copy-paste tiles: real training objects pasted onto mine-free ground (0: none)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    src = os.path.join(args.shared, "pfm1-binghamton")
    if not os.path.isdir(src):
        ap.error(f"{src}: not found (give --shared)")
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    flights = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d, "images")))
    for flight in flights:
        if day_of(flight) == args.holdout_day:
            t, o = link_flight(os.path.join(src, flight), os.path.join(args.out, "dev", flight, "images"),
                               os.path.join(args.out, "dev", flight, "labels"))
            print(f"dev    {flight}: {t} tiles, {o} objects")
        else:
            t, o = link_flight(os.path.join(src, flight), os.path.join(args.out, "train", "images"),
                               os.path.join(args.out, "train", "labels"))
            print(f"train  {flight}: {t} tiles, {o} objects")
    # The development flights pooled, for train.py's validation.
    for flight in flights:
        if day_of(flight) == args.holdout_day:
            link_flight(os.path.join(src, flight), os.path.join(args.out, "dev-all", "images"),
                        os.path.join(args.out, "dev-all", "labels"))

    train_photos, held_photos = cc0_split(args.shared)
    n = background_tiles(train_photos, os.path.join(args.out, "train", "images"), os.path.join(args.out, "train", "labels"),
                         args.cc0_per_photo, 640, args.seed)
    print(f"train  CC0 background: {n} tiles from {len(train_photos)} photos")
    if args.paste:
        train_flights = [os.path.join(src, f) for f in flights if day_of(f) != args.holdout_day]
        objects = cutouts(train_flights)
        images_dir = os.path.join(args.out, "train", "images")
        empty = [os.path.join(images_dir, f) for f in sorted(os.listdir(images_dir))
                 if os.path.getsize(os.path.join(args.out, "train", "labels", os.path.splitext(f)[0] + ".txt")) == 0]
        paste_tiles(objects, empty, images_dir, os.path.join(args.out, "train", "labels"), args.paste, args.seed + 1)
        print(f"train  copy-paste: {args.paste} tiles, {len(objects)} cut-outs on {len(empty)} mine-free tiles")
    held_dir = os.path.join(args.out, "cc0-holdout", "images")
    os.makedirs(held_dir, exist_ok=True)
    os.makedirs(os.path.join(args.out, "cc0-holdout", "labels"), exist_ok=True)
    for _, path in held_photos:
        os.symlink(os.path.abspath(path), os.path.join(held_dir, os.path.basename(path)))
    print(f"held   CC0 photos: {', '.join(os.path.basename(p) for _, p in held_photos)}")
    with open(os.path.join(args.out, "data.yaml"), "w", encoding="utf-8") as f:
        f.write(f"path: {os.path.abspath(args.out)}\ntrain: train/images\nval: dev-all/images\nnames: {NAMES}\n")


if __name__ == "__main__":
    main()
