"""The length and ratio thresholds of cleaning, named and in one place.

Why one place: each number is a judgement about how Chinese news pages are laid
out (a headline is at most ~64 characters, a caption at most ~80, a link title at
most ~45), and a reader tuning cleaning for a new kind of page should find them
together with the reason for each, not scattered through the rules.  Lengths
count characters of the normalised line.
"""

from __future__ import annotations

# ---------------------------------------------------------------- line shapes
SENTENCE_MIN = 25  # running text is at least this long (and punctuated)
SENTENCE_MIN_COMMAS = 2  # ... or has this many commas instead of a full stop
HEADLINE_MIN, HEADLINE_MAX = 5, 64  # a headline's length
HEADLINE_MIN_HAN = 4  # Han characters a headline needs
HEADLINE_MAX_COMMAS = 3  # more commas than this read as a sentence
TITLE_LINK_MIN, TITLE_LINK_MAX = 4, 45  # a link title in a list of links
POINT_MIN_HAN = 4  # an enumerated point needs this many Han characters
CONTENT_MIN_HAN = 4  # fewer Han characters: not a body line (a label, a number)
KEY_MIN = 4  # shorter lines (letters and digits only) are never duplicates, always fragments

# ----------------------------------------------------------- furniture rules
SPAM_PARAGRAPH_MIN = 40  # a punctuated paragraph this long with one spam word is kept ...
SPAM_WORDS_IN_PARAGRAPH = 2  # ... unless it has this many different ones (keyword stuffing)
LONG_LINE = 200  # longer lines are running text: no furniture rule applies (spam still does)
BREADCRUMB_MAX = 120  # a "you are here" line
CRUMB_TRAIL_MAX = 80  # a trail "首页 > 新闻 > 正文"
CRUMB_PART_MAX = 10  # each step of such a trail
CRUMB_MIN_PARTS = 3
SEARCH_MAX = 30  # a search box label
MORE_MAX = 30  # a "read more" link
WIDGET_MAX = 40  # a share/comment widget
LIST_HEADER_MAX = 14  # a related-reading header
DISCLAIMER_MAX = 200
FOOTER_MAX = 140
CAPTION_MAX = 80  # captions are short; longer lines marked up like captions are kept as text
MENU_MIN_ITEMS = 4  # a menu bar: this many space-separated items ...
MENU_ITEM_MAX = 16  # ... each at most this long, and no sentence punctuation

# -------------------------------------------------------- date/source lines
META_LINE_MAX = 140  # a date/source line is short
PUBLISHED_LINE_MAX = 60  # "于2024年5月17日发布" lines
BYLINE_MAX = 30  # "（记者 张三 李四）"
META_PREFIX_MAX = 2  # characters allowed before the first label
META_VALUE_MAX = 30  # a field value longer than this is text, not metadata
DATED_LINE_MAX = 80  # "2024年3月5日 某某日报 本报记者 林晓": a date with an outlet, byline or counter
DATED_LINE_PIECES = 6  # ... in at most this many pieces
DATED_PIECE_MAX = 12  # ... each at most this long
CRAWLER_MAX = 200  # a crawler field or URL line
COUNTER_MAX = 30  # "阅读 5632", "【字体：大 中 小】"
ID_LINE_MAX = 80  # a line holding an ID or hash and a short label
CAPTION_TAIL = 32  # a caption's credit ("…摄", "（资料图）", "图片来源：…") sits in its last characters
ID_LABEL_MAX = 8  # "文章编号：9f2c…": at most this many letters besides the ID
CONTACT_MAX = 120  # a contact or advert line with a phone number
CONTACT_SHORT = 40  # ... dropped even when punctuated if this short

# ----------------------------------------------------------- page structure
HEADER_SCAN = 60  # lines searched for the date/source line under the headline
TITLE_SCAN = 80  # lines searched for the HTML title in the text
TITLE_WINDOW = 5  # a headline sits this close to the date/source line
TITLE_EXTRA = 20  # a title line may carry this many more characters (a kicker)
TITLE_PART = 0.6  # ... or be at least this share of the HTML title
HEADER_PARAGRAPH_MIN = 50  # a paragraph this long above the date line means there is none
HEADER_NAV_MAX = 20  # header lines shorter than this are navigation
TAG_TITLE_REST = 10  # "【标题】text": the text after the bracket must be this long
LINK_RUN_MIN = 3  # this many short title-like lines in a row are a list of links ...
LINK_RUN_ON_TOPIC = 0.5  # ... unless they share this much with the article's words

# -------------------------------------------------------------- article end
TOP_KEYWORDS = 30  # the article's keywords: its most frequent bigrams
# Below this coverage of the keywords a block is foreign when it follows an end-of-article
# signal (editor/source line, link list, repost, [headline]) or a separator, or a heading
# without any of the keywords (an article's own subheadings nearly always repeat some).
MIN_COVERAGE = 0.12
OWN_WORDS_ON_TOPIC = 0.5  # a block whose repeated words are this much on topic stays anyway
MIN_TOPIC_WORDS = 5  # fewer keywords than this: too little text kept to judge a topic
REPOST_DUPLICATES = 2  # this many repeated paragraphs in a row: a repost, not a pull quote

# ----------------------------------------------------------------- HTML pages
MAIN_TEXT_MIN = 200  # trafilatura's main text is trusted from this many characters ...
MAIN_TEXT_SHARE = 0.3  # ... or this share of the page's text; else the whole page is walked
MARKUP_PER_HAN = 20  # a page with at least one Han character per this many bytes kept its text
LOST_TEXT_MIN_HAN = 20  # the parse lost the text when the raw page has this many Han characters ...
LOST_TEXT_SHARE = 0.5  # ... and the tree kept less than this share of them
HEADER_LINES = 5  # the title must appear in the first lines of the main text, else it is put back
META_HINT_MAX = 100  # a date/source line near the title is shorter than this
META_NEAR_TITLE = 8  # ... and within this many lines after the title in the whole page
