"""Short labels for figures: the zh noun phrase that says what a figure measures, and
its English made only of glossary terms (never translated prose).

The words before a figure usually name it ("产值|462.2亿元"), but a verb before it
moves the noun after it ("提供|近50亿元融资"), a counter names what is counted
("3个|创新科研团队"), and a share needs both sides of 占.  Fillers, connectives,
target and time words and place names are trimmed (data in ``lexicons/``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefgen.core.types import Fact, Quantity
from briefgen.evidence.factlex import EDGE_PUNCT, MASK, FactLexicon
from briefgen.evidence.glossary import Glossary
from briefgen.evidence.labelrules import en_form, label_rules, owner_en, protected, reshape, tidy
from briefgen.text.numbers import find_quantities, unit_info

_MAX = 16  # characters a label aims to stay within
_MAX_HARD = 22  # … and never exceeds

_TIME_WORDS = re.compile(
    r"(?:从|自|到|至|截至|截止|在|于|早在|较|比|相比)?\s*(?:19|20)\d{2}\s*"
    r"(?:[-–—~至到]\s*(?:19|20)\d{2}\s*)?年\s*(?:底|末|初|前|之前|以前|以来|上半年|下半年|全年|度)?的?"
    r"|\d{1,2}\s*(?:[-–—~至到]\s*\d{1,2}\s*)?月(?:份|底|末)?|\d{1,2}\s*日"
    r"|前[一二两三四五六七八九十\d]+(?:个月|季度)|[一二三四1-4]季度|上半年|下半年"
    r"|(?:今|去|明|本|当)年(?:底|末|初|内)"
    r"|近年来|近几年|近年|多年来|近日|日前|年内|[一二两三四五六七八九十\d]+年(?:来|以来)"
)


def _strip(text: str, lex: FactLexicon, cities: Iterable[str]) -> str:
    """Trim fillers, connectives, target and time words and city names from both ends."""
    places = tuple(cities)
    rules = label_rules()
    lead = tuple(sorted({*lex.lead, *rules.lead}, key=len, reverse=True))
    changed = True
    while changed and text:
        changed = False
        text = text.strip(EDGE_PUNCT)
        if text.startswith(lead) or (places and text.startswith(places)):
            for w in (*lead, *places):
                if text.startswith(w) and len(text) > len(w) and not protected(text, 0, len(w)):
                    text, changed = text[len(w) :], True
                    break
        if text.endswith(lex.trail):
            n = len(text)
            for w in lex.trail:
                if text.endswith(w) and n > len(w) and not protected(text, n - len(w), n):
                    text, changed = text[: -len(w)], True
                    break
    return text.strip(EDGE_PUNCT)


def _head_phrase(text: str, lex: FactLexicon, cities: Iterable[str]) -> tuple[str, bool]:
    """The noun phrase before a figure, and whether the words ended in a verb."""
    text = _TIME_WORDS.sub("", text.replace(MASK, ""))
    for w in (*lex.present, *lex.relative, *lex.forecasts):
        text = text.replace(w, "")
    if (share := _share_phrase(text, lex, cities)) is not None:
        return share, False
    if text.strip(EDGE_PUNCT).endswith("的"):  # "…新引擎的|超万亩|生物医药主战场"
        return "", True
    bare = re.sub(r"[了着过]+$", "", text.strip(EDGE_PUNCT))
    verbs = tuple(v for v in lex.verbs if len(v) > 1)
    verb = next((v for v in verbs if bare.endswith(v)), "")
    if verb and not protected(bare, len(bare) - len(verb), len(bare)):
        # "…企业提供|近50亿元融资": the noun comes after the figure
        left = _strip(bare[: -len(verb)], lex, cities)
        return ("" if left in lex.lead else left), True
    text = _strip(text, lex, cities)
    if text in lex.lead:  # only a verb or filler left: "建成|1个…园区"
        return "", text in lex.verbs
    best: tuple[int, int] | None = None  # (start, end) of the last verb inside the words
    for v in lex.verbs:
        i = text.rfind(v) if len(v) > 1 else -1
        if i > 0 and protected(text, i, i + len(v)):
            continue
        if i > 0 and (best is None or i + len(v) > best[1]):
            best = (i, i + len(v))
    if best is None:
        return text, False
    left = _strip(text[: best[0]], lex, cities)
    right = _strip(text[best[1] :], lex, cities)
    if not right:
        return left, True  # "…企业提供|近50亿元融资": the noun comes after the figure
    if len(right) < 2:
        return text, False
    if len(right) <= 4 and 0 < len(left) <= 10:  # 医药健康产业集群 | 实现 | 产值
        return left + right, False
    if 0 < len(left) <= 10 and left.endswith(label_rules().holders):
        return left + right, False  # 园区 | 已集聚 | 生物医药企业: the park's firms
    return right, False


def _share_phrase(text: str, lex: FactLexicon, cities: Iterable[str]) -> str | None:
    """A share's label: "其产值约占全国血液制品产业的|1/7" -> 产值约占全国血液制品产业.

    The words before 占 say what is measured and the words after it say of what, so both
    stay; without this the trailing 的 leaves the figure with no label at all.
    """
    words = text.strip(EDGE_PUNCT)
    if not words.endswith("的") or "占" not in words:
        return None
    i = words.rfind("占")
    whole = words[i + 1 : -1].strip(EDGE_PUNCT)
    hedge = re.search(r"(?:约|近|接近|超过|超|已)*$", words[:i])
    cut = hedge.start() if hedge else i
    subject = _strip(words[:cut], lex, cities)
    return f"{subject}{words[cut:i].replace('已', '')}占{whole}" if whole else None


def _tail_phrase(text: str, lex: FactLexicon) -> str:
    """The noun phrase after a figure: "400家|健康产业类企业落户" -> 健康产业类企业; with no
    known noun the words up to the next verb stay whole (人工智能大模型行业应用示范), and
    a 的 phrase keeps its head noun (数百辆|即将发往港口的新能源汽车 -> 新能源汽车)."""
    text = re.sub(r"^(?:以上|以下|左右|之多|多|余)+", "", text.strip())
    text = text.removeprefix("的")
    text = re.split(r"[和及并、]|以及", text, maxsplit=1)[0][:_MAX]
    stops = [
        i
        for v in lex.verbs
        if len(v) > 1 and (i := text.find(v)) > 0 and not protected(text, i, i + len(v))
    ]
    text = text[: min(stops)] if stops else text  # "细分赛道|做好…"
    end = _noun_end(text, lex)
    if end > 0 and "的" in text[:end] and end > text.rfind("的", 0, end) + 2:
        text = text[text.rfind("的", 0, end) + 1 :]
        end = _noun_end(text, lex)
    phrase = (text[:end] if end > 0 else text).strip(EDGE_PUNCT)
    if phrase.startswith(lex.verbs):  # 安排10亿元|设立专项资金: the noun the verb makes
        verb = next(v for v in lex.verbs if phrase.startswith(v))
        rest = phrase[len(verb) :]
        return rest if len(rest) >= 2 and _noun_end(rest, lex) == len(rest) else ""
    return phrase


def _noun_end(text: str, lex: FactLexicon) -> int:
    """Where the last known noun of the words ends (-1 if none); a noun inside a protected
    word is none (所 in 企业所得税)."""
    ends = [
        i + len(n)
        for n in lex.nouns
        if (i := text.rfind(n)) >= 0 and not protected(text, i, i + len(n))
    ]
    return max(ends, default=-1)


def _shorten(head: str) -> str:
    """A long head is cut where a word ends (after 的 or a list comma), never mid-word;
    with no such place it stays whole up to a hard limit."""
    if len(head) <= _MAX:
        return head
    cuts = [m.end() for m in re.finditer(r"的|[、，,]", head) if len(head) - m.end() >= 2]
    fits = [c for c in cuts if len(head) - c <= _MAX]
    return head[fits[0] :] if fits else head[-_MAX_HARD:]


def label_of(sentence: str, masked: str, span: tuple[int, int], q: Quantity,
           others: list[Quantity], lex: FactLexicon, cities: Iterable[str]) -> str:  # fmt: skip
    """A short zh noun phrase for what the figure measures (no figures, years or
    target words in it)."""
    cs, ce = span
    start = max([cs] + [o.end for o in others if cs <= o.end <= q.start])
    end = min([ce] + [o.start for o in others if q.end <= o.start <= ce])
    head, verb_end = _head_phrase(masked[start : q.start], lex, cities)
    after = masked[q.end : end].replace(MASK, "")
    tail = _tail_phrase(after, lex)
    sized = head.endswith(("规模", "总规模", "金额", "总额", "总投资")) and after.startswith("的")
    u = unit_info(q.unit)
    counted = u is not None and u.kind == "count"  # the counted noun follows: 3个|创新科研团队
    graded = q.unit_raw.endswith("级")  # 千亿级|健康产业集群: the figure grades the noun after it
    place = head in cities  # "打造中山|千亿级健康产业集群": the place is not what is measured
    if len(tail) >= 2 and (not head or verb_end or sized or counted or graded or place):
        label = tail + (tidy(head) if sized and not head.endswith("规模") else "")
    else:
        label = _shorten(head) or tail
    if tail in label_rules().milestones:  # 首次跨上千亿级|台阶: the measure is named before
        label = ""
    label = reshape(tidy(_strip(label, lex, ())), sentence, masked, span, q)
    if is_change(q) and re.fullmatch(r"较.{1,8}(?:低|高|少|多)|(?:高于|低于).{2,8}", label):
        label = _compared_measure(masked, q, others, lex, cities) + label  # …强度3.2%，高于…
    if not label and counted:  # 建成6-8个|集聚相关产业链的上下游: the source's own description
        label = tidy(_strip(re.split(r"[，,；;。]", after)[0][:_MAX], lex, ()))
    return label


def _compared_measure(masked: str, q: Quantity, others: list[Quantity], lex: FactLexicon,
                      cities: Iterable[str]) -> str:  # fmt: skip
    """The measure a comparison after a figure is about: the words before the figure just
    before it in the sentence (研发投入强度达到3.2%，高于… -> 研发投入强度), "" if none."""
    prev = [o for o in others if o.end <= q.start]
    if not prev:
        return ""
    p = prev[-1]
    start = max((m.end() for m in re.finditer(r"[，,；;。：:]", masked[: p.start])), default=0)
    head, _ = _head_phrase(masked[start : p.start], lex, cities)
    return tidy(head)


def what_en(what: str, dim: str, glossary: Glossary, lex: FactLexicon) -> str:
    """English label from glossary terms (and a small fallback list), never translated prose;
    the forms labelrules makes (a cap, a firm's bar, a share, a saving) and the owner
    (national, one company's) are said in English too."""
    special = en_form(what, lambda zh: _terms_en(zh, glossary, lex))
    if special is not None:
        return special
    plain = _terms_en(what, glossary, lex)
    if not plain:
        name = lex.dim_en.get(dim)
        return f"{name.lower()} figure" if name else "figure"
    return owner_en(what, plain)


def _terms_en(what: str, glossary: Glossary, lex: FactLexicon) -> str:
    """The glossary terms of a zh label, leftmost-longest: the last is the head noun and
    up to two before it go in brackets ("" when no term fits)."""
    vocab = {**lex.terms, **glossary.terms}
    longest = max((len(t) for t in vocab), default=0)
    found: list[str] = []
    i = 0
    while i < len(what):
        for n in range(min(longest, len(what) - i), 0, -1):
            if what[i : i + n] in vocab:
                found.append(vocab[what[i : i + n]])
                i += n
                break
        else:
            i += 1
    if not found:
        return ""
    # the term the label ends with is its head noun (…整车企业和汽车零部件企业: enterprises)
    found = [en for k, en in enumerate(found) if en not in found[k + 1 :]]
    if len(found) == 1:
        return found[0]
    return f"{found[-1]} ({', '.join(found[:-1][-2:])})"


def is_change(q: Quantity) -> bool:
    u = unit_info(q.unit)
    return u is not None and u.kind in ("percent", "pp")


def _unit(fact: Fact) -> str:
    qs = find_quantities(f"{fact.value}{fact.unit}")
    return qs[0].unit if qs else ""


def borrow_label(
    what: str, q: Quantity, last: Fact | None, lex: FactLexicon, expected: bool = False
) -> str:
    """Labels that only make sense with the figure before: "营业收入2400亿元，同比增长8.5%"
    -> 营业收入同比增长; "营收…1600亿元。预计2025年将达到3000亿元" -> 营业收入."""
    if last is None:
        return what
    if is_change(q) and (not what or any(w in what[:6] for w in lex.growth)):
        if not any(w in what for w in lex.growth):
            return what
        return last.what + what if last.what not in what else what
    if is_change(q) and re.fullmatch(r"较.{1,8}(?:低|高|少|多)|(?:高于|低于).{2,8}", what):
        return last.what + what  # "平均电价约0.3元，较东部地区低约四成"
    if (is_change(q) or q.unit == "ratio") and re.match(r"占(?!地)", what):
        return last.what + what  # "保有量突破50万辆，占汽车总量的18%": whose share
    moved = re.fullmatch(r"(?:比|较)?(" + "|".join(map(re.escape, lex.growth)) + ")", what)
    if moved and not is_change(q) and last.what:
        return last.what + moved.group(1)  # "企业达到56家，比上年增加12家"
    u = unit_info(q.unit)
    shared = u is not None and u.kind in ("money", "area")  # counts name different things
    same_unit = last.unit == q.unit_raw or _unit(last) == q.unit  # 1086亿元 … 千亿级
    if (not what or what in lex.growth) and shared and same_unit:
        return last.what  # "从…900亿元增长到…1600亿元"
    if not what and expected and last.unit == q.unit_raw and u is not None and u.kind == "count":
        return last.what  # "产量超过15万辆，全年有望突破100万辆": the same measure, expected
    return what
