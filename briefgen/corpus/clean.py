"""Clean one page as an editor would: keep the article, record everything taken out.

The rules lean on general signals rather than on phrases from particular pages:
position relative to the title and the date/source line, line length and
sentence punctuation, the shape of link lists (runs of short title-like lines,
bullets, numbered items), repetition, and how much a line shares with the
article's topic (character bigrams shared with the title and other paragraphs).
Small phrase lists cover generic web furniture only (breadcrumbs, search boxes,
comment forms, share buttons, disclaimers, footers, list headers, adult spam).

Where the article ends is decided by structure first: the body is cut into blocks
at end-of-article signals (editor/source lines, link lists, reposts, a new
[headline]) and at subheadings; only a trailing block that starts at such a
boundary and shares few keywords with the article is dropped as "unrelated", so
a long article whose later paragraphs drift from the title keeps them.  Short
lines that read as article text (ending in 。； or starting with 一是/（三）, or
numbered items with figures) are not taken for link titles: they close the
article when they follow its last paragraph, even behind an editor line.

Every line that is removed is kept in ``Cleaned.dropped`` with a short reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from briefgen.core.types import Cleaned, RawFile
from briefgen.corpus.injection import find_instruction
from briefgen.text.script import han_count, normalise_original, to_simplified

# ------------------------------------------------------------------ patterns
# All patterns run on the simplified, space-normalised line.

_BREADCRUMB = re.compile(r"(当前位置|您的位置|你的位置|您现在的位置|你现在的位置|现在位置|所在位置)\s*[:：]?")
_CRUMB_SEP = re.compile(r"\s*(?:>>|>|»|›|→|＞|》)\s*")
_SEARCH = re.compile(r"(请输入.{0,4}(关键字|关键词|搜索|内容)|站内搜索|全站搜索|高级搜索|热门搜索|^搜\s*索$|^搜一搜)")
_MORE = re.compile(r"(点击查看更多|查看更多|了解更多|更多\s*[>»]+|阅读全文|展开全文|阅读原文|点击进入|点击阅读|加载更多|more\s*[>»]+)")
_WIDGET = re.compile(
    r"(用户名\s*[:：]?|密\s*码\s*[:：]|验证码|匿名发表|发表评论|网友评论|我来说两句|写留言|举报|分享到|分享至|一键分享|"
    r"扫一扫|扫码|微信扫|收藏本文|加入收藏|打印本页|打印此页|关闭窗口|返回顶部|返回首页|上一篇|下一篇|字号\s*[:：]?\s*[大中小t]|"
    r"浏览此资讯时的心情|此资讯时的心情|参与评论|条评论|评论\s*[(（]\d*[)）]|人参与|点赞|点击量|阅读量\s*[:：]?\s*\d|"
    r"转发到|转载到|打赏|已赞|在看|粉丝|关注我们|订阅)",
)
_WIDGET_SHORT = re.compile(r"^(登录|注册|登录\s*注册|发布|评论|分享|收藏|关注|点赞|打印|纠错|投稿|顶部|返回|广告|推广)$")
_DISCLAIMER = re.compile(
    r"(免责声明|声明\s*[:：]\s*本|来源于网络|源自网络|转自网络|网络转载|仅供参考|仅供学习|仅供交流|版权归原作者|版权归原|"
    r"如有侵权|若有侵权|侵权请|侵删|联系删除|予以删除|不代表本(站|网|平台|号)|不构成.{0,6}建议|转载请注明|"
    r"未经(许可|授权).{0,8}(转载|使用|复制)|本(站|网)(不|仅)|市场有风险)"
)
_FOOTER = re.compile(
    r"(版权所有|版权声明|copyright|©|icp备|icp证|公网安备|主办单位|承办单位|协办单位|技术支持|客服热线|服务热线|客服电话|"
    r"联系电话|联系方式|联系我们|关于我们|加入我们|网站地图|广告服务|广告合作|法律声明|隐私政策|用户协议|不良信息举报|"
    r"新闻信息服务许可|网站备案|all rights reserved)",
)
_SPAM = re.compile(
    r"(一区二区|二区三区|无码|(?<![a-z])av(?![a-z])|国产精品|成人(影|视|网|电|用品)|色情|黄色(网站|视频)|裸聊|约炮|"
    r"博彩|赌场|赌博|娱乐城|时时彩|六合彩|百家乐|老虎机|代孕|办证|代开发票|发票代开|私服|棋牌|亚洲国产|日韩|欧美(精品|色)|"
    r"在线观看|免费观看|高清无码|福利视频|偷拍|激情|丝袜|全文txt|txt阅读|小说阅读|婚纱摄影|减肥|壮阳|彩票)",
)
_LIST_HEADER = re.compile(
    r"^(相关阅读|相关资讯|相关新闻|相关文章|相关推荐|相关链接|相关报道|热门文章|热门推荐|热门资讯|热门新闻|热门排行|热点推荐|"
    r"热点新闻|热点|最新文章|最新资讯|最新新闻|最新推荐|推荐阅读|推荐文章|延伸阅读|扩展阅读|猜你喜欢|精彩推荐|往期回顾|往期推荐|"
    r"更多阅读|大家都在看|你可能感兴趣|您可能感兴趣|为你推荐|为您推荐|今日推荐|精彩图片|图片新闻|专题推荐|排行榜|点击排行|"
    r"阅读排行|热文|推荐|相关|最新|热门|友情链接|合作伙伴|精彩专题)"
    r"(的文章|的新闻|的资讯|内容)?\s*[:：]?$"
)
_CAPTION_START = re.compile(r"^[△▲▽▼↑↓◆]|^[(（]?(图为|图片为|上图|下图|左图|右图|图片来源|图源|资料图|配图|图片由|图\s*[:：/|丨]|图\s*\d+\s*[:：])")
_CAPTION_END = re.compile(
    r"((记者|摄影|通讯员|摄影记者)\s*\S{2,4}(\s+\S{2,4})?\s*摄|[/／\s]摄|供图|提供图片|图片来源\S{0,12}|"
    r"[(（](资料图|资料图片|资料照片|图片|配图|示意图|效果图|视频截图|网络图片|受访者供图|受访者提供|摄)[)）])\s*[)）]?$"
)
_CAPTION_MAX = 80  # captions are short; longer lines marked up like captions are kept as text
_META_LABEL = re.compile(
    r"(素材来源|信息来源|文章来源|新闻来源|稿件来源|来源|稿源|出处|作者|记者|撰文|文字|编辑|责编|责任编辑|实习编辑|编审|校对|审核|"
    r"审校|终审|监制|统筹|通讯员|摄影|发布时间|发布日期|发表时间|发稿时间|更新时间|时间|日期|浏览次数|阅读次数|阅读数|点击数|"
    r"浏览量|字号|文|图)\s*[:：|｜丨]"
)
_PUBLISHED = re.compile(r"于\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(发表|发布)|^(发布于|发表于|发布时间)")
_DATE_ONLY = re.compile(r"^[\[【(（]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(\d{1,2}:\d{2}(:\d{2})?)?[\]】)）]?$")
_BYLINE = re.compile(r"^[(（]?(本报记者|记者|通讯员|特约记者|见习记者)\s*\S{2,4}([\s、,，]+\S{2,4}){0,3}[)）]?$")
_EDITOR_LINE = re.compile(r"^[(（【\[]?\s*(责任编辑|编辑|责编|实习编辑|编审|校对|审核|审校|终审|监制)\s*[:：|｜丨]")  # closes an article
_SENT_END = re.compile(r"[。！？!?；;]")
_COMMA = re.compile(r"[，,、：:]")
_BULLET = re.compile(r"^([•●·▪◦○■□◆◇▶▷►✓✔☆★※]|[-*+]\s|\d{1,3}\s*[.、．)）]\s*|[(（]\d{1,3}[)）])")
# Article points: "一是…", "（三）…", "第二，…", "首先，…" (link lists are not numbered this way).
_ENUM_ZH = re.compile(
    r"^([(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}(是|、)|"
    r"(第|其)[一二三四五六七八九十]{1,3}[是，,、：:]|(首先|其次|再次|最后)[，,])"
)
_POINT_END = re.compile(r"[。；;][”’\"')）]*$")  # ends like a sentence or a list item in running text
_FIGURE = re.compile(
    r"\d(?:[\d.,]*\d)?\s*(%|％|个|家|名|人|项|亿|万|千|元|吨|公里|千米|米|平方|亩|台|套|座|所|条|次|倍|户|件|辆|余|多|以上)"
)
_LEAD_IN = re.compile(r"[：:]$")  # "目标有三个：" introduces the points below it
_LEAD_SYMBOLS = re.compile(r"^[^\w\u4e00-\u9fff#【\[(（]+")
_TAG_BRACKET = re.compile(r"^(?:#[^#\n]{1,30}#\s*)?【(?P<title>[^】]{6,80})】(?P<rest>.*)$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_KEY_STRIP = re.compile(r"[\W_]+")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|`)")
_MD_ITALIC = re.compile(r"^(?:\*(?!\*)(.+?)(?<!\*)\*|_(?!_)(.+?)(?<!_)_)$")
_MD_HEAD = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?)")

_TAIL_REASONS = {"link-list", "disclaimer", "footer", "widget", "spam", "search", "more-link"}


@dataclass
class _Line:
    orig: str
    norm: str
    reason: str | None = None
    bigrams: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        return _KEY_STRIP.sub("", self.norm).lower()


# ------------------------------------------------------------- line features


def _bigrams(s: str) -> frozenset[str]:
    """Character bigrams inside runs of Chinese characters (not across numbers or punctuation)."""
    out: set[str] = set()
    for run in _CJK_RUN.findall(s):
        out.update(map(str.__add__, run, run[1:]))
    return frozenset(out)


@lru_cache(maxsize=8192)
def _is_sentence(s: str) -> bool:
    """Reads like running text: long enough and punctuated."""
    return len(s) >= 25 and (bool(_SENT_END.search(s)) or len(_COMMA.findall(s)) >= 2)


def _headline_like(s: str) -> bool:
    s2 = s.strip()
    if not 5 <= len(s2) <= 64 or han_count(s2) < 4:
        return False
    if s2[-1] in "。！？!?：:；;…，,":
        return False
    if "。" in s2 or len(re.findall(r"[，,]", s2)) > 3:
        return False
    return True


def _title_like(s: str) -> bool:
    """A link title: short, no sentence punctuation."""
    return 4 <= len(s) <= 45 and not _SENT_END.search(s[:-1] if s else s)


def _point_like(s: str, weak: bool = True) -> bool:
    """A short line that reads as article text rather than a link title.

    Strong signals: it ends like a sentence or list item (。；), or it starts with a
    Chinese enumeration marker.  Weak (``weak=True``): a numbered or bulleted item
    carrying a figure with a unit ("3. 培育企业10家").
    """
    if han_count(s) < 4:
        return False
    if _POINT_END.search(s) or _ENUM_ZH.match(s):
        return True
    bullet = _BULLET.match(s) if weak else None
    return bool(bullet and _FIGURE.search(s[bullet.end() :]))


def _meta_line(s: str) -> bool:
    """A date/source/author line: labels with short values, or a bare date / 'published on' line."""
    if len(s) > 140:
        return False
    if _PUBLISHED.search(s) and len(s) <= 60:
        return True
    if _DATE_ONLY.match(s) or (_BYLINE.match(s) and len(s) <= 30):
        return True
    labels = list(_META_LABEL.finditer(s))
    if not labels:
        return False
    first = labels[0]
    prefix = s[: first.start()].strip()
    if prefix and not (_DATE_ONLY.match(prefix) or len(prefix) <= 2):
        return False
    # Values between labels must be short and unpunctuated ("记者:...?" is an interview question).
    bounds = [m.end() for m in labels]
    starts = [m.start() for m in labels[1:]] + [len(s)]
    for b, e in zip(bounds, starts, strict=True):
        value = s[b:e].strip()
        if len(value) > 30 or re.search(r"[。？！?!，,；;]", value):
            return False
    return True


def _classify(s: str) -> str | None:
    """A reason for a line that is web furniture wherever it appears, or None."""
    n = len(s)
    low = s.lower()  # the phrase patterns are lower-case; cheaper than re.I
    if _SPAM.search(low):
        return "spam"
    if n > 200:
        return None  # long running text: none of the furniture rules apply
    core = _LEAD_SYMBOLS.sub("", s)
    if _BREADCRUMB.search(s) and n <= 120:
        return "breadcrumb"
    parts = [p for p in _CRUMB_SEP.split(s) if p]
    if len(parts) >= 3 and all(len(p) <= 10 for p in parts) and n <= 80 and _CRUMB_SEP.search(s):
        return "breadcrumb"
    if n <= 30 and _SEARCH.search(s):
        return "search"
    if n <= 30 and _MORE.search(low):
        return "more-link"
    if n <= 40 and _WIDGET.search(low) and not _is_sentence(s):
        return "widget"
    if _WIDGET_SHORT.match(core):
        return "widget"
    if _LIST_HEADER.match(core) and len(core) <= 14:
        return "link-list"
    if n <= 200 and _DISCLAIMER.search(s):
        return "disclaimer"
    if n <= 140 and _FOOTER.search(low):
        return "footer"
    if _meta_line(s):
        # "图片来源：..." has the shape of a source line but credits a picture.
        single_label = _CAPTION_START.search(s) and len(_META_LABEL.findall(s)) == 1
        return "caption" if single_label and n <= _CAPTION_MAX else "metadata"
    if n <= _CAPTION_MAX and (_CAPTION_START.search(s) or _CAPTION_END.search(s)):
        return "caption"
    tokens = s.split(" ")
    if len(tokens) >= 4 and not _SENT_END.search(s) and all(len(t) <= 16 for t in tokens):
        return "link-list"  # menu bar or keyword stuffing: many short space-separated items
    return None


# Every injection pattern (briefgen.corpus.injection) needs one of these words; lines without any
# are not tested further, which keeps cleaning fast on long pages.
_INJECTION_HINT = re.compile(
    r"ignore|disregard|forget|override|bypass|follow|obey|new\s|system|you|pretend|act\s+as|role|"
    r"language|llm|chatbot|assistant|ai|model|gpt|claude|dear|hey|hi|only\s+with|jailbreak|dan\s+mode|"
    r"developer|human|user|inst|<\||<<|</?s>|respond|reply|answer|output|note|message|attention|"
    r"忽|无视|無視|忘|抛开|拋開|不要|不再|不用管|指令|指示|任务|任務|作废|作廢|无效|無效|失效|系统|系統|"
    r"助手|用户|用戶|你|假装|假裝|模型|人工智能|机器人|機器人|输出|輸出|回复|回覆|提示"
)  # matched against the lower-cased line (much faster than re.I on long Chinese lines)


def _instruction(line: str) -> str | None:
    if not _INJECTION_HINT.search(unicodedata.normalize("NFKC", line).lower()):
        return None
    return find_instruction(line)


# ----------------------------------------------------------------- reading


def _md_line(ln: str) -> list[tuple[str, str | None]]:
    """One Markdown line as text lines, each with a hint ("caption" for image alt text and short italic lines)."""
    out: list[tuple[str, str | None]] = []
    for m in _MD_IMAGE.finditer(ln):
        alt = _MD_LINK.sub(r"\1", m.group(1)).strip()
        if alt:
            out.append((alt, "caption"))
    ln = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", ln))
    ln = _MD_HEAD.sub("", ln).strip()
    italic = _MD_ITALIC.match(ln)
    inner = (italic.group(1) or italic.group(2)).strip() if italic else ""
    if inner:
        out.append((_MD_EMPH.sub("", inner), "caption" if len(inner) <= _CAPTION_MAX else None))
    elif ln:
        out.append((_MD_EMPH.sub("", ln), None))
    return out


def _source_lines(raw: RawFile) -> tuple[list[tuple[str, str | None]], str | None]:
    """Text lines of the page with a hint from the markup, and the HTML title if any."""
    if raw.kind == "html":
        from briefgen.corpus.html import html_captions, html_to_lines

        lines, meta = html_to_lines(raw.text)
        captions = html_captions(raw.text)
        return [(ln, "caption" if ln.strip() in captions else None) for ln in lines], meta.get("title")
    if raw.kind == "md":
        return [pair for ln in raw.text.splitlines() for pair in _md_line(ln)], None
    return [(ln, None) for ln in raw.text.splitlines()], None


def _make_lines(raw_lines: list[tuple[str, str | None]]) -> list[_Line]:
    # One normalisation and one OpenCC call per page: newlines survive both, so lines stay aligned.
    texts = [t for t, _ in raw_lines]
    origs = [o.strip() for o in normalise_original("\n".join(texts)).split("\n")]
    if len(origs) != len(texts):
        origs = [normalise_original(t).strip() for t in texts]
    kept = [(o, hint) for o, (_, hint) in zip(origs, raw_lines, strict=True) if o]
    joined = to_simplified("\n".join(o for o, _ in kept))
    norms = joined.split("\n")
    if len(norms) != len(kept):
        norms = [to_simplified(o) for o, _ in kept]
    return [_Line(o, n.strip(), hint, _bigrams(n)) for (o, hint), n in zip(kept, norms, strict=True)]


# ------------------------------------------------------------------ structure


def _find_header_meta(lines: list[_Line]) -> int | None:
    """Index of the date/source line that sits under the headline, if any."""
    paragraphs = 0
    for i, ln in enumerate(lines[:60]):
        if ln.reason == "metadata" and not _EDITOR_LINE.match(ln.norm):
            return i if paragraphs <= 1 else None
        if ln.reason is None and len(ln.norm) >= 50 and _is_sentence(ln.norm):
            paragraphs += 1
            if paragraphs > 1:
                return None
    return None


def _find_title(lines: list[_Line], html_title: str | None) -> tuple[int | None, str | None, str | None, int]:
    """(title line index or None, title, title as written, body start index)."""
    if html_title:
        t_norm = to_simplified(normalise_original(html_title)).strip()
        t_key = _KEY_STRIP.sub("", t_norm).lower()
        for i, ln in enumerate(lines[:80]):
            k = ln.key
            if k and (k == t_key or (t_key in k and len(k) <= len(t_key) + 20) or (len(k) >= 0.6 * len(t_key) and k in t_key)):
                if ln.reason in (None, "duplicate", "link-list"):
                    return i, ln.norm, ln.orig, _skip_meta(lines, i + 1)
        return None, t_norm, normalise_original(html_title).strip(), _first_content(lines, 0)

    m = _find_header_meta(lines)
    if m is not None:
        window = [
            i for i in range(max(0, m - 5), min(len(lines), m + 5))
            if i != m and lines[i].reason in (None, "duplicate") and _headline_like(lines[i].norm)
        ]
        # A headline repeated inside a longer line (page title + kicker) marks the real title.
        contained = [a for a in window if any(a != b and lines[a].key in lines[b].key for b in window)]
        pick: int | None = None
        if contained:
            pick = min(contained, key=lambda a: abs(a - m))
        else:
            before = [a for a in window if a < m]
            after = [a for a in window if a > m]
            pick = before[-1] if before else (after[0] if after else None)
        if pick is not None:
            return pick, lines[pick].norm, lines[pick].orig, _skip_meta(lines, max(pick, m) + 1)
        return None, None, None, _skip_meta(lines, m + 1)

    first = _first_content(lines, 0)
    if first < len(lines):
        ln = lines[first]
        mt = _TAG_BRACKET.match(ln.norm)
        if mt and len(mt.group("rest")) >= 10:
            mo = _TAG_BRACKET.match(ln.orig)
            orig_title = mo.group("title") if mo else mt.group("title")
            return None, mt.group("title").strip(), orig_title.strip(), first
        if _headline_like(ln.norm):
            return first, ln.norm, ln.orig, _skip_meta(lines, first + 1)
    return None, None, None, first


def _skip_meta(lines: list[_Line], i: int) -> int:
    while i < len(lines) and lines[i].reason is not None:
        i += 1
    return i


def _first_content(lines: list[_Line], i: int) -> int:
    while i < len(lines) and (lines[i].reason is not None or han_count(lines[i].norm) < 4):
        i += 1
    return i


def _similarities(lines: list[_Line], idx: list[int], title: str | None) -> dict[int, float]:
    """Share of each line's bigrams found in the title or in another line of ``idx``."""
    # The topic comes from running text only, so list items do not vouch for each other.
    idx = [i for i in idx if _is_sentence(lines[i].norm)]
    df: Counter[str] = Counter()
    for i in idx:
        df.update(lines[i].bigrams)
    title_bg = _bigrams(title or "")
    seen_once = set(df) | title_bg  # support for lines outside the topic lines
    seen_twice = {b for b, c in df.items() if c >= 2} | title_bg  # for topic lines: support elsewhere
    members = set(idx)
    sims: dict[int, float] = {}
    for i, ln in enumerate(lines):
        bg = ln.bigrams
        if not bg:
            sims[i] = 0.0
            continue
        support = seen_twice if i in members else seen_once
        sims[i] = len(bg & support) / len(bg)
    return sims


