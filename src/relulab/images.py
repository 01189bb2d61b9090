"""Images that ship inside scikit-learn and scikit-image, cut into patches; and a small CNN with dead-channel probes.

Nothing is downloaded: :func:`photographs` reads the two colour photographs of
``sklearn.datasets.load_sample_images`` (a building in China and a flower, 427×640
pixels, JPEG files inside the scikit-learn wheel, decoded with Pillow) and
turns them into grey levels 0–255; :func:`skimage_photographs` reads every
photograph that ships inside the scikit-image wheel (:data:`SKIMAGE_PHOTOS`, 19
of them), as equal grey squares; :func:`digit_images` returns the 1,797
handwritten digits of ``load_digits`` (8×8 pixels, grey levels 0–16).
:func:`patches` cuts square patches at random positions.

:func:`cnn_digits` trains a two-layer convolutional network on the digits for
several seeds at once (:class:`BatchedCNN`: one batched matrix product serves
every seed) and reports test accuracy and the
share of *dead channels*: feature maps that are ``<= 0`` at every position of
every test image.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ._checks import check_callable, check_finite_array, check_int_in, check_scalar_in, check_seeds
from .i18n import register
from .probes import ActivationRecorder
from .training import _Optimizer

__all__ = ["SKIMAGE_PHOTOS", "photographs", "skimage_photographs", "digit_images", "patches", "BatchedCNN", "CNNResult", "cnn_digits"]

register(
    {
        "images.activation": {"en": "activation", "it": "attivazione"},
        "images.lr": {"en": "learning rate", "it": "learning rate"},
        "images.accuracy": {"en": "test accuracy", "it": "accuratezza di test"},
        "images.dead_channels": {"en": "dead channels", "it": "canali morti"},
    }
)


def photographs() -> list[np.ndarray]:
    """scikit-learn's two sample photographs as grey-level ``uint8`` arrays (427×640).

    Grey = round(0.299 R + 0.587 G + 0.114 B) (ITU-R BT.601 luma weights). The
    JPEG files are those of ``sklearn.datasets.load_sample_images()``, decoded
    the same way (Pillow, in the order of their names), but found without
    importing ``sklearn.datasets`` (about a second; see
    :func:`relulab.data.digits_arrays`); where they are not in the expected place,
    ``load_sample_images`` is used.
    """
    spec = importlib.util.find_spec("sklearn")
    folder = Path(spec.origin).parent / "datasets" / "images" if spec and spec.origin else None
    paths = sorted(folder.glob("*.jpg")) if folder is not None and folder.is_dir() else []
    if paths:
        from PIL import Image

        images = []
        for path in paths:
            with open(path, "rb") as f:
                images.append(np.asarray(Image.open(f)))
    else:
        from sklearn.datasets import load_sample_images

        images = load_sample_images().images
    out = []
    for img in images:
        grey = img[..., 0] * 0.299 + img[..., 1] * 0.587 + img[..., 2] * 0.114
        out.append(np.clip(np.rint(grey), 0, 255).astype(np.uint8))
    return out


#: The photographs inside the scikit-image 0.26 wheel (``skimage/data``), by file name, in alphabetical order: every
#: image there taken by a camera, a microscope or a telescope. Left out: the synthetic images (``chessboard_*``,
#: ``color``, ``logo``, ``phantom``), the drawn silhouette ``horse``, ``motorcycle_right`` (the second view of the
#: stereo pair whose first view, ``motorcycle_left``, is in), and the files that are not single images
#: (``lfw_subset.npy``, ``motorcycle_disp.npz``, ``multipage*.tif``, ``no_time_for_that_tiny.gif``). Every other
#: image of ``skimage.data`` is downloaded on first use, so the book does not use it.
SKIMAGE_PHOTOS: tuple[str, ...] = (
    "astronaut.png", "brick.png", "camera.png", "cell.png", "chelsea.png", "clock_motion.png", "coffee.png",
    "coins.png", "grass.png", "gravel.png", "hubble_deep_field.jpg", "ihc.png", "microaneurysms.png", "moon.png",
    "motorcycle_left.png", "page.png", "retina.jpg", "rocket.jpg", "text.png",
)


def skimage_photographs(side: int = 156) -> dict[str, np.ndarray]:
    """Every photograph of :data:`SKIMAGE_PHOTOS` as a grey ``side × side`` ``uint8`` array, by file name.

    Each file is read from the installed scikit-image package (nothing is
    downloaded; ``skimage`` itself is not imported), converted to grey levels
    by Pillow (``L = (299 R + 587 G + 114 B) / 1000``, BT.601 luma, integer
    arithmetic), cropped to the largest centred square and resized to
    ``side × side`` with Pillow's box filter (the mean of the pixels each new
    pixel covers; ``microaneurysms``, 102 pixels wide, is enlarged). Integer
    arithmetic throughout, so the pixels are the same on every machine.
    Raises ``FileNotFoundError`` if scikit-image is not installed or a file is
    missing (another version of the wheel).
    """
    import importlib.util
    from pathlib import Path

    from PIL import Image

    side = check_int_in(side, "side", 8, 4096)
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("scikit-image is not installed: pip install scikit-image==0.26.0 (requirements.txt)")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    out = {}
    for name in SKIMAGE_PHOTOS:
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: the book expects the files of the scikit-image 0.26.0 wheel")
        with Image.open(path) as img:
            grey = img.convert("L")
            w, h = grey.size
            s = min(w, h)
            left, top = (w - s) // 2, (h - s) // 2
            square = grey.crop((left, top, left + s, top + s)).resize((side, side), Image.Resampling.BOX)
            out[name.rsplit(".", 1)[0]] = np.asarray(square, dtype=np.uint8).copy()
    return out


def digit_images() -> np.ndarray:
    """scikit-learn's 1,797 handwritten digits, shape ``(1797, 8, 8)``, integer grey levels 0–16.

    ``load_digits().images``, read by :func:`relulab.data.digits_arrays` (without importing scikit-learn).
    """
    from .data import digits_arrays

    return digits_arrays()[0].reshape(-1, 8, 8).astype(np.int64)


def patches(images: Sequence[np.ndarray] | np.ndarray, size: int, n: int, *, seed: int) -> np.ndarray:
    """``n`` square patches of ``size × size`` pixels at random positions, flattened row by row.

    Every position of every image is equally likely (images are chosen in
    proportion to the number of patch positions they hold). Returns an array
    ``(n, size * size)`` with the images' dtype.
    """
    if isinstance(images, np.ndarray):
        if images.ndim != 3:
            raise ValueError(f"an array of images must have shape (count, height, width), got {images.shape}")
        images = list(images)
    if not isinstance(images, Sequence) or not images:
        raise TypeError("images must be a non-empty list of 2-D arrays or a 3-D array")
    size = check_int_in(size, "size", 1, 10_000)
    n = check_int_in(n, "n", 1, 10_000_000)
    for i, im in enumerate(images):
        check_finite_array(im, f"images[{i}]")
        if np.ndim(im) != 2:
            raise ValueError(f"images[{i}] must be 2-D (grey levels), got shape {np.shape(im)}")
        if im.shape[0] < size or im.shape[1] < size:
            raise ValueError(f"images[{i}] of shape {im.shape} is smaller than a {size}×{size} patch")
    counts = np.array([(im.shape[0] - size + 1) * (im.shape[1] - size + 1) for im in images], dtype=np.float64)
    rng = np.random.default_rng(check_int_in(seed, "seed", 0, 2**32 - 1))
    which = rng.choice(len(images), size=n, p=counts / counts.sum())
    out = np.empty((n, size * size), dtype=np.asarray(images[0]).dtype)
    for i in range(len(images)):
        rows = np.flatnonzero(which == i)
        if rows.size == 0:
            continue
        im = np.asarray(images[i])
        r = rng.integers(0, im.shape[0] - size + 1, size=rows.size)
        c = rng.integers(0, im.shape[1] - size + 1, size=rows.size)
        windows = np.lib.stride_tricks.sliding_window_view(im, (size, size))
        out[rows] = windows[r, c].reshape(rows.size, -1)
    return out


def _conv3x3(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """A 3×3 convolution with zero padding 1, one weight per model: ``(M, N, C, H, W) -> (M, N, C_out, H, W)``.

    ``weight`` is ``(M, C_out, C * 9)`` (an ``nn.Conv2d`` weight flattened per
    output channel), ``bias`` is ``(M, C_out)``. Written as unfold + batched
    matrix product: in float64 on a CPU this is several times faster than
    PyTorch's grouped convolution.
    """
    m, n, c, h, w = x.shape
    cols = nn.functional.unfold(x.reshape(m * n, c, h, w), 3, padding=1).view(m, n, c * 9, h * w)
    out = torch.matmul(weight.unsqueeze(1), cols) + bias.view(m, 1, -1, 1)  # (M, N, C_out, H*W)
    return out.view(m, n, -1, h, w)


class BatchedCNN(nn.Module):
    """``M`` copies of ``conv(3×3, c1) → act → conv(3×3, c2) → act → 2×2 max-pool → linear(10)`` for 8×8 images.

    Copy ``m`` is initialized from ``torch.manual_seed(seeds[m])`` exactly as a
    lone ``nn.Conv2d, nn.Conv2d, nn.Linear`` network of that seed would be
    (PyTorch's default initialization). Input ``(N, 1, 8, 8)`` (the same
    images for every copy), output ``(M, N, 10)``. The activation layers are
    ``act1`` and ``act2``; their outputs have shape ``(M, N, channels, 8, 8)``.
    """

    def __init__(self, activation: Callable[[], nn.Module], seeds: Sequence[int], c1: int = 8, c2: int = 8):
        super().__init__()
        seeds = check_seeds(seeds)
        check_callable(activation, "activation")
        self.m, self.c1, self.c2 = len(seeds), check_int_in(c1, "c1", 1, 4096), check_int_in(c2, "c2", 1, 4096)
        parts: dict[str, list[torch.Tensor]] = {k: [] for k in ("w1", "b1", "w2", "b2", "w3", "b3")}
        for seed in seeds:
            torch.manual_seed(seed)
            one = [nn.Conv2d(1, self.c1, 3, padding=1), nn.Conv2d(self.c1, self.c2, 3, padding=1), nn.Linear(self.c2 * 16, 10)]
            parts["w1"].append(one[0].weight.detach().reshape(self.c1, 9))
            parts["b1"].append(one[0].bias.detach())
            parts["w2"].append(one[1].weight.detach().reshape(self.c2, self.c1 * 9))
            parts["b2"].append(one[1].bias.detach())
            parts["w3"].append(one[2].weight.detach().T)
            parts["b3"].append(one[2].bias.detach().unsqueeze(0))
        for k, v in parts.items():
            setattr(self, k, nn.Parameter(torch.stack(v).double()))
        self.act1, self.act2 = activation(), activation()
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        h = self.act1(_conv3x3(x.unsqueeze(0).expand(self.m, n, 1, 8, 8), self.w1, self.b1))
        h = self.act2(_conv3x3(h, self.w2, self.b2))
        h = self.pool(h.reshape(self.m * n, self.c2, 8, 8)).reshape(self.m, n, self.c2 * 16)
        return torch.baddbmm(self.b3, h, self.w3)


@dataclass(frozen=True)
class CNNResult:
    """One activation and learning rate of :func:`cnn_digits`, one entry per seed."""

    name: str
    lr: float
    seeds: tuple[int, ...]
    accuracy: np.ndarray
    dead_channels: np.ndarray
    diverged: np.ndarray


def cnn_digits(
    activations: dict[str, Callable[[], nn.Module]],
    *,
    lrs: Sequence[float],
    seeds: Sequence[int],
    epochs: int = 4,
    batch_size: int = 32,
    momentum: float = 0.9,
) -> list[CNNResult]:
    """Train :class:`BatchedCNN` on the digits (70/30 split, seed 0) with SGD for each activation and learning rate.

    The split and the pixel standardization are those of
    :func:`relulab.data.digits`; mini-batches follow one seeded shuffle per
    epoch (shared by the copies). A channel is dead if its output is ``<= 0``
    at every position of every test image; ``dead_channels`` is the share of
    dead channels over both conv layers. Diverged copies (non-finite loss)
    get accuracy and dead share NaN.
    """
    from .data import digits

    if not activations:
        raise ValueError("activations is empty: give {name: factory}")
    seeds = check_seeds(seeds)
    lrs = [check_scalar_in(v, "lr", 0.0, 1e3, low_open=True) for v in lrs]
    epochs = check_int_in(epochs, "epochs", 1)
    batch_size = check_int_in(batch_size, "batch_size", 1)
    momentum = check_scalar_in(momentum, "momentum", 0.0, 1.0, high_open=True)
    split = digits(seed=0)
    xtr = split.x_train.double().view(-1, 1, 8, 8)
    xte = split.x_test.double().view(-1, 1, 8, 8)
    ytr, yte = split.y_train, split.y_test
    out = []
    n_seeds = len(seeds)
    # every learning rate trains in the same batch of copies: SGD with momentum and rate 1 on gradients scaled
    # by each copy's rate moves each copy exactly as SGD with that rate would (the momentum buffer is linear)
    rate = torch.tensor([lr for lr in lrs for _ in seeds], dtype=torch.float64)
    for name, factory in activations.items():
        net = BatchedCNN(factory, seeds)
        for k in ("w1", "b1", "w2", "b2", "w3", "b3"):
            setattr(net, k, nn.Parameter(getattr(net, k).detach().repeat(len(lrs), *([1] * (getattr(net, k).dim() - 1)))))
        net.m = n_seeds * len(lrs)
        opt = _Optimizer(net.parameters(), "sgd", lr=1.0, momentum=momentum)  # torch.optim.SGD's steps, bit for bit
        gen = torch.Generator().manual_seed(0)
        alive = torch.ones(net.m, dtype=torch.bool)
        for _ in range(epochs):
            order = torch.randperm(xtr.shape[0], generator=gen)
            for i in range(0, xtr.shape[0], batch_size):
                b = order[i : i + batch_size]
                logits = net(xtr[b])
                per = nn.functional.cross_entropy(logits.reshape(-1, 10), ytr[b].repeat(net.m), reduction="none").view(net.m, -1).mean(1)
                alive &= torch.isfinite(per.detach())
                opt.zero_grad()
                torch.where(alive, per, torch.zeros_like(per)).sum().backward()
                for p in net.parameters():
                    p.grad = torch.nan_to_num(p.grad) * rate.view(-1, *([1] * (p.dim() - 1)))
                opt.step()
        with torch.no_grad(), ActivationRecorder(net, ["act1", "act2"]) as rec:
            pred = net(xte).argmax(-1)
        acc_all = (pred == yte).double().mean(1).numpy()
        # a channel is dead if it is <= 0 at every position (last two dims) of every image (dim 1)
        dead = [~(rec.outputs[layer] > 0).any(dim=4).any(dim=3).any(dim=1) for layer in ("act1", "act2")]
        share_all = torch.cat(dead, dim=1).double().mean(1).numpy()
        for j, lr in enumerate(lrs):
            part = slice(j * n_seeds, (j + 1) * n_seeds)
            acc, share = acc_all[part], share_all[part]
            bad = ~alive[part].numpy() | ~np.isfinite(acc)
            out.append(CNNResult(name, lr, tuple(seeds), np.where(bad, np.nan, acc), np.where(bad, np.nan, share), bad))
    return out
