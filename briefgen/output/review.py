"""Editors' decisions on a brief: the review file, and applying it to a brief.

Why: editors do not publish what a tool writes, they judge it item by item.  Their
judgements live in ``OUT/review.yaml`` (one entry per claim, figure, cell and
summary line, found again by its stable key, see ``keys.py``), so a rebuild keeps
them.  Applying them never trusts the editor more than the model: an edited
statement is checked against its cited excerpts like any claim, and a decision whose
item is gone is reported as stale, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from briefgen.core.errors import ConfigError
from briefgen.core.types import ArticleSummary, Cell, Claim, Excerpt, Fact
from briefgen.output.keys import (
    Item,
    ReviewedCell,
    ReviewedClaim,
    ReviewedFact,
    brief_items,
    review_of,
)
from briefgen.output.report import Brief, fact_value_en

REVIEW_FILE = "review.yaml"
STATUSES = ("pending", "approved", "rejected", "edited")
REVIEW_WARNING = "review: "  # prefix of the warnings this module adds (removed on re-render)


@dataclass
class Decision:
    """One entry of the review file as the editor left it."""

    key: str
    kind: str
    status: str
    zh: str
    en: str
    cites: list[str]
    note: str = ""

    def entry(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "status": self.status,
            "zh": self.zh,
            "en": self.en,
            "cites": list(self.cites),
            "note": self.note,
        }


@dataclass
class ReviewFile:
    """The decisions of a review file, and its ``stale:`` list (kept as written)."""

    decisions: dict[str, Decision] = field(default_factory=dict)
    stale: list[Decision] = field(default_factory=list)


@dataclass
class Outcome:
    """What applying a review file did (for the closing line and the tests)."""

    approved: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # edits that passed the check
    failed: list[str] = field(default_factory=list)  # edits that did not
    stale: list[Decision] = field(default_factory=list)


# ------------------------------------------------------------------ reading


def _text(value: Any, what: str, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    raise ConfigError(f"{where}: {what} must be text, not {type(value).__name__}")


def _decision(raw: Any, where: str) -> Decision:
    if not isinstance(raw, dict) or not isinstance(raw.get("key"), str) or not raw["key"]:
        raise ConfigError(f"{where}: every entry needs a key", help="keep the key line of each entry as written")
    status = _text(raw.get("status") or "pending", "status", where).strip().lower()
    key = raw["key"]
    if status not in STATUSES:
        raise ConfigError(
            f"{where}: {key}: status {status!r} is not one of {', '.join(STATUSES)}",
            help="set status to approved, rejected or edited",
        )
    cites = raw.get("cites") or []
    if isinstance(cites, str):
        cites = [c.strip() for c in cites.replace(",", " ").split()]
    if not isinstance(cites, list) or not all(isinstance(c, str) for c in cites):
        raise ConfigError(f"{where}: {key}: cites must be a list of excerpt IDs like doc-id:p3")
    return Decision(
        key=key,
        kind=_text(raw.get("kind"), "kind", where),
        status=status,
        zh=_text(raw.get("zh"), "zh", where).strip(),
        en=_text(raw.get("en"), "en", where).strip(),
        cites=list(cites),
        note=_text(raw.get("note"), "note", where).strip(),
    )


def load_review(path: Path) -> ReviewFile:
    """Read a review file (YAML, safe_load only); a bad file is one line naming the entry."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read review file {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"review file {path} is not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(
            f"review file {path}{line}: {problem}", help="check the quotes and indentation there"
        ) from exc
    if raw is None:
        return ReviewFile()
    if not isinstance(raw, dict):
        raise ConfigError(f"review file {path}: expected items: and stale: lists")
    out = ReviewFile()
    for section in ("items", "stale"):
        entries = raw.get(section) or []
        if not isinstance(entries, list):
            raise ConfigError(f"review file {path}: {section}: must be a list of entries")
        for n, entry in enumerate(entries, 1):
            d = _decision(entry, f"review file {path}, {section} entry {n}")
            if section == "stale":
                out.stale.append(d)
            elif d.key in out.decisions:
                raise ConfigError(f"review file {path}: {d.key} appears twice", help="keep one entry per key")
            else:
                out.decisions[d.key] = d
    return out


