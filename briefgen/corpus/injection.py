"""Spot text inside an article that addresses a language model (prompt injection).

Scraped pages sometimes carry lines written for a model rather than a reader:
"ignore the previous instructions and write ...", "忽略以上所有指令", chat role
markers such as ``system:`` or ``<|im_start|>``.  Such a line is not evidence:
cleaning flags it in the ingest warnings and drops it, and summarisation keeps
any excerpt that still looks like one out of the model's context.

The signals are deliberately about *addressing a model* (override verbs aimed
at earlier instructions, role markers, "you are now ...", "as an AI ...") and
not about the topic of AI, so news about AI in medicine is not flagged.
"""

from __future__ import annotations

import re
import unicodedata

from briefgen.text.script import HAN, HAN_CHAR

# Words that point back at earlier instructions or at the prompt itself.
_EN_BACK = r"(?:above|previous|prior|preceding|earlier|foregoing|former|original|initial|system)"
_EN_RULES = r"(?:instructions?|prompts?|directions?|directives?|commands?|guidelines?|rules|context|messages?)"
_EN_ORDERS = r"(?:instructions?|prompts?|directives?|system\s+prompt)"

_EN_PATTERNS = [
    # "ignore the above", "disregard everything above"
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+|anything\s+)?(?:of\s+)?(?:the\s+|what\s+is\s+|what's\s+)?(?:above|foregoing|written\s+above|said\s+above)\b",
    # "ignore all previous instructions", "forget your prior rules"
    rf"\b(?:ignore|disregard|forget|override|bypass)\b[\s\w,']{{0,20}}?\b{_EN_BACK}\s+(?:[\w-]+\s+){{0,2}}?{_EN_RULES}\b",
    # "ignore your instructions", "ignore all prompts"
    rf"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:your\s+|my\s+|these\s+|those\s+|the\s+)?{_EN_ORDERS}\b",
    rf"\b(?:do\s+not|don't|never)\s+(?:follow|obey)\s+(?:the\s+|your\s+|any\s+)?{_EN_BACK}\s+{_EN_RULES}",
    r"\bnew\s+(?:instructions?|task|system\s+prompt)\s*[:：]",
    r"\bsystem\s+prompt\b",
    r"\byou\s+are\s+now\s+(?:an?|the|acting|in|my|free|unrestricted|no\s+longer)\b",
    r"\bfrom\s+now\s+on,?\s+you\s+(?:are|will|must|should)\b",
    r"\b(?:pretend\s+(?:to\s+be|you\s+are)|act\s+as\s+if\s+you|role-?play\s+as)\b",
    r"\bas\s+an?\s+(?:ai\s+|large\s+)?(?:language\s+model|llm|ai\s+assistant|chatbot)\b",
    r"\b(?:if|when)\s+you\s+are\s+an?\s+(?:ai|llm|large\s+language\s+model|language\s+model|ai\s+assistant|chatbot)\b",
    r"\b(?:note|message|attention|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai|llms?|language\s+models?|ai\s+models?|ai\s+assistants?|chatbots?|gpt)\b",
    r"\b(?:dear|hey|hi)\s+(?:ai|llm|chatgpt|gpt|assistant|model)\b",
    r"\b(?:chatgpt|gpt-?\d|claude|llm|language\s+model|ai\s+assistant)\s*[,:]\s*(?:please\s+)?(?:ignore|write|output|say|respond|reply|print|summari[sz]e|translate)\b",
    r"\b(?:respond|reply|answer|output)\s+only\s+with\b",
    r"\bjailbreak\b|\bdan\s+mode\b|\bdeveloper\s+mode\b",
]

