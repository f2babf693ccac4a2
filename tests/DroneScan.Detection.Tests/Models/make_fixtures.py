#!/usr/bin/python3
"""Writes the small ONNX models the detection tests load (run with Debian's python3-onnx):

    /usr/bin/python3 tests/DroneScan.Detection.Tests/Models/make_fixtures.py

Each model is a real ONNX graph that ONNX Runtime executes. The output follows the Ultralytics YOLOv8/YOLO11
detection export: [N, 4 + C, A] float32, rows cx, cy, w, h (input pixels) then C class scores. The prediction
is a fixed table K plus the mean brightness of the input on one score entry, so tests can tell a black tile
from a white one and know every box exactly:

    out[n] = K + mean(images[n]) * S
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 13


def brightness_model(k, s, input_size=640, input_type=TensorProto.FLOAT, output_rank=3):
    """images [N,3,H,W] -> output0 [N,4+C,A] = K + mean(images) * S."""
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["mean4"], axes=[1, 2, 3], keepdims=1),
        helper.make_node("Reshape", ["mean4", "shape3"], ["mean3"]),
        helper.make_node("Mul", ["mean3", "S"], ["scaled"]),
        helper.make_node("Add", ["scaled", "K"], ["output0" if output_rank == 3 else "out3"]),
    ]
    inits = [
        numpy_helper.from_array(np.asarray(k, np.float32)[None], "K"),
        numpy_helper.from_array(np.asarray(s, np.float32)[None], "S"),
        numpy_helper.from_array(np.array([-1, 1, 1], np.int64), "shape3"),
    ]
    if output_rank != 3:
        nodes.append(helper.make_node("Flatten", ["out3"], ["output0"], axis=1))
    if input_type != TensorProto.FLOAT:
        nodes.insert(0, helper.make_node("Cast", ["images_in"], ["images"], to=TensorProto.FLOAT))
    rows, anchors = np.asarray(k).shape
    out_shape = ["batch", rows, anchors] if output_rank == 3 else ["batch", rows * anchors]
    graph = helper.make_graph(
        nodes,
        "detector",
        [helper.make_tensor_value_info("images" if input_type == TensorProto.FLOAT else "images_in", input_type, ["batch", 3, input_size, input_size])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, out_shape)],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dronescan-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def with_metadata(model, **entries):
    for key, value in entries.items():
        prop = model.metadata_props.add()
        prop.key, prop.value = key, value
    return model


def save(model, name):
    onnx.save(model, os.path.join(HERE, name))


def one_class_table():
    # 3 anchors; anchor 0 scores only with a bright input; anchor 1 always 0.8; anchor 2 always 0.1.
    k = np.zeros((5, 3), np.float32)
    k[:4, 0] = [100, 120, 20, 10]
    k[:4, 1] = [320, 320, 40, 40]
    k[4, 1] = 0.8
    k[:4, 2] = [600, 50, 16, 16]
    k[4, 2] = 0.1
    s = np.zeros_like(k)
    s[4, 0] = 1.0
    return k, s


def three_class_table():
    # ap_mine / at_mine / uxo; anchor 0 is an at_mine (0.7), anchor 1 a uxo (0.9) that overlaps it.
    k = np.zeros((7, 2), np.float32)
    k[:4, 0] = [200, 200, 60, 60]
    k[4:, 0] = [0.2, 0.7, 0.05]
    k[:4, 1] = [210, 205, 60, 60]
    k[4:, 1] = [0.1, 0.3, 0.9]
    return k, np.zeros_like(k)


def white_box_detector(size=256, stride=4, score=0.9):
    """A detector of one pattern, white rectangles on a dark ground, whose boxes are exact: at each anchor
    (pixel 2 of every stride × stride cell) on a white pixel it counts the white run to the left/right (CumSum
    along the row) and above/below, so the box is the visible extent of the rectangle in the tile. Assumes one
    rectangle per row and column of a tile. Output [N, 5, (size/stride)²] like a one-class YOLO export."""
    g = size // stride
    centre = np.arange(g, dtype=np.float32) * stride + 2
    xgrid = np.broadcast_to(centre[None, None, None, :], (1, 1, g, g)).astype(np.float32)
    ygrid = np.broadcast_to(centre[None, None, :, None], (1, 1, g, g)).astype(np.float32)
    c = lambda name, arr: numpy_helper.from_array(np.asarray(arr), name)
    nodes = [
        helper.make_node("ReduceMean", ["images"], ["gray"], axes=[1], keepdims=1),
        helper.make_node("Greater", ["gray", "half"], ["maskb"]),
        helper.make_node("Cast", ["maskb"], ["mask"], to=TensorProto.FLOAT),
        helper.make_node("CumSum", ["mask", "ax3"], ["L"]),
        helper.make_node("ReduceSum", ["mask", "axes3"], ["T"], keepdims=1),
        helper.make_node("Sub", ["T", "L"], ["R"]),
        helper.make_node("CumSum", ["mask", "ax2"], ["U"]),
        helper.make_node("ReduceSum", ["mask", "axes2"], ["C"], keepdims=1),
        helper.make_node("Sub", ["C", "U"], ["D"]),
    ]
    for name in ["mask", "L", "R", "U", "D"]:
        nodes.append(helper.make_node("Slice", [name, "starts", "ends", "sl_axes", "steps"], [name + "_s"]))
    nodes += [
        # cx = x + 1 + (R - L) / 2, w = L + R (the run length); likewise along y.
        helper.make_node("Sub", ["R_s", "L_s"], ["rl"]),
        helper.make_node("Mul", ["rl", "halfc"], ["rl2"]),
        helper.make_node("Add", ["xg", "rl2"], ["cx"]),
        helper.make_node("Sub", ["D_s", "U_s"], ["du"]),
        helper.make_node("Mul", ["du", "halfc"], ["du2"]),
        helper.make_node("Add", ["yg", "du2"], ["cy"]),
        helper.make_node("Add", ["L_s", "R_s"], ["w"]),
        helper.make_node("Add", ["U_s", "D_s"], ["h"]),
        helper.make_node("Mul", ["mask_s", "scorec"], ["score"]),
        helper.make_node("Concat", ["cx", "cy", "w", "h", "score"], ["cat"], axis=1),
        helper.make_node("Reshape", ["cat", "outshape"], ["output0"]),
    ]
    inits = [
        c("half", np.array(0.5, np.float32)), c("halfc", np.array(0.5, np.float32)), c("scorec", np.array(score, np.float32)),
        c("ax3", np.array(3, np.int64)), c("ax2", np.array(2, np.int64)),
        c("axes3", np.array([3], np.int64)), c("axes2", np.array([2], np.int64)),
        c("starts", np.array([2, 2], np.int64)), c("ends", np.array([size, size], np.int64)),
        c("sl_axes", np.array([2, 3], np.int64)), c("steps", np.array([stride, stride], np.int64)),
        c("xg", xgrid + 1), c("yg", ygrid + 1), c("outshape", np.array([-1, 5, g * g], np.int64)),
    ]
    graph = helper.make_graph(
        nodes, "white-box-detector",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, size, size])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["batch", 5, g * g])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dronescan-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def bench_detector(size=640, classes=3, seed=7):
    """A detector of realistic size and cost for timing (random weights, ~0.1 M parameters, ~0.75 GMAC per
    640-px tile, stride-8 output [N, 4 + C, 6400]); it detects nothing meaningful."""
    rng = np.random.default_rng(seed)
    layers = [(3, 16, 2), (16, 32, 2), (32, 64, 2), (64, 64, 1), (64, 64, 1)]
    nodes, inits, x = [], [], "images"
    for i, (cin, cout, stride) in enumerate(layers):
        w = (rng.standard_normal((cout, cin, 3, 3)) * np.sqrt(2 / (cin * 9))).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(np.zeros(cout, np.float32), f"b{i}")]
        nodes += [
            helper.make_node("Conv", [x, f"w{i}", f"b{i}"], [f"c{i}"], kernel_shape=[3, 3], strides=[stride, stride], pads=[1, 1, 1, 1]),
            helper.make_node("Relu", [f"c{i}"], [f"r{i}"]),
        ]
        x = f"r{i}"
    head = (rng.standard_normal((4 + classes, 64, 1, 1)) * 0.01).astype(np.float32)
    bias = np.array([0, 0, 0, 0] + [-8] * classes, np.float32)
    g = size // 8
    inits += [numpy_helper.from_array(head, "wh"), numpy_helper.from_array(bias, "bh"),
              numpy_helper.from_array(np.array([-1, 4 + classes, g * g], np.int64), "outshape")]
    nodes += [
        helper.make_node("Conv", [x, "wh", "bh"], ["head"], kernel_shape=[1, 1]),
        helper.make_node("Reshape", ["head", "outshape"], ["raw"]),
        helper.make_node("Sigmoid", ["raw"], ["output0"]),
    ]
    graph = helper.make_graph(
        nodes, "bench-detector",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch", 3, size, size])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, ["batch", 4 + classes, g * g])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dronescan-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return with_metadata(model, names="{0: 'ap_mine', 1: 'at_mine', 2: 'uxo'}", imgsz=f"[{size}, {size}]", stride="8")


def centre_red_verifier(size=32, channel=0):
    """A chip verifier: chips [N, 3, S, S] -> [N, 1] = the mean red (``channel`` 0; 1 green) of the chip's central
    4 x 4 samples, so a test knows p2 from the colour of the object the chip is centred on, whatever its edges and
    context look like."""
    c = size // 2
    c_ = lambda name, arr: numpy_helper.from_array(np.asarray(arr), name)
    nodes = [
        helper.make_node("Slice", ["chips", "starts", "ends", "axes"], ["centre"]),
        helper.make_node("ReduceMean", ["centre"], ["prob"], axes=[2, 3], keepdims=0),
    ]
    inits = [
        c_("starts", np.array([channel, c - 2, c - 2], np.int64)), c_("ends", np.array([channel + 1, c + 2, c + 2], np.int64)),
        c_("axes", np.array([1, 2, 3], np.int64)),
    ]
    graph = helper.make_graph(
        nodes, "centre-red-verifier",
        [helper.make_tensor_value_info("chips", TensorProto.FLOAT, ["batch", 3, size, size])],
        [helper.make_tensor_value_info("prob", TensorProto.FLOAT, ["batch", 1])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dronescan-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def box_red_verifier(size=32, deltas=(0.125, -0.0625, np.log(0.25), np.log(0.5)), columns=5):
    """A chip verifier that also places the box: chips [N, 3, S, S] -> [N, 5] = the mean red of the central 4 x 4
    samples (as centre_red_verifier), then fixed deltas dx, dy, log w, log h for every chip, so a test knows the
    refined box from the chip window alone: centre (cx + dx L, cy + dy L), size e^lw L x e^lh L. ``columns`` other
    than 5 makes a verifier that breaks the contract."""
    c = size // 2
    c_ = lambda name, arr: numpy_helper.from_array(np.asarray(arr), name)
    nodes = [
        helper.make_node("Slice", ["chips", "starts", "ends", "axes"], ["centre"]),
        helper.make_node("ReduceMean", ["centre"], ["p"], axes=[2, 3], keepdims=0),
        helper.make_node("Mul", ["p", "zero"], ["zeros"]),
        helper.make_node("Add", ["zeros", "deltas"], ["d"]),
        helper.make_node("Concat", ["p", "d"], ["out"], axis=1),
    ]
    inits = [
        c_("starts", np.array([0, c - 2, c - 2], np.int64)), c_("ends", np.array([1, c + 2, c + 2], np.int64)),
        c_("axes", np.array([1, 2, 3], np.int64)), c_("zero", np.array(0, np.float32)),
        c_("deltas", np.asarray(deltas, np.float32)[None, :columns - 1]),
    ]
    graph = helper.make_graph(
        nodes, "box-red-verifier",
        [helper.make_tensor_value_info("chips", TensorProto.FLOAT, ["batch", 3, size, size])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["batch", columns])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="dronescan-fixtures")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def two_class_overlap_table():
    # ap_mine / uxo, fixed whatever the input: anchor 0 an ap_mine (0.9) at (100, 100) 20 x 20, anchor 1 a uxo (0.4)
    # at (101, 100) 20 x 20 — one object seen as two classes, which class-aware merging keeps as two boxes.
    k = np.zeros((6, 2), np.float32)
    k[:4, 0] = [100, 100, 20, 20]
    k[4:, 0] = [0.9, 0.0]
    k[:4, 1] = [101, 100, 20, 20]
    k[4:, 1] = [0.0, 0.4]
    return k, np.zeros_like(k)


k1, s1 = one_class_table()
save(with_metadata(
    brightness_model(k1, s1),
    description="Ultralytics YOLOv8n model trained on landmines.yaml",
    author="Ultralytics", date="2024-05-01T10:00:00", version="8.2.0", license="AGPL-3.0 License",
    docs="https://docs.ultralytics.com", stride="32", task="detect", batch="1",
    imgsz="[640, 640]", names="{0: 'landmine'}",
), "ultralytics-1class.onnx")

k3, s3 = three_class_table()
save(with_metadata(
    brightness_model(k3, s3, input_size=320),
    names="{0: 'ap_mine', 1: 'at_mine', 2: 'uxo'}", imgsz="[320, 320]", stride="8",
    **{"dronescan.gsd_m": "0.01", "dronescan.classes": "{\"ap_mine\": [\"PFM-1\", \"PMN-2\"], \"at_mine\": [\"TM-62M\"], \"uxo\": [\"M77\"]}",
       "dronescan.model_name": "fixture-3class", "dronescan.model_version": "0.1.0"},
), "dronescan-3class.onnx")

# No metadata at all: names come out as class0…, size from the input shape.
save(brightness_model(k1, s1, input_size=256), "bare-1class.onnx")

# Broken contracts, each failing at load.
save(brightness_model(k1, s1, output_rank=2), "bad-output-rank.onnx")
save(brightness_model(k1, s1, input_type=TensorProto.INT32), "bad-input-type.onnx")
save(with_metadata(brightness_model(k1, s1), names="{0: 'a', 1: 'b'}"), "bad-names-count.onnx")
save(with_metadata(white_box_detector(), names="{0: 'white_box'}", imgsz="[256, 256]", stride="4"), "white-box-256.onnx")
save(bench_detector(), "bench-640.onnx")

# Two-stage models: a detector naming a chip verifier in its folder (dronescan.verifier), and broken variants.
save(with_metadata(
    centre_red_verifier(),
    **{"dronescan.model_name": "fixture-verifier", "dronescan.model_version": "0.2.0",
       "dronescan.chip_context": "1.5", "dronescan.chip_min_px": "8", "dronescan.verify_weight": "0.5"},
), "verifier-red-32.onnx")
save(with_metadata(
    white_box_detector(), names="{0: 'white_box'}", imgsz="[256, 256]", stride="4",
    **{"dronescan.verifier": "verifier-red-32.onnx", "dronescan.proposal_score": "0.05", "dronescan.default_conf": "0.3"},
), "white-box-256-verified.onnx")
save(with_metadata(brightness_model(k1, s1), names="{0: 'landmine'}", **{"dronescan.verifier": "no-such-verifier.onnx"}), "verifier-missing.onnx")
save(with_metadata(brightness_model(k1, s1), names="{0: 'landmine'}", **{"dronescan.verifier": "not-a-model.onnx"}), "verifier-not-a-model.onnx")
save(with_metadata(brightness_model(k1, s1), names="{0: 'landmine'}", **{"dronescan.verifier": "bare-1class.onnx"}), "verifier-wrong-contract.onnx")
save(with_metadata(brightness_model(k1, s1), names="{0: 'landmine'}", **{"dronescan.default_conf": "high"}), "bad-default-conf.onnx")

# Box refinement: a verifier with output [N, 5] (probability, then dx, dy, log w, log h), detectors naming it, the
# same two-class detector naming the [N, 1] verifier for comparison, and a verifier with 3 columns (refused).
save(with_metadata(
    box_red_verifier(),
    **{"dronescan.model_name": "fixture-box-verifier", "dronescan.model_version": "0.3.0",
       "dronescan.chip_context": "1.5", "dronescan.chip_min_px": "8", "dronescan.verify_weight": "0.5"},
), "verifier-box-red-32.onnx")
save(with_metadata(
    white_box_detector(), names="{0: 'white_box'}", imgsz="[256, 256]", stride="4",
    **{"dronescan.verifier": "verifier-box-red-32.onnx", "dronescan.proposal_score": "0.05", "dronescan.default_conf": "0.3"},
), "white-box-256-refined.onnx")
k2, s2 = two_class_overlap_table()
for verifier, name in (("verifier-box-red-32.onnx", "two-class-256-refined.onnx"), ("verifier-red-32.onnx", "two-class-256-verified.onnx")):
    save(with_metadata(
        brightness_model(k2, s2, input_size=256), names="{0: 'ap_mine', 1: 'uxo'}", imgsz="[256, 256]", stride="8",
        **{"dronescan.verifier": verifier, "dronescan.proposal_score": "0.05"},
    ), name)
save(with_metadata(box_red_verifier(columns=3), **{"dronescan.chip_context": "1.5"}), "verifier-3-columns.onnx")
save(with_metadata(brightness_model(k1, s1), names="{0: 'landmine'}", **{"dronescan.verifier": "verifier-3-columns.onnx"}),
     "verifier-3-columns-named.onnx")

# A screened verifier: verifier-red-32's graph naming a cheaper first check of each chip (dronescan.screen, the mean
# green of the centre) and the score a chip needs there (dronescan.screen_score) before the verifier runs on it; a
# detector naming it; and broken variants (missing screen file, a screen with another chip size).
save(with_metadata(
    centre_red_verifier(channel=1),
    **{"dronescan.model_name": "fixture-screen", "dronescan.model_version": "0.1.0",
       "dronescan.chip_context": "1.5", "dronescan.chip_min_px": "8"},
), "screen-green-32.onnx")
save(with_metadata(
    centre_red_verifier(size=16, channel=1), **{"dronescan.chip_context": "1.5", "dronescan.chip_min_px": "8"},
), "screen-green-16.onnx")
for screen, verifier_name, detector_name in (("screen-green-32.onnx", "verifier-red-32-screened.onnx", "white-box-256-screened.onnx"),
                                             ("no-such-screen.onnx", "verifier-screen-missing.onnx", "white-box-256-screen-missing.onnx"),
                                             ("screen-green-16.onnx", "verifier-screen-16.onnx", "white-box-256-screen-16.onnx")):
    save(with_metadata(
        centre_red_verifier(),
        **{"dronescan.model_name": "fixture-screened-verifier", "dronescan.model_version": "0.4.0",
           "dronescan.chip_context": "1.5", "dronescan.chip_min_px": "8", "dronescan.verify_weight": "0.5",
           "dronescan.screen": screen, "dronescan.screen_score": "0.5"},
    ), verifier_name)
    save(with_metadata(
        white_box_detector(), names="{0: 'white_box'}", imgsz="[256, 256]", stride="4",
        **{"dronescan.verifier": verifier_name, "dronescan.proposal_score": "0.05", "dronescan.default_conf": "0.3"},
    ), detector_name)

# Automatic model choice: a model declaring the thermal sensor and its bands, and one with an unknown sensor.
save(with_metadata(brightness_model(k1, s1), names="{0: 'landmine'}",
                   **{"dronescan.sensor": "thermal", "dronescan.bands": "lwir,lwir,lwir"}), "thermal-1class.onnx")
save(with_metadata(brightness_model(k1, s1), names="{0: 'landmine'}", **{"dronescan.sensor": "sonar"}), "bad-sensor.onnx")

with open(os.path.join(HERE, "not-a-model.onnx"), "w", encoding="utf-8") as f:
    f.write("this is not an ONNX model\n")
print("fixtures written to", HERE)
