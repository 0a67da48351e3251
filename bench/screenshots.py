"""brief.html in a real browser: screenshots at desktop and phone width (issue 15).

Reading the HTML is not enough to know whether a 400 px phone pans a 1,100 px page,
so this builds the bundled examples, opens brief.html and one article page in headless
Chromium at 1280 and 400 px, saves the PNGs, and measures the page's scroll width with
a second headless run (``--dump-dom`` of a copy whose title is set, by an inline script
allowed only in that copy, to ``document.documentElement.scrollWidth``; the brief itself
forbids scripts), once as written and once with the tables' scroll boxes removed (the
layout before issue 15).  A page wider than its window pans sideways: that is the failure.
Headless Chromium lays ``--dump-dom`` pages out at 500 px at the least, so the "phone"
measurement is at 500 px (the screenshot is 400 px wide).

    python bench/screenshots.py                 # writes bench/results/screenshots/*.png and .json
    python bench/screenshots.py --chromium /usr/bin/chromium --src DIR
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (400, 860)}
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]  # fmt: skip

# Only in the measuring copy: the CSP is replaced and a script writes the widths into the title.
_PROBE = (
    "<script>addEventListener('load',()=>{const d=document.documentElement;"
    "document.title='W'+d.scrollWidth+'x'+d.clientWidth+'T'+"
    "[...document.querySelectorAll('.table-scroll')].map(e=>e.scrollWidth+'/'+e.clientWidth).join(',');});</script>"
)


def _chromium(chromium: str, args: list[str], width: int, height: int) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="shot-profile-") as profile:
        cmd = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def _measure(chromium: str, page: Path, width: int, height: int, *, boxes: bool = True) -> dict[str, Any]:
    html = page.read_text(encoding="utf-8")
    if not boxes:  # the same page as before issue 15: tables not in scroll boxes
        html = html.replace('<div class="table-scroll">', "<div>")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    probe = page.with_name(page.stem + ".probe.html")
    probe.write_text(html.replace("</head>", _PROBE + "</head>", 1), encoding="utf-8")
    try:
        done = _chromium(chromium, ["--virtual-time-budget=3000", "--dump-dom", probe.as_uri()], width, height)
    finally:
        probe.unlink()
    m = re.search(r"<title>W(\d+)x(\d+)T([^<]*)</title>", done.stdout)
    if not m:
        return {"error": (done.stderr or "no title")[-300:]}
    boxes = [tuple(int(x) for x in b.split("/")) for b in m.group(3).split(",") if "/" in b]
    return {
        "page_scroll_width": int(m.group(1)),
        "viewport_width": int(m.group(2)),
        "pans_sideways": int(m.group(1)) > int(m.group(2)),
        "tables_scrolling_inside": sum(1 for sw, cw in boxes if sw > cw),
        "tables": len(boxes),
    }


def run(chromium: str, src: Path, out_dir: Path) -> list[dict[str, Any]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-shots-") as tmp:
        out = Path(tmp) / "out"
        subprocess.run([str(Path(sys.executable).with_name("briefgen")), "--quiet", "build", str(src), "-o", str(out)],
                       check=True, cwd=ROOT)  # fmt: skip
        article = sorted((out / "articles").glob("*.html"))[0]
        for name, page in (("brief", out / "brief.html"), ("article", article)):
            for label, (w, h) in WIDTHS.items():
                png = out_dir / f"{name}-{label}.png"
                # tall enough to reach the comparison table (a fragment scroll shoots blank)
                _chromium(chromium, [f"--screenshot={png}", page.as_uri()], w, h * 3)
                without = _measure(chromium, page, w, h, boxes=False).get("page_scroll_width")
                rows.append({"page": name, "width": label, "window": w, "png": png.relative_to(ROOT).as_posix(),
                             **_measure(chromium, page, w, h), "page_scroll_width_without_boxes": without})  # fmt: skip
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--src", type=Path, default=ROOT / "examples" / "articles")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if not Path(args.chromium).exists():
        print(f"no Chromium at {args.chromium}", file=sys.stderr)
        return 2
    rows = run(args.chromium, args.src, args.out)
    (args.out / "screenshots.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    for r in rows:
        print(json.dumps(r, ensure_ascii=False))
    return 1 if any(r.get("pans_sideways") for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
