"""relulab.images: bundled images, patches, the batched CNN and its dead-channel probe."""

import numpy as np
import pytest
import torch
from torch import nn

from relulab import images


def test_photographs_are_two_grey_images_from_the_sklearn_wheel():
    photos = images.photographs()
    assert len(photos) == 2
    for p in photos:
        assert p.shape == (427, 640) and p.dtype == np.uint8
        assert p.std() > 20  # real photographs, not blank


def test_skimage_photographs_are_every_bundled_photo_as_equal_grey_squares():
    from pathlib import Path

    from PIL import Image

    photos = images.skimage_photographs()
    assert list(photos) == [n.rsplit(".", 1)[0] for n in images.SKIMAGE_PHOTOS] and len(photos) == 19
    for name, p in photos.items():
        assert p.shape == (156, 156) and p.dtype == np.uint8
        assert p.std() > 5, name  # real pictures, not blank squares
    flat = {p.tobytes() for p in photos.values()}
    assert len(flat) == 19  # no photo twice
    # every file of skimage/data that is a picture is either used or left out on purpose (see SKIMAGE_PHOTOS)
    import skimage

    folder = Path(skimage.__file__).parent / "data"
    pictures = {f.name for f in folder.iterdir() if f.suffix in (".png", ".jpg")}
    left_out = {"chessboard_GRAY.png", "chessboard_RGB.png", "color.png", "logo.png", "phantom.png", "horse.png",
                "motorcycle_right.png"}
    assert pictures == set(images.SKIMAGE_PHOTOS) | left_out
    # the square is the centred crop of the grey picture, box-filtered: at its own size it is the crop itself
    with Image.open(folder / "camera.png") as img:
        camera = np.asarray(img.convert("L"))
    assert np.array_equal(images.skimage_photographs(512)["camera"], camera)
    # a box filter averages: the mean grey level barely moves when the square shrinks
    assert abs(float(photos["camera"].mean()) - float(camera.mean())) < 1.0


def test_digit_images():
    d = images.digit_images()
    assert d.shape == (1797, 8, 8) and d.min() == 0 and d.max() == 16


def test_patches_are_windows_of_the_images():
    h, w = 9, 11
    im = np.arange(h * w).reshape(h, w)  # a pixel's value tells its position
    other = 1000 + np.arange(5 * 5).reshape(5, 5)
    p = images.patches([im, other], 3, 500, seed=4)
    assert p.shape == (500, 9) and p.dtype == im.dtype
    for row in p:
        src = im if row[0] < 1000 else other
        r, c = np.argwhere(src == row[0])[0]
        np.testing.assert_array_equal(row, src[r : r + 3, c : c + 3].ravel())
    # images are drawn in proportion to their number of positions: 7*9 = 63 against 3*3 = 9
    share = np.mean(p[:, 0] >= 1000)
    assert abs(share - 9 / 72) < 4 * np.sqrt(9 / 72 * 63 / 72 / 500)
    np.testing.assert_array_equal(p, images.patches([im, other], 3, 500, seed=4))


def test_patches_refuse_bad_input():
    with pytest.raises(ValueError, match="smaller than"):
        images.patches([np.zeros((2, 2))], 3, 1, seed=0)
    with pytest.raises(ValueError, match="2-D"):
        images.patches([np.zeros((4, 4, 3))], 3, 1, seed=0)
    with pytest.raises(ValueError, match="count, height, width"):
        images.patches(np.zeros((4, 4)), 3, 1, seed=0)
    with pytest.raises(TypeError, match="non-empty"):
        images.patches([], 3, 1, seed=0)


def test_conv3x3_equals_torch_conv2d():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 5, 3, 8, 8, generator=g, dtype=torch.float64)  # 2 models, 5 images, 3 channels
    w = torch.randn(2, 4, 3, 3, 3, generator=g, dtype=torch.float64)
    b = torch.randn(2, 4, generator=g, dtype=torch.float64)
    got = images._conv3x3(x, w.reshape(2, 4, 27), b)
    for m in range(2):
        want = nn.functional.conv2d(x[m], w[m], b[m], padding=1)
        torch.testing.assert_close(got[m], want)


