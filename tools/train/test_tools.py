#!/usr/bin/python3
"""Checks of the training tools (stdlib unittest, a few seconds on CPU):

    cd tools/train && /usr/bin/python3 -m unittest test_tools -v
"""
import os
import tempfile
import unittest

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402

from data import Augmenter, read_data_yaml  # noqa: E402
from evaluate import average_precision, evaluate, greedy_merge, pr_curve  # noqa: E402
from model import ContractDetector, SmallObjectNet, decode_boxes  # noqa: E402
from targets import build_targets, giou_loss  # noqa: E402


class FakeSet:
    """The attributes scoring reads: boxes and classes per image."""

    def __init__(self, boxes):
        self.boxes = [np.array(b, np.float32).reshape(-1, 4) for b in boxes]
        self.classes = [np.zeros(len(b), np.int64) for b in self.boxes]
        self.paths = [f"{i}.jpg" for i in range(len(boxes))]

    def __len__(self):
        return len(self.boxes)


class DataYaml(unittest.TestCase):
    def read(self, text):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "data.yaml")
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
            return read_data_yaml(p), d

    def test_list_names_and_relative_paths(self):
        cfg, d = self.read("train: train/images\nval: val/images\nnames: ['ap_mine', \"at_mine\", uxo]\n")
        self.assertEqual(cfg["names"], ["ap_mine", "at_mine", "uxo"])
        self.assertEqual(cfg["train"], os.path.join(d, "train/images"))

    def test_block_names_and_root_path(self):
        cfg, _ = self.read("path: /data/x\ntrain: images/train\nnames:\n  0: landmine\n  1: 'uxo'  # comment\nnc: 2\n")
        self.assertEqual(cfg["names"], ["landmine", "uxo"])
        self.assertEqual(cfg["train"], "/data/x/images/train")


class Augmentation(unittest.TestCase):
    def test_boxes_follow_the_pixels_through_crop_flip_and_rotation(self):
        # A bright 40 × 20 rectangle on black; after augmentation the box must still frame the bright pixels.
        image = np.zeros((200, 300, 3), np.uint8)
        image[50:70, 100:140] = 255
        boxes = np.array([[100, 50, 140, 70]], np.float32)
        aug = Augmenter(128, scale=(0.7, 1.3), object_crop_p=1.0, brightness=0, contrast=(1, 1), blur_p=0, noise_p=0)
        for seed in range(20):
            img, b, _ = aug(image, boxes, np.zeros(1, np.int64), np.random.default_rng(seed), grey=True)
            self.assertEqual(len(b), 1, f"seed {seed}: object lost")
            ys, xs = np.nonzero(img[0].numpy() > 0.5)
            x1, y1, x2, y2 = b[0]
            self.assertLess(abs(xs.min() - x1), 2.5, f"seed {seed}")
            self.assertLess(abs(xs.max() + 1 - x2), 2.5, f"seed {seed}")
            self.assertLess(abs(ys.min() - y1), 2.5, f"seed {seed}")
            self.assertLess(abs(ys.max() + 1 - y2), 2.5, f"seed {seed}")


