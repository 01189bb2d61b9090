"""Language support, the house plotting style, printed tables and seeding."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch

import relulab
import relulab.activations
from relulab import i18n, plotting, tables
from relulab.seeding import seed_everything


@pytest.fixture(autouse=True)
def english():
    yield
    relulab.use_language("en")


def test_language_switch_changes_labels():
    relulab.use_language("it")
    assert relulab.t("derivative") == "derivata"
    relulab.use_language("en")
    assert relulab.t("derivative") == "derivative"


def test_every_message_has_both_languages_and_differs_where_it_should():
    for key in i18n.keys():
        texts = i18n._CATALOGUE[key]
        assert set(texts) == {"en", "it"} and all(texts.values()), key


def test_language_errors():
    with pytest.raises(ValueError, match="relulab speaks 'en', 'it'"):
        relulab.use_language("fr")
    with pytest.raises(KeyError, match="register it"):
        relulab.t("no-such-key")
    with pytest.raises(ValueError, match="no text in: it"):
        i18n.register({"x.test": {"en": "only English"}})
    with pytest.raises(ValueError, match="already registered"):
        i18n.register({"derivative": {"en": "slope", "it": "pendenza"}})


def test_placeholders():
    i18n.register({"test.fmt": {"en": "{n} units", "it": "{n} unità"}})
    relulab.use_language("it")
    assert relulab.t("test.fmt", n=3) == "3 unità"


def test_series_styles_differ_without_colour():
    styles = [plotting.series_style(i) for i in range(4)]
    assert len({(s["linestyle"] if isinstance(s["linestyle"], str) else str(s["linestyle"]), s["marker"]) for s in styles}) == 4


def test_plot_function_and_derivative_uses_language():
    relulab.use_language("it")
    axes = plotting.plot_function_and_derivative(relulab.activations.relu_np, relulab.activations.relu_grad_np, name="ReLU")
    assert axes[1].get_ylabel() == "derivata"
    # the derivative of ReLU jumps once: drawn as two separate runs, no vertical segment
    assert len(axes[1].get_lines()) == 2
    matplotlib.pyplot.close("all")
    with pytest.raises(ValueError, match="low < high"):
        plotting.plot_function_and_derivative(np.abs, np.sign, name="abs", x_range=(1, 0))


def test_plot_mean_spread_checks_shape():
    fig, ax = plotting.subplots()
    plotting.plot_mean_spread(ax, [1, 2, 3], np.ones((4, 3)), label="x")
    with pytest.raises(ValueError, match="shape"):
        plotting.plot_mean_spread(ax, [1, 2], np.ones((4, 3)), label="x")
    matplotlib.pyplot.close("all")


def test_tables_format_numbers_and_signed_zero():
    assert tables.fmt(-0.0) == "-0.0" and tables.fmt(0.0) == "0.0"
    assert tables.fmt(float("nan")) == "nan" and tables.fmt(float("-inf")) == "-inf"
    assert tables.fmt(np.float32(0.123456)) == "0.123"
    assert tables.fmt(torch.tensor(2.5)) == "2.5"
    assert tables.fmt("0.5000") == "0.5000"  # strings are printed as given
    text = tables.format_table([["a", 1.0], ["bb", 2.0]], ["name", "value"])
    assert text.splitlines()[0].startswith("name") and "bb" in text.splitlines()[3]
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        tables.format_table([["a"]], ["x", "y"])


def test_seed_everything_makes_runs_repeat():
    seed_everything(3)
    a = (np.random.rand(3), torch.rand(3))
    seed_everything(3)
    b = (np.random.rand(3), torch.rand(3))
    np.testing.assert_array_equal(a[0], b[0])
    assert torch.equal(a[1], b[1])
    assert torch.get_num_threads() == 1
    with pytest.raises(ValueError, match="seed must be"):
        seed_everything(-1)
