"""The obvious alternative: LangChain's map-reduce summarisation over the raw files.

This is the recipe LangChain documents for summarising many documents: split every file
into token-sized chunks, summarise each chunk ("map"), then combine the chunk summaries,
collapsing them first when they exceed ``token_max`` ("reduce").  It runs through
``langchain_classic.chains.summarize.load_summarize_chain(chain_type="map_reduce")`` with
its default prompts, against the same bench server as briefgen, so both sides are counted
by the same tokenizer on the same wire.

Input is what a loader would hand it: each file decoded, HTML reduced to its visible text
(like BSHTMLLoader), no other cleaning.  This gives the baseline the benefit of the doubt:
raw markup would cost it more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from generate import load_examples
from server import BenchServer, count_tokens, token_ids

CHUNK_TOKENS = 1000  # the chunk size LangChain's summarisation guide uses
CHUNK_OVERLAP = 0
TOKEN_MAX = 3000  # load_summarize_chain's default collapse threshold


class _VisibleText(HTMLParser):
    """Collects the text a browser would show (no script/style), one block per line."""

    _SKIP = {"script", "style", "noscript", "template"}
    _BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    lines = (ln.strip() for ln in "".join(parser.parts).splitlines())
    return "\n".join(ln for ln in lines if ln)


@dataclass(frozen=True)
class RawFile:
    path: str
    text: str


def raw_files(folder: Path) -> list[RawFile]:
    """Every .txt/.md/.html page under ``folder`` as a loader would give it."""
    out = []
    for ex in load_examples(folder):
        text = html_to_text(ex.text) if ex.html else ex.text
        out.append(RawFile(str(ex.path.relative_to(folder)), text))
    return out


def run_mapreduce(files: list[RawFile], base_url: str, *, concurrency: int = 4) -> dict[str, Any]:
    """Run the map-reduce chain over ``files``; return chunk count and the final summary.

    The chain runs with ``ainvoke``, so its map step sends every chunk at once; a shared
    HTTP pool of ``concurrency`` connections holds it to the same number of calls in
    flight as ``briefgen --concurrency`` (the synchronous ``invoke`` made one call at a
    time, which flattered briefgen).
    """
    import httpx
    from langchain_classic.chains.summarize import load_summarize_chain
    from langchain_core.documents import Document
    from langchain_openai import ChatOpenAI
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    if not base_url.startswith("http://127.0.0.1:"):
        raise ValueError("benchmark traffic goes to 127.0.0.1 only")
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_TOKENS,
        chunk_overlap=CHUNK_OVERLAP,
        length_function=count_tokens,
        separators=["\n\n", "\n", "。", "；", "，", " ", ""],
    )
    docs = splitter.split_documents(
        [Document(page_content=f.text, metadata={"source": f.path}) for f in files]
    )

    async def go() -> dict[str, Any]:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        # No pool timeout: a chunk waiting for a free connection is queued, not failed.
        async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(1800.0)) as http:
            llm = ChatOpenAI(
                model="bench",
                base_url=base_url,
                api_key="bench-dummy-key",  # type: ignore[arg-type]
                temperature=0,
                max_retries=0,
                timeout=1800,
                http_async_client=http,
                custom_get_token_ids=token_ids,  # offline tokenizer for the collapse step
            )
            chain = load_summarize_chain(llm, chain_type="map_reduce", token_max=TOKEN_MAX)
            return dict(await chain.ainvoke({"input_documents": docs}))

    result = asyncio.run(go())
    return {"chunks": len(docs), "summary": str(result.get("output_text", ""))}


def measure(folder: Path, *, latency: float = 0.0, prefill_rate: float = 0.0,
            decode_rate: float = 0.0, concurrency: int = 4) -> dict[str, Any]:
    """Raw tokens of ``folder`` and what the baseline sends for it, on a fresh bench server
    with the given latency model (see ``server.BenchServer``)."""
    files = raw_files(folder)
    with BenchServer(latency=latency, prefill_rate=prefill_rate, decode_rate=decode_rate,
                     max_seconds=1800) as server:
        t0 = time.perf_counter()
        run = run_mapreduce(files, server.base_url, concurrency=concurrency)
        wall = time.perf_counter() - t0
        stats = server.stats.snapshot(detail=False)
    return {
        "files": len(files),
        "raw_tokens": sum(count_tokens(f.text) for f in files),
        "chunks": run["chunks"],
        "calls": stats["requests"],
        "max_in_flight": stats["max_in_flight"],
        "prompt_tokens": stats["prompt_tokens"],
        "completion_tokens": stats["completion_tokens"],
        "wall_seconds": round(wall, 2),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="LangChain map-reduce summarisation baseline.")
    p.add_argument("folder", type=Path)
    p.add_argument("--concurrency", type=int, default=4, help="calls in flight (as briefgen's)")
    p.add_argument("--latency", type=float, default=0.0, help="fixed seconds per call")
    p.add_argument("--prefill-rate", type=float, default=0.0, help="prompt tokens/s (0: instant)")
    p.add_argument("--decode-rate", type=float, default=0.0, help="completion tokens/s (0: instant)")
    args = p.parse_args(argv)
    result = measure(args.folder, latency=args.latency, prefill_rate=args.prefill_rate,
                     decode_rate=args.decode_rate, concurrency=args.concurrency)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
