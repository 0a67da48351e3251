"""Precision and recall of "verified" on the labelled verifier set (issue 13).

``items.jsonl`` holds hand-written model output (claims, findings, overview
claims, key facts) over ``examples/articles``, ``../shared/corpus/seeds`` and
``../shared/corpus/dev``, with the cited excerpts as ingested when the item was
written (``sources``) and the articles' dates (``dates``); each item is labelled ``correct`` or ``wrong`` with the
kind of number form or mistake it carries, and ``split`` says whether it was
used while tuning the verifier (``tune``) or kept apart (``heldout``).

    python bench/verifier/evaluate.py            # tables per kind, both splits
    python bench/verifier/evaluate.py --show     # every misjudged item with its reasons
    python bench/verifier/evaluate.py --json     # numbers for tests
    python bench/verifier/evaluate.py --bench    # seconds to check 1,000 claims

Why a script and not only a test: the table goes into ``bench/RESULTS.md`` and
an engineer tuning a check wants to see which items moved.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.core.types import Claim, Excerpt
from briefgen.engines.schemas import FactOut
from briefgen.engines.verify import verify_claim, verify_fact

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ITEMS = HERE / "items.jsonl"
MIN_ITEMS = 10  # kinds with fewer items are reported but not held to the thresholds


@dataclass
class Outcome:
    item: dict[str, Any]
    verified: bool
    reasons: list[str]

    @property
    def judged_right(self) -> bool:
        return self.verified == (self.item["label"] == "correct")


def load_items(path: Path = ITEMS) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _context(item: dict[str, Any]) -> tuple[dict[str, Excerpt], set[str], set[int]]:
    """The cited excerpts as the model saw them (stored with the item, so later changes to
    cleaning cannot move them), every cited ID, and the publication years of their articles."""
    context = {
        cid: Excerpt(cid, cid.split(":")[0], int(cid.rsplit(":p", 1)[1]), text, text)
        for cid, text in item["sources"].items()
    }
    years = {int(d[:4]) for d in item["dates"].values() if d and d[:4].isdigit()}
    return context, set(context), years


def check(item: dict[str, Any]) -> Outcome:
    """Run the verifier on one item the way the engines do."""
    context, known, years = _context(item)
    if item["type"] == "fact":
        out = FactOut(value=item["value"], unit=item["unit"], what=item["what"],
                      what_en=item["what_en"], year=item["year"], cites=item["cites"])  # fmt: skip
        fc = verify_fact(out, context, known, extra_years=years)
        return Outcome(item, fc.status == "verified", fc.reasons)
    claim = Claim(item["zh"], item["en"], list(item["cites"]))
    city = item.get("city")
    kwargs: dict[str, Any] = {"city": city} if city else {}
    kwargs["doc_cities"] = item.get("cities", {})
    checked = verify_claim(claim, context, known, extra_years=years, **kwargs)
    return Outcome(item, checked.status == "verified", checked.reasons)


def table(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """Per kind: correct items verified (recall), wrong items verified, precision of "verified"."""
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.item["kind"]].append(o)
    rows = []
    for kind in sorted(by_kind, key=lambda k: (-len(by_kind[k]), k)):
        group = by_kind[kind]
        ok = [o for o in group if o.item["label"] == "correct"]
        bad = [o for o in group if o.item["label"] == "wrong"]
        shown = [o for o in group if o.verified]
        rows.append({
            "kind": kind, "items": len(group), "correct": len(ok), "wrong": len(bad),
            "correct_verified": sum(o.verified for o in ok), "wrong_verified": sum(o.verified for o in bad),
            "recall": sum(o.verified for o in ok) / len(ok) if ok else None,
            "wrong_rate": sum(o.verified for o in bad) / len(bad) if bad else None,
            "precision": sum(o.item["label"] == "correct" for o in shown) / len(shown) if shown else None,
        })  # fmt: skip
    return rows


def failures(rows: list[dict[str, Any]]) -> list[str]:
    """Kinds with at least MIN_ITEMS items of a label that miss the thresholds."""
    bad = []
    for r in rows:
        if r["correct"] >= MIN_ITEMS and r["recall"] < 0.97:
            bad.append(f"{r['kind']}: {r['recall']:.0%} of correct items verified (need >= 97%)")
        if r["wrong"] >= MIN_ITEMS and r["wrong_rate"] > 0.02:
            bad.append(f"{r['kind']}: {r['wrong_rate']:.0%} of wrong items verified (need <= 2%)")
    return bad


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def markdown(rows: list[dict[str, Any]], title: str) -> str:
    lines = [f"**{title}**", "",
             "| kind | items | correct verified | wrong verified | precision of verified |",
             "|---|---|---|---|---|"]  # fmt: skip
    total = {"items": 0, "correct": 0, "wrong": 0, "correct_verified": 0, "wrong_verified": 0}
    for r in rows:
        lines.append(
            f"| {r['kind']} | {r['items']} | {r['correct_verified']}/{r['correct']} ({_pct(r['recall'])}) "
            f"| {r['wrong_verified']}/{r['wrong']} ({_pct(r['wrong_rate'])}) | {_pct(r['precision'])} |"
        )
        for k in total:
            total[k] += r[k]
    rec = total["correct_verified"] / total["correct"] if total["correct"] else None
    wr = total["wrong_verified"] / total["wrong"] if total["wrong"] else None
    lines.append(
        f"| **all** | {total['items']} | {total['correct_verified']}/{total['correct']} ({_pct(rec)}) "
        f"| {total['wrong_verified']}/{total['wrong']} ({_pct(wr)}) | |"
    )
    return "\n".join(lines)


def bench(n: int = 1000) -> float:
    """Seconds to check n claims.  Each claim text is made unique (k in binary as zero-width characters), so
    no claim is parsed from cache; the cited excerpts are, as in a build where many claims
    cite the same paragraphs."""
    claims = [i for i in load_items() if i["type"] != "fact"]
    for i in claims:  # the excerpts parsed once, outside the timing
        check(i)
    todo = []
    for k in range(n):
        item = dict(claims[k % len(claims)])
        pad = "".join("\u200b\u200c"[int(b)] for b in f"{k:b}")  # k in binary, invisible
        item["zh"], item["en"] = item["zh"] + pad, item["en"] + pad
        todo.append(item)
    start = time.perf_counter()
    for i in todo:
        check(i)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--show", action="store_true", help="list every misjudged item with its reasons")
    p.add_argument("--json", action="store_true", help="print the per-kind numbers as JSON")
    p.add_argument("--bench", action="store_true", help="time checking 1,000 claims")
    args = p.parse_args(argv)
    if args.bench:
        print(f"checked 1,000 claims in {bench():.2f} s")
        return 0
    outcomes = [check(i) for i in load_items()]
    splits = {s: [o for o in outcomes if o.item["split"] == s] for s in ("tune", "heldout")}
    result = {s: table(os) for s, os in splits.items()} | {"all": table(outcomes)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    if args.show:
        for o in outcomes:
            if not o.judged_right:
                it = o.item
                text = it.get("zh") or f"{it.get('value')}{it.get('unit')} {it.get('year')}"
                print(f"{it['id']} {it['label']:7} {it['kind']:13} {'verified' if o.verified else 'rejected'}: "
                      f"{text} | {it.get('en', it.get('what_en'))} | {'; '.join(o.reasons)}")  # fmt: skip
        print()
    print(markdown(result["tune"], "Tuning split"))
    print()
    print(markdown(result["heldout"], "Held-out split (not used while tuning)"))
    print()
    print(markdown(result["all"], "All items"))
    missed = failures(result["all"])
    print(
        "\n" + ("thresholds met" if not missed else "thresholds missed:\n  " + "\n  ".join(missed))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
