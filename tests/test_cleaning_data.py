"""The cleaning and metadata vocabularies are data files an editor can read and extend."""

from __future__ import annotations

import re

from briefgen.core.paths import DATA_DIR
from briefgen.corpus.rules import classify
from briefgen.corpus.vocab import labels_of, meta_labels, rows, zones
from briefgen.text.dates import parse_date, zh_date
from briefgen.text.script import HAN_CHAR, han_count, is_han

CLEANING = DATA_DIR / "cleaning"


def test_every_cleaning_file_starts_with_a_header_comment() -> None:
    files = sorted(CLEANING.glob("*.tsv"))
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# "), f"{path.name} needs a header comment"


def test_every_rule_pattern_compiles_and_has_a_class() -> None:
    for row in rows("line_rules.tsv"):
        assert len(row) == 2, row
        re.compile(row[1])


def test_meta_labels_have_known_roles() -> None:
    roles = set(meta_labels().values())
    assert roles <= {"source", "author", "editor", "date", "count", "other"}
    assert "来源" in labels_of("source") and "责任编辑" in labels_of("editor")


def test_classify_names_furniture_from_the_data() -> None:
    assert classify("关注我们") == "widget"
    assert classify("本网记者从会上获悉产业规模持续扩大") is None


def test_zones_map_to_cities_in_the_gazetteer() -> None:
    from briefgen.corpus.metadata import load_cities

    cities = load_cities()
    for zone, city in zones().items():
        assert city in cities, f"{zone} -> {city} is not in cities.tsv"


def test_one_definition_of_a_han_character() -> None:
    assert is_han("中") and is_han("㐀") and is_han("豈")  # unified, extension A, compatibility
    assert not is_han("a") and not is_han("。") and not is_han("１")
    assert han_count("2024年GDP增长5%") == 3
    assert HAN_CHAR.pattern.startswith("[")


def test_dates_module_reads_and_writes_chinese_dates() -> None:
    assert parse_date("发布时间：2024年5月17日 10:00") == "2024-05-17"
    assert parse_date("2024/3/5") == "2024-03-05"
    assert parse_date("2024年13月40日") is None
    assert zh_date("2024-05-07") == "2024年5月7日"
