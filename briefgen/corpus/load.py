"""Find the input files and read each one into text, or say why not.

Every file under the input folder ends up either as a ``RawFile`` or as a
``Skipped`` with one of ``types.SKIP_REASONS``: nothing is dropped silently
and no bad file raises.  Bytes are decoded strictly (never
``errors="ignore"``): UTF-8/UTF-16 by BOM, then strict UTF-8, then the HTML
meta charset, then GB18030 vs Big5 chosen by how many common Chinese
characters each decoding yields (a wrong decoding of CJK bytes gives rare
characters).
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Literal

from briefgen.core.types import RawFile, Skipped
from briefgen.text.script import HAN

MAX_BYTES = 20 * 1024 * 1024  # larger files are skipped as "too large" unread
KINDS: dict[str, Literal["txt", "md", "html", "pdf", "docx"]] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
TEXT_KINDS = ("txt", "md", "html")
# Notes that travel with a folder of articles but are not articles themselves.
NOTE_FILE = re.compile(r"^(readme|license|licence|changelog)$", re.IGNORECASE)
CONTROL_SHARE = 0.05  # above this share of control characters a text file is binary
MAX_UNZIPPED = 50 * 1024 * 1024  # a .docx whose parts unpack to more is not opened
MAX_ZIP_RATIO = 100  # ... nor one with a part that expands more than this (text XML: about 5-20x)
ZIP_RATIO_FROM = 1024 * 1024  # the ratio is judged on parts larger than this

Kind = Literal["txt", "md", "html", "pdf", "docx"]


# ------------------------------------------------------------------ discover


def display_name(name: str) -> str:
    """A file name as text that can be printed and written to JSON.

    Names that are not valid UTF-8 (GBK bytes from Windows archives) reach Python with
    surrogate escapes; they are read as GB18030 when that decodes them, else the bad bytes
    are shown as ``\\xNN``.  The file itself is still opened by its real name.
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def _rel(path: Path, root: Path) -> str:
    """``path`` relative to the input folder, POSIX style (the path users see)."""
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    return display_name(rel)


def discover(root: Path, *, follow_links: bool = False) -> tuple[list[Path], list[Skipped]]:
    """All candidate article files under ``root`` (sorted), plus files skipped on sight.

    Symbolic links are followed while they stay inside the input folder; a link that
    leaves it is listed as skipped (a link to /usr must not pour a system folder into a
    brief or a prompt) unless ``follow_links``.  A link that loops back, points to a folder
    already read, or dangles is reported as "unreadable".
    """
    root = Path(root)
    try:
        root_real = root.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        return [], [Skipped(display_name(root.as_posix()), "unreadable", f"cannot open folder: {exc}")]
    walk = _Walk(root, root_real, follow_links)
    stack = [root]
    while stack:
        folder = stack.pop()
        stack.extend(reversed(walk.folder(folder)))
    walk.paths.sort(key=lambda p: _rel(p, root))
    return walk.paths, walk.skipped


class _Walk:
    """The state of one folder walk: files found, skips, folders already read."""

    def __init__(self, root: Path, root_real: Path, follow_links: bool) -> None:
        self.root, self.root_real, self.follow_links = root, root_real, follow_links
        self.paths: list[Path] = []
        self.skipped: list[Skipped] = []
        self.seen_dirs = {root_real}

    def skip(self, path: Path, reason: str, detail: str) -> None:
        self.skipped.append(Skipped(_rel(path, self.root), reason, detail))

    def folder(self, folder: Path) -> list[Path]:
        """Read one folder: record its files and skips, return its subfolders to walk."""
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            self.skip(folder, "unreadable", f"cannot list folder: {exc.strerror or exc}")
            return []
        subdirs: list[Path] = []
        for entry in entries:
            path = Path(entry.path)
            if entry.is_symlink() and not self._link_ok(path):
                continue
            if self._is_dir(entry):
                if self._new_dir(path):
                    subdirs.append(path)
                continue
            reason = _skip_on_sight(path)
            if reason:
                self.skip(path, *reason)
            else:
                self.paths.append(path)
        return subdirs

    def _link_ok(self, path: Path) -> bool:
        """May the walk follow this link?  Says why not when it may not."""
        try:
            target = path.resolve(strict=True)
        except RuntimeError:  # Python < 3.13 reports loops this way
            self.skip(path, "unreadable", "symlink loop")
            return False
        except OSError as exc:
            self.skip(path, "unreadable", "symlink loop" if exc.errno == errno.ELOOP else "dangling symlink")
            return False
        if not self.follow_links and not target.is_relative_to(self.root_real):
            detail = f"symlink to {display_name(str(target))}, outside the input folder: not followed (--follow-links reads it)"
            self.skip(path, "unreadable", detail)
            return False
        if target.is_dir() and (self.root_real.is_relative_to(target) or path.parent.resolve().is_relative_to(target)):
            self.skip(path, "unreadable", "symlink loop (points to a folder containing it)")
            return False
        return True

    @staticmethod
    def _is_dir(entry: os.DirEntry[str]) -> bool:
        try:
            return entry.is_dir()
        except OSError:
            return False

    def _new_dir(self, path: Path) -> bool:
        real = path.resolve()
        if real in self.seen_dirs:
            why = "symlink to a folder already read" if path.is_symlink() else "folder already read through a symlink"
            self.skip(path, "unreadable", why)
            return False
        self.seen_dirs.add(real)
        return True


