"""What a figure's label must keep so it is not misread: a cap is a cap, a leading firm's
bar is the firm's, a company's or the nation's figure is not the city's, a saving is not
the costs saved, and a pronoun or a fragment is no label at all.

factlabels.py finds the words that name a figure; the rules here reshape those words
when the sentence says more about whose figure it is or what kind.  The words are data
(``lexicons/label_rules.toml``) so an editor can add a new cap noun or owner word
without touching code; the English for the label forms they make is in the same file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from briefgen.core.types import Quantity
from briefgen.evidence.factlex import EDGE_PUNCT, MASK
from briefgen.evidence.figurecontext import firm_subject, read_figures
from briefgen.text.numbers import LEXICONS, find_quantities, unit_info

_COMMA = re.compile(r"[，,；;：:。！？!?]")


@dataclass(frozen=True)
class LabelRules:
    lead: tuple[str, ...]
    trail: tuple[str, ...]
    drop: tuple[str, ...]
    protect: tuple[str, ...]
    pronouns: frozenset[str]
    milestones: tuple[str, ...]
    fragments: frozenset[str]
    cap_markers: tuple[str, ...]
    cap_suffix: str
    cap_nouns: tuple[str, ...]
    per: tuple[str, ...]
    per_words: tuple[str, ...]
    firm_nouns: tuple[str, ...]
    firm_prefix: str
    name_endings: tuple[str, ...]
    company_refs: tuple[str, ...]
    scopes: dict[str, str]  # 全国 -> national, 全区 -> district-wide …
    group_markers: tuple[str, ...]
    predicates: tuple[tuple[str, str, str], ...]
    generic: frozenset[str]
    holders: tuple[str, ...]
    bar_measures: tuple[str, ...]
    bar_suffix: str
    per_noun: dict[str, str]
    saving_verbs: tuple[str, ...]
    saving_suffix: str
    en: dict[str, Any]


def _longest(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def label_rules() -> LabelRules:
    """The rules of ``lexicons/label_rules.toml``, loaded once."""
    d = tomllib.loads((LEXICONS / "label_rules.toml").read_text(encoding="utf-8"))
    trim, words, cap, firm = d["trim"], d["words"], d["cap"], d["firm"]
    return LabelRules(
        lead=_longest(trim["lead"]),
        trail=_longest(trim["trail"]),
        drop=_longest(trim["drop"]),
        protect=_longest(trim["protect"]),
        pronouns=frozenset(words["pronouns"]),
        milestones=_longest(words["milestones"]),
        fragments=frozenset(words["fragments"]),
        cap_markers=_longest(cap["markers"]),
        cap_suffix=cap["suffix"],
        cap_nouns=_longest(cap["nouns"]),
        per=_longest(cap["per"]),
        per_words=_longest(cap["per_words"]),
        firm_nouns=_longest(firm["nouns"]),
        firm_prefix=firm["prefix"],
        name_endings=_longest(firm["name_endings"]),
        company_refs=_longest(firm["refs"]),
        scopes=dict(d["scope"]["words"]),
        group_markers=_longest(d["group"]["markers"]),
        predicates=tuple((a, m, v) for a, m, v in d["predicate"]["rules"]),
        generic=frozenset(d["predicate"]["generic"]),
        holders=_longest(d["predicate"]["holders"]),
        bar_measures=_longest(d["bar"]["measures"]),
        bar_suffix=d["bar"]["suffix"],
        per_noun=dict(d["bar"]["per_noun"]),
        saving_verbs=_longest(d["saving"]["verbs"]),
        saving_suffix=d["saving"]["suffix"],
        en=d["en"],
    )


def protected(text: str, i: int, j: int, rules: LabelRules | None = None) -> bool:
    """Whether text[i:j] cuts into a protected word (集聚|集成电路: 聚集 is no verb there;
    计划投资: 投资 is its noun)."""
    r = rules or label_rules()
    for w in r.protect:
        for m in re.finditer(re.escape(w), text):
            k, e = m.start(), m.end()
            if k < j and i < e and not (i <= k and e <= j and j - i > e - k):
                return True  # cuts into it or is it; a span holding more than it may go
    return False


def tidy(label: str, rules: LabelRules | None = None) -> str:
    """Drop target words anywhere and the extra lead and trail words at the ends; a label
    that is only a pronoun or a fragment becomes empty (so a better one is looked for)."""
    r = rules or label_rules()
    for w in r.drop:
        label = label.replace(w, "")
    changed = True
    while changed and label:
        changed = False
        label = label.strip(EDGE_PUNCT)
        for w in r.lead:
            if (
                label.startswith(w)
                and len(label) > len(w) + 1
                and not protected(label, 0, len(w), r)
            ):
                label, changed = label[len(w) :], True
                break
    changed = True
    while changed and label:
        changed = False
        n = len(label)
        for w in r.trail:
            if label.endswith(w) and n > len(w) + 1 and not protected(label, n - len(w), n, r):
                label, changed = label[: -len(w)].strip(EDGE_PUNCT), True
                break
    label = label.strip(EDGE_PUNCT)
    return "" if label in r.pronouns or label in r.fragments else label


# ---------------------------------------------------------------- reshaping


def reshape(label: str, sentence: str, masked: str, span: tuple[int, int], q: Quantity) -> str:
    """The label with what the sentence says about the figure's kind and owner: a cap,
    a firm's bar, a saving, a group's count, a company's or the nation's figure."""
    r = label_rules()
    clause = _comma_clause(masked, q)
    for rule in (_rank_move, _cap, _award, _firm_bar, _count_bar, _share_of, _saving, _group):
        new = rule(label, sentence, masked, clause, q, r)
        if new is not None:
            return new
    label = _predicate(label, masked, clause, q, r)
    return _owner(label, masked, clause, q, r)


def _rank_move(label: str, sentence: str, masked: str, clause: tuple[int, int], q: Quantity,
               r: LabelRules) -> str | None:  # fmt: skip
    """综合实力排名较上年提升3位 -> 综合实力排名上升: places moved, and in which ranking."""
    if q.unit not in ("rank_up", "rank_down"):
        return None
    head = masked[clause[0] : q.start]
    i = max(head.rfind(w) for w in ("排名", "位次", "名次", "排位"))
    scope = tidy(re.sub(r"^(?:在|于)|中$", "", head[:i].strip(EDGE_PUNCT)), r) if i > 0 else ""
    return f"{scope}排名{'上升' if q.unit == 'rank_up' else '下降'}"


def _comma_clause(masked: str, q: Quantity) -> tuple[int, int]:
    """The figure's clause between commas (a 、 list stays whole: 仓储、物流等费用)."""
    starts = [m.end() for m in _COMMA.finditer(masked, 0, q.start)]
    m = _COMMA.search(masked, q.end)
    return (starts[-1] if starts else 0), (m.start() if m else len(masked))


