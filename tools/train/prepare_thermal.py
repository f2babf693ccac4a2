#!/usr/bin/python3
"""Builds the zone-split YOLO dataset for the thermal landmine model.

The Roboflow export (xamurani/landmines_detection v1, CC BY 4.0) was split into train/valid/test at random,
but the frames of one zone are near-duplicates (the same buried mine filmed from 0.3 to 11 m), so a random
split measures memory, not detection. This script pools all 948 frames and splits them by zone:

* ``Zone_N`` anywhere in the name (spellings vary: "Zone_7_Mine_5cm_depth", "Zone_7_Mine_5_cm_depth",
  "Zone_6__free_zone") → group ``zone{N}``;
* ``min8_1m`` (6 close-ups at 0.4–0.5 m, one big box; the zone is not named) → group ``min8``, always
  in training: if it is a close-up of a held-out zone, keeping it out of validation is what matters;
* anything else → group ``other``, always in training (none today; printed if it appears).

Zone 6 is the "free zone" (no mine of its own): its 25 frames, taken at 5–11 m, still carry boxes near the
image edges, most likely the mines of the neighbouring zones seen from above. They stay in training as
labelled.

Output (deterministic: sorted file lists, files copied, nothing random)::

    OUT/train/images, OUT/train/labels, OUT/val/images, OUT/val/labels, OUT/data.yaml, OUT/split.csv

Usage::

    /usr/bin/python3 tools/train/prepare_thermal.py --out /tmp/thermal-split [--source DIR] [--val-zones 3 5]

``--source`` defaults to ``../shared/data/thermal-landmines-ccby`` beside the repository.
"""
import argparse
import csv
import os
import re
import shutil

ZONE = re.compile(r"Zone_(\d+)", re.IGNORECASE)
DEPTH = re.compile(r"(\d+)_?cm_depth", re.IGNORECASE)
ALTITUDE = re.compile(r"__(\d+)-(\d*)m_")


def default_source():
    """``../shared/data/thermal-landmines-ccby`` beside the repository (where the README says the export is)."""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(os.path.dirname(repo), "shared", "data", "thermal-landmines-ccby")


def group_of(name):
    """Zone group of a frame from its file name (see the module doc)."""
    m = ZONE.search(name)
    if m:
        return f"zone{int(m.group(1))}"
    if name.split("_", 1)[-1].startswith("min8_"):
        return "min8"
    return "other"


def describe(name):
    """(depth in cm or '', altitude in m or '') parsed from a file name, for the manifest."""
    depth = DEPTH.search(name)
    alt = ALTITUDE.search(name)
    altitude = f"{alt.group(1)}.{alt.group(2) or '0'}" if alt else ""
    if "free_zone" in name:
        return "free", altitude
    return (depth.group(1) if depth else ""), altitude


def collect(source):
    """All (split, image file, label file) of the Roboflow export, sorted by file name."""
    rows = []
    for split in ("train", "valid", "test"):
        img_dir = os.path.join(source, split, "images")
        if not os.path.isdir(img_dir):
            continue
        for f in os.listdir(img_dir):
            label = os.path.join(source, split, "labels", os.path.splitext(f)[0] + ".txt")
            rows.append((f, split, os.path.join(img_dir, f), label))
    rows.sort()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default=default_source(),
                    help="the Roboflow export (train/valid/test folders); default: "
                         "../shared/data/thermal-landmines-ccby beside the repository")
    ap.add_argument("--out", required=True, help="output folder (outside the repository); replaced if it exists")
    ap.add_argument("--val-zones", type=int, nargs="+", default=[3, 5], help="zones held out for validation")
    args = ap.parse_args()

    rows = collect(args.source)
    if not rows:
        ap.error(f"--source {args.source}: no train/valid/test images there (is it the Roboflow export?)")
    val_groups = {f"zone{z}" for z in args.val_zones}
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    for part in ("train", "val"):
        for sub in ("images", "labels"):
            os.makedirs(os.path.join(args.out, part, sub))

    counts = {}
    with open(os.path.join(args.out, "split.csv"), "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["file", "roboflow_split", "group", "depth_cm", "altitude_m", "part", "boxes"])
        for name, split, image, label in rows:
            group = group_of(name)
            part = "val" if group in val_groups else "train"
            shutil.copyfile(image, os.path.join(args.out, part, "images", name))
            n_boxes = 0
            if os.path.exists(label):
                shutil.copyfile(label, os.path.join(args.out, part, "labels", os.path.basename(label)))
                with open(label, encoding="utf-8") as lf:
                    n_boxes = sum(1 for line in lf if line.strip())
            depth, altitude = describe(name)
            out.writerow([name, split, group, depth, altitude, part, n_boxes])
            c = counts.setdefault((part, group), [0, 0])
            c[0] += 1
            c[1] += n_boxes

    with open(os.path.join(args.out, "data.yaml"), "w", encoding="utf-8") as f:
        f.write(f"# Zone split of xamurani/landmines_detection (Roboflow Universe), CC BY 4.0\n"
                f"# validation zones: {' '.join(str(z) for z in args.val_zones)}\n"
                f"path: {os.path.abspath(args.out)}\ntrain: train/images\nval: val/images\nnames: ['landmine']\n")
    for (part, group), (n, b) in sorted(counts.items()):
        print(f"{part:5s} {group:6s} {n:4d} images {b:4d} boxes")
    for part in ("train", "val"):
        n = sum(v[0] for (p, _), v in counts.items() if p == part)
        b = sum(v[1] for (p, _), v in counts.items() if p == part)
        print(f"{part:5s} total  {n:4d} images {b:4d} boxes")


if __name__ == "__main__":
    main()
