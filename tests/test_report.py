"""brief.json: the fixed keys, citations that resolve, rejected items kept apart."""

from __future__ import annotations

from typing import Any

from briefgen.core.statuses import NOT_FOUND_EN, NOT_FOUND_ZH
from briefgen.core.types import (
    ArticleSummary,
    Cell,
    Claim,
    Comparison,
    Corpus,
    Dimension,
    Document,
    Excerpt,
    Fact,
    Skipped,
    Usage,
)
from briefgen.output.report import Brief, brief_to_json, settings_hash


def _doc(doc_id: str, city: str, texts: list[str], date: str) -> Document:
    excerpts = [Excerpt(f"{doc_id}:p{i}", doc_id, i, t, t, len(t)) for i, t in enumerate(texts, 1)]
    return Document(doc_id, f"{doc_id}.txt", f"{city}生物医药", date, "日报", None, [city], "\n".join(texts), excerpts)


def tiny_brief(**changes: Any) -> Brief:
    """Two cities, two dimensions: a verified, a rejected and a not-found cell; one rejected claim."""
    zs = _doc(
        "zs-health",
        "中山",
        ["2022年中山生物医药产值达462.2亿元。", "中山将建设健康医药产业园。", "<script>alert(1)</script>园区"],
        "2022-08-28",
    )
    cd = _doc("cd-bio", "成都", ["成都天府国际生物城规划面积约44平方公里。"], "2022-11-04")
    dims = [
        Dimension("scale", "产业规模", "Industry scale", ("产值",)),
        Dimension("parks", "园区与载体", "Parks and carriers", ("园区",)),
    ]
    fact = Fact("462.2", "亿元", "产值", "output value", 2022, "scale", zs.excerpts[0].text, ["zs-health:p1"])
    articles = [
        ArticleSummary(
            "zs-health", zs.title, "Zhongshan biomedicine", zs.date, zs.source, ["中山"],
            claims=[Claim("中山产值达462.2亿元。", "Zhongshan output reached CNY 46.22 billion.", ["zs-health:p1"])],
            rejected=[Claim("产值达999亿元。", "Output CNY 99.9 billion.", ["zs-health:p9"], "rejected", ["unknown citation zs-health:p9"])],
            facts=[fact],
            engine="model",
        ),
        ArticleSummary("cd-bio", cd.title, None, cd.date, cd.source, ["成都"], [], [], [], engine="model"),
    ]
    cells = [
        Cell("中山", "scale", "2022年产值462.2亿元", "2022 output CNY 46.22 billion", ["zs-health:p1"], "verified"),
        Cell("中山", "parks", "园区面积500平方公里", "park of 500 km²", ["zs-health:p3"], "rejected", ["number 500平方公里 not in cited text"]),
        Cell("成都", "scale", NOT_FOUND_ZH, NOT_FOUND_EN, [], "not_found"),
        Cell("成都", "parks", "生物城规划面积约44平方公里", "Bio-Town planned area about 44 km²", ["cd-bio:p1"], "verified"),
    ]
    summary = [
        Claim("中山产值462.2亿元；成都生物城约44平方公里。", "Zhongshan CNY 46.22 billion; Chengdu about 44 km².", ["zs-health:p1", "cd-bio:p1"]),
        Claim("成都产值翻番。", "Chengdu output doubled.", ["cd-bio:p7"], "rejected", ["unknown citation cd-bio:p7"]),
    ]
    values: dict[str, Any] = dict(
        corpus=Corpus([zs, cd], [Skipped("x.exe", "unsupported type")]),
        articles=articles,
        comparison=Comparison(["中山", "成都"], dims, cells),
        summary=summary,
        usage=Usage(calls=3, cached=1, prompt_tokens=1000, completion_tokens=100, cost=0.0125),
        settings={"engine": "model", "model": "m", "base_url": "http://127.0.0.1:9", "prompts_version": "p1", "hash": "abc"},
        engine="model",
        generated="2024-01-01",
        city_en={"中山": "Zhongshan", "成都": "Chengdu"},
    )
    values.update(changes)
    return Brief(**values)


def test_json_has_the_contract_keys() -> None:
    data = brief_to_json(tiny_brief())
    for key in ("documents", "articles", "comparison", "summary", "excerpts", "verification", "usage", "settings", "skipped"):
        assert key in data
    assert all("text" not in d for d in data["documents"])
    art = data["articles"][0]
    assert {"id", "title", "title_en", "cities", "claims", "facts"} <= set(art)
    assert set(art["claims"][0]) >= {"zh", "en", "cites"}
    assert [c["status"] for c in data["comparison"]["cells"]] == ["verified", "rejected", "not_found", "verified"]
    assert {"city", "dimension", "zh", "en", "cites", "status"} <= set(data["comparison"]["cells"][0])
    assert data["usage"] == {**data["usage"], "calls": 3, "cached": 1, "prompt_tokens": 1000, "completion_tokens": 100, "estimated_cost": 0.0125}
    assert data["skipped"][0]["reason"] == "unsupported type"


def test_every_json_citation_is_in_excerpts_and_only_cited_ones_are() -> None:
    data = brief_to_json(tiny_brief())
    cites = [c for cell in data["comparison"]["cells"] for c in cell["cites"]]
    cites += [c for a in data["articles"] for x in a["claims"] + a["facts"] for c in x["cites"]]
    cites += [c for claim in data["summary"]["claims"] for c in claim["cites"]]
    assert set(cites) <= set(data["excerpts"])
    assert "zs-health:p2" not in data["excerpts"]  # never cited
    assert data["excerpts"]["cd-bio:p1"] == {"doc": "cd-bio", "text": "成都天府国际生物城规划面积约44平方公里。"}


def test_rejected_items_keep_reasons_and_unknown_ids_apart() -> None:
    data = brief_to_json(tiny_brief())
    v = data["verification"]
    assert (v["claims_verified"], v["claims_rejected"]) == (1, 1)
    assert (v["cells_verified"], v["cells_rejected"], v["cells_not_found"]) == (2, 1, 1)
    kinds = {r["kind"]: r for r in v["rejected"]}
    assert set(kinds) == {"article", "cell", "summary"}
    assert kinds["article"]["cites"] == [] and kinds["article"]["unknown_cites"] == ["zs-health:p9"]
    assert kinds["cell"]["reasons"] == ["number 500平方公里 not in cited text"]
    assert data["articles"][0]["rejected"][0]["reasons"]


def test_summary_has_both_languages_and_drops_rejected() -> None:
    summary = brief_to_json(tiny_brief())["summary"]
    assert len(summary["claims"]) == len(summary["zh"]) == len(summary["en"]) == 1
    assert summary["en"][0]["cites"] == ["zs-health:p1", "cd-bio:p1"]
    assert summary["rejected"][0]["unknown_cites"] == ["cd-bio:p7"]


def test_facts_carry_english_value_and_year() -> None:
    fact = brief_to_json(tiny_brief())["articles"][0]["facts"][0]
    assert (fact["value_en"], fact["year"]) == ("CNY 46.22 billion", 2022)


def test_settings_hash_is_stable_and_follows_values() -> None:
    a = {"engine": "model", "lang": "zh", "model": "m"}
    assert settings_hash(a) == settings_hash(dict(reversed(list(a.items()))))
    assert settings_hash(a) != settings_hash({**a, "lang": "en"})