def _skip_on_sight(path: Path) -> tuple[str, str] | None:
    if path.suffix.lower() not in KINDS:
        return ("unsupported type", f"'{path.suffix or '(no extension)'}' files are not read")
    if NOTE_FILE.match(path.stem):
        return ("no article text", "a README/notes file, not an article")
    return None


# ---------------------------------------------------------------------- read


def _read_bytes(path: Path, limit: int) -> bytes:
    """Read at most ``limit`` bytes (a seam: tests replace it to simulate errors)."""
    with open(path, "rb") as fh:
        return fh.read(limit)


def read_file(path: Path, root: Path) -> RawFile | Skipped:
    """Read and decode one file; any problem becomes a ``Skipped``, never an exception."""
    path = Path(path)
    rel = _rel(path, Path(root))
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        return Skipped(rel, "unsupported type", f"'{path.suffix or '(no extension)'}' files are not read")
    try:
        return _read(path, rel, kind)
    except PermissionError as exc:
        return Skipped(rel, "unreadable", f"permission denied ({exc.strerror or exc})")
    except (OSError, RuntimeError) as exc:
        return Skipped(rel, "unreadable", str(getattr(exc, "strerror", None) or exc))
    except Exception as exc:  # a broken PDF/DOCX can raise anything; report, never crash
        return Skipped(rel, "unreadable", f"{type(exc).__name__}: {exc}"[:200])


