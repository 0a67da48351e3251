"""The no-model engine: the same ArticleSummary / Comparison structures as the
model engine, built only from text that is really in the sources.

Chinese content is verbatim (key sentences, figures with their labels); the
English side is structured content only - figures through
:func:`briefgen.text.numbers.format_en`, terms from the glossary, cities in pinyin -
never machine-translated prose.  Every item cites its excerpt and is checked
with the same number comparison the model engine's verification uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

from briefgen.core.cpus import usable_cpus
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
)
from briefgen.corpus.cities import zone_names_en
from briefgen.engines.factyears import kind_of, year_words
from briefgen.engines.owner import fact_city, fact_owner, place_at
from briefgen.engines.schemas import FactOut
from briefgen.engines.verify import normalise_cite, verify_fact
from briefgen.evidence.binding import binding_reasons
from briefgen.evidence.dimensions import load_dimensions
from briefgen.evidence.facts import as_of_date, extract_facts, is_opinion, label_weight, quantity_of
from briefgen.evidence.glossary import Glossary
from briefgen.evidence.keysentences import key_sentences, split_sentences
from briefgen.evidence.labelrules import label_rules
from briefgen.text.numbers import find_quantities, is_fact_unit
from briefgen.text.script import garbled

NEEDS_MODEL_EN = "(English: key sentence; translation needs a model)"

# Qualitative dimensions: a quoted sentence says more than a figure (shipped ids).
SENTENCE_FIRST = frozenset({"policy", "sectors", "cooperation"})
_PER_CELL = 3  # figures in one comparison cell
_MAX_CELL_SENTENCE = 160  # characters: longer sentences are too long for a table cell


@lru_cache(maxsize=1)
def _default_dims() -> tuple[Dimension, ...]:
    return tuple(load_dimensions())


def _dim_en(dim_id: str, dims: Sequence[Dimension] | None = None) -> str:
    for d in dims or _default_dims():
        if d.id == dim_id:
            return d.en.lower()
    return dim_id


def _city_tag(cities: Iterable[str], glossary: Glossary) -> str:
    return " / ".join(glossary.city_en(c) for c in cities)


# Years the text states for a figure: verify_fact checks these are in the cited text.
# ("relative" years are computed from the article date, "date" is the article date itself.)
_TEXT_YEARS = ("explicit", "context")


def checked(
    zh: str,
    en: str,
    cites: list[str],
    excerpts: dict[str, Excerpt],
    *,
    quote: str | None = None,
    facts: Sequence[Fact] = (),
    city: str | None = None,
    doc_cities: Mapping[str, Sequence[str]] | None = None,
) -> Claim:
    """The statement as a claim, checked with the verifier's own public checks.

    Extractive content is built from two things, and each is checked as what it
    is: a ``quote`` (a key sentence) must stand in a cited excerpt word for word,
    and every figure (``facts``, the only source of numbers in the English and in
    a cell) goes through ``verify.verify_fact``: its number in the cited text,
    and its year there too when the text states one.  Every cite must exist.
    The English is structured content, not prose, so the prose rules of
    ``verify_claim`` (zh/en agreement, how a sentence binds a figure) do not apply,
    except the city: with ``city`` (a cell's) and ``doc_cities`` (each cited
    document's cities) a figure the cited text gives to another city, district or
    company is rejected with the verifier's reason, a second check on the owner
    rule that chose it (a neighbour's figure in the same paragraph is the classic
    wrong cell).
    """
    known = set(excerpts)
    ids = [normalise_cite(c) for c in cites]
    reasons = [f"unknown citation {c}" for c in ids if c not in known]
    if not ids:
        reasons.append("no citation")
    if quote is not None and not any(quote in excerpts[c].text for c in ids if c in known):
        reasons.append("quoted sentence not in the cited text")
    for f in facts:
        year = f.year if f.year_source in _TEXT_YEARS else None
        out = FactOut(value=f.value, unit=f.unit, what=f.what, what_en=f.what_en, year=year, cites=list(f.cites))
        reasons += verify_fact(out, excerpts, known).reasons
        if city is not None:
            reasons += _city_reasons(f, city, excerpts, doc_cities or {})
    reasons = list(dict.fromkeys(reasons))
    return Claim(zh=zh, en=en, cites=ids, status="rejected" if reasons else "verified", reasons=reasons)


def _city_reasons(fact: Fact, city: str, excerpts: dict[str, Excerpt],
                  doc_cities: Mapping[str, Sequence[str]]) -> list[str]:  # fmt: skip
    """The verifier's city binding for one figure (only that: the figure is shown with the
    source's own qualifier and modality, so the other bindings are not at stake here)."""
    cited = [excerpts[c] for c in fact.cites if c in excerpts]
    figure = {"zh": f"{fact.value}{fact.unit}"}
    found = binding_reasons(figure, cited, (), city=city, doc_cities=doc_cities)
    return [r for r in found if "attributed to" in r]


def year_note(fact: Fact) -> tuple[str, str]:
    """The year beside a figure, (zh, en), decided once for both languages and worded by
    the figure's kind (``factyears``): ("（2022年）", " (2022)"), ("（目标2025年）",
    " (target 2025)"), ("（预计2026年）", " (expected 2026)") for a forecast,
    ("（报道于2023年4月18日）", " (reported 2023-04-18)"), or ("", "") when unknown.
    A figure the text dates nowhere was reported on the publication date: "as of" that
    date would restate, say, a 2022 figure as current."""
    zh, en = year_words(kind_of(fact), fact.year, as_of_date(fact), "note")
    return (f"（{zh}）" if zh else "", f" ({en})" if en else "")


def _fact_en(fact: Fact) -> str:
    label = f": {fact.what_en}" if fact.what_en else ""
    return f"{fact.value_en}{year_note(fact)[1]}{label}"


def _fact_zh(fact: Fact) -> str:
    q = quantity_of(fact)
    raw = q.raw if q else fact.value + fact.unit
    sep = "" if not fact.what or fact.what.endswith(raw) else " "
    return f"{fact.what}{sep}{raw}{year_note(fact)[0]}".strip()


def _terms_en(text: str, glossary: Glossary, limit: int = 6) -> str:
    terms = [en for zh, en in glossary.terms_in(text) if zh not in glossary.cities][:limit]
    return "; ".join(terms)


def _sentence_facts(sentence: str, eid: str, facts: list[Fact]) -> list[Fact]:
    return _distinct(
        [
            f
            for f in facts
            if f.cites[:1] == [eid] and sentence in f.sentence and (f.value + f.unit) in sentence
        ]
    )


def _sentence_en(sentence: str, eid: str, facts: list[Fact], cities: list[str], glossary: Glossary,
                 dims: Sequence[Dimension] | None = None) -> str:  # fmt: skip
    """Structured English for one key sentence: its figures, or its glossary terms."""
    mine = _sentence_facts(sentence, eid, facts)
    city = _city_tag(cities, glossary)
    if mine:
        dim = _dim_en(mine[0].dimension, dims)
        tag = f"[{city} · {dim}]" if city else f"[{dim}]"
        return f"{tag} " + "; ".join(_fact_en(f) for f in mine)
    terms = _terms_en(sentence, glossary)
    tag = f"[{city}] " if city else ""
    return f"{tag}{NEEDS_MODEL_EN}" + (f" Terms: {terms}." if terms else "")


def title_en(title: str | None, glossary: Glossary) -> str | None:
    """Key terms of the title in English (no translation of the title itself)."""
    if not title:
        return None
    places = [glossary.city_en(c) for c in glossary.cities if c in title]
    terms = [en for zh, en in glossary.terms_in(title) if zh not in glossary.cities]
    if not terms:
        return None
    head = (", ".join(dict.fromkeys(places)) + ": ") if places else ""
    return head + "; ".join(dict.fromkeys(terms)) + " (key terms of the title)"


def summarize_document(
    doc: Document, glossary: Glossary, *, k: int = 5, dims: Sequence[Dimension] | None = None
) -> ArticleSummary:
    """Key sentences (verbatim, cited) with structured English, plus the article's facts,
    each in one of the brief's ``dims`` (the shipped dimensions when None)."""
    facts = extract_facts(doc, glossary, dimensions=dims)
    index = {e.id: e for e in doc.excerpts}
    claims: list[Claim] = []
    rejected: list[Claim] = []
    seen: set[str] = set()
    for sentence, eid in key_sentences(doc, k=k):
        if sentence in seen:  # the same sentence in two paragraphs is one point, not two bullets
            continue
        seen.add(sentence)
        en = _sentence_en(sentence, eid, facts, doc.cities, glossary, dims)
        # a year taken from another paragraph is cited there too
        cites = list(
            dict.fromkeys(c for f in _sentence_facts(sentence, eid, facts) for c in f.cites)
        )
        cites = [eid] + [c for c in cites if c != eid]
        mine = _sentence_facts(sentence, eid, facts)
        claim = checked(sentence, en, cites, index, quote=sentence, facts=mine)
        (rejected if claim.reasons else claims).append(claim)
    return ArticleSummary(
        doc_id=doc.id,
        title=doc.title,
        title_en=title_en(doc.title, glossary),
        date=doc.date,
        source=doc.source,
        cities=list(doc.cities),
        claims=claims,
        rejected=rejected,
        facts=_unrepeated(facts),
        engine="extractive",
    )


PARALLEL_FROM = 100  # documents: fewer are summarised in this process (workers cost more there)


_worker_args: tuple[Glossary, Sequence[Dimension] | None, Sequence[str] | None] | None = None


def _start_worker(glossary: Glossary, dims: Sequence[Dimension] | None, known: Sequence[str] | None = None) -> None:
    global _worker_args
    _worker_args = (glossary, dims, known)


# A figure's city as the comparison reads it (``fact_city``), and its city binding
# (``_city_reasons``) for each city of its article: None when the figure cites text
# outside its own article (the comparison then reads it itself).
_Hint = tuple[str | None, dict[str, list[str]], str | None] | None
# id(fact) -> (the fact, its hint): what the summary workers read for the comparison
# (and the unit of its quantity, ``quantity_of``, which ``_fact_rank`` sorts by)
FactHints = dict[int, tuple[Fact, tuple[str | None, dict[str, list[str]], str | None]]]


def _fact_hints(doc: Document, facts: Sequence[Fact], known: Sequence[str]) -> list[_Hint]:
    """What ``compare`` asks of each of ``doc``'s facts, read where the summary's parses
    are still cached (issue 17: the main process parsed every article again for it)."""
    index = {e.id: e for e in doc.excerpts}
    owners = {doc.id: list(doc.cities)}
    out: list[_Hint] = []
    for f in facts:
        if not all(c.startswith(f"{doc.id}:") and c in index for c in f.cites):
            out.append(None)
            continue
        reasons = {c: _city_reasons(f, c, index, owners) for c in doc.cities}
        q = quantity_of(f)
        out.append((fact_city(f, doc.cities, known, index), reasons, q.unit if q is not None else None))
    return out


def _summarize_in_worker(doc: Document) -> tuple[ArticleSummary, list[_Hint] | None]:
    assert _worker_args is not None
    glossary, dims, known = _worker_args
    summary = summarize_document(doc, glossary, dims=dims)
    return summary, (_fact_hints(doc, summary.facts, known) if known is not None else None)


def summarize_documents(docs: Sequence[Document], glossary: Glossary, *, dims: Sequence[Dimension] | None = None,
                        workers: int | None = None, known: Sequence[str] | None = None,
                        hints: FactHints | None = None) -> list[ArticleSummary]:  # fmt: skip
    """``summarize_document`` for each document, in order, on every core when there are many.

    Why: each article's summary depends on that article alone, and summarising was the
    largest cost of an offline build after rendering (issue 17); worker processes give the
    same summaries.  ``workers``: processes (default: the usable CPUs; 1: this process).
    With ``known`` (the corpus' cities, ``cities_of``) and ``hints``, the workers also
    fill ``hints`` with each summary fact's city and city binding for ``compare``."""
    n = usable_cpus() if workers is None else workers
    if len(docs) < PARALLEL_FROM or n <= 1:
        return [summarize_document(doc, glossary, dims=dims) for doc in docs]
    chunk = max(1, min(32, len(docs) // (n * 8)))
    wanted = known if hints is not None else None
    with ProcessPoolExecutor(max_workers=n, initializer=_start_worker, initargs=(glossary, dims, wanted)) as pool:
        done = list(pool.map(_summarize_in_worker, docs, chunksize=chunk))
    for summary, found in done:
        for f, h in zip(summary.facts, found or (), strict=False):
            if hints is not None and h is not None:
                hints[id(f)] = (f, h)
    return [summary for summary, _ in done]


# ----------------------------------------------------------------- comparison


def cities_of(corpus: Corpus) -> list[str]:
    """Cities in the corpus: most articles first, then first appearance."""
    count: dict[str, int] = {}
    for doc in corpus.documents:
        for c in doc.cities:
            count[c] = count.get(c, 0) + 1
    order = list(count)
    return sorted(order, key=lambda c: (-count[c], order.index(c)))


def _mentions(text: str, city: str) -> bool:
    return city in text or city.removesuffix("市") in text


_YEAR_TRUST = {"explicit": 2, "relative": 2, "context": 2, "date": 1}


def _fact_rank(fact: Fact, dim: Dimension, hints: FactHints | None = None) -> tuple[float, ...]:
    """Figures that name a measure of the dimension first (产值 for scale, 基金 for
    finance ...), then those with a written year, then money, then the newest;
    for targets, money targets (output, revenue) lead.  A figure per firm or project (a
    bar one leading firm must pass) comes after every figure of the whole city."""
    hint = _hint(fact, hints)
    if hint is not None:
        unit = hint[2]
    else:
        q = quantity_of(fact)
        unit = q.unit if q is not None else None
    money = 1 if unit in ("CNY", "USD", "EUR", "HKD") else 0
    # a non-target cell weighs the label with its own dimension's words too (装机量 for nev's scale)
    named = label_weight(fact.what) if dim.id == "target" else label_weight(fact.what, dim.id, dimensions=[dim])
    weight = named + sum(1 for w in dim.keywords if w in fact.what)
    trust = _YEAR_TRUST.get(fact.year_source, 0)
    # a bar or cap per firm or project (每家龙头企业销售收入, 单个项目…) after the city's own totals
    whole = 0 if fact.what.startswith(label_rules().per_words) else 1
    if dim.id == "target":
        return (whole, money, weight, trust, fact.year or 0)
    return (whole, weight, trust, money, fact.year or 0)


def _hint(fact: Fact, hints: FactHints | None) -> tuple[str | None, dict[str, list[str]], str | None] | None:
    found = hints.get(id(fact)) if hints else None
    return found[1] if found is not None and found[0] is fact else None


def _belongs(fact: Fact, city: str, doc_cities: list[str], known: Sequence[str] = (),
             excerpts: dict[str, Excerpt] | None = None, hints: FactHints | None = None) -> bool:  # fmt: skip
    """Whether the text gives ``fact`` to ``city`` (``owner.fact_city``): the same rule as the
    key-figures tables, so a cell never shows a figure the brief files under another city."""
    return figure_city(fact, doc_cities, known, excerpts, hints) == city


def figure_city(fact: Fact, doc_cities: Sequence[str], known: Sequence[str] = (),
                excerpts: dict[str, Excerpt] | None = None, hints: FactHints | None = None) -> str | None:  # fmt: skip
    """``owner.fact_city``, as a summary worker read it when ``hints`` holds the figure
    (the workers were given the same ``known``: the corpus' cities, ``cities_of``)."""
    hint = _hint(fact, hints)
    return hint[0] if hint is not None else fact_city(fact, doc_cities, known, excerpts)


def _city_facts(city: str, docs: list[Document], facts: dict[str, list[Fact]], known: Sequence[str] = (),
                excerpts: dict[str, Excerpt] | None = None, hints: FactHints | None = None) -> list[Fact]:  # fmt: skip
    return [f for doc in docs for f in facts[doc.id] if _belongs(f, city, doc.cities, known, excerpts, hints)]


def _binds_elsewhere(fact: Fact, city: str, index: dict[str, Excerpt], owners: Mapping[str, Sequence[str]],
                     hints: FactHints | None) -> bool:  # fmt: skip
    """``_city_reasons`` not empty: as the summary worker read it when it did."""
    hint = _hint(fact, hints)
    if hint is not None and city in hint[1]:
        return bool(hint[1][city])
    return bool(_city_reasons(fact, city, index, owners))


_STRONG_TERM = 3  # characters: one keyword this long (产业基金, 龙头企业) is enough; shorter ones need two


def _others_figures(sentence: str, city: str, cities: Sequence[str]) -> bool:
    """A sentence whose figures the text gives only to other cities or their zones (汕尾与深圳…
    深汕特别合作区…引进企业36家 is Shenzhen's): no sentence for ``city``'s cell."""
    owners = [place_at(sentence, q.start, cities) for q in find_quantities(sentence) if is_fact_unit(q.unit)]
    return bool(owners) and all(o is not None and o.city != city for o in owners)


def _best_sentence(city: str, dim: Dimension, docs: list[Document],
                   used: set[str] | None = None) -> tuple[str, str] | None:  # fmt: skip
    """The sentence that speaks most to ``dim`` for ``city``: two keyword hits, or one
    specific (long) keyword; never a view, never a sentence another cell already shows."""
    best: tuple[int, int, str, str] | None = None
    n = 0
    for doc in docs:
        for ex in doc.excerpts:
            for s, _ in split_sentences(ex.text):
                n += 1
                if len(s) > _MAX_CELL_SENTENCE or len(s) < 8 or garbled(s) or (used and s in used):
                    continue
                if len(doc.cities) > 1 and (not _mentions(s, city) or _others_figures(s, city, doc.cities)):
                    continue
                words = [w for w in dim.keywords if w in s]
                hits = len(words) + ("《" in s and dim.id == "policy")
                strong = any(len(w) >= _STRONG_TERM for w in words)
                if (hits >= 2 or strong) and not is_opinion(s) and (best is None or (hits, -n) > (best[0], best[1])):
                    best = (hits, -n, s, ex.id)
    return (best[2], best[3]) if best else None


def _zone_named(fact: Fact, city: str, docs: list[Document], known: Sequence[str],
                index: dict[str, Excerpt], glossary: Glossary) -> tuple[str, str]:  # fmt: skip
    """(zh, en) prefixes naming the zone a figure of ``city`` was stated for (深汕特别合作区:
    the city runs it), so a reader sees whose figure it is; ("", "") for the city's own."""
    doc = next((d for d in docs if fact.cites and fact.cites[0].startswith(f"{d.id}:")), None)
    owner = fact_owner(fact, doc.cities, known, index) if doc is not None else None
    if owner is None or owner.city != city or owner.zone is None or owner.zone in fact.what:
        return "", ""
    named = zone_names_en().get(owner.zone) or next(
        (en for zh, en in glossary.terms_in(owner.zone) if zh == owner.zone), owner.zone
    )
    return f"{owner.zone}：", f"{named} ({glossary.city_en(city)}): "


def _cell(city: str, dim: Dimension, docs: list[Document], cfacts: list[Fact], glossary: Glossary,
          index: dict[str, Excerpt], used: set[str] | None = None, known: Sequence[str] = (),
          hints: FactHints | None = None) -> Cell:  # fmt: skip
    labelled = [f for f in cfacts if f.what]  # "6-8个" alone tells a reader nothing
    if dim.id == "target":
        pool = [f for f in labelled if f.is_target]
    else:
        pool = [f for f in labelled if f.dimension == dim.id and not f.is_target]
    owners = {d.id: list(d.cities) for d in docs}
    # A figure the verifier binds to another city, district or company (a company's national
    # share in a city's article) is not this city's: left out, so the city's own figures fill it.
    pool = [f for f in pool if not _binds_elsewhere(f, city, index, owners, hints)]
    city_en = glossary.city_en(city)
    found = _best_sentence(city, dim, docs, used) if dim.id in SENTENCE_FIRST or not pool else None
    if pool and found is None:
        chosen = _distinct(sorted(pool, key=lambda f: _fact_rank(f, dim, hints), reverse=True))[:_PER_CELL]
        # a cell reads newest first, each with its year; what is expected after what was reached
        chosen.sort(key=lambda f: (kind_of(f) == "forecast", -(f.year or 0)))
        zones = [_zone_named(f, city, docs, known, index, glossary) for f in chosen]
        head = zones[0] if len(set(zones)) == 1 else ("", "")  # one zone for all: named once
        zones = [("", "") if head[0] else z for z in zones]
        zh = head[0] + "；".join(z + _fact_zh(f) for (z, _), f in zip(zones, chosen, strict=True))
        en = head[1] + "; ".join(z + _fact_en(f) for (_, z), f in zip(zones, chosen, strict=True))
        cites = list(dict.fromkeys(c for f in chosen for c in f.cites))
        claim = checked(zh, en, cites, index, facts=chosen, city=city, doc_cities=owners)
    else:
        if found is None:
            return Cell(city, dim.id, NOT_FOUND_ZH, NOT_FOUND_EN, [], "not_found")
        zh, eid = found
        if used is not None:
            used.add(zh)  # one sentence, one cell: the next cell finds its own or says not found
        terms = _terms_en(zh, glossary)
        en = f"[{city_en} · {dim.en.lower()}] {NEEDS_MODEL_EN}" + (
            f" Terms: {terms}." if terms else ""
        )
        claim = checked(zh, en, [eid], index, quote=zh)
    return Cell(city, dim.id, zh, en, claim.cites, claim.status, claim.reasons)


def _unrepeated(facts: list[Fact]) -> list[Fact]:
    """An article's facts without restatements of a figure already listed with the
    same year and label ("从462.2亿元到1000亿元" after both were given)."""
    seen: set[tuple[str, str, int | None, bool, str]] = set()
    out = []
    for f in facts:
        key = (f.value, f.unit, f.year, f.is_target, f.what)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _distinct(facts: list[Fact]) -> list[Fact]:
    """Facts minus repeats: the same figure stated twice (in a repost, or once with its
    year and once without) is shown once, as first met (callers put the best first)."""
    seen: set[tuple[str, str, bool]] = set()
    out = []
    for f in facts:
        key = (f.value, f.unit, f.is_target)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def compare(
    corpus: Corpus,
    dims: list[Dimension],
    glossary: Glossary,
    facts: dict[str, list[Fact]] | None = None,
    hints: FactHints | None = None,
) -> Comparison:
    """Every city x dimension cell from that city's own facts and sentences, cited.

    ``facts`` (doc id -> facts) may be passed to reuse the summaries' extraction, and
    ``hints`` what the summary workers read of those facts (``summarize_documents``).
    """
    facts = dict(facts or {})
    for doc in corpus.documents:
        if doc.id not in facts:
            facts[doc.id] = extract_facts(doc, glossary, dimensions=dims)
    index = corpus.excerpt_index()
    cities = cities_of(corpus)
    cells = []
    used: set[str] = set()
    for city in cities:
        docs = [d for d in corpus.documents if city in d.cities]
        cfacts = _city_facts(city, docs, facts, cities, index, hints)
        for dim in dims:
            cells.append(_cell(city, dim, docs, cfacts, glossary, index, used, cities, hints))
    return Comparison(cities=cities, dimensions=list(dims), cells=cells)


def executive_summary(
    articles: list[ArticleSummary],
    comparison: Comparison,
    glossary: Glossary,
    *,
    per_city: int = 2,
    excerpts: dict[str, Excerpt] | None = None,
    targets: bool = True,
    hints: FactHints | None = None,
) -> list[Claim]:
    """A few cited claims from the strongest figures of each city: the largest
    current money figure (industry scale first) and, unless ``targets`` is False, the
    headline target.  The current figure is one the text says was reached, never a
    policy's own term (a subsidy cap); a forecast only when the city states no result,
    and then labelled as expected.  With ``excerpts`` (the corpus' excerpt index) each
    claim is checked like every other extractive item (``checked``: its figure verified
    against its cited excerpt)."""
    claims: list[Claim] = []
    dims = {d.id: d for d in comparison.dimensions}
    for city in comparison.cities:
        cfacts = [
            f
            for a in articles
            if city in a.cities
            for f in a.facts
            if f.what and _belongs(f, city, a.cities, comparison.cities, excerpts, hints)
        ]
        current = [f for f in cfacts if kind_of(f) == "achieved"] or [
            f for f in cfacts if kind_of(f) == "forecast"
        ]
        goals = [f for f in cfacts if f.is_target] if targets else []
        picks: list[Fact] = []
        for pool in (current, goals):
            if pool:
                dim = dims.get("scale") or Dimension("scale", "", "", ())
                picks.append(
                    max(pool, key=lambda f: (f.dimension == "scale", _value(f), _fact_rank(f, dim)))
                )
        for f in picks[:per_city]:
            city_en = glossary.city_en(city)
            zh, en = f"{city}：{_fact_zh(f)}", f"{city_en}: {_fact_en(f)}"
            if excerpts is None:
                claims.append(Claim(zh=zh, en=en, cites=list(f.cites)))
            else:
                claims.append(checked(zh, en, list(f.cites), excerpts, facts=[f]))
    return claims


def _value(fact: Fact) -> float:
    q = quantity_of(fact)
    return q.value if q is not None and q.unit in ("CNY", "") else 0.0


__all__ = [
    "checked",
    "compare",
    "executive_summary",
    "summarize_document",
    "FactHints",
    "figure_city",
    "summarize_documents",
    "title_en",
]