# ------------------------------------------------------------ article end

# Dropped lines that mark the end of an article when body text follows them.
_BOUNDARY_REASONS = {"metadata", "link-list", "footer", "disclaimer", "widget", "spam", "more-link", "search", "breadcrumb"}
# A later block stays unless it covers too few of the article's keywords (the title's bigrams and
# the most frequent bigrams of the text kept so far) and its own repeated words are mostly new.
_TOP_KEYWORDS = 30
# Below this coverage a block is foreign when it follows an end-of-article signal (editor/source
# line, link list, repost, [headline]) or a separator, or a heading without any of the keywords
# (an article's own subheadings nearly always repeat some).
_MIN_COVERAGE = 0.12
_OWN_WORDS_ON_TOPIC = 0.5  # a block whose repeated words are this much on topic stays anyway


@dataclass
class _Block:
    """Body lines between two boundaries, and what kind of boundary opened them."""

    idx: list[int]
    opened_by: str  # "start", "end" (end-of-article signal) or "heading" (subheading, separator)


def _blocks(lines: list[_Line], start: int, end: int) -> list[_Block]:
    """Split the body region into blocks at structural boundaries (one pass)."""
    blocks: list[_Block] = []
    end_seen = soft_seen = False
    duplicates = 0
    has_sentence = False
    for i in range(start, end):
        ln = lines[i]
        if ln.reason is not None:
            if ln.reason in _BOUNDARY_REASONS:
                end_seen = True
            elif ln.reason == "duplicate":
                duplicates += 1
                end_seen = end_seen or duplicates >= 2  # a repost, not a repeated pull quote
            continue
        text = ln.norm
        if not _KEY_STRIP.sub("", text):
            soft_seen = True  # a separator such as "---" or "***"
            continue
        sentence = _is_sentence(text)
        tagged = _TAG_BRACKET.match(text)
        opened_by = None
        if not blocks:
            opened_by = "start"
        elif end_seen or (tagged and len(tagged.group("rest")) >= 10):
            opened_by = "end"
        elif (soft_seen or (not sentence and _headline_like(text))) and has_sentence:
            opened_by = "heading"  # consecutive headings open one block together
        if opened_by:
            blocks.append(_Block([i], opened_by))
            has_sentence = sentence
        else:
            blocks[-1].idx.append(i)
            has_sentence = has_sentence or sentence
        end_seen = soft_seen = False
        duplicates = 0
    return blocks


