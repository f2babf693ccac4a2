"""YOLO-format datasets and augmentation for small objects.

A dataset folder holds ``images/`` and ``labels/``; each label file has one line per object,
``class cx cy w h``, normalised to the image size (0..1). ``data.yaml`` names the folders and the classes::

    path: /tmp/thermal-split      # optional root; relative paths below are resolved against it
    train: train/images
    val: val/images
    names: ['landmine']           # or a block of "0: landmine" lines

Images are decoded once and kept in memory as uint8 HWC arrays (the thermal set is ~1 GB decoded).
Boxes inside this module are float32 [K, 4] corners (x1, y1, x2, y2) in pixels, classes int64 [K].
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
PAD_VALUE = 0.45  # grey for crop windows that reach past the image border


def _scalar(text):
    """A YAML scalar without quotes."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def read_data_yaml(path):
    """Reads the subset of YOLO data.yaml used here (path, train, val, names as a list or an index block),
    without a YAML package. Returns {'train': dir, 'val': dir, 'names': [..]} with absolute paths."""
    entries, names, block = {}, {}, None
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            if block == "names" and raw[:1] in " \t" and ":" in line:
                key, value = line.split(":", 1)
                names[int(key.strip())] = _scalar(value)
                continue
            block = None
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "names" and not value:
                block = "names"
            elif key == "names":
                inner = value.strip("[]")
                names = {i: _scalar(v) for i, v in enumerate(x for x in inner.split(",") if x.strip())}
            else:
                entries[key] = _scalar(value)
    if not names:
        raise ValueError(f"{path}: no 'names'")
    if sorted(names) != list(range(len(names))):
        raise ValueError(f"{path}: class indices must be 0..{len(names) - 1}, got {sorted(names)}")
    root = entries.get("path", "")
    base = os.path.dirname(os.path.abspath(path))
    root = root if os.path.isabs(root) else os.path.join(base, root)
    resolved = {k: (v if os.path.isabs(v) else os.path.normpath(os.path.join(root, v)))
                for k, v in entries.items() if k in ("train", "val", "test")}
    return {**resolved, "names": [names[i] for i in range(len(names))]}


def label_path_for(image_path):
    """YOLO convention: .../images/x.jpg → .../labels/x.txt."""
    folder, name = os.path.split(image_path)
    parent, leaf = os.path.split(folder)
    labels = os.path.join(parent, "labels" if leaf == "images" else leaf)
    return os.path.join(labels, os.path.splitext(name)[0] + ".txt")


