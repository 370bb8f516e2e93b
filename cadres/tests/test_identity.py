"""GB 11643 ID numbers, birth dates inside them, mainland mobiles, and the model's clean()."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cadres.identity import (
    birth_date_from_id,
    id_check_char,
    mask_id_number,
    mask_mobile,
    validate_id_number,
    validate_mobile,
)
from cadres.models import Cadre

from .helpers import bad_checksum, make_id

# A published specimen: 11010519491231002X (check character X).
SPECIMEN_X = "11010519491231002X"


def test_valid_id_numbers_pass():
    validate_id_number(make_id("19750308"))
    validate_id_number(SPECIMEN_X)
    validate_id_number(SPECIMEN_X.lower())  # a lower-case x is normalised


def test_check_char_is_computed_with_mod_11_2():
    assert id_check_char(SPECIMEN_X[:17]) == "X"
    first17 = "35032219800101001"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    expected = "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]
    assert id_check_char(first17) == expected


@pytest.mark.parametrize("value", [bad_checksum(make_id()), SPECIMEN_X[:-1] + "1"])
def test_wrong_check_digit_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == "id_checksum"


@pytest.mark.parametrize("value", ["35032219800101001", "3503221980010100123", "35032219800101001Y", ""])
def test_bad_format_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == "id_format"


@pytest.mark.parametrize("born", ["19810230", "19801301", "18890101", "20991231"])
def test_impossible_or_future_birth_dates_are_refused(born):
    first17 = f"350322{born}001"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(first17 + id_check_char(first17))
    assert exc.value.code == "id_birth_date"


def test_birth_date_is_read_from_the_id():
    assert birth_date_from_id(make_id("19750308")) == dt.date(1975, 3, 8)
    assert birth_date_from_id("35032219751308001X") is None


@pytest.mark.parametrize("value,ok", [("13812345678", True), ("19912345678", True), ("12812345678", False),
                                      ("1381234567", False), ("138123456789", False), ("0594-1234567", False)])
def test_mobile_format(value, ok):
    if ok:
        validate_mobile(value)
    else:
        with pytest.raises(ValidationError):
            validate_mobile(value)


def test_masks():
    assert mask_id_number("350322198001010016") == "350322********0016"
    assert mask_mobile("13812341234") == "138****1234"


def test_clean_fills_and_checks_the_birth_date():
    id_number = make_id("19750308")
    cadre = Cadre(name="张三", id_number=id_number.lower(), phone="13812345678")
    cadre.clean()
    assert cadre.birth_date == dt.date(1975, 3, 8) and cadre.id_number == id_number
    cadre = Cadre(name="张三", id_number=id_number, birth_date=dt.date(1975, 3, 9))
    with pytest.raises(ValidationError) as exc:
        cadre.clean()
    assert "birth_date" in exc.value.message_dict
    cadre = Cadre(name="张三", id_number=bad_checksum(id_number), phone="1381234")
    with pytest.raises(ValidationError) as exc:
        cadre.clean()
    assert {"id_number", "phone"} <= set(exc.value.message_dict)