def _after_figures(masked: str, q: Quantity, end: int) -> str:
    """The words after a figure and after the list of figures it heads (300万元、800万元…的补助)."""
    rest = masked[q.end : end]
    return re.sub(r"^(?:[\d.,，万亿千百十元%、和及至\-—~]|以上|左右)+", "", rest).removeprefix("的")


def _cap(label: str, sentence: str, masked: str, clause: tuple[int, int], q: Quantity,
         r: LabelRules) -> str | None:  # fmt: skip
    """最高给予1000万元奖励 -> 奖励上限; 单个项目最高3000万元 -> 单个项目设备投资补助上限."""
    head = masked[clause[0] : q.start]
    at = max((head.rfind(m) for m in r.cap_markers), default=-1)
    slot = _slot(sentence, q)
    if at < 0 or (len(head) - at > 8 and not _listed_cap(sentence, q)):
        return None
    after = _after_figures(masked, q, clause[1])
    noun = next((n for n in r.cap_nouns if after.startswith(n) or n in after[:8]), None)
    noun = noun or next((n for n in r.cap_nouns if n in head), None)
    if noun is None:  # 对…项目给予设备投资补助，单个项目最高3000万元
        before = masked[: clause[0]]
        noun = next((n for n in r.cap_nouns if n in before), "")
    per = "".join(per_phrases(head, r))
    recipient = "" if per or slot else _recipient(head[:at], r)
    core = tidy(f"{slot}{recipient}{noun}", r) if (slot or recipient) else noun
    return f"{per}{core}{r.cap_suffix}"