def read_labels(path, width, height, num_classes):
    """Label file → (boxes [K,4] pixel corners, classes [K]); a missing file means no objects."""
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                parts = line.split()
                if not parts:
                    continue
                if len(parts) != 5:
                    raise ValueError(f"{path}:{n}: expected 'class cx cy w h', got {line.strip()!r}")
                c, cx, cy, w, h = int(parts[0]), *map(float, parts[1:])
                if not 0 <= c < num_classes:
                    raise ValueError(f"{path}:{n}: class {c} outside 0..{num_classes - 1}")
                rows.append((c, (cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height))
    if not rows:
        return np.zeros((0, 4), np.float32), np.zeros(0, np.int64)
    arr = np.array(rows, np.float64)
    return arr[:, 1:].astype(np.float32), arr[:, 0].astype(np.int64)


class YoloDataset:
    """All images of one YOLO folder, decoded to RGB uint8 and kept in memory, with their boxes."""

    def __init__(self, images_dir, num_classes):
        files = sorted(f for f in os.listdir(images_dir) if f.lower().endswith(IMAGE_EXTENSIONS))
        if not files:
            raise ValueError(f"{images_dir}: no images")
        self.paths = [os.path.join(images_dir, f) for f in files]
        self.images, self.boxes, self.classes = [], [], []
        for p in self.paths:
            with Image.open(p) as im:
                arr = np.array(im.convert("RGB"))  # a writable copy (torch warns on read-only arrays)
            b, c = read_labels(label_path_for(p), arr.shape[1], arr.shape[0], num_classes)
            self.images.append(arr)
            self.boxes.append(b)
            self.classes.append(c)
        # Colour jitter only makes sense when the data has colour (thermal frames are grey in three channels).
        self.is_grey = all(np.array_equal(a[..., 0], a[..., 1]) and np.array_equal(a[..., 1], a[..., 2])
                           for a in self.images[:: max(1, len(self.images) // 20)])

    def __len__(self):
        return len(self.paths)


def to_tensor(image):
    """uint8 HWC → float32 CHW in 0..1."""
    return torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1).float().div_(255.0)


class Augmenter:
    """Random crops at the training size that keep objects, plus geometry and photometric changes.

    ``scale`` is the range of output pixels per source pixel (log-uniform): 1 keeps objects at their native
    size, 0.5 halves them (and shows a window twice the crop size, so large close-up objects fit whole).

    Two halves: ``sample`` draws every random choice from a numpy generator and moves the boxes (cheap, no
    pixels); ``apply_batch`` makes the pixels from those choices with torch on any device, so the same
    augmentation runs in CPU worker processes or, for a whole batch, on the GPU (``train.py --gpu-augment``)."""

    def __init__(self, size, scale=(0.5, 1.25), object_crop_p=0.85, min_visible=0.35, flip=True, rot90=True,
                 brightness=0.15, contrast=(0.7, 1.3), blur_p=0.25, noise_p=0.3, colour=0.1, saturation=None,
                 hue=0.0, gamma=None, grey_p=0.0):
        self.size = size
        self.scale = scale
        self.object_crop_p = object_crop_p
        self.min_visible = min_visible
        self.flip, self.rot90 = flip, rot90
        self.brightness, self.contrast = brightness, contrast
        self.blur_p, self.noise_p, self.colour = blur_p, noise_p, colour
        # Optional (``PHOTOMETRIC["heavy"]``): saturation range, hue turn (± radians), gamma range, chance of grey.
        # Drawn only when set, so the standard recipe's random stream (and its runs) stay as they were.
        self.saturation, self.hue, self.gamma, self.grey_p = saturation, hue, gamma, grey_p

    def sample(self, shape, boxes, classes, rng, grey):
        """Random choices for one crop of an image of ``shape`` (h, w, ...) → (params dict, boxes, classes)
        with the boxes as they will be in the output."""
        h, w = shape[:2]
        s = math.exp(rng.uniform(math.log(self.scale[0]), math.log(self.scale[1])))
        win = self.size / s
        if len(boxes) and rng.random() < self.object_crop_p:
            # Put a random object inside the window (whole, when it fits), anywhere else at random.
            x1, y1, x2, y2 = boxes[rng.integers(len(boxes))]
            lo_x, hi_x = (x2 - win, x1) if x2 - x1 <= win else (x1 - win / 2, x2 - win / 2)
            lo_y, hi_y = (y2 - win, y1) if y2 - y1 <= win else (y1 - win / 2, y2 - win / 2)
            x0, y0 = rng.uniform(min(lo_x, hi_x), max(lo_x, hi_x)), rng.uniform(min(lo_y, hi_y), max(lo_y, hi_y))
            x0, y0 = np.clip(x0, min(0, w - win), max(0, w - win)), np.clip(y0, min(0, h - win), max(0, h - win))
        else:
            x0 = rng.uniform(min(0, w - win), max(0, w - win))
            y0 = rng.uniform(min(0, h - win), max(0, h - win))
        # Integer source window (grey where it leaves the image), resized to size × size.
        ix0, iy0, iwin = int(math.floor(x0)), int(math.floor(y0)), int(math.ceil(win))
        k = self.size / iwin
        b = (boxes - np.array([ix0, iy0, ix0, iy0], np.float32)) * k
        clipped = np.clip(b, 0, self.size)
        area = np.maximum(b[:, 2] - b[:, 0], 0) * np.maximum(b[:, 3] - b[:, 1], 0)
        vis = np.maximum(clipped[:, 2] - clipped[:, 0], 0) * np.maximum(clipped[:, 3] - clipped[:, 1], 0)
        keep = (vis >= self.min_visible * np.maximum(area, 1e-6)) & (clipped[:, 2] - clipped[:, 0] >= 2) & (clipped[:, 3] - clipped[:, 1] >= 2)
        boxes, classes = clipped[keep].astype(np.float32), classes[keep]

        # Geometry: flips and 90° turns (boxes follow).
        sz = self.size
        hflip = bool(self.flip and rng.random() < 0.5)
        if hflip:
            boxes = np.stack([sz - boxes[:, 2], boxes[:, 1], sz - boxes[:, 0], boxes[:, 3]], 1)
        vflip = bool(self.flip and rng.random() < 0.5)
        if vflip:
            boxes = np.stack([boxes[:, 0], sz - boxes[:, 3], boxes[:, 2], sz - boxes[:, 1]], 1)
        turns = int(rng.integers(4)) if self.rot90 else 0
        for _ in range(turns):
            # torch.rot90(dims=(1, 2)) turns counter-clockwise: (x, y) → (y, s - x).
            boxes = np.stack([boxes[:, 1], sz - boxes[:, 2], boxes[:, 3], sz - boxes[:, 0]], 1)

        # Photometric: contrast/brightness, per-channel gain (colour data only), blur, sensor noise.
        contrast = rng.uniform(*self.contrast)
        brightness = rng.uniform(-self.brightness, self.brightness)
        gain = rng.uniform(1 - self.colour, 1 + self.colour, 3) if not grey and self.colour > 0 else np.ones(3)
        blur = rng.uniform(0.4, 1.5) if rng.random() < self.blur_p else 0.0
        noise = rng.uniform(0.005, 0.04) if rng.random() < self.noise_p else 0.0
        params = dict(window=(ix0, iy0, iwin), hflip=hflip, vflip=vflip, turns=turns, contrast=contrast,
                      brightness=brightness, gain=gain.astype(np.float32), blur=blur, noise=noise)
        gamma = math.exp(rng.uniform(*np.log(self.gamma))) if self.gamma else 1.0
        sat, hue = 1.0, 0.0
        if not grey and (self.saturation or self.hue or self.grey_p):
            sat = 0.0 if rng.random() < self.grey_p else (rng.uniform(*self.saturation) if self.saturation else 1.0)
            hue = rng.uniform(-self.hue, self.hue) if self.hue else 0.0
        params.update(gamma=gamma, colour_matrix=colour_matrix(sat, hue))
        return params, boxes.astype(np.float32).reshape(-1, 4), classes

    def crop_pixels(self, image, p):
        """One image (uint8 HWC, numpy or a torch tensor on any device) → its window, float CHW, size × size,
        flipped and turned as ``p`` says."""
        ix0, iy0, iwin = p["window"]
        if not torch.is_tensor(image):
            image = torch.from_numpy(image)
        src = image[max(iy0, 0):max(0, iy0 + iwin), max(ix0, 0):max(0, ix0 + iwin)].permute(2, 0, 1).float().div_(255.0)
        canvas = torch.full((3, iwin, iwin), PAD_VALUE, device=image.device)
        canvas[:, max(0, -iy0):max(0, -iy0) + src.shape[1], max(0, -ix0):max(0, -ix0) + src.shape[2]] = src
        img = F.interpolate(canvas[None], size=(self.size, self.size), mode="bilinear", align_corners=False,
                            antialias=iwin > self.size)[0]
        if p["hflip"]:
            img = img.flip(2)
        if p["vflip"]:
            img = img.flip(1)
        if p["turns"]:
            img = torch.rot90(img, p["turns"], (1, 2))
        return img

    def apply_batch(self, images, params, generator):
        """Pixels of a batch: ``images`` (one uint8 HWC image per sample, numpy or torch on the target
        device) and their ``params`` → float [B, 3, size, size] in 0..1 on that device. The noise comes from
        the torch ``generator`` (on the same device)."""
        batch = torch.stack([self.crop_pixels(im, p) for im, p in zip(images, params)])
        device = batch.device
        n = len(params)
        gamma = [p.get("gamma", 1.0) for p in params]
        if any(g != 1.0 for g in gamma):
            batch = batch.clamp_(1e-4, 1).pow_(torch.tensor(gamma, dtype=torch.float32, device=device).view(n, 1, 1, 1))
        mats = [p.get("colour_matrix") for p in params]
        if any(m is not None for m in mats):
            m = torch.from_numpy(np.stack([np.eye(3, dtype=np.float32) if m is None else m for m in mats])).to(device)
            batch = torch.einsum("nij,njhw->nihw", m, batch)
        contrast = torch.tensor([p["contrast"] for p in params], dtype=torch.float32, device=device).view(n, 1, 1, 1)
        brightness = torch.tensor([p["brightness"] for p in params], dtype=torch.float32, device=device).view(n, 1, 1, 1)
        gain = torch.from_numpy(np.stack([p["gain"] for p in params])).to(device).view(n, 3, 1, 1)
        mean = batch.mean(dim=(1, 2, 3), keepdim=True)
        batch = ((batch - mean) * contrast + mean + brightness) * gain
        for i, p in enumerate(params):
            if p["blur"] > 0:
                batch[i] = gaussian_blur(batch[i], p["blur"])
        sigma = torch.tensor([p["noise"] for p in params], dtype=torch.float32, device=device)
        if (sigma > 0).any():
            # The same noise on every channel: one sensor, grey or colour.
            noise = torch.randn((n, 1, self.size, self.size), generator=generator, device=device)
            batch = batch + noise * sigma.view(n, 1, 1, 1)
        return batch.clamp_(0, 1)

    def __call__(self, image, boxes, classes, rng, grey, generator=None):
        """One augmented crop: (float CHW tensor, boxes, classes)."""
        params, boxes, classes = self.sample(image.shape, boxes, classes, rng, grey)
        if generator is None:
            generator = torch.Generator().manual_seed(int(rng.integers(2**62)))
        return self.apply_batch([image], [params], generator)[0], boxes, classes


_YIQ = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322], [0.211, -0.523, 0.312]], np.float64)


