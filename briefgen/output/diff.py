"""``briefgen diff OLD_OUT NEW_OUT``: what changed between two briefs, week over week.

Why: an editor who published last week's brief reads this week's for what moved:
articles added and removed, a figure whose value changed for the same city, measure
and year, a comparison cell that changed status, a target that is new or gone.
Every line cites both sides (``old:`` and ``new:`` excerpt IDs) so each change can be
checked in the two briefs' appendices.  Reads only the two ``brief.json`` files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from briefgen.output.reload import read_brief_json

FigureKey = tuple[str, str, str]  # city, measure (what), year ("" when unknown)


@dataclass
class Change:
    """One line of the diff: what it is about, the old and new value, and their cites."""

    what: str
    old: str
    new: str
    old_cites: list[str] = field(default_factory=list)
    new_cites: list[str] = field(default_factory=list)


@dataclass
class BriefDiff:
    old: str
    new: str
    articles_added: list[Change] = field(default_factory=list)
    articles_removed: list[Change] = field(default_factory=list)
    figures_changed: list[Change] = field(default_factory=list)
    cells_changed: list[Change] = field(default_factory=list)
    targets_new: list[Change] = field(default_factory=list)
    targets_dropped: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def empty(self) -> bool:
        return not any(v for k, v in asdict(self).items() if k not in ("old", "new"))


def _figures(data: dict[str, Any], *, targets: bool) -> dict[FigureKey, list[dict[str, Any]]]:
    """Figures (or targets) by the city of their article, their measure and year."""
    out: dict[FigureKey, list[dict[str, Any]]] = {}
    for art in data.get("articles", []):
        city = (art.get("cities") or [""])[0]
        for f in art.get("facts", []):
            if not f.get("what") or bool(f.get("is_target")) != targets:
                continue
            # a forecast (预计) is another measure than the figure reached: never "changed" into it
            year = str(f.get("year") or "")
            if f.get("kind") == "forecast":
                year = f"expected {year}".strip()
            out.setdefault((city, f["what"], year), []).append(f)
    return out


def _amount(f: dict[str, Any]) -> tuple[Any, ...]:
    """A figure's value in base units when it parses (462.2亿元 == 46220000000 CNY), else as written."""
    from briefgen.text.numbers import parse_quantity

    q = parse_quantity(f"{f['value']}{f['unit']}")
    return (q.value, q.unit) if q else (f["value"], f["unit"])


def _shown(facts: list[dict[str, Any]]) -> str:
    return "; ".join(sorted({f.get("as_written") or f"{f['value']}{f['unit']}" for f in facts}))


def _cites(facts: list[dict[str, Any]]) -> list[str]:
    return sorted({c for f in facts for c in f.get("cites", [])})


def _label(key: FigureKey) -> str:
    city, what, year = key
    return " · ".join(x for x in (city, what, year) if x)


def _articles(old: dict[str, Any], new: dict[str, Any], diff: BriefDiff) -> None:
    before = {a["id"]: a for a in old.get("articles", [])}
    after = {a["id"]: a for a in new.get("articles", [])}

    def line(a: dict[str, Any]) -> str:
        return " ".join(x for x in (a["id"], a.get("title") or "", f"({a['date']})" if a.get("date") else "") if x)

    for doc in after.keys() - before.keys():
        a = after[doc]
        diff.articles_added.append(Change(line(a), "", "", [], _article_cites(a)))
    for doc in before.keys() - after.keys():
        a = before[doc]
        diff.articles_removed.append(Change(line(a), "", "", _article_cites(a), []))
    diff.articles_added.sort(key=lambda c: c.what)
    diff.articles_removed.sort(key=lambda c: c.what)


def _article_cites(a: dict[str, Any]) -> list[str]:
    """The first excerpt an article's summary cites (where its text can be read)."""
    ids = [c for claim in a.get("claims", []) for c in claim.get("cites", [])]
    return ids[:1]