def _award(label: str, sentence: str, masked: str, clause: tuple[int, int], q: Quantity,
           r: LabelRules) -> str | None:  # fmt: skip
    """对新获批的国家级创新平台给予一次性500万元支持 -> 国家级创新平台支持: an award, and
    who gets it."""
    after = _after_figures(masked, q, clause[1])
    noun = next((n for n in r.cap_nouns if after.startswith(n)), None)
    head = masked[clause[0] : q.start]
    if noun is None or not re.search(r"给予|予以|奖励|补助|资助", head):
        return None
    who = _recipient(re.sub(r"(?:一次性|每年|给予|予以)+$", "", head.strip(EDGE_PUNCT)), r)
    return f"{who}{noun}" if who else noun


def _share_of(label: str, sentence: str, masked: str, clause: tuple[int, int], q: Quantity,
              r: LabelRules) -> str | None:  # fmt: skip
    """上述企业中约七成为中小微企业 -> 中小微企业占比: the share is of what comes after 为."""
    u = unit_info(q.unit)
    if q.unit != "ratio" and (u is None or u.kind != "percent"):
        return None
    m = re.match(
        r"(?:以上|左右)?(?:为|是)([\u4e00-\u9fff]{2,10}?(?:企业|公司|项目|产品|人才|人员))",
        masked[q.end :],
    )
    return f"{m.group(1)}占比" if m else None


def _listed_cap(sentence: str, q: Quantity) -> bool:
    """分别给予最高300万元、800万元、1500万元: 最高 covers each figure of the list."""
    fig = next((f for f in read_figures(sentence) if f.q.start == q.start), None)
    return fig is not None and fig.qualifier == "at most"


def per_phrases(text: str, r: LabelRules, leading: bool = False) -> list[str]:
    """单个项目, 每条航线, 每年: what a cap is per, in order (``leading``: only those the
    text starts with, one after another)."""
    words = "|".join(map(re.escape, r.per_words))
    stops = "|".join(map(re.escape, (*r.cap_nouns, "最高", "给予", "可", "每", "上限")))
    pattern = re.compile(rf"(?:{words})[\u4e00-\u9fff]{{1,4}}?(?={stops}|$)|每年")
    if not leading:
        return [m.group() for m in pattern.finditer(text)]
    out, i = [], 0
    while (m := pattern.match(text, i)) is not None and m.end() > i:
        out.append(m.group())
        i = m.end()
    return out


def _per_en(phrase: str, core_en: Any) -> str:
    """每条航线 -> "per route": the counted noun's English, made singular."""
    noun = core_en(phrase[2:]) or ""
    first, _, rest = noun.partition(" (")
    if first.endswith("ies"):
        first = first[:-3] + "y"
    elif first.endswith("s") and not first.endswith("ss"):
        first = first[:-1]
    return f"per {first}" if first else ""


def _recipient(words: str, r: LabelRules) -> str:
    """对顶尖人才团队|最高给予 -> 顶尖人才团队; 按实际固定资产投资给予 -> 实际固定资产投资."""
    words = re.sub(r"(?:给予|可获得|可获|补贴|奖励|补助|支持)+$", "", words.strip(EDGE_PUNCT))
    m = re.search(r"(?:对|按|向|为)(.+)$", words)
    if not m:
        return ""
    who = m.group(1).split("的")[-1] if len(m.group(1).split("的")[-1]) >= 2 else m.group(1)
    return tidy(who, r)


