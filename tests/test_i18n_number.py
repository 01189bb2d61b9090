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
