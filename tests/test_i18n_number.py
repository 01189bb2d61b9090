import pytest

from relulab import i18n


def test_number_uses_decimal_comma_in_italian_and_point_in_english():
    assert i18n.number(0.5, 2, lang="it") == "0,50"
    assert i18n.number(-1.234, 1, lang="en") == "-1.2"


@pytest.mark.parametrize("bad", [{"digits": -1}, {"digits": 1.5}, {"lang": "fr"}])
def test_number_rejects_bad_input_naming_the_parameter(bad):
    kwargs = {"digits": 2, "lang": "it", **bad}
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        i18n.number(1.0, **kwargs)


@pytest.mark.parametrize("x, digits", [(0.8571, 2), (2.154, 3), (3e-7, 2), (12345.0, 2), (-0.05, 2), (1.0, 2), (0.5, 1)])
def test_significant_is_g_format_with_the_decimal_mark_of_the_language(x, digits):
    assert i18n.significant(x, digits, lang="en") == f"{x:.{digits}g}"
    assert i18n.significant(x, digits, lang="it") == f"{x:.{digits}g}".replace(".", ",")
    assert i18n.significant(0.8571, lang="it") == "0,86"


@pytest.mark.parametrize("bad", [{"digits": 0}, {"digits": 2.0}, {"lang": "fr"}])
def test_significant_rejects_bad_input_naming_the_parameter(bad):
    kwargs = {"digits": 2, "lang": "it", **bad}
    with pytest.raises(ValueError, match=next(iter(bad))):
        i18n.significant(1.0, **kwargs)
