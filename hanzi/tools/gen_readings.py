#!/usr/bin/env python3
"""Generate hanzi/data/readings.txt from the Unicode Han Database (Unihan).

Usage (from the repository root or anywhere):

    python3 hanzi/tools/gen_readings.py [--unihan-dir /usr/share/unicode] [--out hanzi/data/readings.txt]

Input is what Debian's `unicode-data` package installs: Unihan_Readings.txt,
Unihan_OtherMappings.txt and Unihan_DictionaryLikeData.txt, each either plain
or bzip2-compressed (`.bz2`). Only the Python standard library is used.

The output is committed; the crate never reads the Unihan files itself.
"""

import argparse
import bz2
import os
import re
import sys
import unicodedata

FIELDS_READING = ("kMandarin", "kTGHZ2013", "kXHC1983", "kHanyuPinyin")

# Block order doubles as the search order after the 通用规范汉字表 section.
# Keep in sync with `Block` in src/block.rs (the Rust tests check that every
# entry's block sorts consistently with the file order).
BLOCKS = [
    ("Basic", 0x4E00, 0x9FFF),
    ("ExtA", 0x3400, 0x4DBF),
    ("ExtB", 0x20000, 0x2A6DF),
    ("ExtC", 0x2A700, 0x2B73F),
    ("ExtD", 0x2B740, 0x2B81F),
    ("ExtE", 0x2B820, 0x2CEAF),
    ("ExtF", 0x2CEB0, 0x2EBEF),
    ("ExtG", 0x30000, 0x3134F),
    ("ExtH", 0x31350, 0x323AF),
    ("Compatibility", 0xF900, 0xFAFF),
    ("Compatibility", 0x2F800, 0x2FA1F),
]
BLOCK_RANK = {name: i for i, name in enumerate(dict.fromkeys(n for n, _, _ in BLOCKS))}
BLOCK_RANK["Other"] = len(BLOCK_RANK)

# Tone-marked vowels; a bare vowel means the neutral tone. Readings for the
# syllabic nasals and ê use combining marks after NFC (m̄, m̀, ê̄, ê̌), so those
# are validated after stripping marks rather than listed here.
SYLLABLE_RE = re.compile(r"^(?:[a-zü]+|ê|m|n|ng|hm|hng)$")


def block_of(cp):
    for name, lo, hi in BLOCKS:
        if lo <= cp <= hi:
            return name
    return "Other"


def open_unihan(directory, name):
    plain = os.path.join(directory, name)
    if os.path.exists(plain):
        return open(plain, encoding="utf-8")
    if os.path.exists(plain + ".bz2"):
        return bz2.open(plain + ".bz2", "rt", encoding="utf-8")
    sys.exit(f"gen_readings: {plain}[.bz2] not found (apt-get install unicode-data)")


def read_fields(directory, name, wanted):
    """Yield (code point, field, value) and record the Unicode version."""
    version = None
    with open_unihan(directory, name) as f:
        for line in f:
            if line.startswith("#"):
                m = re.match(r"# Unicode version: (\S+)", line)
                if m:
                    version = m.group(1)
                continue
            line = line.rstrip("\n")
            if not line:
                continue
            cp, field, value = line.split("\t", 2)
            if field in wanted:
                yield int(cp[2:], 16), field, value
    read_fields.versions.add(version)


read_fields.versions = set()


def split_readings(field, value):
    if field == "kMandarin":
        return value.split()
    # kTGHZ2013 / kXHC1983 / kHanyuPinyin: "loc[,loc]:r1[,r2] loc:r3 ..."
    out = []
    for item in value.split():
        _, _, readings = item.partition(":")
        out.extend(readings.split(","))
    return out


