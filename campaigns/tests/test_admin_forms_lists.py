"""Id lists in the market form are typed as lists, not JSON (issue 40: "a, b" gave "Enter a valid JSON.")."""

import pytest

from campaigns.admin_forms import IdListField


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("vvG1, vvG2", ["vvG1", "vvG2"]),
        ("vvG1 vvG2\nvvG3", ["vvG1", "vvG2", "vvG3"]),
        ('["vvG1", "vvG2"]', ["vvG1", "vvG2"]),
        ("'vvG1', \"vvG2\",", ["vvG1", "vvG2"]),
        ("", []),
    ],
)
def test_an_id_list_is_read_from_what_staff_type(typed, stored):
    assert IdListField(required=False).clean(typed) == stored


def test_an_id_list_is_shown_as_text():
    assert IdListField().prepare_value(["vvG1", "vvG2"]) == "vvG1, vvG2"
    assert IdListField().prepare_value('["vvG1"]') == "vvG1"
