#!/usr/bin/python3
"""Checks of the training tools (stdlib unittest, a few seconds on CPU):

    cd tools/train && /usr/bin/python3 -m unittest test_tools -v
"""
import copy
import math
import os
import tempfile
import unittest

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402

from data import PHOTOMETRIC, Augmenter, colour_matrix, read_data_yaml  # noqa: E402
from evaluate import average_precision, evaluate, greedy_merge, pr_curve  # noqa: E402
from model import ContractDetector, SmallObjectNet, arch_of, decode_boxes, net_from_checkpoint  # noqa: E402
from targets import build_targets, giou_loss  # noqa: E402
from stage1_recall import best, parse_ckpt, summarise  # noqa: E402
from set_metadata import set_metadata  # noqa: E402
from train import EpochBatches, batch_seed, main as train_main  # noqa: E402
from verifier import (Verifier, VerifierEnsemble, adaptive_pool, detect_boxes, from_onnx, export_metadata, agnostic_nms, apply_deltas, box_deltas, chip_windows, crop_chips,  # noqa: E402
                      dihedral, dihedral_deltas, finetune_last_stage, fit_box_scale, fit_head, fit_ridge,
                      scale_boxes, soup_members, undo_dihedral_deltas)
from resnet18 import BN_EPS  # noqa: E402


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

    def test_colour_matrix_keeps_luma_and_greys_at_saturation_zero(self):
        self.assertIsNone(colour_matrix(1.0, 0.0))
        rgb = np.array([0.8, 0.3, 0.1])
        luma = np.array([0.299, 0.587, 0.114])
        for sat, hue in [(0.0, 0.0), (0.5, 0.3), (1.5, -0.35), (1.0, 0.2)]:
            out = colour_matrix(sat, hue) @ rgb
            self.assertAlmostEqual(float(luma @ out), float(luma @ rgb), places=5, msg=f"{sat}, {hue}")
        grey = colour_matrix(0.0, 0.0) @ rgb
        self.assertAlmostEqual(grey[0], grey[1], places=5)
        self.assertAlmostEqual(grey[1], grey[2], places=5)
        self.assertTrue(np.allclose(colour_matrix(1.0, 0.0001) @ rgb, rgb, atol=1e-3))
        # A half turn of the chroma plane swaps a colour for its opposite about the grey of the same luma.
        turned = colour_matrix(1.0, math.pi) @ rgb
        self.assertTrue(np.allclose(turned, 2 * (colour_matrix(0.0, 0.0) @ rgb) - rgb, atol=1e-5))

    def test_heavy_photometric_changes_colours_not_boxes(self):
        rng_image = np.random.default_rng(1)
        image = rng_image.integers(0, 256, (200, 300, 3), dtype=np.uint8)
        boxes = np.array([[100, 50, 140, 70]], np.float32)
        standard, heavy = Augmenter(96), Augmenter(96, **PHOTOMETRIC["heavy"])
        differ = 0
        for seed in range(10):
            a, ba, _ = standard(image, boxes, np.zeros(1, np.int64), np.random.default_rng(seed), grey=False)
            b, bb, _ = heavy(image, boxes, np.zeros(1, np.int64), np.random.default_rng(seed), grey=False)
            self.assertTrue(np.array_equal(ba, bb), f"seed {seed}: the boxes moved")
            self.assertGreaterEqual(float(b.min()), 0.0)
            self.assertLessEqual(float(b.max()), 1.0)
            differ += not torch.allclose(a, b, atol=0.02)
        self.assertGreaterEqual(differ, 8)