# ------------------------------------------------------------------ entries


def fact_text(fact: Fact) -> tuple[str, str]:
    """A figure as an editor reads it: ``规划面积：约44平方公里`` / ``planned area: about 44 km²``."""
    from briefgen.evidence.facts import figure_as_written

    return f"{fact.what}：{figure_as_written(fact)}", f"{fact.what_en}: {fact_value_en(fact)}"


def item_texts(item: Item) -> tuple[str, str, list[str]]:
    """zh, en and cites of an item as the review file shows them."""
    obj = item.obj
    if isinstance(obj, Fact):
        zh, en = fact_text(obj)
        return zh, en, list(obj.cites)
    return obj.zh, obj.en, list(obj.cites)


# ------------------------------------------------------------------ applying


def _reasons(note: str) -> list[str]:
    return [f"rejected by editor: {note}" if note else "rejected by editor"]


def _claim_state(c: Claim | Cell) -> dict[str, Any]:
    return {"zh": c.zh, "en": c.en, "cites": list(c.cites), "status": c.status, "reasons": list(c.reasons)}


def _fact_state(f: Fact) -> dict[str, Any]:
    state = {k: v for k, v in vars(f).items() if k not in ("key", "review")}
    state["cites"] = list(f.cites)
    return state


@dataclass
class _Checker:
    """Verifies an editor's text against the excerpts it cites (any excerpt of the brief)."""

    excerpts: Mapping[str, Excerpt]
    years: Mapping[str, int]  # doc id -> publication year (a claim may state it uncited)

    def check(self, zh: str, en: str, cites: list[str]) -> Claim:
        from briefgen.engines.verify import verify_claim

        cited = {i: self.excerpts[i] for i in cites if i in self.excerpts}
        own = {y for e in cited.values() if (y := self.years.get(e.doc_id))}
        checked = verify_claim(Claim(zh=zh, en=en, cites=list(cites)), cited, set(self.excerpts), extra_years=own)
        if checked.status != "verified":
            checked.reasons = ["edited by editor", *checked.reasons]
        return checked


def _review(d: Decision, original: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"status": d.status, "note": d.note}
    if original is not None:
        out["original"] = original
    return out


def _apply_article(
    art: ArticleSummary, decisions: dict[int, tuple[str, Decision]], checker: _Checker, outcome: Outcome
) -> None:
    """Claims and facts of one article: rejected and failing items move to ``rejected``."""
    claims: list[Claim] = []
    rejected: list[Claim] = []
    moved: list[Claim] = []
    for where, objs in (("claims", art.claims), ("rejected", art.rejected)):
        for i, c in enumerate(objs):
            hit = decisions.get(id(c))
            if hit is None:
                (claims if where == "claims" else rejected).append(c)
                continue
            key, d = hit
            new = _decided_claim(key, d, c, {**_claim_state(c), "list": where, "index": i}, checker, outcome)
            if new.status == "verified":
                (claims if where == "claims" else moved).append(new)
            else:
                (rejected if where == "rejected" else moved).append(new)
    facts: list[Fact] = []
    for i, f in enumerate(art.facts):
        hit = decisions.get(id(f))
        if hit is None:
            facts.append(f)
            continue
        key, d = hit
        kept = _decided_fact(key, d, f, i, checker, outcome)
        if isinstance(kept, Fact):
            facts.append(kept)
        else:
            moved.append(kept)
    art.claims = claims + [c for c in moved if c.status == "verified"]
    art.rejected = rejected + [c for c in moved if c.status != "verified"]
    art.facts = facts


def _decided_claim(
    key: str, d: Decision, c: Claim, original: dict[str, Any], checker: _Checker, outcome: Outcome
) -> ReviewedClaim:
    if d.status == "approved":
        outcome.approved.append(key)
        return ReviewedClaim(c.zh, c.en, list(c.cites), c.status, list(c.reasons), key=key, review=_review(d))
    if d.status == "rejected":
        outcome.rejected.append(key)
        return ReviewedClaim(
            c.zh, c.en, list(c.cites), "rejected", _reasons(d.note), key=key, review=_review(d, original)
        )
    checked = checker.check(d.zh, d.en, d.cites)
    (outcome.edited if checked.status == "verified" else outcome.failed).append(key)
    return ReviewedClaim(
        checked.zh, checked.en, checked.cites, checked.status, checked.reasons, key=key, review=_review(d, original)
    )


