import datetime as dt

import pytest
from openpyxl import Workbook

from govkit.data.readers import (
    ParseError,
    Source,
    decode_csv_bytes,
    find_sources,
    parse_bool,
    parse_category,
    parse_count,
    parse_date,
    parse_number,
    read_csv_text,
    read_source,
)


def test_thousands_separators_read_but_decimal_commas_refused():
    assert parse_number("1,234") == 1234.0
    assert parse_number("1,234,567.5") == 1234567.5
    assert parse_number(" -3.5 ") == -3.5
    assert parse_number("(1,200)", money=True) == -1200.0  # accountants' negative
    assert parse_number("£2,500", money=True) == 2500.0
    for bad in ("1,2", "12,34", "1.234,5"):
        with pytest.raises(ParseError, match="commas only between thousands"):
            parse_number(bad)


def test_counts_are_whole_numbers_never_percentages():
    assert parse_count("1,050") == 1050
    assert parse_count("12.0") == 12  # Excel writes some whole numbers this way
    with pytest.raises(ParseError, match="percentage"):
        parse_count("53%")
    with pytest.raises(ParseError, match="not a whole number"):
        parse_count("2.5")


def test_uk_and_iso_dates_read_us_dates_refused():
    assert parse_date("01/09/2024") == dt.date(2024, 9, 1)  # 1 September, not 9 January
    assert parse_date("2024-09-01") == dt.date(2024, 9, 1)
    with pytest.raises(ParseError, match="dates are dd/mm/yyyy"):
        parse_date("12/31/2024")
    with pytest.raises(ParseError, match="not a real date"):
        parse_date("31/02/2024")
    with pytest.raises(ParseError, match="four-digit year"):
        parse_date("01/09/24")


@pytest.mark.parametrize("text,value", [("yes", True), ("Y", True), ("TRUE", True), ("1", True),
                                        ("no", False), ("n", False), ("False", False),
                                        ("0", False)])
def test_booleans(text, value):
    assert parse_bool(text) is value


def test_bool_and_category_refusals_name_the_choices():
    with pytest.raises(ParseError, match="yes/no"):
        parse_bool("maybe")
    assert parse_category("Not disadvantaged", ["all", "not_disadvantaged"]) == \
        "not_disadvantaged"
    with pytest.raises(ParseError, match="one of: all, not_disadvantaged"):
        parse_category("boys", ["all", "not_disadvantaged"])


def test_bom_is_dropped_and_cp1252_decoded_with_a_warning():
    text, problems = decode_csv_bytes("\ufeffurn,name\r\n".encode(), "s.csv")
    assert text == "urn,name\r\n" and problems == []
    cp = "urn,name\r\n100001,St Mary’s\r\n".encode("cp1252")  # ’ is byte 0x92 in cp1252
    text, problems = decode_csv_bytes(cp, "s.csv")
    assert "St Mary’s" in text and "â€" not in text
    assert [str(p) for p in problems] == [
        "s.csv:2: warning: not UTF-8: read as Windows-1252 (Excel's 'CSV'); save as "
        "'CSV UTF-8' to be sure of names like St Mary’s"]
    text, problems = decode_csv_bytes("a,b".encode("utf-16"), "s.csv")
    assert text is None and "UTF-16" in problems[0].message


def test_rows_are_numbered_as_excel_shows_them(tmp_path):
    # header row 1; a quoted line break keeps row 2 one row; row 3 is blank; row 4 is data
    text = 'urn , Name\r\n100001,"Oak\nPrimary"\r\n\r\n 100002 ,  Elm  \r\n'
    table, problems = read_csv_text(Source("schools", tmp_path / "schools.csv"), text)
    assert problems == []
    assert list(table.frame.columns) == ["urn", "name"]
    assert list(table.frame.index) == [2, 4]
    assert table.frame.loc[4].tolist() == ["100002", "Elm"]


def test_ragged_row_is_refused_with_its_row(tmp_path):
    text = "urn,name\n100001,Oak,extra\n100002,Elm,\n"
    table, problems = read_csv_text(Source("schools", tmp_path / "schools.csv"), text)
    assert [str(p) for p in problems] == [
        "schools.csv:2: row has 3 cells but the header has 2: a stray comma or an "
        "unquoted value?"]
    assert list(table.frame.index) == [3]  # a trailing empty cell is harmless


def test_xlsx_cells_as_excel_shows_them(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "census"
    ws.append(["urn", "term", "pupils_on_roll", "joined"])
    ws.append([100001, "2024-25-autumn", 0.53, dt.datetime(2024, 9, 1)])
    ws["C2"].number_format = "0%"
    ws.append([100002.0, "2024-25-autumn", 210, None])
    wb.save(tmp_path / "census.xlsx")
    table, problems = read_source(Source("census", tmp_path / "census.xlsx"))
    assert problems == []
    assert table.frame.loc[2].tolist() == ["100001", "2024-25-autumn", "53%", "2024-09-01"]
    assert table.frame.loc[3].tolist() == ["100002", "2024-25-autumn", "210", ""]


def test_find_sources_workbook_sheets_and_unknown_files(tmp_path):
    wb = Workbook()
    wb.active.title = "Schools"
    wb.active.append(["urn"])
    wb.active.append([100001])
    wb.create_sheet("census").append(["urn"])
    wb["census"].append([100001])
    wb.create_sheet("notes")
    wb.create_sheet("behaviour").append(["urn"])  # a header only: as if not given
    wb.save(tmp_path / "drop.xlsx")
    (tmp_path / "census.csv").write_text("urn\n")
    (tmp_path / "behaviour.csv").write_text("urn\n100001\n")
    (tmp_path / "readme.txt").write_text("hello")
    (tmp_path / "~$drop.xlsx").write_text("lock")
    sources, problems = find_sources(tmp_path)
    assert sources["schools"].label == "drop.xlsx[Schools]"
    assert sources["census"].label == "census.csv"
    assert sources["behaviour"].label == "behaviour.csv"
    wb.remove(wb["census"])
    wb.save(tmp_path / "drop.xlsx")
    (tmp_path / "behaviour.csv").unlink()
    assert "behaviour" not in find_sources(tmp_path)[0]  # an empty sheet is not a source
    assert [str(p) for p in problems] == [
        "drop.xlsx[notes]: warning: sheet is not a domain of the data contract; ignored",
        "readme.txt: warning: .txt files are not read: save it as CSV UTF-8 or .xlsx; "
        "file ignored",
        "drop.xlsx[census]: census is given more than once (census.csv, drop.xlsx[census]): "
        "keep one",
    ]


def test_semicolon_separated_file_is_refused_clearly(tmp_path):
    table, problems = read_csv_text(Source("census", tmp_path / "census.csv"),
                                    "urn;term\n100001;2024-25-autumn\n")
    assert table is None
    assert [str(p) for p in problems] == [
        "census.csv:1: columns are separated by semicolons, not commas: save it as "
        "'CSV UTF-8 (Comma delimited)'"]


def test_huge_numbers_are_refused_not_overflowed():
    from govkit.data.readers import parse_urn

    with pytest.raises(ParseError, match="too large"):
        parse_count("99999999999999999999")
    with pytest.raises(ParseError, match="not a URN"):
        parse_urn("1000010000100001")
