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


# ---------------------------------------------------------------- one number format per edition (issue 21)


@pytest.mark.parametrize(
    "text, italian",
    [
        ("0.69 ± 0.04", "0,69 ± 0,04"),
        ("-1.5 and 2", "-1,5 and 2"),
        ("(0.138 ± 0.104)", "(0,138 ± 0,104)"),
        ("alpha = 0.5:  ELU'(0-) = 0.500", "alpha = 0,5:  ELU'(0-) = 0,500"),
        ("15.64 [15.53-15.73]", "15,64 [15,53-15,73]"),  # a range is not code
        ("F.prelu(x, 0.25)  0.25", "F.prelu(x, 0.25)  0,25"),  # a call is code
        ("(0.999, 0.5485) and (0.5 ± 0.1)", "(0.999, 0.5485) and (0,5 ± 0,1)"),  # a tuple is code
        ("lr=0.1 at_zero=0.5: `0.5` [0.0, 1.0]", "lr=0.1 at_zero=0.5: `0.5` [0.0, 1.0]"),
        ("torch 2.11.0+cu130, 1.5e-3, np.where", "torch 2.11.0+cu130, 1.5e-3, np.where"),
    ],
)
def test_localize_numbers_gives_italian_a_decimal_comma_outside_code(text, italian):
    assert i18n.localize_numbers(text, "it") == italian
    assert i18n.localize_numbers(text, "en") == text
    relulab.use_language("it")
    assert i18n.localize_numbers(text) == italian


def test_localize_numbers_validates():
    with pytest.raises(TypeError, match="text must be a str"):
        i18n.localize_numbers(0.5)
    with pytest.raises(ValueError, match="lang must be one of"):
        i18n.localize_numbers("0.5", "fr")


def test_t_localizes_the_numbers_it_fills_in_not_the_template():
    i18n.register({"test.loc": {"en": "{x:.2f} on 1,000 {what} ({pm})", "it": "{x:.2f} su 1.000 {what} ({pm})"}})
    relulab.use_language("it")
    assert relulab.t("test.loc", x=0.5, what="coppie da 1.5", pm="0.25 ± 0.01") == "0,50 su 1.000 coppie da 1.5 (0,25 ± 0,01)"
    relulab.use_language("en")
    assert relulab.t("test.loc", x=0.5, what="pairs", pm="0.25 ± 0.01") == "0.50 on 1,000 pairs (0.25 ± 0.01)"


def test_echo_prints_like_print_in_english_and_with_commas_in_italian(capsys):
    relulab.echo("ratio:", 0.552, "->", 5.5, [0.1], sep=" ")
    relulab.use_language("it")
    relulab.echo("ratio:", 0.552, "->", 5.5, [0.1])
    assert capsys.readouterr().out == "ratio: 0.552 -> 5.5 [0.1]\nratio: 0,552 -> 5,5 [0.1]\n"
    with pytest.raises(TypeError, match="sep and end must be str"):
        relulab.echo(1, sep=None)


def test_tables_use_the_decimal_comma_in_italian_also_in_mixed_cells_and_headers():
    rows = [["relu", 0.5, "0.69 ± 0.04", "F.prelu(x, 0.25)"], ["tanh", -0.0, "—", "x"]]
    english = tables.format_table(rows, ["name", "x = -0.5", "acc", "code"])
    assert "0.5" in english and "0.69 ± 0.04" in english and "x = -0.5" in english
    relulab.use_language("it")
    italian = tables.format_table(rows, ["nome", "x = -0.5", "acc", "codice"])
    assert "0,5 " in italian and "0,69 ± 0,04" in italian and "x = -0,5" in italian and "-0,0" in italian
    assert "F.prelu(x, 0.25)" in italian
    assert tables.fmt(0.123456) == "0,123" and tables.fmt(float("nan")) == "nan"


def test_italian_figures_have_decimal_comma_ticks_english_ones_keep_the_point():
    import matplotlib.pyplot as plt

    relulab.use_language("it")
    plotting.use_house_style()
    fig, ax = plt.subplots()
    ax.plot([0, 0.5, 1.5], [0.1, 0.2, 0.25])
    fig.canvas.draw()
    labels = [tick.get_text() for tick in ax.get_yticklabels() if tick.get_text()]
    assert labels and all("." not in s for s in labels) and any("," in s for s in labels)
    assert isinstance(ax.yaxis.get_major_formatter(), plotting.DecimalCommaFormatter)
    relulab.use_language("en")
    fig2, ax2 = plt.subplots()
    ax2.plot([0, 0.5, 1.5], [0.1, 0.2, 0.25])
    fig2.canvas.draw()
    assert any("." in tick.get_text() for tick in ax2.get_yticklabels())
    plt.close("all")
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        plotting.localize_ticks("figure")


def test_conclude_localizes_its_fields(capsys):
    from relulab.checks import conclude

    relulab.use_language("it")
    conclude("C01", True, en="mean {m:.3f} on 1,000 images", it="media {m:.3f} su 1.000 immagini", m=0.5)
    assert capsys.readouterr().out == "verifica C01: media 0,500 su 1.000 immagini — regge\n"


def test_gradient_labels_and_bench_provenance_follow_the_language():
    from relulab import bench, gradients

    assert [gradients.label(n) for n in ("sigmoid", "default")] == ["sigmoid", "default"]
    rec = bench.read_recorded()
    assert bench.provenance_text(rec).splitlines() == list(rec.provenance)  # English: the recorded text
    relulab.use_language("it")
    assert [gradients.label(n) for n in ("sigmoid", "relu", "default")] == ["sigmoide", "ReLU", "predefinita"]
    text = bench.provenance_text(rec)
    assert text.startswith("Provenienza: NVIDIA H100") and "ripetizioni" in text and "measured" not in text
    assert bench.environment_labels()["usable cores"] == "core utilizzabili"
    with pytest.raises(ValueError, match="name must be one of"):
        gradients.label("swish")
    with pytest.raises(TypeError, match="rec must be a Recorded"):
        bench.provenance_text("rec")