def _off_topic(
    grams_by_line: list[frozenset[str]], text: str, df: Counter[str], top: set[str], title_bg: frozenset[str]
) -> bool:
    """True when a block shares too little with the article so far (see the constants above)."""
    if len(top) < 5:
        return False  # too little text kept to know the topic
    grams: set[str] = set().union(*grams_by_line)
    expected = max(1.0, min(len(top), len(grams) / 8))
    if len(grams & top) / expected >= _MIN_COVERAGE:
        return False
    counts: Counter[str] = Counter()
    for run in _CJK_RUN.findall(text):
        counts.update(map(str.__add__, run, run[1:]))
    own = [b for b, c in counts.items() if c >= 2]
    return len(own) < 3 or sum(b in df or b in title_bg for b in own) / len(own) < _OWN_WORDS_ON_TOPIC


def _judge_blocks(lines: list[_Line], blocks: list[_Block], title: str | None) -> int:
    """Drop the off-topic blocks that end the page; return the index of the last kept paragraph.

    The first block is the article's start and always stays; a long article's later
    paragraphs may drift from the title, so nothing inside a run of body paragraphs
    is judged.  A block that starts at a boundary is compared with the title and the
    text kept so far; an off-topic block is dropped only when no on-topic block
    follows it (appended items come after the article, not inside it).
    """
    title_bg = _bigrams(title or "")
    df: Counter[str] = Counter()
    top: set[str] = set(title_bg)
    kept = top_at = 0  # paragraphs kept; paragraphs kept when ``top`` was computed
    off: list[bool] = []
    for block in blocks:
        sentences = [i for i in block.idx if _is_sentence(lines[i].norm)]
        foreign = False
        if block.opened_by != "start" and sentences:
            if kept != top_at and (top_at < 8 or kept * 4 >= top_at * 5):  # geometric: linear overall
                top = {b for b, c in df.most_common(_TOP_KEYWORDS) if c >= 2} | title_bg
                top_at = kept
            heads = [i for i in block.idx if i < sentences[0]]
            if not any(lines[i].bigrams & top for i in heads):
                text = "\n".join(lines[i].norm for i in sentences)
                foreign = _off_topic([lines[i].bigrams for i in sentences], text, df, top, title_bg)
        off.append(foreign)
        if not foreign:
            for i in sentences:
                df.update(lines[i].bigrams)
            kept += len(sentences)
    with_text = [any(_is_sentence(lines[i].norm) for i in b.idx) for b in blocks]
    last_on = max((k for k, foreign in enumerate(off) if not foreign and with_text[k]), default=0)
    # Short paragraphs and enumerated points close many articles ("二是…。"); they count as text
    # when they read like it and share a word with the article.  After the last on-topic block
    # (e.g. behind an editor line) only those before any further running text are the article's.
    vocab = set(df) | title_bg
    points = {
        i for b in blocks for i in b.idx
        if not _is_sentence(lines[i].norm) and _point_like(lines[i].norm) and lines[i].bigrams & vocab
    }
    for b in blocks:  # a lead-in line ending with a colon goes with the points under it
        points.update(i for i, j in zip(b.idx, b.idx[1:], strict=False) if j in points and _LEAD_IN.search(lines[i].norm))
    last = -1
    closing = True  # still in the sentence-less blocks right after the last on-topic block
    for k, block in enumerate(blocks):
        if k > last_on:
            closing = closing and not with_text[k]
            for i in block.idx:
                ln = lines[i]
                if closing and i in points:
                    last = max(last, i)
                    continue
                short_link = _BULLET.match(ln.norm) or _title_like(ln.norm)
                ln.reason = "link-list" if short_link and not _is_sentence(ln.norm) else "unrelated"
        else:
            last = max([last, *(i for i in block.idx if _is_sentence(lines[i].norm) or i in points)])
    return last


