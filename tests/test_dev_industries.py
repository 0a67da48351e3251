"""Issue 15's done-when checks on the shared dev corpus, one brief per industry.

Skipped when ../shared/corpus is absent.  Each industry's pages are copied into a
temporary folder at test time (ingest does not follow links out of its folder).  What is checked:

- at most 30% "not found" cells where the industry's gold facts cover the dimension
  (a gold fact covers a dimension by the rule a cell uses: two of its keywords, or one
  specific keyword of 3+ characters, in the fact's quote);
- every figure in a city's key-figures table is one the text gives that city;
- no figure with an empty label; no sentence in more than one cell.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefgen import build_brief
from briefgen.core.statuses import NOT_FOUND_ZH
from briefgen.engines.owner import fact_city
from briefgen.output.render import brief_context

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
INDUSTRIES = {"biomedicine": range(100, 106), "nev": range(106, 112), "ic": range(112, 118), "lowalt": range(118, 124)}
MAX_NOT_FOUND = 0.30

pytestmark = pytest.mark.skipif(not (CORPUS / "dev-gold.json").is_file(), reason="../shared/corpus absent")


def _covers(quote: str, keywords: list[str]) -> bool:
    hits = [k for k in keywords if k in quote]
    return len(hits) >= 2 or any(len(k) >= 3 for k in hits)


@pytest.fixture(scope="module", params=sorted(INDUSTRIES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    src = tmp_path_factory.mktemp(request.param)
    numbers = {str(n) for n in INDUSTRIES[request.param]}
    for f in sorted((CORPUS / "dev").iterdir()):
        if f.name[:3] in numbers:
            shutil.copyfile(f, src / f.name)
    return request.param, build_brief(src)


def test_not_found_only_where_gold_facts_are_silent(built) -> None:  # type: ignore[no-untyped-def]
    industry, brief = built
    gold = {g["file"]: g for g in json.loads((CORPUS / "dev-gold.json").read_text(encoding="utf-8"))}
    status = {(c.city, c.dimension): c.status for c in brief.comparison.cells}
    covered = set()
    for doc in brief.corpus.documents:
        g = gold[doc.path]
        for fact in g["facts"]:
            for dim in brief.comparison.dimensions:
                if _covers(fact["quote"], list(dim.keywords)):
                    covered.add((g["cities"][0], dim.id))
    missing = sorted(k for k in covered if status.get(k) == "not_found")
    assert covered and len(missing) <= MAX_NOT_FOUND * len(covered), (industry, missing, len(covered))


def test_city_tables_hold_only_the_citys_own_labelled_figures(built) -> None:  # type: ignore[no-untyped-def]
    _, brief = built
    ctx = brief_context(brief, "both")
    facts = {(f.value, f.unit, f.what, tuple(f.cites)): (f, a.cities) for a in brief.articles for f in a.facts}
    index = brief.corpus.excerpt_index()
    for city in ctx["cities"]:
        for fig in city["figures"]:
            assert len(fig["what"].strip()) >= 2 and fig["what_en"].strip()
            assert not fig["what_en"].endswith(" figure")  # the labeller's placeholder
            fact, doc_cities = facts[(fig["number"], fig["unit"], fig["what"], tuple(fig["cites"]))]
            assert fact_city(fact, doc_cities, brief.comparison.cities, index) == city["zh"]


def test_no_sentence_in_two_cells(built) -> None:  # type: ignore[no-untyped-def]
    _, brief = built
    texts = [c.zh for c in brief.comparison.cells if c.status == "verified" and c.zh != NOT_FOUND_ZH]
    assert len(texts) == len(set(texts))
