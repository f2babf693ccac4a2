#!/usr/bin/python3
"""Scores stage-1 checkpoints the way DroneScan runs them: each is exported without a verifier and put through
``dronescan eval --agnostic --conf S``, and the recall at IoU 0.5 of its merged boxes >= S (what the verifier would
be given) is read per flight from the eval JSON.

    /usr/bin/python3 tools/train/stage1_recall.py --data /tmp/pfm1/dev --out /tmp/h3/s1only \
        shipped=/tmp/hruns/s2full/model.pt /tmp/h2/s1/model-e*.pt

A checkpoint is ``TAG=PATH`` or a path (its tag is then the file name without ``.pt``). Prints one row per
checkpoint (objects found / objects and boxes per flight, pooled, boxes on the object-free tiles) and the best one
by pooled objects found (tie: fewer boxes). ``--summarise`` only reads ``OUT/TAG.json`` files already written.
Letterboxed Python coverage (``verifier.py``'s ``stage1_boxes``) ranks checkpoints differently from this
(``docs/rgb-real-imagery.md``); use this to choose.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CLI = os.path.join(ROOT, "src", "DroneScan.Cli", "bin", "Release", "net10.0", "dronescan.dll")
CLASSES = '{"ap_mine": ["PFM-1"], "at_mine": [], "uxo": ["KSF casing"]}'


def _at(node):
    a = node["overall"]["atConf"]
    return {"tp": int(a["tp"]), "objects": int(a["tp"] + a["fn"]), "boxes": int(a["tp"] + a["fp"])}


def summarise(report):
    """Eval JSON (``dronescan eval --json``) -> {"flights": {name: {tp, objects, boxes}}, "pooled": {...},
    "object_free_boxes": n}. Counts are at the run's ``--conf``."""
    return {"flights": {f["name"]: _at(f) for f in report.get("flights", [])},
            "pooled": _at(report),
            "object_free_boxes": int(report["objectFree"]["boxes"]) if report.get("objectFree") else None,
            "conf": report.get("conf")}


def best(rows):
    """rows: {tag: summarise(...)} -> the tag with most objects found pooled, then fewest boxes pooled."""
    return min(rows, key=lambda t: (-rows[t]["pooled"]["tp"], rows[t]["pooled"]["boxes"]))


def format_row(tag, s):
    cells = [f"{v['tp']}/{v['objects']}, {v['boxes']} boxes" for v in s["flights"].values()]
    p = s["pooled"]
    cells.append(f"{p['tp']}/{p['objects']} ({p['tp'] / max(p['objects'], 1):.2f}), {p['boxes']} boxes")
    cells.append(str(s["object_free_boxes"]))
    return f"| {tag} | " + " | ".join(cells) + " |"


def parse_ckpt(arg):
    if "=" in arg:
        tag, path = arg.split("=", 1)
    else:
        path = arg
        tag = os.path.splitext(os.path.basename(arg))[0]
    return tag, path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ckpts", nargs="+", help="TAG=model.pt or model.pt (train.py's EMA weights)")
    ap.add_argument("--data", required=True, help="development folder in the dronescan eval layout")
    ap.add_argument("--out", required=True, help="folder for TAG.onnx and TAG.json")
    ap.add_argument("--conf", type=float, default=0.05, help="the pair's proposal score")
    ap.add_argument("--gsd-m", type=float, default=0.0028)
    ap.add_argument("--classes", default=CLASSES)
    ap.add_argument("--cli", default=CLI, help="dronescan.dll (built with dotnet build -c Release)")
    ap.add_argument("--summarise", action="store_true", help="only read OUT/TAG.json")
    args = ap.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    rows = {}
    for arg in args.ckpts:
        tag, path = parse_ckpt(arg)
        onnx, js = os.path.join(args.out, tag + ".onnx"), os.path.join(args.out, tag + ".json")
        if not args.summarise:
            exp = subprocess.run([sys.executable, os.path.join(HERE, "export_onnx.py"), "--weights", path, "--out", onnx,
                                  "--name", "s1-" + tag, "--version", "0.0.1", "--gsd-m", str(args.gsd_m),
                                  "--classes", args.classes, "--sensor", "rgb", "--bands", "red,green,blue"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if exp.returncode:
                sys.exit(f"export of {path} failed:\n{exp.stdout}")
            with open(js, "w", encoding="utf-8") as f:
                subprocess.run(["dotnet", args.cli, "eval", "--data", args.data, "--model", onnx, "--agnostic",
                                "--conf", str(args.conf), "--json"], check=True, stdout=f)
        with open(js, encoding="utf-8") as f:
            rows[tag] = summarise(json.load(f))
        print(format_row(tag, rows[tag]), flush=True)
    print(f"best by pooled objects found (tie: fewer boxes): {best(rows)}")


if __name__ == "__main__":
    main()
