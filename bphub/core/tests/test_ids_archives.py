import io
import zipfile

import pytest
from django.urls import resolve
from django.urls.exceptions import Resolver404

from bphub.core.archives import ArchiveTooLarge, check_zip_expansion
from bphub.core.ids import DB_ID_MAX, IdConverter, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), (" 42 ", 42), (str(DB_ID_MAX), DB_ID_MAX), (7, 7)],
)
def test_parse_id_accepts_ids_in_the_database_range(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "0", "-1", "1.5", "abc", "١٢", str(DB_ID_MAX + 1), "9" * 21, True, 0, -3])
def test_parse_id_refuses_everything_else(raw):
    assert parse_id(raw) is None


def test_the_id_converter_refuses_out_of_range_ids():
    converter = IdConverter()
    assert converter.to_python("12") == 12
    with pytest.raises(ValueError):
        converter.to_python(str(DB_ID_MAX + 1))


def test_the_id_converter_is_registered():
    from django.urls import converters

    assert isinstance(converters.get_converters()["id"], IdConverter)
    with pytest.raises(Resolver404):
        resolve("/no-such-route/" + "9" * 21 + "/")


def _zip(entries: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def test_a_zip_is_measured_by_its_real_expansion():
    source = _zip({"a.xml": b"x" * 5000, "b.xml": b"y" * 3000})
    assert check_zip_expansion(source, 10_000) == 8000
    assert source.tell() == 0


def test_a_zip_whose_directory_lies_about_sizes_is_still_caught():
    source = _zip({"big.xml": b"\0" * 2_000_000})
    data = bytearray(source.getvalue())
    # Rewrite the stated uncompressed size in the central directory (offset 24 of its record) to 1 KB.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1024).to_bytes(4, "little")
    with pytest.raises(ArchiveTooLarge):
        check_zip_expansion(io.BytesIO(bytes(data)), 1_000_000)


def test_an_honest_zip_near_the_limit_passes_and_one_byte_more_fails():
    assert check_zip_expansion(_zip({"a": b"z" * 1000}), 1000) == 1000
    with pytest.raises(ArchiveTooLarge):
        check_zip_expansion(_zip({"a": b"z" * 1001}), 1000)


def test_a_damaged_zip_is_named_as_such():
    with pytest.raises(zipfile.BadZipFile):
        check_zip_expansion(io.BytesIO(b"PK\x03\x04 not really a zip"), 1000)