def _compare_figures(old: dict[str, Any], new: dict[str, Any], diff: BriefDiff) -> None:
    before, after = _figures(old, targets=False), _figures(new, targets=False)
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if {_amount(f) for f in a} != {_amount(f) for f in b}:
            diff.figures_changed.append(Change(_label(key), _shown(a), _shown(b), _cites(a), _cites(b)))
    t_before, t_after = _figures(old, targets=True), _figures(new, targets=True)
    for key in sorted(t_after.keys() - t_before.keys()):
        diff.targets_new.append(Change(_label(key), "", _shown(t_after[key]), [], _cites(t_after[key])))
    for key in sorted(t_before.keys() - t_after.keys()):
        diff.targets_dropped.append(Change(_label(key), _shown(t_before[key]), "", _cites(t_before[key]), []))
    for key in sorted(t_before.keys() & t_after.keys()):
        a, b = t_before[key], t_after[key]
        if {_amount(f) for f in a} != {_amount(f) for f in b}:
            diff.figures_changed.append(
                Change(_label(key) + " (target)", _shown(a), _shown(b), _cites(a), _cites(b))
            )


def _cells(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["city"], c["dimension"]): c for c in data.get("comparison", {}).get("cells", [])}


def _compare_cells(old: dict[str, Any], new: dict[str, Any], diff: BriefDiff) -> None:
    """Cells of cities in both briefs whose status moved (a missing cell is "not_found")."""
    before, after = _cells(old), _cells(new)
    cities = [c for c in new.get("comparison", {}).get("cities", []) if c in old.get("comparison", {}).get("cities", [])]
    dims = [d["id"] for d in new.get("comparison", {}).get("dimensions", [])]
    for city in cities:
        for dim in dims:
            a, b = before.get((city, dim)), after.get((city, dim))
            sa, sb = (a or {}).get("status", "not_found"), (b or {}).get("status", "not_found")
            if sa != sb:
                diff.cells_changed.append(
                    Change(f"{city} × {dim}", sa, sb, list((a or {}).get("cites", [])), list((b or {}).get("cites", [])))
                )


def diff_briefs(old: dict[str, Any], new: dict[str, Any], old_name: str = "old", new_name: str = "new") -> BriefDiff:
    """The changes from brief.json ``old`` to brief.json ``new``."""
    diff = BriefDiff(old_name, new_name)
    _articles(old, new, diff)
    _compare_figures(old, new, diff)
    _compare_cells(old, new, diff)
    return diff


def diff_dirs(old_dir: Path, new_dir: Path) -> BriefDiff:
    """``diff_briefs`` of OLD_OUT/brief.json and NEW_OUT/brief.json."""
    old = read_brief_json(Path(old_dir) / "brief.json")
    new = read_brief_json(Path(new_dir) / "brief.json")
    return diff_briefs(old, new, str(old_dir), str(new_dir))


# ------------------------------------------------------------------ Markdown

_SECTIONS = (
    ("articles_added", "Articles added"),
    ("articles_removed", "Articles removed"),
    ("figures_changed", "Figures changed (same city, measure and year)"),
    ("cells_changed", "Comparison cells that changed status"),
    ("targets_new", "New targets"),
    ("targets_dropped", "Dropped targets"),
)


def _refs(ids: list[str]) -> str:
    from briefgen.output.render import plain_ids

    return plain_ids(ids) if ids else "—"


def diff_markdown(diff: BriefDiff) -> str:
    """The diff as Markdown: one section per kind of change, each line citing both sides."""
    from briefgen.output.render import md_text

    lines = [f"# Brief diff: {md_text(diff.old)} → {md_text(diff.new)}", ""]
    if diff.empty():
        lines += ["No changes in articles, figures, cells or targets.", ""]
    for name, title in _SECTIONS:
        changes: list[Change] = getattr(diff, name)
        if not changes:
            continue
        lines += [f"## {title} ({len(changes)})", ""]
        for c in changes:
            value = f": {md_text(c.old) or '—'} → {md_text(c.new) or '—'}" if c.old or c.new else ""
            lines.append(f"- {md_text(c.what)}{value} (old: {_refs(c.old_cites)}; new: {_refs(c.new_cites)})")
        lines.append("")
    return "\n".join(lines)
