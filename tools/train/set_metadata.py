#!/usr/bin/python3
"""Copies an ONNX model with metadata entries set or removed, weights untouched: how a shipped model's recommended
settings change without retraining (e.g. dronescan-rgb-pfm1 0.5.0: the 0.4.0 weights with another proposal score,
default threshold and a screen; models/dronescan-rgb-pfm1.md).

    /usr/bin/python3 tools/train/set_metadata.py IN.onnx OUT.onnx dronescan.proposal_score=0.01 dronescan.screen=
"""
import sys

import onnx


def set_metadata(model, entries):
    """``entries``: {key: value}; an empty value removes the key. Other entries keep their order; new ones follow."""
    props = {p.key: p.value for p in model.metadata_props}
    for key, value in entries.items():
        if value == "":
            props.pop(key, None)
        else:
            props[key] = value
    del model.metadata_props[:]
    for key, value in props.items():
        e = model.metadata_props.add()
        e.key, e.value = key, value
    return model


def main(argv):
    if len(argv) < 3 or any("=" not in a for a in argv[2:]):
        raise SystemExit(__doc__)
    entries = dict(a.split("=", 1) for a in argv[2:])
    model = onnx.load(argv[0])
    onnx.save(set_metadata(model, entries), argv[1])
    print(f"wrote {argv[1]}: " + ", ".join(f"{k}={v or '(removed)'}" for k, v in entries.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
