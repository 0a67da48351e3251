"""End-to-end builds of examples/articles: model engine (scripted model, record, replay) and extractive."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from fake_openai import MockModel, Reply, Seen

from briefgen import build_brief
from briefgen.core.errors import ConfigError
from briefgen.pipeline import BuildSettings, run_build

_DATA = re.compile(r"<data>\n(.*?)\n</data>", re.S)
_LINE = re.compile(r"^\[(p\d+)\] (.*)$", re.M)
_CITIES = re.compile(r"cities: (.*)$", re.M)
_CELL = re.compile(r"^(c\d+)\|[^|]*\|[^|]*\|(.*)$", re.M)
_MD_LINK = re.compile(r"\]\(#([^)\s]+)\)")
_MD_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')


def _sentence(text: str) -> str:
    return re.split(r"(?<=[。；！？])", text)[0][:90]


def _article(block: str, dims: list[str], with_city: bool) -> dict[str, Any]:
    """One article's answer, with the mistakes models make: one true claim, one with an
    invented figure; for each of the article's cities one point on every dimension but
    "finance" and "cooperation", from the first paragraph naming that city, and one on
    "finance" citing an invented label; the first listed figure and one never listed."""
    lines = _LINE.findall(block)
    label, text = lines[0]
    s = _sentence(text)
    cities = [c for c in _CITIES.search(block).group(1).split("、") if c != "(none)"]  # type: ignore[union-attr]
    points = []
    for city in cities:
        own = next(((lb, t) for lb, t in lines if city in t), lines[0])
        said = {"zh": _sentence(own[1]), "en": f"(en) {_sentence(own[1])}", **({"city": city} if with_city else {})}
        points.append({**said, "cites": [own[0]], "dims": [d for d in dims if d not in ("finance", "cooperation")]})
        points.append({**said, "cites": ["p99"], "dims": ["finance"]})
    blank = {"city": ""} if with_city else {}
    return {
        "title_en": f"Article {label}",
        "claims": [
            {"zh": s, "en": f"(en) {s}", "cites": [label], "dims": [], **blank},
            {"zh": "产值达98765亿元", "en": "output CNY 9,876.5 billion", "cites": [label], "dims": [], **blank},
            *points,
        ],
        "facts": (["f1"] if "\nf1 " in block else []) + ["f99"],
    }


def _point_schema(props: dict[str, Any]) -> tuple[list[str], bool]:
    point = props["claims"]["items"]["properties"]
    return point["dims"]["items"]["enum"], "city" in point


def answer_from_data(seen: Seen) -> Reply:
    """Answers from the data in each request (summaries, batches, the executive summary:
    the first three cell lines, citing their labels)."""
    user = "\n".join(m["content"] for m in seen.messages if m["role"] == "user")
    data = _DATA.search(user)
    assert data, "every request carries one <data> block"
    answer: dict[str, Any]
    props = seen.schema_json["properties"]
    if "articles" in props:  # several articles in one call
        dims, with_city = _point_schema(props["articles"]["items"]["properties"])
        blocks = re.split(r"^## (a\d+)$", data.group(1), flags=re.M)[1:]
        articles = [{"doc": k, **_article(b, dims, with_city)} for k, b in zip(blocks[::2], blocks[1::2], strict=True)]
        answer = {"articles": articles}
        if "overview" in props:
            firsts = [(k, _LINE.findall(b)[0]) for k, b in zip(blocks[::2], blocks[1::2], strict=True)][:3]
            answer["overview"] = [{"zh": _sentence(t), "en": f"(en) {_sentence(t)}", "cites": [f"{k}.{lb}"]} for k, (lb, t) in firsts]
    elif seen.purpose.startswith("summary:"):
        answer = _article(data.group(1), *_point_schema(props))
    else:
        cells = _CELL.findall(data.group(1))[:3]
        answer = {"claims": [{"zh": zh, "en": f"(en) {zh}", "cites": [label]} for label, zh in cells]}
    usage = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
    return Reply(json.dumps(answer, ensure_ascii=False), usage=usage)


@pytest.fixture
def fake_model(mock_model: MockModel) -> MockModel:
    """The shared mock model, answering every request from its data."""
    mock_model.enqueue(None, answer_from_data, repeat=True)
    return mock_model


def purposes(mock: MockModel) -> list[str]:
    return [c.purpose for c in mock.calls]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        href = a.get("href") or ""
        if tag == "a" and href.startswith("#"):
            self.hrefs.append(href[1:])


def _json_cites(data: dict[str, Any]) -> list[str]:
    out = [c for a in data["articles"] for x in [*a["claims"], *a["facts"]] for c in x["cites"]]
    out += [c for cell in data["comparison"]["cells"] for c in cell["cites"]]
    out += [c for claim in data["summary"]["claims"] for c in claim["cites"]]
    return out


def assert_citations_resolve(out: Path) -> dict[str, Any]:
    """Every citation in brief.md/.html/.json and articles/*.md points at a quoted excerpt."""
    md = (out / "brief.md").read_text(encoding="utf-8")
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    anchors = set(_MD_ANCHOR.findall(md))
    links = _MD_LINK.findall(md)
    assert links, "the brief cites nothing"
    assert set(links) <= anchors
    for eid in _json_cites(data):
        assert eid in data["excerpts"]
        assert eid.replace(":", "-") in anchors
    parser = _Links()
    parser.feed((out / "brief.html").read_text(encoding="utf-8"))
    assert parser.hrefs and set(parser.hrefs) <= parser.ids
    for page in (out / "articles").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert set(_MD_LINK.findall(text)) <= set(_MD_ANCHOR.findall(text)), page.name
    return data


def test_model_build_cites_verifies_and_replays(fake_model: MockModel, tmp_path: Path) -> None:
    out, rec = tmp_path / "out", tmp_path / "rec"
    brief = build_brief(EXAMPLES, out, BuildSettings(model_flags={"record": rec}, workers=1))
    data = assert_citations_resolve(out)
    assert brief.engine == "model" and (out / "briefgen-log.db").exists()
    cells = data["comparison"]["cells"]
    assert len(cells) == len(data["comparison"]["cities"]) * len(data["comparison"]["dimensions"]) > 0
    assert set(c["status"] for c in cells) <= {"verified", "rejected", "not_found"}
    assert "rejected" not in [c["status"] for c in cells if c["dimension"] not in ("finance",)]
    # the invented figure is rejected in every article, with its reason; so is every
    # finance point, and the figure ID that was never listed; each is listed once
    for a in data["articles"]:
        invented = [r for r in a["rejected"] if "98765" in r["zh"]]
        assert len(invented) == 1 and "number 98765亿元 not in cited text" in invented[0]["reasons"]
        assert all(r["reasons"] for r in a["rejected"]) and not any("98765" in c["zh"] for c in a["claims"])
        assert [r["reasons"] for r in a["rejected"] if "f99" in r["zh"]] == [["f99 is not one of the figures listed for this article"]]
        assert a["facts"] and all(f["cites"] for f in a["facts"])  # the picked f1: the code's fact
    finance = [c for c in cells if c["dimension"] == "finance"]
    assert finance and all(c["status"] == "rejected" and "unknown citation" in c["reasons"][0] for c in finance)
    # cells no point spoke to (cooperation) come from the code-found cells, or say not found
    assert all(c["status"] in ("verified", "not_found") for c in cells if c["dimension"] == "cooperation")
    assert data["summary"]["zh"] and data["summary"]["en"]
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert "### 中文" in md and "### English" in md and "98765" not in md.split("## 核验")[0]
    assert "invented-doc:p99](" not in md
    # the same build answered only from the recordings gives the same brief, without a call
    asked = len(fake_model.calls)
    again = build_brief(EXAMPLES, tmp_path / "replayed", BuildSettings(model_flags={"replay": rec}, workers=1))
    assert len(fake_model.calls) == asked
    assert [(c.city, c.dimension, c.status, c.cites) for c in again.comparison.cells] == [
        (c.city, c.dimension, c.status, c.cites) for c in brief.comparison.cells
    ]


def test_default_is_one_call_per_article_with_the_summary_alongside(fake_model: MockModel) -> None:
    """Six ordinary articles at the default concurrency of 4: one call each (a batch writes
    its articles' answers one after another, so it would only lengthen the longest call),
    and the executive-summary call, written from the code-found cells, among the first
    four sent: it does not wait for the article calls (issue 17)."""
    brief = build_brief(EXAMPLES, None, BuildSettings(workers=1))
    calls = purposes(fake_model)
    summaries = [p for p in calls if p.startswith("summary:")]
    assert len(brief.corpus.documents) == 6
    assert sorted(summaries) == sorted(f"summary:{d.id}" for d in brief.corpus.documents)
    assert calls.count("exec-summary") == 1 and calls.index("exec-summary") < 4
    assert brief.verified_summary()


def test_folder_in_one_round_gets_its_summary_without_a_model(fake_model: MockModel) -> None:
    brief = build_brief(EXAMPLES, None, BuildSettings(workers=1, model_flags={"concurrency": 8}))
    assert "exec-summary" not in purposes(fake_model) and len(purposes(fake_model)) == 6
    summary = brief.verified_summary()  # written from the verified cells and facts, cited
    assert summary and all(c.cites for c in summary)


def test_one_batch_of_every_article_is_one_call(fake_model: MockModel, tmp_path: Path) -> None:
    brief = build_brief(EXAMPLES, None, BuildSettings(workers=1, batch_articles=6))
    assert purposes(fake_model) == ["summary:" + "+".join(d.id for d in brief.corpus.documents)]
    verified = [c for c in brief.comparison.cells if c.status == "verified"]
    assert verified and all(c.cites for c in verified)
    docs = {d.id: d for d in brief.corpus.documents}
    for cell in verified:  # evidence for a city only from articles about that city
        assert all(cell.city in docs[i.split(":p")[0]].cities for i in cell.cites)
    overview = brief.verified_summary()
    assert overview and {c.split(":p")[0] for x in overview for c in x.cites} <= set(docs)
    assert not any(tmp_path.iterdir())


def test_one_article_per_call_and_one_summary_call(fake_model: MockModel) -> None:
    brief = build_brief(EXAMPLES, None, BuildSettings(workers=1, batch_tokens=0))
    summaries = sorted(p for p in purposes(fake_model) if p.startswith("summary:"))
    assert summaries == sorted(f"summary:{d.id}" for d in brief.corpus.documents)
    assert purposes(fake_model).count("exec-summary") == 1 and len(purposes(fake_model)) == len(summaries) + 1
    assert brief.verified_summary()


def test_extractive_build_without_model(tmp_path: Path) -> None:
    brief = build_brief(EXAMPLES, tmp_path, BuildSettings(workers=1))
    data = assert_citations_resolve(tmp_path)
    assert brief.engine == "extractive" and data["usage"]["calls"] == 0
    assert any(c["status"] == "verified" for c in data["comparison"]["cells"])
    md = (tmp_path / "brief.md").read_text(encoding="utf-8")
    assert "No model was used" in md and "未使用语言模型" in md
    assert not (tmp_path / "briefgen-log.db").exists()


def test_engine_model_without_configuration_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no model is configured"):
        build_brief(EXAMPLES, tmp_path, BuildSettings(engine="model", workers=1))


def test_dry_run_prints_plan_and_writes_nothing(fake_model: MockModel, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    settings = BuildSettings.from_cli(directory=EXAMPLES, output=out, dry_run=True, lang="both")
    settings.workers = 1
    run_build(EXAMPLES, out, settings)
    printed = capsys.readouterr().out
    assert "summary:" in printed and "cell:" not in printed and "nothing written" in printed
    assert purposes(fake_model) == [] and not out.exists()