class Metadata(unittest.TestCase):
    def test_set_metadata_sets_adds_and_removes_keys_and_keeps_the_graph(self):
        import onnx
        from onnx import helper, TensorProto
        graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                                  [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
        model = helper.make_model(graph)
        for k, v in (("a", "1"), ("b", "2"), ("c", "3")):
            e = model.metadata_props.add()
            e.key, e.value = k, v
        out = set_metadata(model, {"b": "20", "c": "", "d": "4"})
        self.assertEqual([(p.key, p.value) for p in out.metadata_props], [("a", "1"), ("b", "20"), ("d", "4")])
        self.assertEqual(out.graph.node[0].op_type, "Identity")


class FakeImages:
    """What EpochBatches reads of a dataset: images, boxes, classes, is_grey."""

    def __init__(self, n, seed=0):
        rng = np.random.default_rng(seed)
        self.images = [rng.integers(0, 256, (96 + 16 * (i % 3), 128, 3), dtype=np.uint8) for i in range(n)]
        self.boxes = [np.array([[20 + i, 30, 50 + i, 52]], np.float32) for i in range(n)]
        self.classes = [np.array([i % 2], np.int64) for i in range(n)]
        self.is_grey = False

    def __len__(self):
        return len(self.images)


class GpuAugmentPath(unittest.TestCase):
    def test_pixels_made_from_drawn_params_equal_the_worker_batches(self):
        # --gpu-augment: workers only draw the choices and targets; the training process makes the pixels with
        # the same code. On one device the two paths must give the same batch, noise and blur included.
        data = FakeImages(12)
        aug = Augmenter(64, scale=(0.5, 1.5), blur_p=0.5, noise_p=0.5)
        for k in range(3):
            images, built = EpochBatches(data, aug, 4, 2, seed=3, epoch=1, pixels=True)[k]
            kk, indices, params, built2 = EpochBatches(data, aug, 4, 2, seed=3, epoch=1, pixels=False)[k]
            generator = torch.Generator().manual_seed(batch_seed(3, 1, kk))
            again = aug.apply_batch([torch.from_numpy(data.images[i]) for i in indices], params, generator)
            self.assertTrue(torch.equal(images, again), f"batch {k}")
            for a, b in zip(built, built2):
                self.assertTrue(torch.equal(a, b))

    def test_a_wider_network_rebuilds_from_its_checkpoint(self):
        arch = arch_of(1.75)
        self.assertEqual(arch, {"width": (32, 56, 112, 224, 448), "neck": 112})
        net = SmallObjectNet(1, **arch).eval()
        again = net_from_checkpoint({"names": ["a"], "arch": arch, "model": net.state_dict()}).eval()
        x = torch.rand(1, 3, 64, 64)
        self.assertTrue(torch.equal(net(x)[0], again(x)[0]))
        self.assertEqual(arch_of(1.0), {"width": (16, 32, 64, 128, 256), "neck": 64})


class Training(unittest.TestCase):
    def test_keep_evals_saves_the_weights_of_each_validated_epoch_in_model_pt_format(self):
        from PIL import Image

        with tempfile.TemporaryDirectory() as d:
            rng = np.random.default_rng(0)
            os.makedirs(os.path.join(d, "images"))
            os.makedirs(os.path.join(d, "labels"))
            for i in range(4):
                Image.fromarray(rng.integers(0, 255, (96, 96, 3), dtype=np.uint8)).save(os.path.join(d, "images", f"{i}.png"))
                with open(os.path.join(d, "labels", f"{i}.txt"), "w", encoding="utf-8") as f:
                    f.write("0 0.5 0.5 0.1 0.1\n")
            out = os.path.join(d, "run")
            train_main(["--train", os.path.join(d, "images"), "--names", "a", "--out", out, "--img-size", "64",
                        "--batch", "2", "--epochs", "3", "--eval-every", "2", "--warmup-steps", "1", "--threads", "1",
                        "--device", "cpu", "--keep-evals"])
            self.assertEqual(sorted(f for f in os.listdir(out) if f.startswith("model")),
                             ["model-e2.pt", "model-e3.pt", "model.pt"])
            kept, last = (torch.load(os.path.join(out, f), map_location="cpu", weights_only=False)
                          for f in ("model-e3.pt", "model.pt"))
            self.assertEqual((kept["epoch"], kept["names"]), (3, ["a"]))
            self.assertTrue(all(torch.equal(kept["model"][k], v) for k, v in last["model"].items()))
            net_from_checkpoint(kept).load_state_dict(kept["model"])


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

    def test_flip_tta_output_is_mirror_symmetric(self):
        # Averaging with the mirror image makes the detector equivariant: the mirrored input gives the
        # mirrored boxes and the same scores, whatever the (untrained) weights.
        torch.manual_seed(1)
        net = SmallObjectNet(2).eval()
        for m in net.modules():  # untrained BatchNorm statistics would make every score tiny; spread them
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_var.fill_(0.5)
        det = ContractDetector(net, size=64, flip_tta=True).eval()
        x = torch.rand(1, 3, 64, 64)
        with torch.no_grad():
            a, b = det(x).reshape(6, 16, 16), det(x.flip(3)).reshape(6, 16, 16).flip(2)
        self.assertTrue(torch.allclose(a[4:], b[4:], atol=1e-6))             # scores
        self.assertTrue(torch.allclose(a[0], 64 - b[0], atol=1e-4))          # cx mirrored
        self.assertTrue(torch.allclose(a[1:4], b[1:4], atol=1e-4))           # cy, w, h
        plain = ContractDetector(net, size=64).eval()
        with torch.no_grad():  # without it the scores are not symmetric (so the check above can fail)
            pa, pb = plain(x).reshape(6, 16, 16), plain(x.flip(3)).reshape(6, 16, 16).flip(2)
        self.assertFalse(torch.allclose(pa[4:], pb[4:], atol=1e-4))



class Chips(unittest.TestCase):
    def test_chip_samples_pixel_centres_bilinearly_with_the_border_replicated(self):
        # A 4 × 4 image whose value is x + 10 y; box (1, 1)-(3, 3): centre (2, 2), longest side 2, context 2 → L = 4
        # with min_px 1; S = 2 → sample points x, y = 2 - 2 + (i + 0.5) * 2 - 0.5 = 0.5 and 2.5.
        image = torch.tensor([[x + 10.0 * y for x in range(4)] for y in range(4)]).expand(3, 4, 4)
        chips = crop_chips(image, np.array([[1, 1, 3, 3]]), size=2, context=2.0, min_px=1.0)
        self.assertEqual(tuple(chips.shape), (1, 3, 2, 2))
        expected = torch.tensor([[0.5 + 5.0, 2.5 + 5.0], [0.5 + 25.0, 2.5 + 25.0]])
        self.assertTrue(torch.allclose(chips[0, 0], expected, atol=1e-5), chips[0, 0])
        # Past the border the edge pixel repeats: a chip centred on the corner pixel (0, 0), L = 4, S = 2 samples
        # -1.5 and 0.5 → clamped to 0 and 0.5.
        corner = crop_chips(image, np.array([[-1, -1, 1, 1]]), size=2, context=2.0, min_px=1.0)
        self.assertTrue(torch.allclose(corner[0, 0], torch.tensor([[0.0, 0.5], [5.0, 5.5]]), atol=1e-5), corner[0, 0])

    def test_chip_side_has_a_floor_and_follows_the_longest_side(self):
        cx, cy, side = chip_windows(np.array([[0, 0, 10, 4], [0, 0, 40, 60]]), context=2.0, min_px=32.0)
        self.assertEqual(list(side), [32.0, 120.0])
        self.assertEqual((cx[1], cy[1]), (20.0, 30.0))

    def test_head_folds_the_standardisation_into_the_linear_layer(self):
        torch.manual_seed(0)
        model = Verifier()
        n = model.head.in_features
        feats = torch.cat([torch.randn(50, n) + 2, torch.randn(50, n) - 2])
        labels = torch.cat([torch.ones(50), torch.zeros(50)])
        fit_head(model, feats * 7 + 3, labels, epochs=100)
        with torch.no_grad():
            p = torch.sigmoid(model.head(feats * 7 + 3))[:, 0]
        self.assertTrue(bool((p[:50] > 0.9).all() and (p[50:] < 0.1).all()), p)

    def test_fine_tuning_moves_only_the_last_stage_and_the_head(self):
        torch.manual_seed(0)
        model = Verifier().eval()
        before = {k: v.clone() for k, v in model.state_dict().items()}
        chips = torch.rand(16, 3, 32, 32)
        labels = torch.tensor([1.0, 0.0] * 8)
        finetune_last_stage(model, chips, labels, epochs=1, seed=0, batch=8)
        after = model.state_dict()
        changed = {k for k in before if not torch.equal(before[k], after[k])}
        self.assertTrue(any(k.startswith("trunk.stages.2.") for k in changed), changed)
        self.assertTrue(any(k.startswith("head.") for k in changed), changed)
        self.assertFalse(any(k.startswith(("trunk.stem", "trunk.stages.0.", "trunk.stages.1.")) for k in changed), changed)
        self.assertFalse(any("running_" in k for k in changed), changed)  # BatchNorm statistics stay ImageNet's


class StageTwoBoxes(unittest.TestCase):
    def test_deltas_round_trip_to_the_true_box(self):
        boxes = np.array([[10, 20, 50, 44], [0, 0, 8, 8]], np.float64)
        truth = np.array([[14, 18, 52, 50], [-3, 1, 9, 12]], np.float64)
        d = box_deltas(boxes, truth)
        self.assertTrue(np.allclose(apply_deltas(boxes, d), truth), apply_deltas(boxes, d))
        # Chip of box 0: centre (30, 32), side 2 × 40 = 80; true centre (33, 34) → dx = 3/80, dy = 2/80.
        self.assertAlmostEqual(d[0, 0], 3 / 80)
        self.assertAlmostEqual(d[0, 1], 2 / 80)

    def test_deltas_follow_the_pixels_through_every_view(self):
        # A bright 6 × 2 bar right of and below the centre of a 16 × 16 chip; in each view the deltas mapped by
        # dihedral_deltas must point at the bar as it lies in that view, and undo must map them back.
        chip = torch.zeros(1, 1, 16, 16)
        chip[0, 0, 10:12, 9:15] = 1  # rows (y) 10-11, columns (x) 9-14
        d = np.array([[(12 - 8) / 16, (11 - 8) / 16, np.log(6 / 16), np.log(2 / 16)]])
        for k in range(8):
            v = dihedral(chip, k)[0, 0]
            ys, xs = torch.nonzero(v, as_tuple=True)
            cx, cy = float(xs.float().mean()) + 0.5, float(ys.float().mean()) + 0.5
            w, h = int(xs.max() - xs.min()) + 1, int(ys.max() - ys.min()) + 1
            dk = dihedral_deltas(d, k)[0]
            self.assertTrue(np.allclose(dk, [(cx - 8) / 16, (cy - 8) / 16, np.log(w / 16), np.log(h / 16)]), (k, dk))
            back = undo_dihedral_deltas(torch.from_numpy(dk[None]).float(), k).numpy()
            self.assertTrue(np.allclose(back, d, atol=1e-6), (k, back))

    def test_tta_score_is_the_same_for_every_view_of_a_chip(self):
        torch.manual_seed(0)
        model = Verifier(reg=True, tta=True).eval()
        chips = torch.rand(2, 3, 32, 32)
        with torch.no_grad():
            out = [model(dihedral(chips, k)) for k in range(8)]
        for k in range(8):
            self.assertTrue(torch.allclose(out[k][:, 0], out[0][:, 0], atol=1e-5), k)
            # The regressed deltas of a turned chip are the turned deltas.
            self.assertTrue(np.allclose(out[k][:, 1:].numpy(), dihedral_deltas(out[0][:, 1:].numpy(), k), atol=1e-4), k)

    def test_box_scale_is_the_median_size_ratio_of_matched_boxes(self):
        truth = [np.array([[0, 0, 40, 40], [100, 100, 130, 130]]), np.array([[0, 0, 20, 20]])]
        pred = [scale_boxes(truth[0], 1 / 1.2), scale_boxes(truth[1], 1 / 1.2)]
        s, n = fit_box_scale(pred, truth)
        self.assertEqual(n, 3)
        self.assertAlmostEqual(s, 1.2, places=6)
        self.assertTrue(np.allclose(scale_boxes(pred[0], s), truth[0]))

    def test_agnostic_nms_keeps_the_best_of_overlapping_boxes_of_any_class(self):
        boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [50, 50, 60, 60], [0, 0, 10, 9]])
        keep = agnostic_nms(boxes, np.array([0.5, 0.9, 0.3, 0.1]), iou=0.5)
        self.assertEqual(list(keep), [1, 2])

    def test_matrix_pooling_equals_adaptive_average_pooling(self):
        g = torch.Generator().manual_seed(0)
        for h, w in [(8, 8), (4, 4), (6, 6), (12, 7), (3, 5)]:
            x = torch.randn(2, 3, h, w, generator=g)
            self.assertTrue(torch.allclose(adaptive_pool(x, 4), torch.nn.functional.adaptive_avg_pool2d(x, 4), atol=1e-6), (h, w))

    def test_a_verifier_with_the_box_regressor_and_tta_exports_to_onnx_with_five_columns(self):
        import onnx

        torch.manual_seed(0)
        model = Verifier(reg=True, tta=True).eval()
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "v.onnx")
            torch.onnx.export(model, torch.rand(2, 3, 32, 32), path, input_names=["chips"], output_names=["scores"],
                              dynamic_axes={"chips": {0: "n"}, "scores": {0: "n"}}, opset_version=17)
            out = onnx.load(path).graph.output[0].type.tensor_type.shape.dim
            self.assertEqual(out[1].dim_value, 5)
            self.assertEqual(out[0].dim_param, "n")

    def test_export_metadata_names_the_screen_only_when_given(self):
        import argparse

        base = dict(name="v", version="0.5.0", weight=1.0, tta=True, screen=None, screen_score=0.05)
        plain = export_metadata(argparse.Namespace(**base))
        screened = export_metadata(argparse.Namespace(**{**base, "screen": "s.onnx", "screen_score": 0.005}))
        self.assertNotIn("dronescan.screen", plain)
        self.assertEqual(plain["dronescan.verifier_tta"], "8")
        self.assertEqual((screened["dronescan.screen"], screened["dronescan.screen_score"]), ("s.onnx", "0.005"))

    def test_an_ensemble_is_the_mean_of_its_members_and_shares_their_early_stages(self):
        torch.manual_seed(0)
        members = [Verifier(reg=True).eval() for _ in range(3)]
        for m in members[1:]:  # members differ only in the fine-tuned last stage, head and regressor
            m.trunk.stem.load_state_dict(members[0].trunk.stem.state_dict())
            m.trunk.stages[0].load_state_dict(members[0].trunk.stages[0].state_dict())
            m.trunk.stages[1].load_state_dict(members[0].trunk.stages[1].state_dict())
        for m in members:
            m.size = 32
        chips = torch.rand(4, 3, 32, 32)
        with torch.no_grad():
            for tta in (False, True):
                for m in members:
                    m.tta = tta
                each = torch.stack([m(chips) for m in members])
                ens = VerifierEnsemble(members, tta=tta).eval()(chips)
                self.assertEqual(tuple(ens.shape), (4, 5))
                self.assertTrue(torch.allclose(ens, each.mean(0), atol=1e-5), tta)
                self.assertFalse(torch.allclose(each[0], each[1], atol=1e-3))  # the members do differ
        with self.assertRaises(ValueError):
            VerifierEnsemble([members[0], Verifier(reg=False)])

    def test_a_soup_folds_the_batchnorm_and_averages_the_members_weights(self):
        torch.manual_seed(0)
        members = [Verifier(reg=True).eval() for _ in range(2)]
        for m in members:
            m.size = 32
            for bn in m.trunk.stages[-1].modules():  # statistics away from identity: folding must change the weights
                if isinstance(bn, torch.nn.BatchNorm2d):
                    bn.running_mean.uniform_(-0.5, 0.5)
                    bn.running_var.uniform_(0.5, 2.0)
                    bn.weight.data.uniform_(0.5, 1.5)
        members[1].load_state_dict({k: v for k, v in members[0].state_dict().items() if "stages.2" not in k
                                    and not k.startswith(("head", "reg"))}, strict=False)  # shared early stages
        chips = torch.rand(3, 3, 32, 32)

        def rebuilt(ck):
            v = Verifier(reg=True).eval()
            v.load_state_dict(members[0].state_dict())
            v.trunk.stages[-1].load_state_dict(ck["last_stage"])
            v.head.load_state_dict(ck["head"])
            v.reg.load_state_dict(ck["reg"])
            return v

        with torch.no_grad():
            before = [m(chips) for m in members]
            heads = [m.head.weight.clone() for m in members]
            same = rebuilt(soup_members([copy.deepcopy(members[0]), copy.deepcopy(members[0])]))(chips)
            self.assertTrue(torch.allclose(same, before[0], atol=1e-5))  # folding keeps the function
            ck = soup_members(members)
            self.assertTrue(torch.allclose(ck["head"]["weight"], (heads[0] + heads[1]) / 2))
            conv = "0.a.0.weight"
            folded = [m.trunk.stages[-1].state_dict()[conv] for m in members]  # folded in place by soup_members
            self.assertTrue(torch.allclose(ck["last_stage"][conv], (folded[0] + folded[1]) / 2))
            self.assertTrue(torch.allclose(ck["last_stage"]["0.a.1.running_var"], torch.full((256,), 1 - BN_EPS)))
            mixed = rebuilt(ck)(chips)
            self.assertFalse(torch.allclose(mixed, before[0], atol=1e-4))
        with self.assertRaises(ValueError):
            soup_members([Verifier(reg=True), Verifier(reg=False)])

    def test_a_verifier_comes_back_from_its_onnx_export_with_the_batchnorm_folded(self):
        torch.manual_seed(0)
        model = Verifier(reg=True, tta=True).eval()
        for m in model.modules():  # BatchNorm statistics away from identity, so folding them changes the weights
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.uniform_(-0.2, 0.2)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "v.onnx")
            torch.onnx.export(model, torch.rand(2, 3, 32, 32), path, input_names=["chips"], output_names=["scores"],
                              dynamic_axes={"chips": {0: "n"}, "scores": {0: "n"}}, opset_version=17,
                              do_constant_folding=True)
            ck = from_onnx(path)
        back = Verifier(reg=True, tta=True).eval()
        back.load_state_dict(model.state_dict())  # the early stages: ImageNet's in real use (load_verifier)
        with torch.no_grad():
            back.trunk.stages[-1][0].a[0].weight.zero_()  # the last stage must come from the file
        back.trunk.stages[-1].load_state_dict(ck["last_stage"])
        back.head.load_state_dict(ck["head"])
        back.reg.load_state_dict(ck["reg"])
        self.assertEqual(ck["size"], 32)
        chips = torch.rand(3, 3, 32, 32)
        with torch.no_grad():
            self.assertTrue(torch.allclose(back(chips), model(chips), atol=1e-4))

    def test_hard_boxes_come_from_detect_json_by_file_name_and_score(self):
        ds = FakeSet([[], [[0, 0, 5, 5]]])
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "d.jsonl")
            with open(path, "w") as f:
                f.write('{"file": "/x/1.jpg", "detections": [{"score": 0.2, "x1": 1, "y1": 2, "x2": 3, "y2": 4}, '
                        '{"score": 0.01, "x1": 5, "y1": 5, "x2": 9, "y2": 9}], "error": null}\n')
                f.write('{"file": "/x/0.jpg", "detections": [], "error": null}\n')
            boxes = detect_boxes(path, ds, 0.05)
            self.assertEqual(len(boxes[0]), 0)
            self.assertEqual(boxes[1].tolist(), [[1, 2, 3, 4]])
            self.assertEqual(len(detect_boxes(path, ds, 0.01)[1]), 2)
            with self.assertRaisesRegex(ValueError, "2 training image.*e.g. 2.jpg"):  # images it does not list
                detect_boxes(path, FakeSet([[], [], [], []]), 0.05)
            with open(path, "a") as f:
                f.write('{"file": "/x/2.jpg", "detections": [], "error": "unreadable"}\n')
            with self.assertRaisesRegex(ValueError, "2.jpg: unreadable"):
                detect_boxes(path, ds, 0.05)

    def test_ridge_recovers_a_linear_map(self):
        g = torch.Generator().manual_seed(0)
        x = torch.randn(400, 6, generator=g) * 5 + 2
        w = torch.randn(4, 6, generator=g)
        y = x @ w.T + torch.tensor([1.0, -1.0, 0.5, 0.0])
        wf, bf = fit_ridge(x, y, lam=1e-8)
        self.assertTrue(torch.allclose(x @ wf.T + bf, y, atol=1e-3))


