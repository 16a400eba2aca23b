#!/usr/bin/env python3
"""Writes the 3,000-sentence real corpus the embedding benchmark reads (Docs/BENCHMARKS.md).

    python3 Scripts/make-corpus.py            # → Assets/corpus/real-3000.txt
    python3 Scripts/make-corpus.py --check    # verify the file is there and as this script writes it

One sentence per line, UTF-8, "\\n" line ends, no blank lines:
  1. every WNUT-16 tweet of Assets/wnut16/ner.txt (CoNLL: one "token<TAB>tag" per line, a line with an
     empty token ends a tweet), in file order, tokens joined by single spaces: 2,394 lines;
  2. then ATIS sentences from Assets/atis/test ("word:TAG word:TAG … <=> intent"), words joined by
     spaces, taken at evenly spaced positions (index ⌊i·893/606⌋ for i = 0…605) so that the
     sample spans the whole file: 606 lines, 3,000 in all.
Standard library only, no randomness: the same assets give the same bytes (the script prints
their sha256). The output lives in the git-ignored Assets/ folder, is written to a temporary
file first and renamed; with --out it refuses to replace an existing file (only the default
path, which this script owns, is rewritten).
"""
import argparse
import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WNUT = os.path.join(ROOT, "Assets/wnut16/ner.txt")
ATIS = os.path.join(ROOT, "Assets/atis/test")
OUT = os.path.join(ROOT, "Assets/corpus/real-3000.txt")
TOTAL = 3000


def fail(message):
    print(f"make-corpus: {message}", file=sys.stderr)
    sys.exit(1)


def read_lines(path):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read().split("\n")
    except OSError as e:
        fail(f"{path}: cannot read ({e.strerror}); run Scripts/fetch-assets.sh first")
    except UnicodeDecodeError as e:
        fail(f"{path}: not UTF-8 ({e.reason} at byte {e.start})")


def tweets(path):
    result, words = [], []
    for number, line in enumerate(read_lines(path), 1):
        line = line.rstrip("\r")
        token = line.split("\t", 1)[0].strip()
        if token:
            if "\t" not in line:
                fail(f"{path}:{number}: expected 'token<TAB>tag', got {line[:60]!r}")
            words.append(token)
        elif words:
            result.append(" ".join(words))
            words = []
    if words:
        result.append(" ".join(words))
    return result


def atis_sentences(path):
    result = []
    for number, line in enumerate(read_lines(path), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if " <=> " not in line:
            fail(f"{path}:{number}: expected 'word:TAG … <=> intent', got {line[:60]!r}")
        pairs = line.split(" <=> ", 1)[0].split()
        words = [p.rsplit(":", 1)[0] for p in pairs]
        if not all(words):
            fail(f"{path}:{number}: a 'word:TAG' pair has an empty word")
        result.append(" ".join(words))
    return result


def corpus():
    first = tweets(WNUT)
    if len(first) >= TOTAL:
        fail(f"{WNUT}: {len(first)} tweets, expected fewer than {TOTAL}")
    atis = atis_sentences(ATIS)
    need = TOTAL - len(first)
    if len(atis) < need:
        fail(f"{ATIS}: {len(atis)} sentences, need {need}")
    second = [atis[i * len(atis) // need] for i in range(need)]
    lines = first + second
    if any("\n" in s or "\r" in s or not s.strip() for s in lines):
        fail("internal: a corpus line is blank or holds a line break")
    return lines, len(first), len(second)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=OUT, help="file to write (default Assets/corpus/real-3000.txt)")
    parser.add_argument("--check", action="store_true", help="only verify that --out holds what this script writes")
    args = parser.parse_args()
    lines, n_wnut, n_atis = corpus()
    data = ("\n".join(lines) + "\n").encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        try:
            with open(args.out, "rb") as f:
                same = f.read() == data
        except OSError as e:
            fail(f"{args.out}: cannot read ({e.strerror}); run Scripts/make-corpus.py")
        if not same:
            fail(f"{args.out}: differs from what Scripts/make-corpus.py writes; rerun it")
        print(f"make-corpus: {args.out} is up to date (sha256 {digest})")
        return
    if os.path.isdir(args.out):
        fail(f"{args.out}: is a directory")
    if os.path.lexists(args.out) and os.path.abspath(args.out) != OUT:
        fail(f"{args.out}: already exists; refusing to replace a file make-corpus did not write")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    print(f"make-corpus: wrote {args.out}: {len(lines)} sentences ({n_wnut} WNUT-16 tweets, "
          f"{n_atis} ATIS test sentences), {len(data)} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