def check_reading(cp, r):
    base = "".join(
        c for c in unicodedata.normalize("NFD", r) if not unicodedata.combining(c) or c in "\u0308\u0302"
    )
    base = unicodedata.normalize("NFC", base)
    if not SYLLABLE_RE.match(base):
        sys.exit(f"gen_readings: U+{cp:04X} has unexpected reading {r!r}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--unihan-dir", default="/usr/share/unicode")
    ap.add_argument("--out", default=os.path.join(here, "..", "data", "readings.txt"))
    args = ap.parse_args()

    readings = {}  # cp -> {field: [reading, ...]}
    for cp, field, value in read_fields(args.unihan_dir, "Unihan_Readings.txt", set(FIELDS_READING)):
        readings.setdefault(cp, {})[field] = split_readings(field, value)

    tgh = {}
    for cp, _, value in read_fields(args.unihan_dir, "Unihan_OtherMappings.txt", {"kTGH"}):
        # Only the 2013 table exists so far; a later edition would need a decision.
        year, _, number = value.partition(":")
        if year != "2013":
            sys.exit(f"gen_readings: U+{cp:04X} kTGH {value!r}: unknown table edition")
        tgh[cp] = int(number)

    freq = {}
    for cp, _, value in read_fields(args.unihan_dir, "Unihan_DictionaryLikeData.txt", {"kFrequency"}):
        freq[cp] = int(value)

    versions = read_fields.versions - {None}
    if len(versions) != 1:
        sys.exit(f"gen_readings: inconsistent or missing Unicode versions {versions}")
    (version,) = versions

    missing = sorted(cp for cp in tgh if cp not in readings)
    if missing:
        sys.exit("gen_readings: kTGH characters without readings: " + " ".join(f"U+{c:04X}" for c in missing))

    entries = []
    for cp, fields in readings.items():
        # Customary readings are those of the modern standard dictionaries
        # (kMandarin, 通用规范汉字表, 现代汉语词典); kHanyuPinyin (汉语大字典) adds
        # historical ones such as 厂 yán, which must not rank 厂 among "yan".
        # kMandarin's first value is the customary (mainland) reading: it leads.
        customary, other = [], []
        for field in FIELDS_READING:
            for r in fields.get(field, []):
                r = unicodedata.normalize("NFC", r)
                check_reading(cp, r)
                if r not in customary and r not in other:
                    (other if field == "kHanyuPinyin" else customary).append(r)
        if not customary:
            # Two Extension B characters have only kHanyuPinyin; it is all there is.
            customary, other = other, []
        block = block_of(cp)
        if cp in tgh:
            # Within a level the table is ordered by strokes, not use: kFrequency puts
            # 这 before 折 for "zhe", then the table number keeps the order stable.
            number = tgh[cp]
            level = 1 if number <= 3500 else 2 if number <= 6500 else 3
            key = (0, level, freq.get(cp, 6), number)
        elif block == "Basic":
            # Characters without kFrequency are rarer than those with one (1..5).
            key = (1, freq.get(cp, 6), cp)
        else:
            key = (2, BLOCK_RANK[block], cp)
        entries.append((key, cp, customary, other))
    entries.sort()

    lines = [
        f"# Mandarin readings of Han characters, from the Unicode Han Database (Unihan) {version}.",
        "# Generated by: python3 hanzi/tools/gen_readings.py (sources: kMandarin, kTGHZ2013, kXHC1983,",
        "# kHanyuPinyin, kTGH, kFrequency). Do not edit by hand. License: data/LICENSE-UNICODE.",
        "# Line: CODEPOINT(hex) TAB CUSTOMARY [TAB OTHER [TAB TGH]], empty trailing fields omitted.",
        "# CUSTOMARY: space-separated readings from kMandarin (its first value first), kTGHZ2013,",
        "# kXHC1983; OTHER: further readings found only in kHanyuPinyin.",
        "# TGH is the number in the 通用规范汉字表 (2013). Lines are in search-result order:",
        "# TGH by level, kFrequency, then number; other Basic (U+4E00) by kFrequency then code point,",
        "# then Ext A..H,",
        "# Compatibility, Other, each by code point.",
    ]
    for _, cp, customary, other in entries:
        fields = [f"{cp:X}", " ".join(customary), " ".join(other), str(tgh.get(cp, ""))]
        while not fields[-1]:
            fields.pop()
        lines.append("\t".join(fields))

    out = os.path.normpath(args.out)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"gen_readings: wrote {len(entries)} characters ({len(tgh)} in 通用规范汉字表) to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