def resnet18_onnx():
    """The NuGet ResNet-18 (restored by tools/pretrained/fetch.sh; needs dotnet and the package feed)."""
    from resnet18 import onnx_path

    return onnx_path()


class PretrainedTrunk(unittest.TestCase):
    """The importer against the ONNX file: graph evaluated node by node, and ONNX Runtime itself."""

    @classmethod
    def setUpClass(cls):
        from resnet18 import ResNet18Trunk, load_onnx

        torch.set_num_threads(2)
        cls.path = resnet18_onnx()
        cls.model = load_onnx(ResNet18Trunk(4), cls.path)
        torch.manual_seed(0)
        cls.image = torch.rand(1, 3, 224, 224)
        with torch.no_grad():
            cls.pooled = torch.nn.functional.avg_pool2d(cls.model(cls.image), 7).flatten()

    def test_module_equals_the_graph_evaluated_node_by_node(self):
        from resnet18 import run_onnx_graph

        with torch.no_grad():
            env = run_onnx_graph(self.path, self.model.preprocess(self.image))
        reference = env["Pooling395_Output_0"].flatten()
        self.assertLess(float((reference - self.pooled).abs().max()), 1e-4)
        self.assertGreater(float(reference.abs().max()), 1.0)  # trained filters, not zeros

    def test_module_equals_onnx_runtime(self):
        import subprocess

        tools = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pretrained")
        with tempfile.TemporaryDirectory() as tmp:
            src, dst = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
            with torch.no_grad():
                self.model.preprocess(self.image).numpy().astype("<f4").tofile(src)
            with open(src + ".shape", "w", encoding="utf-8") as f:
                f.write("1 3 224 224")
            subprocess.run(["dotnet", "run", "--project", tools, "--", self.path, src, dst], check=True,
                           capture_output=True)
            ort = torch.from_numpy(np.fromfile(dst, "<f4"))
        self.assertEqual(ort.numel(), 512)
        self.assertLess(float((ort - self.pooled).abs().max()), 1e-4)