def colour_matrix(saturation, hue):
    """3 × 3 RGB → RGB matrix that keeps luma (YIQ's Y) and turns the chroma plane by ``hue`` radians and scales it
    by ``saturation`` (0: grey); None for the identity (saturation 1, hue 0)."""
    if saturation == 1.0 and hue == 0.0:
        return None
    c, s = math.cos(hue) * saturation, math.sin(hue) * saturation
    chroma = np.array([[1, 0, 0], [0, c, -s], [0, s, c]], np.float64)
    return (np.linalg.inv(_YIQ) @ chroma @ _YIQ).astype(np.float32)


PHOTOMETRIC = {
    # The shipped recipes' photometric changes (the Augmenter's defaults).
    "standard": {},
    # Stronger: the ground's colour and light vary far more between sites and seasons than between the training days.
    "heavy": dict(brightness=0.25, contrast=(0.5, 1.6), colour=0.15, saturation=(0.3, 1.6), hue=0.3, gamma=(0.7, 1.5),
                  grey_p=0.1, blur_p=0.35, noise_p=0.4),
}


def gaussian_blur(img, sigma):
    """Separable Gaussian blur of a CHW tensor."""
    radius = max(1, int(math.ceil(2.5 * sigma)))
    x = torch.arange(-radius, radius + 1, dtype=torch.float32, device=img.device)
    k = torch.exp(-0.5 * (x / sigma) ** 2)
    k = k / k.sum()
    c = img.shape[0]
    out = F.conv2d(F.pad(img[None], (radius, radius, 0, 0), mode="reflect"), k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    out = F.conv2d(F.pad(out, (0, 0, radius, radius), mode="reflect"), k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)
    return out[0]


def letterbox(image, size):
    """Whole image → size × size tensor (scaled to fit, grey padding right/bottom), and the scale used.
    Images already size × size pass unchanged, as DroneScan sends a 640-px photo as one 640-px tile."""
    img = to_tensor(image)
    h, w = img.shape[1:]
    k = size / max(h, w)
    if k != 1:
        nh, nw = round(h * k), round(w * k)
        img = F.interpolate(img[None], size=(nh, nw), mode="bilinear", align_corners=False, antialias=k < 1)[0]
    out = torch.full((3, size, size), PAD_VALUE)
    out[:, :img.shape[1], :img.shape[2]] = img
    return out, k