# ----------------------------------------------------------------------- main


def clean(raw: RawFile) -> Cleaned:  # noqa: C901  (issue 11: split into named passes)
    """Separate the article from the page around it (see module docstring)."""
    raw_lines, html_title = _source_lines(raw)
    lines = _make_lines(raw_lines)
    warnings: list[str] = []

    seen: set[str] = set()
    for ln in lines:
        if _instruction(ln.orig):
            ln.reason = "instruction"
            warnings.append(f'possible prompt injection dropped: "{ln.orig[:40]}"')
            continue
        ln.reason = ln.reason or _classify(ln.norm)  # a hint from the markup (caption) stands
        key = ln.key
        if ln.reason is None and len(key) >= 4 and key in seen:
            ln.reason = "duplicate"
        if key:
            seen.add(key)

    title_idx, title, title_orig, start = _find_title(lines, html_title)
    n = len(lines)

    # Everything above the body is page header.
    meta_idx: list[int] = []
    for i in range(min(start, n)):
        ln = lines[i]
        if i == title_idx:
            continue
        if ln.reason == "metadata":
            meta_idx.append(i)
        elif ln.reason is None or ln.reason == "duplicate":
            ln.reason = "navigation" if len(ln.norm) < 20 or not _is_sentence(ln.norm) else "header"

    # The related-reading block: from a list header to the end, unless the article resumes.
    list_start = n
    for i in range(start, n):
        if lines[i].reason == "link-list" and _LIST_HEADER.match(_LEAD_SYMBOLS.sub("", lines[i].norm)):
            if any(lines[j].reason is None and _is_sentence(lines[j].norm) for j in range(start, i)):
                list_start = i
                break

    core = [i for i in range(start, list_start) if lines[i].reason is None and han_count(lines[i].norm) >= 4]
    sims = _similarities(lines, core, title)

    # Runs of short title-like lines inside the body are link lists, unless on topic.
    i = start
    while i < list_start:
        j = i
        while (
            j < list_start
            and lines[j].reason is None
            and _title_like(lines[j].norm)
            and not _is_sentence(lines[j].norm)
            and not _point_like(lines[j].norm, weak=False)  # "一是…。" items are text, not links
        ):
            j += 1
        # Numbered items that all carry figures with units are targets or results, not headlines.
        figures = all(_point_like(lines[k].norm) for k in range(i, j))
        if j - i >= 3 and sum(sims[k] for k in range(i, j)) / (j - i) < 0.5 and not figures:
            for k in range(i, j):
                lines[k].reason = "link-list"
        i = max(j, i + 1)

    # Unrelated items appended to the page start after an end-of-article signal and have their own topic.
    last = _judge_blocks(lines, _blocks(lines, start, list_start), title)

    for i in range(start, n):
        ln = lines[i]
        if i >= list_start:
            if ln.reason is None or ln.reason in ("metadata", "duplicate", "caption"):
                ln.reason = "link-list"
            continue
        if ln.reason == "metadata":
            meta_idx.append(i)
            continue
        if ln.reason is not None:
            continue
        if len(_KEY_STRIP.sub("", ln.norm)) < 4:
            ln.reason = "short-fragment"
        elif i > last and (_BULLET.match(ln.norm) or _title_like(ln.norm)):
            ln.reason = "link-list"  # headings and link titles left after the last paragraph
        elif i > last and not _is_sentence(ln.norm):
            ln.reason = "unrelated"

    body = [ln for i, ln in enumerate(lines) if ln.reason is None and i != title_idx]
    dropped = [(ln.reason or "", ln.orig) for i, ln in enumerate(lines) if ln.reason is not None and i != title_idx]
    if title is None:
        warnings.append("no title found")
    if not body:
        warnings.append("no article text left after cleaning")
    return Cleaned(
        lines=[ln.norm for ln in body],
        original_lines=[ln.orig for ln in body],
        title=title,
        title_original=title_orig,
        meta_lines=[lines[i].norm for i in sorted(meta_idx)],
        dropped=dropped,
        warnings=warnings,
    )