def _read(path: Path, rel: str, kind: Kind) -> RawFile | Skipped:
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        return Skipped(rel, "unreadable", "not a regular file")
    if info.st_size > MAX_BYTES:
        return Skipped(rel, "too large", f"{info.st_size / 1e6:.1f} MB > {MAX_BYTES / 1e6:.0f} MB limit")
    if info.st_size == 0:
        return Skipped(rel, "empty", "0 bytes")
    data = _read_bytes(path, MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return Skipped(rel, "too large", f"more than {MAX_BYTES / 1e6:.0f} MB")
    if kind == "pdf":
        return _finish(rel, kind, _pdf_text(data), "binary-format")
    if kind == "docx":
        bomb = zip_bomb(data)
        if bomb:
            return Skipped(rel, "too large", bomb)
        return _finish(rel, kind, _docx_text(data), "binary-format")
    decoded = decode(data, html=kind == "html")
    if isinstance(decoded, str):  # reason code
        return Skipped(rel, decoded, _DETAIL.get(decoded, ""))
    text, encoding = decoded
    if _control_share(text) > CONTROL_SHARE:
        return Skipped(rel, "binary", "control characters in a text file")
    if kind == "txt" and _looks_like_html(text):
        kind = "html"
    return _finish(rel, kind, text, encoding)


def _finish(rel: str, kind: Kind, text: str, encoding: str) -> RawFile | Skipped:
    if not text.strip():
        detail = "no text layer (scanned?)" if kind == "pdf" else "only white space"
        return Skipped(rel, "empty", detail)
    return RawFile(path=rel, kind=kind, text=text, encoding=encoding)


_DETAIL = {
    "binary": "NUL bytes or control characters in a text file",
    "undecodable": "not valid UTF-8, UTF-16, GB18030 or Big5",
    "empty": "only white space",
}


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<html" in head and "<body" in text[:5000].lower())


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as exc:
            raise OSError("encrypted PDF") from exc
    return "\n".join((page.extract_text() or "") for page in reader.pages)


def zip_bomb(data: bytes) -> str | None:
    """Why a .docx (a zip) must not be opened, or None: its parts would expand past
    ``MAX_UNZIPPED`` bytes or one part expands more than ``MAX_ZIP_RATIO`` times (a 1 MB
    "document.xml" of repeated text can unpack to gigabytes).  Judged from the zip's
    directory before anything is decompressed; reading stops at the declared sizes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a zip at all: the .docx reader says why ("unreadable")
    total = sum(p.file_size for p in parts)
    if total > MAX_UNZIPPED:
        return f"unpacks to {total / 1e6:.0f} MB > {MAX_UNZIPPED / 1e6:.0f} MB limit (zip bomb?)"
    for part in parts:
        ratio = part.file_size / max(1, part.compress_size)
        if part.file_size > ZIP_RATIO_FROM and ratio > MAX_ZIP_RATIO:
            return f"{part.filename} expands {ratio:.0f} times (> {MAX_ZIP_RATIO}; zip bomb?)"
    return None


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


# -------------------------------------------------------------------- decode

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_GB_NAMES = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_BIG5_NAMES = {"big5", "big5-hkscs", "big5hkscs", "cp950", "x-x-big5"}


def decode(data: bytes, *, html: bool = False) -> tuple[str, str] | str:
    """``(text, encoding)``, or a skip reason ("binary", "undecodable", "empty")."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data, name)
            return (text, name) if text is not None else "undecodable"
    utf16 = _utf16_without_bom(data)
    if utf16:
        text = _strict(data, utf16)
        if text is not None:
            return text, utf16
    if b"\x00" in data:  # 一 is U+4E00: Chinese UTF-16 has NUL bytes without being binary
        han = _utf16_han(data)
        if han:
            return han[1], han[2]
        if _control_bytes_share(data) > CONTROL_SHARE:
            return "binary"
        # A few stray NULs in a text file: decoded as they are (cleaning removes them and says so).
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    if html:
        declared = _declared_charset(data)
        if declared:
            text = _strict(data, declared)
            if text is not None:
                return text, declared
    best: tuple[float, str, str] | None = None
    for name in ("gb18030", "big5", "cp950"):
        if name == "cp950" and best and best[2] == "big5":
            continue  # cp950 only matters when strict big5 failed
        text = _strict(data, name)
        if text is None:
            continue
        score = _hanzi_score(text)
        if best is None or score > best[0]:
            best = (score, text, name)
    han = _utf16_han(data)  # GB18030 decodes most byte pairs: the better reading wins
    if han is not None and (best is None or han[0] > best[0]):
        return han[1], han[2]
    if best is not None:
        return best[1], best[2]
    if _control_bytes_share(data) > CONTROL_SHARE:
        return "binary"
    return "undecodable"


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    if name in _GB_NAMES:
        return "gb18030"
    if name in _BIG5_NAMES:
        return "big5" if _strict(data, "big5") is not None else "cp950"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows NULs in every other byte for ASCII characters."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _utf16_han(data: bytes) -> tuple[float, str, str] | None:
    """Chinese UTF-16 without a BOM and without ASCII: no NUL pattern to see, so decode both
    ways and keep a decoding that reads as common Chinese (wrong byte orders do not).
    Returns (score, text, encoding), shaped like the candidates it competes with."""
    if len(data) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        text = _strict(data, name)
        score = _hanzi_score(text) if text else 0.0
        if text and score >= 0.6 and _control_share(text) <= CONTROL_SHARE:
            return score, text, name
    return None


def _control_bytes_share(data: bytes) -> float:
    sample = data[:65536]
    bad = sum(1 for b in sample if (b < 32 and b not in (9, 10, 12, 13)) or b == 127)
    return bad / max(1, len(sample))


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


# Han (see text.script.HAN), private-use and supplementary-plane characters: where a wrong
# decoding of Chinese bytes lands.
_HAN_OR_PUA = re.compile(f"[{HAN}\ue000-\uf8ff\U00020000-\U0003ffff]")


def _hanzi_score(text: str) -> float:
    """Share of common characters among the Han/PUA characters of a decoding (wrong ones score low)."""
    found = _HAN_OR_PUA.findall(text, 0, 20000)
    if not found:
        return 0.0
    return sum(1 for ch in found if ch in _COMMON_HANZI) / len(found)


# The 1,000 most frequent characters of jieba's word list, plus their
# traditional forms (OpenCC s2t): about 90% of the characters in news text.
_COMMON_HANZI = frozenset(
    "一七万三上下不与专且世业东两严並个中丰临为主举久么义之乎乐九也习乡书买乱亂了争事二于云互五亚些亞交产京亮亲人亿什仅今介仍从他代令以们件价任份企伊众优会传伤伯似但位低住体佔何余作你使"
    "來例供依侧便俄保信修個們倒候值假做停側備傳傷僅像價億優儿元兄充先光克免兒党入內全兩八公六兰共关兴兵其具典养内再写军农冲决况冷准减几出击刀分切划列刘则刚创初判別利别到制刺刻則前剑剛剧"
    "副創劇劉劍力办功加务动助劳势動務勝勞勢包化北区医區十千升半华协協单卖南博占卫印危即却卻厂历压原去县参參又及友双反发取受变口古句另只叫召可台史右叶号司吃各合同名后向吗否吧含听吳吴吸告"
    "员呢周味呼命和咱品哈响員哥哪唐商啊問善喜喝喫單嗎器嚴四回因团园围固国图國圍園圖團土在地场均坐块坚型城域執基堂堅報場塊境墙增壓士声处备复夏外多夜够夠大天太夫央失头奇女她好如妇妈始姑姓"
    "委威娘婦媽子字存孙季学孩孫學宁它守安宋完宗官定宜宝实审客宣室宫宮害家容密富察實寧審寫寶对导封射将將專對導小少尔尚就尼尽局层居屆届展属層屬山岁岛岸島州工左差己已巴市布师希帝带師席帮帶"
    "常幫干平年并幹幾广庆序应底府度座庭康廠廣建开异式引弟张張強弹强彈归当录形彩影往征待很律後得從復微徵德心必志忙快念忽怀态怎怕思急性怪总恩息恶情惊惡想意愛感愿態慢慶應懷成我或战戰戶户房"
    "所手才打执扩批找承技把投抗护报担拉招括拿持指按挥换据授掌排採探接控推提換揮擊擔據擴支收改攻放政故效敌救敗教敢散数整敵數文斗料断斯新斷方於施旁旅族无既日旧早时昌明易星春是显時晚普景暗"
    "曲更書曾最會月有服望朝期木未本术朱机杀杂权李材村条来杨東松板极构林果枪架某查标树校样核根格案桥條检植楊楚業極楼構槍樂樓標模樣樹橋機檢權次欢欧歐歡止正此步武歲歷歸死段殺殿母每毒比毕毛"
    "毫民气氣水永求汉江決沉沒沙没河油治沿況法波注泽洋洞洪洲活派流测济海消深清渐減温測港游湖湾源準溫满滿演漢漸澤激濟灣火灵炮点烈热無然照熟熱營爭爱爲父爷爺爾牆片版牌牙牛物特状狀独献獨獲獻"
    "率玉王环现班現球理環甚生產用田由甲电男画界留畢略畫異當病痛登發白百的皇皮益监盘盛盡監盤目直相省看真眼着督知短石矿研破础确確礎礦示礼社祕祖神票禁福禮离种科秘积称移程種稱稳積穩究空穿突"
    "立站竟章端笑笔第筆等筑答策简算管節範築簡米类精系紀約紅納級素索紧細終組結絕給統經維網緊線編練緻縣總織繼續红约级纪纳线练组细织终经结给绝统继续维编网罗罪置羅美羣群義習老考者而职联聞聯"
    "聲職聽肉股育背胜胡能脑脚脸腦腳臉臣臨自至致臺與興舉舊航般船良色艺节花苏若苦英范茶荆草荊药获菜華营萬落葉著蒙藏藝藥蘇蘭處號虽血衆行術街衛衝衣补表被装裏補裝襄西要見規視親覺觀见观规视觉"
    "角解言計訓記設許訴評詞試詩話該認語說誰調談請論講證識警議護讀變讓计认让训议记讲许论设证评识诉词试诗话该语说请读谁调谈谷豐象負財貨責貴買費資賣質賽负财责败货质贵费资赛走赶起超越趕足跟"
    "路身車軍軟較載輕輪輯輸轄轉车转轮软轻载较辑输辖辦農边达过迎运近还这进远连述追退送适选逐這通速造連進遇遊運過道達遗遠適選遺還邊那邦部都鄂鄉配酒醫采里重量金銀銷錄錢錯鍾鎮鐵钟钱铁银销错"
    "镇長长門開間關门问间闻队防阳阵阶阿附际陆陈降限院陣除险陳陵陸陽隊階随際隨險难雄集雖雙雜離難雨雲雷電需露靈青静靜非靠面革音響頂項順須預頓領頭題額願類顧顯顶项顺须顾顿预领题额風风飛飞食"
    "飯養餘館饭馆首香馬驗驚马验骨體高鬥魚鮮鱼鲜麼黃黄黑點黨齊齐龍龙"
)