def _edited_fact(f: Fact, d: Decision) -> tuple[Fact | None, str]:
    """The figure an edit states (``label：figure``), or why it cannot be read as one."""
    from briefgen.text.numbers import parse_quantity

    label, sep, figure = d.zh.rpartition("：")
    q = parse_quantity(figure.strip()) if sep else None
    if q is None or not label.strip():
        return None, "an edited figure must read <label>：<figure>, e.g. 规划面积：约44平方公里"
    what_en, _, _ = d.en.rpartition(": ")
    return replace(
        f, what=label.strip(), what_en=what_en.strip() or f.what_en, value=q.number or str(q.value),
        unit=q.unit_raw, value_en="", sentence=figure.strip(), cites=list(d.cites), at=None,
    ), ""


def _decided_fact(
    key: str, d: Decision, f: Fact, index: int, checker: _Checker, outcome: Outcome
) -> Fact | ReviewedClaim:
    zh, en = fact_text(f)
    original = {**_fact_state(f), "index": index}
    if d.status == "approved":
        outcome.approved.append(key)
        return ReviewedFact(**_fact_state(f), key=key, review=_review(d))
    review = {**_review(d, original), "kind": "fact"}
    if d.status == "rejected":
        outcome.rejected.append(key)
        return ReviewedClaim(zh, en, list(f.cites), "rejected", _reasons(d.note), key=key, review=review)
    edited, problem = _edited_fact(f, d)
    checked = checker.check(d.zh, d.en, d.cites)
    if edited is not None and checked.status == "verified":
        outcome.edited.append(key)
        review = _review(d, original)
        return ReviewedFact(**_fact_state(edited), key=key, review=review)
    outcome.failed.append(key)
    reasons = checked.reasons if checked.status != "verified" else ["edited by editor", problem]
    return ReviewedClaim(d.zh, d.en, checked.cites, "rejected", reasons, key=key, review=review)


def _decided_cell(key: str, d: Decision, c: Cell, checker: _Checker, outcome: Outcome) -> ReviewedCell:
    original = _claim_state(c)
    if d.status == "approved":
        outcome.approved.append(key)
        return ReviewedCell(c.city, c.dimension, c.zh, c.en, list(c.cites), c.status, list(c.reasons), key, _review(d))
    if d.status == "rejected":
        outcome.rejected.append(key)
        return ReviewedCell(
            c.city, c.dimension, c.zh, c.en, list(c.cites), "rejected", _reasons(d.note), key, _review(d, original)
        )
    checked = checker.check(d.zh, d.en, d.cites)
    (outcome.edited if checked.status == "verified" else outcome.failed).append(key)
    return ReviewedCell(
        c.city, c.dimension, checked.zh, checked.en, checked.cites, checked.status, checked.reasons,
        key, _review(d, original),
    )


def _checker(brief: Brief, excerpts: Mapping[str, Excerpt] | None) -> _Checker:
    years = {d.id: int(d.date[:4]) for d in brief.corpus.documents if d.date and d.date[:4].isdigit()}
    return _Checker(excerpts if excerpts is not None else brief.corpus.excerpt_index(), years)