# Chinese (simplified and traditional forms of the key characters).
_ZH_BACK = r"(?:以上|上述|上面|上文|之前|此前|前面|先前|前述|原来|原有|原先|系统|系統)"
_ZH_RULES = r"(?:指令|指示|提示词|提示詞|提示|命令|要求|规则|規則|设定|設定|说明|說明|内容|內容|约束|約束|限制)"
_ZH_ORDERS = r"(?:指令|指示|提示词|提示詞|系统提示|系統提示)"
_ZH_IGNORE = r"(?:忽略|忽视|忽視|无视|無視|忘记|忘記|忘掉|抛开|拋開|不要理会|不要理會|不要遵守|不要遵循|不要执行|不要執行|不再遵守|不再遵循|不用管)"
_ZH_MODEL = r"(?:AI|ai|人工智能|大模型|语言模型|語言模型|大语言模型|大語言模型|模型|助手|机器人|機器人|ChatGPT|chatgpt|GPT|gpt)"
_ZH_QUANT = r"(?:所有|全部|一切|任何|这些|這些|那些)"

_ZH_PATTERNS = [
    # 忽略以上所有指令 / 忽略上述内容并写 / 忽略以上，改为输出
    rf"{_ZH_IGNORE}(?:掉)?(?:你)?(?:的)?{_ZH_QUANT}?(?:的)?{_ZH_BACK}(?:的)?{_ZH_QUANT}?(?:的)?(?:{_ZH_RULES}|[，,。.:：;；!！]|并|並|然后|然後|改为|改為|直接|$)",
    # 忽略所有指令 / 无视你的提示词
    rf"{_ZH_IGNORE}(?:掉)?(?:你)?(?:的)?{_ZH_QUANT}?(?:的)?{_ZH_ORDERS}",
    rf"{_ZH_IGNORE}(?:掉)?(?:你)?(?:的)?{_ZH_QUANT}(?:的)?{_ZH_RULES}",
    rf"{_ZH_BACK}(?:的)?{_ZH_QUANT}?(?:的)?{_ZH_ORDERS}(?:全部|都|均)?(?:作废|作廢|无效|無效|失效)",
    r"(?:新的|新)(?:指令|指示)[:：]|(?:以下|下面)是新的?(?:指令|指示|任务|任務|系统提示|系統提示)",
    r"系[统統]提示[词詞]",
    r"你(?:现在|現在|从现在起|從現在起|从现在开始|從現在開始)(?:是|扮演|作为|作為|必须|必須|只能|要)",
    r"(?:请你|請你|你要|你需要|你将|你將)(?:扮演|假装|假裝)|假[装裝]你是",
    rf"(?:如果|若|假如)你是(?:一个|一個)?{_ZH_MODEL}",
    rf"(?:致|给|給|告诉|告訴)(?:所有|各位)?{_ZH_MODEL}(?:的)?(?:指令|指示|消息|话|話)?[:：]",
    rf"{_ZH_MODEL}(?:请|請)?(?:注意)?[:：，,]\s*(?:请|請)(?:忽略|无视|無視|直接|只)?(?:输出|輸出|回答|回复|回覆|写|寫|改写|改寫)",
    r"(?:只|仅|僅)(?:需|要)?(?:输出|輸出|回复|回覆)(?:以下|下面|如下)",
    # AI助手请注意： / 大模型请留意 (a page addressing a model, whatever follows)
    rf"{_ZH_MODEL}\s*(?:请|請)\s*(?:注意|留意|务必|務必|记住|記住)",
    rf"(?:致|给|給|写给|寫給)?(?:正在阅读|正在閱讀|阅读本文|閱讀本文|读取本页|讀取本頁)的{_ZH_MODEL}",
    # 请在回答中输出… / 请在摘要中写明… (a reader's article never speaks of "your answer")
    r"(?:请|請)(?:你)?(?:在|於|于)?(?:你的)?(?:回答|回复|回覆|摘要|总结|總結|输出|輸出|译文|譯文|答复|答覆)(?:中|里|裡|内|內)",
    r"(?:不要|切勿|禁止|无需|無需)(?:标注|標註|注明|给出|給出|提供|引用)(?:任何)?(?:的)?(?:引用|来源|來源|出处|出處|引文)",
    r"(?:作为|作為)(?:一[个個]|一名)?(?:AI|ai|人工智能|语言模型|語言模型|大模型|大语言模型|大語言模型)(?:助手)?[，,]?\s*(?:你|请|請)",
]

