#!/usr/bin/python3
"""Exports a trained checkpoint (train.py's model.pt) to a DroneScan ONNX model.

    /usr/bin/python3 tools/train/export_onnx.py --weights /tmp/runs/thermal/model.pt \\
        --out models/dronescan-thermal.onnx --name dronescan-thermal --version 1.0.0 \\
        --classes '{"landmine": ["unknown"]}'

The graph follows the DroneScan contract (src/DroneScan.Detection/OnnxDetector.cs): input ``images``
[N, 3, S, S] float32 RGB 0..1 (dynamic N, fixed square S); output ``output0`` [N, 4 + C, (S / 4)²] float32,
rows cx, cy, w, h in input pixels then C class scores in 0..1. Decoding happens inside the graph: sigmoid
heatmap, 3×3 max-pool peak mask (score = heat · [heat == maxpool(heat)], so each object gives one anchor and
DroneScan's NMS has little left to do), boxes cx = (x + 0.5 + dx) · 4, w = exp(log w) · 4.

Metadata: ``names`` ("{0: 'landmine'}"), ``imgsz`` ("[S, S]"), ``stride``, ``dronescan.model_name``,
``dronescan.model_version``, ``dronescan.classes`` (JSON, class → item types) and, only when given,
``dronescan.gsd_m`` (DroneScan rescales photos to it; leave it out when the training GSD is unknown).
Opset 17, checked with onnx.checker.
"""
import argparse
import json
import os

import onnx
import torch

from model import ContractDetector, count_macs, count_parameters, net_from_checkpoint

OPSET = 17


def load_net(weights):
    """model.pt → (SmallObjectNet in eval mode, checkpoint dict)."""
    ck = torch.load(weights, map_location="cpu", weights_only=False)
    return net_from_checkpoint(ck).eval(), ck


def python_dict_names(names):
    """['a', 'b'] → "{0: 'a', 1: 'b'}" (the Ultralytics form DroneScan parses)."""
    return "{" + ", ".join(f"{i}: {n!r}" for i, n in enumerate(names)) + "}"


def export(net, path, size, metadata, downscale=1, flip_tta=False):
    """Traces the contract-form detector at size × size and writes the ONNX file with metadata."""
    detector = ContractDetector(net, size=size, downscale=downscale, flip_tta=flip_tta).eval()
    dummy = torch.rand(1, 3, size, size)
    torch.onnx.export(detector, dummy, path, opset_version=OPSET, input_names=["images"], output_names=["output0"],
                      dynamic_axes={"images": {0: "batch"}, "output0": {0: "batch"}}, do_constant_folding=True)
    model = onnx.load(path)
    # The tracer names the reshaped dimensions symbolically; they are fixed (4 + C rows, (S / stride)² anchors),
    # and DroneScan checks the row count against 'names' at load when it is stated.
    dims = model.graph.output[0].type.tensor_type.shape.dim
    dims[1].dim_value = 4 + net.num_classes
    dims[2].dim_value = (size // detector.stride) ** 2
    for key, value in metadata.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    model.producer_name = "dronescan tools/train"
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", required=True, help="model.pt written by train.py")
    ap.add_argument("--out", required=True, help="ONNX file to write")
    ap.add_argument("--img-size", type=int, default=640, help="square input size S (the DroneScan tile size)")
    ap.add_argument("--name", required=True, help="dronescan.model_name")
    ap.add_argument("--version", required=True, help="dronescan.model_version")
    ap.add_argument("--classes", default=None, help="dronescan.classes: JSON object, class name → list of item types")
    ap.add_argument("--downscale", type=int, default=1,
                    help="average d × d input pixels before the net (for upscaled imagery; output stride 4·d)")
    ap.add_argument("--gsd-m", type=float, default=None, help="dronescan.gsd_m (metres per pixel); omit when unknown")
    ap.add_argument("--description", default=None, help="free-text description metadata")
    ap.add_argument("--flip-tta", action="store_true",
                    help="average the net with its left-right mirror image inside the graph (twice the compute)")
    ap.add_argument("--verifier", default=None,
                    help="dronescan.verifier: file name of the stage-2 chip verifier beside this model (verifier.py export)")
    ap.add_argument("--proposal-score", type=float, default=None,
                    help="dronescan.proposal_score: stage-1 threshold for the boxes the verifier checks")
    ap.add_argument("--default-conf", type=float, default=None,
                    help="dronescan.default_conf: the recommended threshold, the default of detect and scan --conf")
    ap.add_argument("--sensor", default=None, choices=("rgb", "thermal"),
                    help="dronescan.sensor: which photos automatic model choice sends to the model")
    ap.add_argument("--bands", default=None, help="dronescan.bands: the band of each input channel, e.g. red,green,blue")
    args = ap.parse_args()

    net, ck = load_net(args.weights)
    names = ck["names"]
    if args.img_size % (32 * args.downscale):
        raise SystemExit(f"--img-size {args.img_size} is not a multiple of 32 · {args.downscale} (the backbone's total stride)")
    classes = json.loads(args.classes) if args.classes else {n: [] for n in names}
    unknown = set(classes) - set(names)
    if unknown:
        raise SystemExit(f"--classes names {sorted(unknown)} that the model does not have ({names})")
    metadata = {
        "names": python_dict_names(names),
        "imgsz": f"[{args.img_size}, {args.img_size}]",
        "stride": str(ck["stride"] * args.downscale),
        "task": "detect",
        "dronescan.model_name": args.name,
        "dronescan.model_version": args.version,
        "dronescan.classes": json.dumps(classes),
    }
    if args.gsd_m:
        metadata["dronescan.gsd_m"] = repr(args.gsd_m)
    if args.description:
        metadata["description"] = args.description
    if args.flip_tta:
        metadata["dronescan.tta"] = "hflip"
    if args.verifier:
        metadata["dronescan.verifier"] = args.verifier
        metadata["dronescan.proposal_score"] = repr(args.proposal_score if args.proposal_score is not None else 0.05)
    if args.sensor:
        metadata["dronescan.sensor"] = args.sensor
    if args.bands:
        metadata["dronescan.bands"] = args.bands
    if args.default_conf is not None:
        metadata["dronescan.default_conf"] = repr(args.default_conf)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    model = export(net, args.out, args.img_size, metadata, args.downscale, args.flip_tta)
    out = model.graph.output[0].type.tensor_type.shape.dim
    print(f"wrote {args.out}: {os.path.getsize(args.out) / 1e6:.2f} MB, opset {OPSET}, "
          f"output [{', '.join(d.dim_param or str(d.dim_value) for d in out)}], "
          f"{count_parameters(net) / 1e6:.3f} M parameters, {count_macs(net, args.img_size // args.downscale) * (2 if args.flip_tta else 1) / 1e9:.2f} GMAC per tile, "
          f"epoch {ck.get('epoch')}")
    for key, value in metadata.items():
        print(f"  {key} = {value}")


if __name__ == "__main__":
    main()
