"""Tests of relulab.bench: the harness, the catalogue, the recorded GPU data. Never a timing threshold."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from relulab import bench

from conftest import ROOT, SHARED

TINY = {"n": 256, "repeats": 3, "warmup": 1, "min_time": 1e-5}


def _finite_positive(*values: float) -> bool:
    return all(math.isfinite(v) and v > 0 for v in values)


# --- the catalogue computes what it says -------------------------------------------------------

REFERENCE = {
    "relu": F.relu,
    "relu (relulab)": F.relu,
    "leaky_relu": F.leaky_relu,
    "elu": F.elu,
    "celu": F.celu,
    "selu": F.selu,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "mish": F.mish,
    "softplus": F.softplus,
    "relu6": F.relu6,
    "hardswish": F.hardswish,
    "squared_relu": lambda x: F.relu(x) ** 2,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "prelu": lambda x: torch.where(x > 0, x, 0.25 * x),
    "crelu": lambda x: torch.cat([F.relu(x), F.relu(-x)], -1),
}


@pytest.mark.parametrize("name", bench.names("torch"))
def test_torch_placements_agree(name):
    """Every placement of a torch kernel writes the same numbers as the reference function."""
    x = torch.linspace(-8, 8, 401)
    k = bench.kernels("torch")[name]
    if name == "rrelu (training)":  # random slopes in [1/8, 1/3] on the negative side
        y = k.new(x)
        neg = x < 0
        assert torch.equal(y[~neg], x[~neg])
        slopes = y[neg] / x[neg]
        assert bool(((slopes >= 1 / 8 - 1e-6) & (slopes <= 1 / 3 + 1e-6)).all())
        return
    want = REFERENCE[name](x)
    torch.testing.assert_close(k.new(x), want)
    if k.out is not None:
        y = torch.full_like(x, float("nan"))
        k.out(x, y)
        torch.testing.assert_close(y, want)
    if k.inplace is not None:
        w = x.clone()
        k.inplace(w)
        torch.testing.assert_close(w, want)
        k.inplace(w)  # idempotent: applying it again changes nothing
        torch.testing.assert_close(w, want)


@pytest.mark.parametrize("name", bench.names("numpy"))
def test_numpy_placements_agree_with_torch(name):
    x = np.linspace(-8, 8, 401, dtype=np.float32)
    k = bench.kernels("numpy")[name]
    ref = {"relu": F.relu, "relu (relulab)": F.relu, "leaky_relu": F.leaky_relu, "sigmoid": torch.sigmoid,
           "tanh": torch.tanh}[name]
    want = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(k.new(x), want, rtol=1e-6, atol=1e-7)
    if k.out is not None:
        y = np.full_like(x, np.nan)
        k.out(x, y)
        np.testing.assert_allclose(y, want, rtol=1e-6, atol=1e-7)
    if k.inplace is not None:
        w = x.copy()
        k.inplace(w)
        np.testing.assert_allclose(w, want, rtol=1e-6, atol=1e-7)


def test_catalogue_covers_the_family_and_the_classics():
    torch_names = set(bench.names("torch"))
    for required in ("relu", "relu (relulab)", "leaky_relu", "prelu", "rrelu (training)", "elu", "celu", "selu",
                     "gelu", "gelu_tanh", "silu", "mish", "softplus", "relu6", "hardswish", "squared_relu",
                     "crelu", "sigmoid", "tanh"):
        assert required in torch_names
    assert {"relu", "relu (relulab)", "sigmoid", "tanh"} <= set(bench.names("numpy"))


def test_every_member_of_the_family_is_timed():
    """Each activation of relulab.activations.FAMILY is in the catalogue (Maxout through maxout_cost)."""
    from relulab import activations

    family = getattr(activations, "FAMILY", None)
    if family is None:
        pytest.skip("relulab.activations has no FAMILY")
    names = {n.split(" ")[0] for n in bench.names("torch")}
    assert set(family) - {"maxout"} <= names, sorted(set(family) - {"maxout"} - names)


def test_inplace_only_for_idempotent_functions():
    x = torch.randn(1000)
    for name, k in bench.kernels("torch").items():
        if k.inplace is not None:
            once = k.new(x)
            assert torch.equal(k.new(once), once), name


def test_placements():
    assert bench.placements("relu") == ("new", "out", "inplace")
    assert bench.placements("sigmoid") == ("new", "out")
    assert bench.placements("prelu") == ("new",)
    assert bench.placements("relu (relulab)", "numpy") == ("new", "out", "inplace")


# --- the harness ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,library,placement,dtype,mode",
    [
        ("relu", "torch", "new", "float32", "forward"),
        ("relu", "torch", "out", "bfloat16", "forward"),
        ("relu (relulab)", "torch", "inplace", "float64", "forward"),
        ("gelu", "torch", "new", "float32", "forward+backward"),
        ("crelu", "torch", "new", "float32", "forward+backward"),
        ("relu (relulab)", "numpy", "out", "float32", "forward"),
        ("sigmoid", "numpy", "new", "float64", "forward"),
    ],
)
def test_measure_gives_positive_finite_ratios(name, library, placement, dtype, mode):
    m = bench.measure(name, library=library, placement=placement, dtype=dtype, mode=mode, **TINY)
    assert (m.name, m.library, m.placement, m.dtype, m.mode, m.n) == (name, library, placement, dtype, mode, 256)
    assert _finite_positive(m.ratio, m.ratio_low, m.ratio_high, m.seconds, m.copy_seconds, m.best_ratio, m.copy_gbs)
    assert m.ratio_low <= m.ratio <= m.ratio_high


def test_measure_restores_threads_and_leaves_input_alone():
    before = torch.get_num_threads()
    bench.measure("relu", placement="inplace", threads=1, **TINY)
    assert torch.get_num_threads() == before


def test_measure_many_skips_placements_a_function_lacks():
    ms = bench.measure_many(["relu", "prelu"], ("new", "out"), **TINY)
    assert [(m.name, m.placement) for m in ms] == [("relu", "new"), ("relu", "out"), ("prelu", "new")]
    table, headers = bench.rows(ms, ("new", "out"))
    assert len(headers) == 3 and table[1][0] == "prelu" and table[1][2] == "-"


def test_measure_many_fallback_and_page_faults():
    ms = bench.measure_many(["relu", "prelu"], ("out",), fallback="new", **TINY)
    assert [(m.name, m.placement) for m in ms] == [("relu", "out"), ("prelu", "new")]
    touching = bench.page_faults(lambda: torch.ones(2**22), calls=2)  # 16 MiB of fresh memory, written
    idle = bench.page_faults(lambda: None, calls=2)
    if touching != touching:
        pytest.skip("this platform does not count page faults")
    assert touching > idle >= 0


def test_size_sweep():
    ms = bench.size_sweep(["relu", "tanh"], [64, 128], placement="out", repeats=3, warmup=0, min_time=1e-5)
    assert [(m.name, m.n) for m in ms] == [("relu", 64), ("relu", 128), ("tanh", 64), ("tanh", 128)]


def test_paired_ratios_counts_and_positivity():
    f, r = bench.paired_ratios(lambda: sum(range(100)), lambda: None, repeats=4, warmup=0, min_time=1e-5)
    assert f.shape == r.shape == (4,)
    assert (f > 0).all() and (r > 0).all()


def test_layer_share_and_maxout():
    s = bench.layer_share("gelu", batch=8, d_in=16, d_out=32, repeats=3, warmup=1, min_time=1e-5)
    assert 0 < s.share_low <= s.share <= s.share_high < 1
    assert _finite_positive(s.linear_seconds, s.activation_seconds)
    for mode in bench.MODES:
        c = bench.maxout_cost(3, batch=8, d_in=16, d_out=32, mode=mode, repeats=3, warmup=1, min_time=1e-5)
        assert c.params == 3 * (16 * 32 + 32) and c.relu_params == 16 * 32 + 32 and c.params_ratio == 3
        assert _finite_positive(c.ratio, c.ratio_low, c.ratio_high)


def test_environment_reports_cores_and_versions():
    env = bench.environment()
    assert int(env["cores"]) >= 1 and int(env["usable cores"]) >= 1
    assert env["torch"] == torch.__version__ and env["numpy"] == np.__version__


# --- clear errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        ({"name": "swishy"}, ValueError, "choose among"),
        ({"name": "relu", "library": "jax"}, ValueError, "library must be one of"),
        ({"name": "relu", "library": "numpy", "dtype": "bfloat16"}, ValueError, "dtype for numpy"),
        ({"name": "relu", "dtype": "int8"}, ValueError, "dtype for torch"),
        ({"name": "sigmoid", "placement": "inplace"}, ValueError, "offers placements"),
        ({"name": "relu", "placement": "elsewhere"}, ValueError, "placement must be one of"),
        ({"name": "relu", "mode": "backward"}, ValueError, "mode must be one of"),
        ({"name": "relu", "library": "numpy", "mode": "forward+backward"}, ValueError, "numpy has no autograd"),
        ({"name": "relu", "placement": "out", "mode": "forward+backward"}, ValueError, "placement='new'"),
        ({"name": "relu", "n": 0}, ValueError, "n must be an integer"),
        ({"name": "relu", "n": 2.5}, TypeError, "n must be an integer"),
        ({"name": "relu", "repeats": 2}, ValueError, "repeats must be an integer"),
        ({"name": "relu", "warmup": -1}, ValueError, "warmup must be an integer"),
        ({"name": "relu", "min_time": 0}, ValueError, "min_time must be in"),
        ({"name": "relu", "threads": 0}, ValueError, "threads must be an integer"),
        ({"name": "relu", "seed": -1}, ValueError, "seed must be an integer"),
    ],
)
def test_measure_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        bench.measure(**{"n": 64, **kwargs})


def test_other_errors():
    with pytest.raises(TypeError, match="callables"):
        bench.paired_ratios(1, lambda: None)
    with pytest.raises(TypeError, match="non-empty sequence"):
        bench.measure_many("relu")
    with pytest.raises(ValueError, match="placements_ must be"):
        bench.measure_many(["relu"], ("new", "nowhere"))
    with pytest.raises(TypeError, match="sizes"):
        bench.size_sweep(["relu"], 64)
    with pytest.raises(ValueError, match="choose among"):
        bench.layer_share("maxout")
    with pytest.raises(ValueError, match="at most 2\\*\\*26"):
        bench.layer_share("relu", batch=100_000, d_in=1000, d_out=1000)
    with pytest.raises(ValueError, match="k must be an integer"):
        bench.maxout_cost(0)
    with pytest.raises(ValueError, match="mode must be one of"):
        bench.maxout_cost(2, mode="train")
    with pytest.raises(ValueError, match="library must be one of"):
        bench.names("jax")
    with pytest.raises(ValueError, match="must not be empty"):
        bench.rows([])
    m = bench.measure("relu", **TINY)
    with pytest.raises(ValueError, match="one row per name"):
        bench.rows([m, m])
    with pytest.raises(ValueError, match="placements_ must be"):
        bench.rows([m], ("new", "elsewhere"))
    with pytest.raises(ValueError, match="fallback must be"):
        bench.measure_many(["prelu"], ("out",), fallback="nowhere")
    with pytest.raises(TypeError, match="fn must be a callable"):
        bench.page_faults(3)


# --- recorded GPU measurements -----------------------------------------------------------------


def test_recorded_h100_reads_and_matches_the_shared_copy():
    rec = bench.read_recorded()
    assert rec.device == "NVIDIA H100 80GB HBM3" and rec.torch_version == "2.11.0+cu130"
    assert [s.dtype for s in rec.sections] == ["float32", "bfloat16"]
    assert all(s.n == 2**28 for s in rec.sections)
    assert rec.section("float32").ratio("relu") == 1.00 and rec.section("bfloat16").ratio("softplus") == 1.41
    assert [la.name for la in rec.layers] == ["relu", "gelu", "silu"]
    assert any("2026-11-22" in line for line in rec.provenance)
    shared = SHARED / "measurements" / bench.RECORDED_H100.name
    if shared.exists():  # the repository's copy is the recorded file, byte for byte
        assert shared.read_bytes() == bench.RECORDED_H100.read_bytes()


def test_recorded_round_trip():
    rec = bench.read_recorded()
    assert bench.parse_recorded(bench.format_recorded(rec)) == rec


@pytest.mark.parametrize(
    "text,match",
    [
        ("", "no measurements"),
        ("onlyoneword\n", "first line"),
        ("2.0 GPU\n  relu 1.0 ms  1.00x copy\n", "row before"),
        ("2.0 GPU\ntorch.float32 n=4: copy 1.000 ms = 1 GB/s\n  relu 2.000 ms  1.00x copy\n", "disagrees"),
        ("2.0 GPU\ntorch.float32 n=4: copy 1.000 ms = 1 GB/s\nrelu is fast\n", "unrecognised line"),
        ("2.0 GPU\ntorch.float32 n=4: copy 1.000 ms = 1 GB/s\n", "has no rows"),
    ],
)
def test_parse_errors(text, match):
    with pytest.raises(ValueError, match=match):
        bench.parse_recorded(text)


def test_read_recorded_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no recorded measurements"):
        bench.read_recorded(tmp_path / "nothing.txt")
    with pytest.raises(KeyError, match="recorded dtypes"):
        bench.read_recorded().section("float16")


def test_gpu_script_output_reads_back():
    """The GPU script's protocol, run on the CPU with tiny sizes, prints a run that parses, with provenance."""
    res = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gpu_bench.py"), "--device", "cpu", "--n", "256", "--repeats", "3",
         "--warmup", "1", "--layer", "4", "8", "16"],
        capture_output=True, text=True, timeout=300, check=True,
    )
    rec = bench.parse_recorded(res.stdout)
    fields = [p.split(":", 1)[0] for p in rec.provenance]
    assert {"device", "date", "command", "protocol"} <= set(fields)
    assert any(p.startswith("torch ") for p in rec.provenance)
    labels = [r.name for r in rec.section("float32").rows]
    assert "relu(out)" in labels and "relu (relulab)(inplace)" in labels and "sigmoid" in labels
    assert [m.k for m in rec.maxout] == [2, 3, 4]
    assert all(math.isfinite(r.ratio) and r.ratio > 0 for s in rec.sections for r in s.rows)


def test_gpu_script_refuses_without_cuda():
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "gpu_bench.py")], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2 and "no CUDA device" in res.stderr


@pytest.mark.parametrize("log, base", [(True, 1.0), (False, 0.0)])
def test_plot_ratios_bars_start_at_one_copy_on_a_log_axis(log, base):
    """On a log axis a bar has no zero: each bar runs from one copy to its ratio (left of the
    dashed line when faster than a copy); on a linear axis from 0."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def m(name, ratio):
        return bench.Measurement(name, "torch", "float32", 1024, "forward", "out", 1, 5,
                                 ratio, ratio * 0.9, ratio * 1.1, 1e-5, 1e-5, ratio)

    fig, ax = plt.subplots()
    bench.plot_ratios(ax, [m("relu", 0.6), m("gelu", 4.0)], log=log)
    bars = sorted((p.get_y(), p.get_x(), p.get_x() + p.get_width()) for p in ax.patches)
    plt.close(fig)
    assert [(round(a, 9), round(b, 9)) for _, a, b in bars] == [(base, 0.6), (base, 4.0)]
    assert ax.get_xscale() == ("log" if log else "linear")