class Stage1Recall(unittest.TestCase):
    @staticmethod
    def report(flights, free_boxes):
        def node(tp, fn, fp):
            return {"overall": {"atConf": {"tp": tp, "fn": fn, "fp": fp}}}
        out = node(*[sum(f[i] for f in flights.values()) for i in range(3)])
        out.update(conf=0.05, objectFree={"boxes": free_boxes},
                   flights=[dict(name=n, **node(*v)) for n, v in flights.items()])
        return out

    def test_summarise_counts_found_objects_and_boxes(self):
        s = summarise(self.report({"F02": (17, 16, 2196), "F03": (19, 20, 2007)}, 3153))
        self.assertEqual(s["flights"]["F02"], {"tp": 17, "objects": 33, "boxes": 2213})
        self.assertEqual(s["flights"]["F03"], {"tp": 19, "objects": 39, "boxes": 2026})
        self.assertEqual(s["pooled"], {"tp": 36, "objects": 72, "boxes": 4239})
        self.assertEqual(s["object_free_boxes"], 3153)

    def test_best_prefers_recall_then_fewer_boxes(self):
        rows = {t: summarise(self.report({"F": v}, 0)) for t, v in
                {"a": (30, 42, 100), "b": (36, 36, 900), "c": (36, 36, 500)}.items()}
        self.assertEqual(best(rows), "c")

    def test_parse_ckpt(self):
        self.assertEqual(parse_ckpt("x=/a/b/model.pt"), ("x", "/a/b/model.pt"))
        self.assertEqual(parse_ckpt("/a/b/model-e32.pt"), ("model-e32", "/a/b/model-e32.pt"))


if __name__ == "__main__":
    unittest.main()