def _slot(sentence: str, q: Quantity) -> str:
    """按Ⅰ、Ⅱ、Ⅲ期分别给予… : the figure's item (Ⅰ期), so the three caps differ."""
    fig = next((f for f in read_figures(sentence) if f.q.start == q.start), None)
    if fig is None or fig.slot is None:
        return ""
    i = sentence.find("分别")
    j = sentence.rfind(fig.slot, 0, i) if i > 0 else -1
    if j < 0:
        return fig.slot
    k = sentence.rfind("、", 0, i)
    last = sentence[k + 1 : i] if k >= 0 else ""
    suffix = re.sub(r"^[^期类级档批]*", "", last)[:2]
    return fig.slot + (suffix if not fig.slot.endswith(suffix) else "")


def _firm_bar(label: str, sentence: str, masked: str, clause: tuple[int, int], q: Quantity,
              r: LabelRules) -> str | None:  # fmt: skip
    """培育销售收入超百亿元的龙头企业 / 千亿级企业2家: a bar each firm passes."""
    u = unit_info(q.unit)
    graded = q.unit_raw.endswith("级")
    if not graded and (u is None or u.kind != "money"):
        return None
    after = masked[q.end : q.end + 12]
    m = re.match(r"(?:以上|左右)?的?(" + "|".join(map(re.escape, r.firm_nouns)) + ")", after)
    if not m:
        return None
    firm = m.group(1)
    named = len(label) >= 2 and label not in r.firm_nouns and not label.endswith("中")
    measure = label if named else ""
    measure = tidy(re.sub(r"^.*?(?:培育|培育发展|引进|打造|新增)", "", measure), r)
    return f"{r.per_noun.get(firm, r.firm_prefix)}{firm}{measure or '规模'}"


def _count_bar(label: str, sentence: str, masked: str, clause: tuple[int, int], q: Quantity,
               r: LabelRules) -> str | None:  # fmt: skip
    """培育营收过百亿元企业2家 -> 营收达标企业: firms that meet a bar, not all firms."""
    u = unit_info(q.unit)
    if u is None or u.kind != "count" or label not in r.firm_nouns:
        return None
    head = masked[clause[0] : q.start]
    for bar in find_quantities(head):
        gap = head[bar.end :]
        bu = unit_info(bar.unit)
        graded = bar.unit_raw.endswith("级")
        if (graded or (bu is not None and bu.kind == "money")) and re.fullmatch(
            r"(?:以上|左右)?的?" + re.escape(label) + r"(?:共有|有|不少于|超过|达到|达|约|近)?", gap
        ):
            words = head[: bar.start]
            measure = next((m for m in r.bar_measures if m in words[-8:]), "规模")
            return f"{measure}{r.bar_suffix}{label}"
    return None


def _saving(label: str, sentence: str, masked: str, clause: tuple[int, int], q: Quantity,
            r: LabelRules) -> str | None:  # fmt: skip
    """为30多家企业节约仓储、物流等费用近20% -> 仓储、物流等费用节约."""
    head = masked[clause[0] : q.start]
    for v in r.saving_verbs:
        i = head.rfind(v)
        if i >= 0:
            obj = tidy(re.sub(r"(?:近|约|超过|逾|达)+$", "", head[i + len(v) :]), r)
            if obj:
                return f"{obj}{r.saving_suffix}"
    return None


def _group(label: str, sentence: str, masked: str, clause: tuple[int, int], q: Quantity,
           r: LabelRules) -> str | None:  # fmt: skip
    """全球排名前20的制药企业中有14家在此设立研发中心 -> 在此设立研发中心的制药企业: the
    count is out of a group, and says what those members do."""
    head = masked[clause[0] : q.start].strip(EDGE_PUNCT)
    for m in r.group_markers:
        if head.endswith(m) and (m != "中" or not label or label in r.pronouns):
            group = head[: -len(m)].split("的")[-1]
            group = re.sub(r"^(?:[\d前第]+|这些|上述|其中|该批|此类)", "", group)
            if len(group) < 2:
                return None
            does = masked[q.end : clause[1]]
            does = re.sub(
                r"^(?:已|均|都)?(?:在此|在这里|在当地|在该地|在)?", "", does.strip(EDGE_PUNCT)
            )
            does = tidy(does[:14], label_rules()) if does else ""
            return f"{does}的{group}" if does else group
    return None