def apply_review(brief: Brief, review: ReviewFile, excerpts: Mapping[str, Excerpt] | None = None) -> Outcome:
    """Apply an editor's decisions to ``brief`` in place.

    Rejected items leave the brief and are listed with "rejected by editor" and the
    note; edited text replaces the engine's and is verified again (a failing edit is
    shown as rejected with its reasons); approved items carry ``review.status``.
    ``excerpts``: every excerpt an edit may cite (default: the brief's corpus).
    """
    outcome = Outcome()
    checker = _checker(brief, excerpts)
    items = brief_items(brief)
    live = {i.key for i in items}
    # a decision in the stale: list applies again when its item is back
    decisions = {**{d.key: d for d in review.stale}, **review.decisions}
    by_obj: dict[int, tuple[str, Decision]] = {}
    for item in items:
        d = decisions.get(item.key)
        if d is not None and d.status != "pending":
            by_obj[id(item.obj)] = (item.key, d)
    for art in brief.articles:
        _apply_article(art, by_obj, checker, outcome)
    cells = brief.comparison.cells
    for n, cell in enumerate(cells):
        if (hit := by_obj.get(id(cell))) is not None:
            cells[n] = _decided_cell(hit[0], hit[1], cell, checker, outcome)
    for n, claim in enumerate(brief.summary):
        if (hit := by_obj.get(id(claim))) is not None:
            key, d = hit
            brief.summary[n] = _decided_claim(key, d, claim, _claim_state(claim), checker, outcome)
    outcome.stale = [d for k, d in decisions.items() if k not in live and d.status != "pending"]
    for d in outcome.stale:
        brief.warnings.append(
            f"{REVIEW_WARNING}stale decision: {d.status} {d.key} ({_short(d.zh or d.en)}): "
            "the item is no longer in the brief; the decision is kept in the review file's stale: list"
        )
    if outcome.failed:
        brief.warnings.append(
            f"{REVIEW_WARNING}{len(outcome.failed)} edit(s) failed the source check: {', '.join(outcome.failed)}"
        )
    return outcome


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------ undoing (re-render)


def unreview(brief: Brief) -> None:
    """Put back what the engine wrote before a review was applied (``briefgen render``).

    Rebuilding from brief.json alone must apply the *current* review file, so the
    decisions recorded in brief.json (with each item's original text and place) are
    undone first.
    """
    for art in brief.articles:
        _unreview_article(art)
    cells = brief.comparison.cells
    for n, cell in enumerate(cells):
        original = (review_of(cell) or {}).get("original")
        cells[n] = Cell(cell.city, cell.dimension, cell.zh, cell.en, list(cell.cites), cell.status, list(cell.reasons))
        if original:
            cells[n] = replace(cells[n], **{k: original[k] for k in ("zh", "en", "cites", "status", "reasons")})
    for n, claim in enumerate(brief.summary):
        brief.summary[n] = _plain_claim(claim)
    brief.warnings = [w for w in brief.warnings if not w.startswith(REVIEW_WARNING)]


def _plain_claim(c: Claim) -> Claim:
    original = (review_of(c) or {}).get("original")
    plain = Claim(c.zh, c.en, list(c.cites), c.status, list(c.reasons))
    if original:
        plain = replace(plain, **{k: original[k] for k in ("zh", "en", "cites", "status", "reasons")})
    return plain


def _unreview_article(art: ArticleSummary) -> None:
    home: dict[str, list[tuple[int, Any]]] = {"claims": [], "rejected": [], "facts": []}
    for c in [*art.claims, *art.rejected]:
        review = review_of(c) or {}
        original = review.get("original")
        if review.get("kind") == "fact" and original:
            fields = {k: v for k, v in original.items() if k != "index"}
            home["facts"].append((original["index"], Fact(**fields)))
        elif original and "list" in original:
            home[original["list"]].append((original["index"], _plain_claim(c)))
        else:
            home["claims" if c in art.claims else "rejected"].append((-1, _plain_claim(c)))
    for f in art.facts:
        original = (review_of(f) or {}).get("original")
        fields = {k: v for k, v in (original or _fact_state(f)).items() if k != "index"}
        home["facts"].append((original["index"] if original else -1, Fact(**fields)))
    art.claims = _in_place(home["claims"])
    art.rejected = _in_place(home["rejected"])
    art.facts = _in_place(home["facts"])


def _in_place(entries: list[tuple[int, Any]]) -> list[Any]:
    """Unmoved items in their order, moved ones put back at the index they came from."""
    out = [obj for index, obj in entries if index < 0]
    for index, obj in sorted((e for e in entries if e[0] >= 0), key=lambda e: e[0]):
        out.insert(min(index, len(out)), obj)
    return out


# ------------------------------------------------------------------ the file


