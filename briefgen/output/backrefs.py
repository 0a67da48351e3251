"""Where each cited excerpt is used: the way back from the appendix to what cites it.

Why: a reader checking a quote in the appendix wants to see which summary line,
table cell, key-figures table or article page rests on it.  Built from the same
view dicts the template renders, so a back-link points only at an anchor the
template writes (``summary-N``, ``cell-<city>-<dimension>``, ``figures-<city>``,
an article page's excerpt anchor).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any


def anchor_id(*parts: str) -> str:
    """An HTML id the sanitiser's template-anchor pattern accepts (word characters and -)."""
    return re.sub(r"[^\w-]+", "-", "-".join(parts), flags=re.UNICODE).strip("-")


def cited_by(
    summary: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    cities: list[dict[str, Any]],
    articles: list[dict[str, Any]],
    t: Callable[[str, str], str],
) -> dict[str, list[dict[str, str]]]:
    """Excerpt ID -> the places citing it, each ``{"label", "href"}``, in reading order."""
    refs: dict[str, list[dict[str, str]]] = {}

    def add(ids: list[str], label: str, href: str) -> None:
        for eid in ids:
            places = refs.setdefault(eid, [])
            if not any(p["href"] == href for p in places):
                places.append({"label": label, "href": href})

    for i, claim in enumerate(summary, 1):
        add(claim["cites"], t(f"执行摘要第{i}条", f"summary line {i}"), f"#{anchor_id('summary', str(i))}")
    for row in rows:
        dim = row["dimension"]
        for cell in row["cells"]:
            if cell["status"] == "verified":
                city = cell["city"]
                label = t(f"对比表：{city['zh']} × {dim['zh']}", f"table: {city['en']} × {dim['en']}")
                add(cell["cites"], label, f"#{cell['anchor']}")
    for city in cities:
        for fig in city["figures"]:
            label = t(f"{city['zh']}关键数据", f"{city['en']} key figures")
            add(fig["cites"], label, f"#{anchor_id('figures', city['zh'])}")
    for art in articles:
        ids = [c for item in [*art["claims"], *art["facts"]] for c in item["cites"]]
        for eid in dict.fromkeys(ids):
            add([eid], t("文章页", "article page"), f"articles/{art['id']}.md#{anchor_id(eid)}")
    return refs


__all__ = ["anchor_id", "cited_by"]