def test_each_copy_is_the_lone_network_of_its_seed():
    seeds = [3, 8]
    net = images.BatchedCNN(nn.ReLU, seeds, c1=4, c2=6)
    x = torch.randn(7, 1, 8, 8, dtype=torch.float64)
    out = net(x)
    for m, seed in enumerate(seeds):
        torch.manual_seed(seed)
        c1, c2, fc = nn.Conv2d(1, 4, 3, padding=1), nn.Conv2d(4, 6, 3, padding=1), nn.Linear(96, 10)
        lone = nn.Sequential(c1, nn.ReLU(), c2, nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), fc).double()
        torch.testing.assert_close(out[m], lone(x))


def test_cnn_digits_learns_and_counts_dead_channels():
    res = images.cnn_digits({"ReLU": nn.ReLU}, lrs=[0.05], seeds=[0, 1], epochs=1)
    (r,) = res
    assert r.name == "ReLU" and r.lr == 0.05 and r.seeds == (0, 1)
    assert np.all(r.accuracy > 0.7)
    assert np.all((0 <= r.dead_channels) & (r.dead_channels <= 1)) and not r.diverged.any()


def test_cnn_digits_trains_every_learning_rate_as_it_would_alone():
    # the rates share one batch of copies (gradients scaled by each copy's rate); each must match its own run
    together = images.cnn_digits({"ReLU": nn.ReLU}, lrs=[0.05, 2.0], seeds=[0, 1], epochs=1, batch_size=64)
    for res in together:
        alone = images.cnn_digits({"ReLU": nn.ReLU}, lrs=[res.lr], seeds=[0, 1], epochs=1, batch_size=64)[0]
        assert np.allclose(res.accuracy, alone.accuracy, equal_nan=True) and np.array_equal(res.diverged, alone.diverged)
        assert np.allclose(res.dead_channels, alone.dead_channels, equal_nan=True)
    assert not np.allclose(together[0].dead_channels, together[1].dead_channels)  # the rates did differ


def test_cnn_digits_dead_channel_probe_sees_a_killed_channel():
    # a ReLU channel with a huge negative bias is dead; the probe of cnn_digits must count it
    net = images.BatchedCNN(nn.ReLU, [0])
    with torch.no_grad():
        net.b1[0, 2] = -1e6
    from relulab.probes import ActivationRecorder

    with torch.no_grad(), ActivationRecorder(net, ["act1"]) as rec:
        net(torch.randn(20, 1, 8, 8, dtype=torch.float64))
    dead = ~(rec.outputs["act1"] > 0).any(dim=4).any(dim=3).any(dim=1)
    assert dead[0].tolist() == [False, False, True] + [False] * 5


def test_cnn_digits_refuses_bad_arguments():
    with pytest.raises(ValueError, match="activations is empty"):
        images.cnn_digits({}, lrs=[0.1], seeds=[0])
    with pytest.raises(ValueError, match="lr"):
        images.cnn_digits({"r": nn.ReLU}, lrs=[0.0], seeds=[0])
    with pytest.raises(ValueError, match="distinct"):
        images.cnn_digits({"r": nn.ReLU}, lrs=[0.1], seeds=[1, 1])



def test_photographs_and_digits_are_scikit_learns_without_importing_it():
    from sklearn.datasets import load_digits, load_sample_images

    for mine, theirs in zip(images.photographs(), load_sample_images().images, strict=True):
        grey = np.clip(np.rint(theirs[..., 0] * 0.299 + theirs[..., 1] * 0.587 + theirs[..., 2] * 0.114), 0, 255)
        assert mine.dtype == np.uint8 and np.array_equal(mine, grey.astype(np.uint8))
    d = images.digit_images()
    assert d.dtype == np.int64 and np.array_equal(d, load_digits().images.astype(np.int64))