def _predicate(label: str, masked: str, clause: tuple[int, int], q: Quantity, r: LabelRules) -> str:
    """25家企业处于拟上市阶段 -> 拟上市企业; 推动5家企业上市 -> 推动上市的企业; 产业链现有近
    70家企业 -> 医药及医疗器械产业链企业 (the chain's firms)."""
    if label not in r.generic:
        return label
    holder = _holder(masked[clause[0] : q.start], r)
    if holder:
        return f"{holder}{label}"
    i = masked.find(label, q.end, clause[1])
    after = masked[i + len(label) : clause[1]] if i >= 0 else ""
    head = masked[clause[0] : q.start]
    for word, modifier, verb in r.predicates:
        if (word or verb) and (not word or word in after[:8]) and (not verb or verb in head):
            return f"{modifier}{label}"
    return label


def _holder(head: str, r: LabelRules) -> str:
    """The chain, cluster or park named right before a count (…产业链现有近|70家)."""
    words = re.sub(r"(?:现有|拥有|集聚|已|共|约|近|超过|逾|有)+$", "", head.strip(EDGE_PUNCT))
    m = re.search(
        r"([\u4e00-\u9fff]{0,10}?(?:" + "|".join(map(re.escape, r.holders)) + "))$", words
    )
    if not m:
        return ""
    return tidy(re.sub(r"^(?:全市|全区|市|区)(?!场)", "", m.group(1)), r)


def _owner(label: str, masked: str, clause: tuple[int, int], q: Quantity, r: LabelRules) -> str:
    """A named company's figure keeps the company's name; 全国's keeps 全国, 全区's 全区."""
    if not label:
        return label
    sentence_start = 0
    firm = firm_subject(masked, sentence_start, q.start)
    if firm:
        name = next((firm[: -len(e)] for e in r.name_endings if firm.endswith(e)), firm)
        name = name if name.endswith(("公司", "集团")) else name + "公司"
        return label if label.startswith(name) else f"{name}{label}"
    head = masked[clause[0] : q.start].replace(MASK, "")
    ref = next((w for w in r.company_refs if w in masked[: q.start]), None)
    changed = re.match(r"(?:同比|环比)?(?:增长|增速|增幅|下降)", label)  # borrows its measure
    if ref and not changed and not label.startswith(ref):  # 该公司…营收85亿元: a company's
        return f"{ref}{label.removeprefix(ref[1:])}"
    head = re.sub(r"^(?:截至|到|至|在)?[\d年月底末初前后以来]*[，,]?", "", head)
    scope = next((w for w in r.scopes if head.startswith(w)), None)
    if scope and not re.match(scope + r"(?:第|前|排名)", head):
        return label if label.startswith(scope) else f"{scope}{label}"
    return label


# ------------------------------------------------------------------ English


