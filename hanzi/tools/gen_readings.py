#!/usr/bin/env python3
"""Generate hanzi/data/readings.txt and hanzi/data/radicals.txt from the Unicode Han Database.

Usage (from the repository root or anywhere):

    python3 hanzi/tools/gen_readings.py [--unihan-dir /usr/share/unicode] [--out hanzi/data/readings.txt]
        [--radicals-out hanzi/data/radicals.txt]

Input is what Debian's `unicode-data` package installs: Unihan_Readings.txt,
Unihan_OtherMappings.txt, Unihan_DictionaryLikeData.txt and Unihan_IRGSources.txt
(kTotalStrokes, kRSUnicode), each either plain or bzip2-compressed (`.bz2`), plus
CJKRadicals.txt and EquivalentUnifiedIdeograph.txt. Only the Python standard
library is used.

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


def read_radical_forms(directory, rs):
    """Radical number -> the characters a holder may type for it.

    A radical is named by its Kangxi number (1-214); kRSUnicode writes a simplified
    form as N' (149' is 讠). The forms of N are: the Kangxi Radicals and CJK Radicals
    Supplement characters of N (⽔, ⺡) and the unified ideographs they stand for
    (CJKRadicals.txt, EquivalentUnifiedIdeograph.txt: 水, 氵, 讠, 钅), plus every
    Basic or Extension A character classified under N with no residual strokes or
    fewer (氺 85.0, 王 96.-1), i.e. a variant of the radical itself.
    """
    def radical_of(value):
        # The classification with the fewest residual strokes: 卤 "25.5 197'.0" is 197.
        best = min(value.split(), key=lambda v: int(v.split(".")[1]))
        return int(best.split(".")[0].rstrip("'")), int(best.split(".")[1])

    forms = {}  # number -> [cp, ...] in insertion order

    def add(number, cp):
        forms.setdefault(number, [])
        if cp not in forms[number]:
            forms[number].append(cp)

    with open_unihan(directory, "CJKRadicals.txt") as f:
        radical_chars = {}
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            number, radical, unified = [x.strip() for x in line.split(";")]
            n = int(number.rstrip("'"))
            # The unified ideograph first: it is what the page shows for the radical.
            if unified:
                add(n, int(unified, 16))
            if radical:
                add(n, int(radical, 16))
                radical_chars[int(radical, 16)] = n
    with open_unihan(directory, "EquivalentUnifiedIdeograph.txt") as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            chars, unified = [x.strip() for x in line.split(";")]
            lo, _, hi = chars.partition("..")
            u = int(unified, 16)
            for cp in range(int(lo, 16), int(hi or lo, 16) + 1):
                if not 0x2E80 <= cp <= 0x2FDF:
                    continue  # CJK strokes (U+31C0..) are not radicals
                n = radical_chars.get(cp)
                if n is None:
                    if u not in rs:
                        continue
                    n, _ = radical_of(rs[u])
                add(n, cp)
                add(n, u)
    for cp in sorted(rs):
        if not (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF):
            continue
        n, residual = radical_of(rs[cp])
        if residual <= 0:
            add(n, cp)
    if sorted(forms) != list(range(1, 215)):
        sys.exit("gen_readings: radicals are not exactly 1..214")
    owner = {}
    for n, cps in forms.items():
        for cp in cps:
            if owner.setdefault(cp, n) != n:
                sys.exit(f"gen_readings: U+{cp:04X} is a form of radicals {owner[cp]} and {n}")
    return forms


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
    ap.add_argument("--radicals-out", default=os.path.join(here, "..", "data", "radicals.txt"))
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

    strokes, rs = {}, {}
    for cp, field, value in read_fields(
        args.unihan_dir, "Unihan_IRGSources.txt", {"kTotalStrokes", "kRSUnicode"}
    ):
        if field == "kTotalStrokes":
            # "7 8": the first value is for the mainland (G-source) form, the second for
            # Taiwan's; a holder on the mainland counts the first.
            strokes[cp] = int(value.split()[0])
        else:
            rs[cp] = value

    versions = read_fields.versions - {None}
    if len(versions) != 1:
        sys.exit(f"gen_readings: inconsistent or missing Unicode versions {versions}")
    (version,) = versions

    missing = sorted(cp for cp in tgh if cp not in readings)
    if missing:
        sys.exit("gen_readings: kTGH characters without readings: " + " ".join(f"U+{c:04X}" for c in missing))

    missing = sorted(cp for cp in readings if cp not in strokes or cp not in rs)
    if missing:
        sys.exit("gen_readings: characters without kTotalStrokes/kRSUnicode: " + " ".join(f"U+{c:04X}" for c in missing))
    if not all(1 <= strokes[cp] <= 64 for cp in readings):
        sys.exit("gen_readings: a stroke count outside 1..64")

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
        "# kHanyuPinyin, kTGH, kFrequency, kTotalStrokes, kRSUnicode). Do not edit by hand.",
        "# License: data/LICENSE-UNICODE.",
        "# Line: CODEPOINT(hex) TAB STROKES TAB RADICALS TAB CUSTOMARY [TAB OTHER [TAB TGH]], empty trailing",
        "# fields omitted. STROKES: kTotalStrokes (its first, mainland value). RADICALS: the",
        "# space-separated Kangxi radical numbers of kRSUnicode (212 for both 龍 212 and 龙 212').",
        "# CUSTOMARY: space-separated readings from kMandarin (its first value first), kTGHZ2013,",
        "# kXHC1983; OTHER: further readings found only in kHanyuPinyin.",
        "# TGH is the number in the 通用规范汉字表 (2013). Lines are in search-result order:",
        "# TGH by level, kFrequency, then number; other Basic (U+4E00) by kFrequency then code point,",
        "# then Ext A..H,",
        "# Compatibility, Other, each by code point.",
    ]
    for _, cp, customary, other in entries:
        radicals = list(dict.fromkeys(v.split(".")[0].rstrip("'") for v in rs[cp].split()))
        fields = [
            f"{cp:X}",
            str(strokes[cp]),
            " ".join(radicals),
            " ".join(customary),
            " ".join(other),
            str(tgh.get(cp, "")),
        ]
        while not fields[-1]:
            fields.pop()
        lines.append("\t".join(fields))

    out = os.path.normpath(args.out)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"gen_readings: wrote {len(entries)} characters ({len(tgh)} in 通用规范汉字表) to {out}", file=sys.stderr)

    forms = read_radical_forms(args.unihan_dir, rs)
    lines = [
        f"# Forms of the 214 Kangxi radicals (部首), from the Unicode Han Database (Unihan) {version}",
        "# and the Unicode Character Database (CJKRadicals.txt, EquivalentUnifiedIdeograph.txt).",
        "# Generated by: python3 hanzi/tools/gen_readings.py. Do not edit by hand.",
        "# License: data/LICENSE-UNICODE.",
        "# Line: NUMBER TAB FORMS TAB GLYPHS. FORMS: space-separated hex code points, the radical's",
        "# unified ideograph first (水), then its Kangxi Radicals character (⽔), its simplified form,",
        "# CJK Radicals Supplement characters and the unified ideographs they stand for (⺡ 氵),",
        "# and other variants with no residual strokes (氺). GLYPHS: the same as text, for",
        "# reading this file only (the code reads FORMS).",
    ]
    for n in range(1, 215):
        cps = forms[n]
        lines.append(f"{n}\t{' '.join(f'{cp:X}' for cp in cps)}\t{' '.join(chr(cp) for cp in cps)}")
    out = os.path.normpath(args.radicals_out)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"gen_readings: wrote {sum(map(len, forms.values()))} forms of 214 radicals to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