class Targets(unittest.TestCase):
    def test_peak_is_one_at_the_centre_cell_and_box_targets_are_the_box(self):
        box = np.array([[40, 20, 60, 36]], np.float32)  # centre (50, 28) px → cell (12, 7) at stride 4
        heat, reg, weight = build_targets([(box, np.zeros(1, np.int64))], 2, 32, 32)
        self.assertEqual(heat[0, 0].argmax().item(), 7 * 32 + 12)
        self.assertEqual(heat[0, 0, 7, 12].item(), 1.0)
        self.assertEqual(heat[0, 1].max().item(), 0.0)
        self.assertTrue(torch.equal(reg[0, :, 7, 12], torch.tensor([40.0, 20, 60, 36])))
        self.assertAlmostEqual(weight.sum().item(), np.log(20 * 16), places=4)

    def test_giou_loss_is_zero_for_the_exact_box(self):
        box = np.array([[40, 20, 60, 36]], np.float32)
        _, reg, weight = build_targets([(box, np.zeros(1, np.int64))], 1, 32, 32)
        # Predict at every cell the offsets and log sizes that decode to the target box.
        pred = torch.zeros(1, 4, 32, 32)
        gy, gx = torch.meshgrid(torch.arange(32) + 0.5, torch.arange(32) + 0.5, indexing="ij")
        pred[0, 0] = 50 / 4 - gx
        pred[0, 1] = 28 / 4 - gy
        pred[0, 2] = np.log(20 / 4)
        pred[0, 3] = np.log(16 / 4)
        cx, cy, w, h = decode_boxes(pred)
        self.assertAlmostEqual(cx[0, 3, 9].item(), 50, places=4)
        self.assertAlmostEqual(w[0, 3, 9].item(), 20, places=4)
        self.assertLess(giou_loss(pred, reg, weight).item(), 1e-5)


class Scoring(unittest.TestCase):
    def test_perfect_detections_give_ap_one_and_a_miss_halves_recall(self):
        gt = FakeSet([[[0, 0, 10, 10]], [[20, 20, 40, 40]]])
        perfect = [(gt.boxes[0], np.array([0.9], np.float32), np.zeros(1, np.int64)),
                   (gt.boxes[1], np.array([0.8], np.float32), np.zeros(1, np.int64))]
        self.assertAlmostEqual(evaluate(perfect, gt, ["a"])["a"]["ap50"], 1.0)
        half = [perfect[0], (np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int64))]
        self.assertAlmostEqual(evaluate(half, gt, ["a"])["a"]["ap50"], 0.5)

    def test_ap_uses_the_precision_envelope(self):
        # Ranked: TP, FP, TP over 2 ground-truth boxes → 0.5 · 1 + 0.5 · 2/3.
        self.assertAlmostEqual(average_precision(np.array([1, 0.5, 2 / 3]), np.array([0.5, 0.5, 1.0])), 0.5 + 1 / 3)

    def test_a_duplicate_is_a_false_positive(self):
        gt = FakeSet([[[0, 0, 10, 10]]])
        dup = [(np.array([[0, 0, 10, 10], [0, 0, 10, 10]], np.float32), np.array([0.9, 0.8], np.float32), np.zeros(2, np.int64))]
        _, precision, recall, _ = pr_curve(dup, gt, 0)
        self.assertEqual(list(precision), [1.0, 0.5])

    def test_merge_grows_the_kept_box_like_the_csharp_merger(self):
        b = np.array([[0, 0, 10, 10], [5, 0, 30, 10], [22, 0, 32, 10]], np.float32)
        s = np.array([0.9, 0.8, 0.7], np.float32)
        # IoS: box 2 covers half of box 1 (absorbed); box 3 misses box 1 but lies mostly in the union (absorbed).
        kept, _, _ = greedy_merge(b, s, np.zeros(3, np.int64), "ios", 0.5, union=True, max_keep=10)
        self.assertEqual(kept.tolist(), [[0, 0, 32, 10]])


class Contract(unittest.TestCase):
    def test_output_layout_is_n_by_4_plus_c_by_anchors_with_peak_scores(self):
        torch.manual_seed(0)
        net = SmallObjectNet(3).eval()
        out = ContractDetector(net, size=64)(torch.rand(2, 3, 64, 64))
        self.assertEqual(tuple(out.shape), (2, 7, 256))
        scores = out[:, 4:].reshape(2, 3, 16, 16)
        # Non-zero scores only at 3 × 3 local maxima.
        pooled = torch.nn.functional.max_pool2d(scores, 3, 1, 1)
        self.assertTrue(bool(((scores == 0) | (scores == pooled)).all()))
        self.assertTrue(bool((out[:, 2:4] > 0).all()))


if __name__ == "__main__":
    unittest.main()
