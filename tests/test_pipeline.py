"""End-to-end builds of examples/articles: model engine (scripted model, record, replay) and extractive."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from briefgen import build_brief, llm
from briefgen.errors import ConfigError
from briefgen.pipeline import BuildSettings, run_build

_EXCERPT = re.compile(r'<excerpt id="([^"]+)">(.*?)</excerpt>', re.S)
_FINDING = re.compile(r"^\[[^\]]*\] (.*?) \|\| (.*?) \(cites: ([^)]*)\)$", re.M)
_MD_LINK = re.compile(r"\]\(#([^)\s]+)\)")
_MD_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')


def _sentence(text: str) -> str:
    return re.split(r"(?<=[。；！？])", text)[0][:90]


class FakeModel:
    """Answers from the excerpts in each request, with the mistakes models make.

    Summaries: one true claim and one with an invented figure.  Cells: the
    first sentence of the evidence; "finance" cites an invented ID; the
    "cooperation" cells answer found=false.  Summary: the first findings.
    """

    name = "fake"

    def __init__(self) -> None:
        self.purposes: list[str] = []

    async def execute(self, call: llm.Call) -> llm.Exchange:
        self.purposes.append(call.purpose)
        user = "\n".join(m["content"] for m in call.messages if m["role"] == "user")
        excerpts = _EXCERPT.findall(user)
        answer: dict[str, Any]
        if call.purpose.startswith("summary:"):
            eid, text = excerpts[0]
            s = _sentence(text)
            answer = {
                "title_en": f"Article {eid}",
                "claims": [
                    {"zh": s, "en": f"(en) {s}", "cites": [eid]},
                    {"zh": "产值达98765亿元", "en": "output CNY 9,876.5 billion", "cites": [eid]},
                ],
                "facts": [],
            }
        elif call.purpose.startswith("cell:"):
            eid, text = excerpts[0]
            s = _sentence(text)
            if call.purpose.endswith(":cooperation"):
                answer = {"found": False, "zh": "", "en": "", "cites": []}
            elif call.purpose.endswith(":finance"):
                answer = {"found": True, "zh": s, "en": f"(en) {s}", "cites": ["invented-doc:p99"]}
            else:
                answer = {"found": True, "zh": s, "en": f"(en) {s}", "cites": [eid]}
        else:
            found = _FINDING.findall(user)[:3]
            answer = {
                "claims": [
                    {"zh": zh, "en": en, "cites": [c.strip() for c in cites.split(",")]}
                    for zh, en, cites in found
                ]
            }
        return llm.Exchange(
            content=json.dumps(answer, ensure_ascii=False),
            finish_reason="stop",
            prompt_tokens=100,
            completion_tokens=20,
            model="fake",
        )

    async def aclose(self) -> None:
        return None


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> FakeModel:
    backend = FakeModel()
    monkeypatch.setattr(llm, "_test_backend", backend)
    monkeypatch.setenv("BRIEFGEN_MODEL", "fake")
    monkeypatch.setenv("BRIEFGEN_BASE_URL", "http://127.0.0.1:9/fake")
    return backend


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


def test_model_build_cites_verifies_and_replays(fake_model: FakeModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, rec = tmp_path / "out", tmp_path / "rec"
    brief = build_brief(EXAMPLES, out, BuildSettings(model_flags={"record": rec}, workers=1))
    data = assert_citations_resolve(out)
    assert brief.engine == "model" and (out / "briefgen-log.db").exists()
    cells = data["comparison"]["cells"]
    assert len(cells) == len(data["comparison"]["cities"]) * len(data["comparison"]["dimensions"]) > 0
    statuses = {c["dimension"]: c["status"] for c in cells if c["dimension"] in ("finance", "cooperation")}
    assert set(c["status"] for c in cells) <= {"verified", "rejected", "not_found"}
    assert "rejected" not in [c["status"] for c in cells if c["dimension"] not in ("finance",)]
    assert set(statuses.values()) <= {"rejected", "not_found"}
    # the invented figure is rejected in every article, with its reason
    assert all(len(a["rejected"]) == 1 and a["rejected"][0]["reasons"] for a in data["articles"])
    assert data["summary"]["zh"] and data["summary"]["en"]
    md = (out / "brief.md").read_text(encoding="utf-8")
    assert "### 中文" in md and "### English" in md and "98765" not in md.split("## 核验")[0]
    assert "invented-doc:p99](" not in md
    # the same build answered only from the recordings gives the same brief
    monkeypatch.setattr(llm, "_test_backend", None)
    again = build_brief(EXAMPLES, tmp_path / "replayed", BuildSettings(model_flags={"replay": rec}, workers=1))
    assert [(c.city, c.dimension, c.status, c.cites) for c in again.comparison.cells] == [
        (c.city, c.dimension, c.status, c.cites) for c in brief.comparison.cells
    ]


def test_cell_without_evidence_costs_no_call(fake_model: FakeModel, tmp_path: Path) -> None:
    brief = build_brief(EXAMPLES, None, BuildSettings(workers=1))
    cell_calls = [p for p in fake_model.purposes if p.startswith("cell:")]
    without_call = [c for c in brief.comparison.cells if f"cell:{c.city}:{c.dimension}" not in cell_calls]
    assert all(c.status == "not_found" and not c.cites for c in without_call)
    assert fake_model.purposes.count("exec-summary") == 1
    assert not any(tmp_path.iterdir())


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


def test_dry_run_prints_plan_and_writes_nothing(fake_model: FakeModel, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    settings = BuildSettings.from_cli(directory=EXAMPLES, output=out, dry_run=True, lang="both")
    settings.workers = 1
    run_build(EXAMPLES, out, settings)
    printed = capsys.readouterr().out
    assert "summary:" in printed and "cell:" in printed and "nothing written" in printed
    assert fake_model.purposes == [] and not out.exists()
