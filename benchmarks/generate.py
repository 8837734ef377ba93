#!/usr/bin/env python3
"""Write a synthetic book for the benchmarks: `generate.py OUT --chapters 10 --words 3000`.

The book exercises what costs time in a real build: citations several times a page
(some sources cited again, with page locators, so both full and short note forms
occur), the author's own `[^n]` notes, section headings, one table per chapter and
some Chinese (set in the CJK face). The text is drawn from a seeded generator, so
the same arguments always give the same book, byte for byte.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

#: Named sizes: target printed pages → (chapters, words of prose per chapter); the pages
#: bookkit actually prints for each are in the table in benchmarks/README.md.
SIZES = {50: (4, 2500), 250: (10, 5000), 1000: (40, 5000)}

WORDS = """
account achieve acquire address advance advice affect agency agree airline allow almost
amount analyst announce annual answer appear approach argue arrive article assemble assume
attempt audience author average balance bargain battery before believe benefit better board
border borrow branch brand budget build business buyer campaign capital career carrier case
century chain change channel chapter charge choose circuit claim client climb close colleague
company compete component concern conference connect consider contract control copy corner
cost country course create credit culture customer cycle dealer debate decade decide defend
delay deliver demand depend design detail develop device differ direct discount discover
display distance divide doctor draft drive early earn economy edition effort elect employee
engineer enter entire estimate event exchange expand expect explain export factory failure
family feature figure finance finish follow forecast format founder friend function future
gather global govern growth handset hardware history holder improve include income increase
industry invest journal keyboard label launch leader learn letter license listen machine
maintain manage margin market measure meeting memory method middle million mobile model
modest monitor moment network notice number object office online operate option order origin
partner patent people period person phone plan platform policy popular portion position
practice premium press price print problem process produce product profit program project
promise public quality quarter question quick record region release remain report require
research resource result retail return review revenue risk round salary sample schedule
school screen search season second sector sell service share shipment signal simple software
source speaker spend staff standard start station store strategy street student subject
supply support system talent target teacher team term test theory thousand today trade
train travel trial update user value vendor venture version visit volume warehouse window
worker writer year
""".split()

CHINESE = ["雷军", "小米", "金山", "卓越网", "仙桃", "武汉大学", "北京", "中关村"]
CHINESE_PHRASES = [
    "the company name {0} ({1})",
    "what the press called {0}",
    "a slogan printed as {0}",
    "the office in {0} ({1})",
]
PINYIN = {"雷军": "Lei Jun", "小米": "Xiaomi", "金山": "Kingsoft", "卓越网": "Joyo", "仙桃": "Xiantao",
          "武汉大学": "Wuhan University", "北京": "Beijing", "中关村": "Zhongguancun"}

SURNAMES = ["Chen", "Wang", "Li", "Zhang", "Liu", "Smith", "Garcia", "Okafor", "Novak", "Tanaka",
            "Hughes", "Moreau", "Kowalski", "Ibrahim", "Larsen", "Fischer", "Rossi", "Silva"]
GIVEN = ["Ann", "Bo", "Carla", "David", "Elena", "Feng", "Grace", "Hui", "Ivan", "Jun", "Karin", "Lin"]
PUBLISHERS = [("Harbor Press", "Boston"), ("Lakeside Books", "Chicago"), ("Northfield", "London"),
              ("Eastgate Academic", "Singapore"), ("Riverbend", "New York")]
JOURNALS = ["Journal of Technology History", "Business Review Quarterly", "Asian Industry Studies",
            "Review of Consumer Electronics"]


class Writer:
    """Prose, headings, notes and citations from one seeded random generator."""

    def __init__(self, rng: random.Random, keys: list[str]):
        self.rng = rng
        self.keys = keys

    def words(self, n: int) -> list[str]:
        return [self.rng.choice(WORDS) for _ in range(n)]

    def sentence(self, chinese: bool = False) -> str:
        words = self.words(self.rng.randint(9, 22))
        if chinese or self.rng.random() < 0.04:
            zh = self.rng.choice(CHINESE)
            phrase = self.rng.choice(CHINESE_PHRASES).format(zh, PINYIN[zh])
            words.insert(self.rng.randint(1, len(words) - 1), phrase)
        words[0] = words[0].capitalize()
        if len(words) > 12 and self.rng.random() < 0.5:
            words[len(words) // 2] += ","
        return " ".join(words) + "."

    def citation(self, recent: list[str]) -> str:
        """A citation; a third of them cite a source already cited in this chapter."""
        if recent and self.rng.random() < 0.35:
            key = self.rng.choice(recent)
        else:
            key = self.rng.choice(self.keys)
            recent.append(key)
        if self.rng.random() < 0.5:
            return f"[@{key}, {self.rng.randint(3, 320)}]"
        return f"[@{key}]"

    def title(self, n: int) -> str:
        return " ".join(w.capitalize() for w in self.words(n))


def bibliography(rng: random.Random, count: int) -> tuple[str, list[str]]:
    entries, keys = [], []
    for i in range(count):
        surname = rng.choice(SURNAMES)
        key = f"{surname.lower()}{1990 + i % 35}{chr(ord('a') + i // 35)}"
        year = 1990 + i % 35
        author = f"{surname}, {rng.choice(GIVEN)}"
        title = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(3, 7)))
        if i % 3 == 2:
            pages = rng.randint(1, 200)
            entries.append(f"@article{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n"
                           f"  journal = {{{rng.choice(JOURNALS)}}},\n  volume = {{{rng.randint(1, 40)}}},\n"
                           f"  pages = {{{pages}--{pages + rng.randint(5, 30)}}},\n  year = {{{year}}},\n}}\n")
        else:
            publisher, city = rng.choice(PUBLISHERS)
            entries.append(f"@book{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n"
                           f"  publisher = {{{publisher}}},\n  address = {{{city}}},\n  year = {{{year}}},\n}}\n")
        keys.append(key)
    return "\n".join(entries), keys


def chapter_text(w: Writer, number: int, words: int) -> str:
    """One chapter of about `words` words of prose, with a citation every ~70 words."""
    rng = w.rng
    out = [f"# {w.title(rng.randint(2, 4))}", ""]
    recent: list[str] = []
    notes: list[str] = []
    written, since_heading, table_at = 0, 0, words // 2
    while written < words:
        if since_heading > 1200 and words - written > 300:
            out += [f"## {w.title(rng.randint(2, 5))}", ""]
            since_heading = 0
        if table_at is not None and written >= table_at:
            out += table(w, number)
            table_at = None
        sentences, para_words = [], 0
        for i in range(rng.randint(3, 7)):
            s = w.sentence(chinese=written == 0 and i == 1)  # every chapter has some Chinese
            para_words += len(s.split())
            if rng.random() < 0.45:
                s = s[:-1] + "." + w.citation(recent)
            elif rng.random() < 0.06 or (not notes and written == 0):
                label = len(notes) + 1
                s += f"[^{label}]"
                notes.append(f"[^{label}]: {w.sentence()} {w.sentence()}"
                             + (f" {w.citation(recent)}" if rng.random() < 0.5 else ""))
            sentences.append(s)
        out += [" ".join(sentences), ""]
        written += para_words
        since_heading += para_words
    out += [*notes, ""] if notes else []
    return "\n".join(out)


def table(w: Writer, number: int) -> list[str]:
    rng = w.rng
    rows = ["| Year | Product | Units (thousands) | Note |", "| ---: | :--- | ---: | :--- |"]
    for i in range(rng.randint(4, 7)):
        rows.append(f"| {2010 + i} | {w.title(2)} | {rng.randint(10, 9000):,} | {' '.join(w.words(3))} |")
    return rows + ["", f": Shipments by year, table {number}.", ""]


def generate(out: Path, chapters: int, words: int, seed: int = 7) -> Path:
    """Write the book into `out` (replacing anything there) and return it."""
    rng = random.Random(f"{seed}-{chapters}-{words}")
    if out.exists():
        shutil.rmtree(out)
    (out / "chapters").mkdir(parents=True)
    bib, keys = bibliography(rng, max(12, chapters * 6))
    writer = Writer(rng, keys)
    texts = [chapter_text(writer, n, words) for n in range(1, chapters + 1)]
    cited = {k for t in texts for k in keys if f"@{k}" in t}
    missing = [k for k in keys if k not in cited]
    if missing:  # every entry cited, so `check --strict` stays clean
        texts[-1] = texts[-1].rstrip("\n") + "\n\nFurther reading: " + "; ".join(f"[@{k}]" for k in missing) + ".\n"
    for n, text in enumerate(texts, start=1):
        (out / "chapters" / f"{n:02d}-chapter.md").write_text(text, encoding="utf-8")
    (out / "bibliography.bib").write_text(bib, encoding="utf-8")
    (out / "book.yaml").write_text(
        f"title: Synthetic Book of {chapters} Chapters\n"
        f"subtitle: {chapters} × {words} Words\n"
        "author: Bench Author\n"
        "lang: en-US\n"
        "date: 2026-01-01\n"
        "publisher: Benchmark Press\n"
        "pdf: {trim: 6x9in}\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="book folder to write (replaced if it exists)")
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--words", type=int, default=3000, help="words of prose per chapter")
    parser.add_argument("--pages", type=int, choices=sorted(SIZES),
                        help="a named size instead of --chapters/--words")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    chapters, words = SIZES[args.pages] if args.pages else (args.chapters, args.words)
    generate(args.out, chapters, words, args.seed)
    print(f"wrote {args.out}: {chapters} chapters × {words} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