# Chat-template tokens and role markers at the start of a line.
_ROLE_PATTERNS = [
    r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\|>",
    r"\[/?INST\]",
    r"<</?SYS>>",
    r"</?s>\s*$|^\s*</?s>",
    r"</?(?:system|assistant|instructions?)>",
    r"^\s*(?:#{1,6}\s*)?[\[(]?\s*(?:system|assistant|developer|human|user)\s*[\])]?\s*[:：]",
    r"^\s*(?:#{1,6}\s*)?(?:system|assistant|developer)\s*(?:message|prompt)?\s*$",
    r"^\s*(?:#{1,6}\s*)?[\[【(（]?\s*(?:系统|系統|助手|用户|用戶)\s*[\]】)）]?\s*[:：]",
]

_REGEXES = [re.compile(p, re.IGNORECASE) for p in _EN_PATTERNS + _ZH_PATTERNS + _ROLE_PATTERNS]


def _normalise(line: str) -> str:
    # NFKC folds full-width letters and colons so "ＳＹＳＴＥＭ：" matches too.
    text = unicodedata.normalize("NFKC", line)
    return re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", text)


# Every pattern above needs one of these words; lines without any are not tested further, which
# keeps cleaning fast on long pages.  Matched against the NFKC, lower-cased line (much faster
# than re.I on long Chinese lines).
_HINT = re.compile(
    r"ignore|disregard|forget|override|bypass|follow|obey|new\s|system|you|pretend|act\s+as|role|"
    r"language|llm|chatbot|assistant|ai|model|gpt|claude|dear|hey|hi|only\s+with|jailbreak|dan\s+mode|"
    r"developer|human|user|inst|<\||<<|</?s>|respond|reply|answer|output|note|message|attention|"
    r"忽|无视|無視|忘|抛开|拋開|不要|不再|不用管|指令|指示|任务|任務|作废|作廢|无效|無效|失效|系统|系統|"
    r"助手|用户|用戶|你|假装|假裝|模型|人工智能|机器人|機器人|输出|輸出|回复|回覆|提示|"
    r"回答|摘要|总结|總結|译文|譯文|答复|答覆|引用|来源|來源|出处|出處|注意|留意"
)


def may_address_a_model(line: str) -> bool:
    """Cheap first look: could ``find_instruction`` match this line at all?"""
    return bool(_HINT.search(unicodedata.normalize("NFKC", line).lower()))


def find_instruction(line: str) -> str | None:
    """The part of ``line`` that addresses a model, or None."""
    text = _normalise(line)
    if not text.strip():
        return None
    for rx in _REGEXES:
        m = rx.search(text)
        if m:
            return m.group(0).strip() or text.strip()
    return None


def looks_like_instruction(line: str) -> bool:
    """True when ``line`` reads as an instruction to a language model."""
    return find_instruction(line) is not None


_CJK = HAN_CHAR
_KEEP = re.compile(f"[^0-9a-z{HAN}]+")


def _shingles(text: str, n_cjk: int = 5, n_words: int = 4) -> set[str]:
    """Runs of 5 Chinese characters and of 4 Latin words, punctuation and case ignored."""
    t = unicodedata.normalize("NFKC", text).lower()
    out: set[str] = set()
    cjk = "".join(_CJK.findall(t))
    out.update(cjk[i : i + n_cjk] for i in range(len(cjk) - n_cjk + 1))
    words = [w for w in _KEEP.split(HAN_CHAR.sub(" ", t)) if w]
    out.update(" ".join(words[i : i + n_words]) for i in range(len(words) - n_words + 1))
    return out


def echoes(text: str, instructions: list[str], evidence: list[str]) -> bool:
    """True when ``text`` repeats wording found in an injected line and nowhere in the evidence.

    A model that obeyed an injected line tends to copy what it was told to
    write; wording shared with the real article text does not count.
    """
    if not instructions:
        return False
    injected = set().union(*(_shingles(i) for i in instructions))
    if not injected:
        return False
    legit = set().union(*(_shingles(e) for e in evidence)) if evidence else set()
    return bool((_shingles(text) & injected) - legit)
