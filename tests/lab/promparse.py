#!/usr/bin/env python3
"""promparse.py - a strict parser of the Prometheus text exposition format
(0.0.4), for testing meetgate's metrics endpoint.

    promparse.py FILE|-            validate; print "N families, M samples"
    import promparse; promparse.parse(text) -> {(name, labels_tuple): value}

Every line must be a HELP or TYPE comment, another comment, or a sample;
names and label names match the format's regexes; label values are quoted
with only the \\\\, \\" and \\n escapes; values are Go floats (NaN, +Inf,
-Inf included); a family has at most one HELP and one TYPE, its TYPE comes
before its samples, its samples are contiguous; no sample repeats; the text
ends with a newline.  Histograms: per label set, _bucket lines with an
le label in increasing order whose counts never decrease, an le="+Inf"
bucket equal to _count, and a _sum.  Raises ValueError naming the line.
"""
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
FLOAT = re.compile(r"[+-]?(?:Inf|NaN|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")


def parse_float(s, where):
    if not FLOAT.fullmatch(s):
        raise ValueError(f"{where}: bad value {s!r}")
    return float(s.replace("Inf", "inf").replace("NaN", "nan"))


def parse_labels(s, i, where):
    """s[i] is '{': returns (tuple of (name, value)), index after '}'."""
    labels = []
    i += 1
    while True:
        if s[i:i + 1] == "}":
            return tuple(labels), i + 1
        m = LABEL.match(s, i)
        if not m:
            raise ValueError(f"{where}: bad label name at column {i}")
        name = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            raise ValueError(f"{where}: expected =\" after label {name}")
        i += 2
        val = []
        while True:
            if i >= len(s):
                raise ValueError(f"{where}: unterminated label value")
            c = s[i]
            if c == "\\":
                e = s[i + 1:i + 2]
                if e not in ("\\", '"', "n"):
                    raise ValueError(f"{where}: bad escape \\{e}")
                val.append("\n" if e == "n" else e)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise ValueError(f"{where}: newline in label value")
            else:
                val.append(c)
                i += 1
        if name in (n for n, _ in labels):
            raise ValueError(f"{where}: label {name} twice")
        labels.append((name, "".join(val)))
        if s[i:i + 1] == ",":
            i += 1
        elif s[i:i + 1] != "}":
            raise ValueError(f"{where}: expected , or }} after label {name}")


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            if types.get(base) in ("histogram", "summary"):
                return base
    return name


def check_histograms(samples, types):
    for fam, t in types.items():
        if t != "histogram":
            continue
        groups = {}
        for (name, labels), v in samples.items():
            if family_of(name, types) != fam:
                continue
            rest = tuple(l for l in labels if l[0] != "le")
            g = groups.setdefault(rest, {"buckets": [], "sum": None, "count": None})
            if name == fam + "_bucket":
                le = dict(labels).get("le")
                if le is None:
                    raise ValueError(f"{fam}: bucket without le")
                g["buckets"].append((parse_float(le, fam + " le"), v))
            elif name == fam + "_sum":
                g["sum"] = v
            elif name == fam + "_count":
                g["count"] = v
            else:
                raise ValueError(f"{fam}: sample {name} in a histogram")
        if not groups:
            raise ValueError(f"{fam}: histogram without samples")
        for rest, g in groups.items():
            b = g["buckets"]  # in the order of the text
            if not b or b[-1][0] != math.inf:
                raise ValueError(f"{fam}{rest}: last bucket is not le=\"+Inf\"")
            for (l0, c0), (l1, c1) in zip(b, b[1:]):
                if not l1 > l0:
                    raise ValueError(f"{fam}{rest}: le not increasing ({l0}, {l1})")
                if c1 < c0:
                    raise ValueError(f"{fam}{rest}: bucket counts decrease ({c0}, {c1})")
            if g["count"] is None or g["sum"] is None:
                raise ValueError(f"{fam}{rest}: _count or _sum missing")
            if g["count"] != b[-1][1]:
                raise ValueError(f"{fam}{rest}: _count {g['count']} != +Inf bucket {b[-1][1]}")


def parse(text):
    if text and not text.endswith("\n"):
        raise ValueError("the text does not end with a newline")
    samples, types, helps = {}, {}, set()
    done, current = set(), None  # families whose samples ended, the one going on
    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = f"line {n}"
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not NAME.fullmatch(name):
                    raise ValueError(f"{where}: bad metric name {name!r}")
                if name in done or name == current:
                    raise ValueError(f"{where}: {parts[1]} of {name} after its samples")
                if parts[1] == "HELP":
                    if name in helps:
                        raise ValueError(f"{where}: second HELP for {name}")
                    helps.add(name)
                else:
                    if len(parts) != 4 or parts[3] not in TYPES:
                        raise ValueError(f"{where}: bad TYPE line")
                    if name in types:
                        raise ValueError(f"{where}: second TYPE for {name}")
                    types[name] = parts[3]
            continue
        if line == "":
            raise ValueError(f"{where}: empty line")
        m = NAME.match(line)
        if not m:
            raise ValueError(f"{where}: bad metric name")
        name, i = m.group(0), m.end()
        labels = ()
        if line[i:i + 1] == "{":
            labels, i = parse_labels(line, i, where)
        if line[i:i + 1] != " ":
            raise ValueError(f"{where}: expected one space before the value")
        fields = line[i + 1:].split(" ")
        if len(fields) not in (1, 2) or "" in fields:
            raise ValueError(f"{where}: expected a value and at most a timestamp")
        v = parse_float(fields[0], where)
        if len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1]):
            raise ValueError(f"{where}: bad timestamp")
        fam = family_of(name, types)
        if fam != current:
            if fam in done:
                raise ValueError(f"{where}: samples of {fam} not together")
            if current is not None:
                done.add(current)
            current = fam
        if fam not in types:
            raise ValueError(f"{where}: {name} has no TYPE line before it")
        key = (name, tuple(sorted(labels)))
        if key in samples:
            raise ValueError(f"{where}: repeated sample {name}{labels}")
        samples[key] = v
    check_histograms(samples, types)
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


if __name__ == "__main__":
    src = sys.stdin if sys.argv[1:] in ([], ["-"]) else open(sys.argv[1])
    try:
        s = parse(src.read())
    except ValueError as e:
        print(f"invalid: {e}")
        sys.exit(1)
    print(f"{len({family_of(n, {}) for n, _ in s})} names, {len(s)} samples")