_HEADER = """\
# briefgen review file: one entry per statement of the brief, found again by its key.
#
# Set status to:
#   approved   the statement is fine as it is
#   rejected   it leaves the brief and is listed as "rejected by editor"; say why in note
#   edited     change zh / en (and cites if needed); the edit is checked against the
#              cited excerpts again, and a figure not in them is shown as failing
#   pending    no decision yet
# Figures (kind: fact) read "label：figure"; keep that form when editing one.
# Then rebuild (briefgen build DIR -o OUT) or re-render (briefgen render OUT).
# Entries whose statement left the brief move to stale: and are kept there.
"""


def _q(value: Any) -> str:
    """A YAML scalar that round-trips: JSON's double-quoted strings are valid YAML, once
    the characters YAML reads as line breaks or will not accept raw (U+2028, U+0085,
    C1 controls, ...) are escaped too."""
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in json.dumps(value, ensure_ascii=False))


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _comment(text: str) -> str:
    """Text for a YAML comment: one line, and no character a YAML reader refuses."""
    return "".join(ch for ch in " ".join(str(text).split()) if ch.isprintable())


def _entry_lines(d: Decision, reasons: list[str]) -> list[str]:
    lines = []
    if reasons:
        lines.append(f"  # not verified: {_comment('; '.join(reasons))}")
    lines += [
        f"  - key: {_q(d.key)}",
        f"    kind: {d.kind}",
        f"    status: {d.status}",
        f"    zh: {_q(d.zh)}",
        f"    en: {_q(d.en)}",
        f"    cites: {_q(d.cites)}",
        f"    note: {_q(d.note)}",
    ]
    return lines


def _group(item: Item, brief: Brief) -> str:
    if item.kind == "summary":
        return "Executive summary"
    if item.kind == "cell":
        return f"Comparison table: {item.scope} {brief.city_name_en(item.scope)}"
    art = next((a for a in brief.articles if a.doc_id == item.scope), None)
    title = (art.title if art else None) or item.scope
    return f"Article {item.scope}: {_comment(title)}"


def _pending(item: Item) -> Decision:
    """A new entry: the engine's text (the original one when a decision was undone)."""
    zh, en, cites = item_texts(item)
    original = (review_of(item.obj) or {}).get("original")
    if original and item.kind == "fact":
        zh, en = fact_text(Fact(**{k: v for k, v in original.items() if k != "index"}))
        cites = list(original["cites"])
    elif original:
        zh, en, cites = original["zh"], original["en"], list(original["cites"])
    return Decision(item.key, item.kind, "pending", zh, en, cites)


def review_text(brief: Brief, previous: ReviewFile | None = None) -> tuple[str, ReviewFile]:
    """The review file for ``brief``, keeping every decision of ``previous``.

    An item with a decision keeps the editor's entry as written; a new item is
    ``pending`` with the brief's text; a decision whose item is gone moves to ``stale:``
    (and one in ``stale:`` whose item is back returns to the list).
    """
    previous = previous or ReviewFile()
    known = {**{d.key: d for d in previous.stale}, **previous.decisions}
    lines = [_HEADER, "version: 1", "items:"]
    group = None
    out = ReviewFile()
    rank = {"summary": 0, "cell": 1}
    for item in sorted(brief_items(brief), key=lambda i: rank.get(i.kind, 2)):
        review = review_of(item.obj) or {}
        d = replace(known.get(item.key) or _pending(item), kind=item.kind)
        out.decisions[d.key] = d
        if (g := _group(item, brief)) != group:
            group = g
            lines.append(f"  # ---- {g}")
        shown = item.obj.reasons if isinstance(item.obj, Claim | Cell) and item.obj.status == "rejected" else []
        lines += _entry_lines(d, [] if review.get("status") == "rejected" else list(shown))
    stale = [d for k, d in known.items() if k not in out.decisions]
    out.stale = stale
    if stale:
        lines.append("stale:")
        lines.append("  # these statements are no longer in the brief; their decisions are kept")
        for d in stale:
            lines += _entry_lines(d, [])
    else:
        lines.append("stale: []")
    return "\n".join(lines) + "\n", out


def write_review(brief: Brief, path: Path) -> ReviewFile:
    """Write (or rewrite, keeping decisions) the review file at ``path``."""
    previous = load_review(path) if Path(path).exists() else None
    text, result = review_text(brief, previous)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")
    return result