def en_form(what: str, core_en: Any) -> str | None:
    """English for the label forms reshape() makes, or None for a plain label: the cap
    (subsidy cap per project), a firm's bar (revenue per leading enterprise), a share of
    the nation (national share), a company's or the nation's figure.  ``core_en`` gives
    the English of a plain zh phrase."""
    r = label_rules()
    en = r.en
    if what.endswith(r.cap_suffix) and len(what) > len(r.cap_suffix):
        core = what[: -len(r.cap_suffix)]
        pers = per_phrases(core, r, leading=True)
        core = core[sum(map(len, pers)) :]
        head, mods = _split(core_en(core) if core else "")
        per = " ".join(en["per"].get(p) or _per_en(p, core_en) for p in pers).strip()
        body = f"{head} {en['cap']}".strip() if head else en["cap"]
        return " ".join(x for x in (body, per, mods) if x)
    nouns = "|".join(map(re.escape, r.firm_nouns))
    bar = re.fullmatch(rf"(.+?){r.bar_suffix}({nouns})(增加|增长|减少|下降)?", what)
    if bar is not None:  # 营收达标企业(增加): firms meeting a bar (and how many more)
        phrase = en["bar"].format(measure=core_en(bar.group(1)) or bar.group(1))
        base = f"{core_en(bar.group(2))} {phrase}"
        return f"{core_en(bar.group(3))} in {base}" if bar.group(3) else base
    for firm in r.firm_nouns:
        key = r.per_noun.get(firm, r.firm_prefix) + firm
        if what.startswith(key):
            return f"{core_en(what[len(key) :])} {en['per'].get(key, 'per ' + core_en(firm))}"
    if (firm := _firm_name(what)) and not re.search(r"占(?!地)", what):
        return f"{en['company']} {core_en(what[len(firm) :]) or 'figure'}"
    cmp = re.search(r"较(?P<base>.{1,8})(?P<word>低|高|少|多)$", what) or re.search(
        r"(?P<word>高|低)于(?P<base>.{2,8})$", what
    )
    if cmp is not None:  # 较东部地区低 / 高于全市平均水平
        word, base = cmp.group("word"), cmp.group("base")
        side = en["lower"] if word in ("低", "少") else en["higher"]
        head, mods = _split(core_en(what[: cmp.start()]))
        extra = ", ".join(x for x in (f"{side} {core_en(base) or base}", mods.strip("()")) if x)
        return f"{head} ({extra})".strip()
    if re.search(r"占(?!地)", what):
        firm = _firm_name(what)
        bare = what[len(firm) :] if firm else what
        bare = re.sub(r"占全国|占|的?(?:比重|占比)$", "", bare)  # the share word is said once
        head, mods = _split(core_en(bare))
        word = en["national_share"] if "占全国" in what else en["share"]
        rest = ", ".join(x for x in (head, mods.strip("()")) if x)
        return owner_en(what, f"{word} ({rest})" if rest else word)
    if what.endswith(r.saving_suffix):
        head, mods = _split(core_en(what[: -len(r.saving_suffix)]))
        rest = ", ".join(x for x in (head, mods.strip("()")) if x)
        return f"{en['saving']} ({rest})" if rest else en["saving"]
    return None


def _firm_name(what: str) -> str:
    """The company name a label starts with (山东泰邦生物制品公司|产值…, 该公司|营收), ""
    if none."""
    ref = next((w for w in label_rules().company_refs if what.startswith(w)), "")
    if ref and len(what) > len(ref):
        return ref
    firm = re.match(r"[\u4e00-\u9fff]{2,14}?(?<!上市)(?:公司|集团)", what)
    return firm.group() if firm and len(what) > firm.end() else ""


def _with_owner(what: str, text: str, r: LabelRules) -> str:
    """A label that starts with a company's name (…公司产值约占全国…) or 该公司 is that
    company's."""
    return f"{r.en['company']} {text}" if _firm_name(what) else text


def owner_en(what: str, text: str) -> str:
    """A nation's, district's or province's figure, or a company's, says so in English too."""
    r = label_rules()
    ranked = "排名" in what  # 全国城市排名: the scope of a ranking, not the nation's figure
    scope = next((w for w in r.scopes if what.startswith(w)), None)
    if scope and not ranked and not text.startswith(r.scopes[scope]):
        return f"{r.scopes[scope]} {text}"
    return _with_owner(what, text, r) if not text.startswith(r.en["company"]) else text


def _split(en: str) -> tuple[str, str]:
    """ "subsidy (equipment investment)" -> ("subsidy", "(equipment investment)")."""
    m = re.match(r"^(.*?)\s*(\(.*\))?$", en)
    return (m.group(1), m.group(2) or "") if m else (en, "")
