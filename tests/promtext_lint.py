#!/usr/bin/env python3
"""promtext_lint.py FILE [PREFIX] - check FILE by the rules of the Prometheus text exposition
format 0.0.4 as node_exporter's textfile collector reads it, and print its samples.

Exit 0 with one line per sample on stdout, "NAME{LABELS} VALUE" (labels sorted and escaped
as in the format, values as the floats they parse to: 0.0, NaN, inf), or exit 1 with "FILE:LINE: what is wrong" on stderr.

Rules: lines end with a line feed (the last one too); "# HELP NAME TEXT" and "# TYPE NAME
TYPE" at most once per family, before its first sample; a family's lines are together;
metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]* not starting with
"__"; label values in double quotes with only \\\\, \\" and \\n escaped, valid UTF-8; one
sample per label set; values parse as floats (NaN, +Inf, -Inf included); no timestamp (the
textfile collector refuses them). Stricter for hostnet's files: with PREFIX every name starts
with it, and every family has both HELP and TYPE.
"""
import math
import re
import sys

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}


class Bad(Exception):
    pass


def parse_value(s):
    if s in ("NaN", "+Inf", "-Inf", "Inf"):
        return float(s.replace("Inf", "inf").replace("NaN", "nan"))
    if not FLOAT.match(s):
        raise Bad(f"value '{s}' is not a float")
    return float(s)


def parse_labels(text, i):
    """text[i] is '{'. Returns (labels, index after '}')."""
    labels = {}
    i += 1
    while True:
        if text[i:i + 1] == "}":
            return labels, i + 1
        m = LABEL.match(text, i)
        if not m:
            raise Bad(f"bad label name at column {i + 1}")
        name = m.group()
        if name.startswith("__"):
            raise Bad(f"label name '{name}' is reserved")
        if name in labels:
            raise Bad(f"label '{name}' twice")
        i = m.end()
        if text[i:i + 2] != '="':
            raise Bad(f"expected =\" after label '{name}'")
        i += 2
        value = []
        while True:
            if i >= len(text):
                raise Bad(f"label '{name}': unterminated value")
            c = text[i]
            if c == "\\":
                nxt = text[i + 1:i + 2]
                if nxt not in ("\\", '"', "n"):
                    raise Bad(f"label '{name}': bad escape \\{nxt}")
                value.append("\n" if nxt == "n" else nxt)
                i += 2
            elif c == '"':
                i += 1
                break
            elif c == "\n":
                raise Bad(f"label '{name}': raw line feed")
            else:
                value.append(c)
                i += 1
        labels[name] = "".join(value)
        if text[i:i + 1] == ",":
            i += 1
        elif text[i:i + 1] != "}":
            raise Bad(f"expected , or }} after label '{name}'")


def escape(v):
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def show(name, labels, value):
    """One sample as a line: labels sorted and escaped as in the format."""
    lab = ",".join(f'{k}="{escape(v)}"' for k, v in sorted(labels.items()))
    shown = "NaN" if math.isnan(value) else repr(value)
    return f"{name}{{{lab}}} {shown}" if lab else f"{name} {shown}"


def family_of(name, types):
    for fam, typ in types.items():
        if any(name == fam + s for s in SUFFIXES.get(typ, ())):
            return fam
    return name


def lint(data, prefix):
    """The samples of data (bytes) as (name, labels, value), or Bad("LINE: why")."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Bad(f"not UTF-8 (byte {e.start})") from None
    if text and not text.endswith("\n"):
        raise Bad("the last line does not end with a line feed")
    helps, types, seen, done, samples = {}, {}, {}, set(), []
    current = None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        try:
            if line.strip() == "":
                continue
            if line.startswith("#"):
                parts = line.split(" ", 3)
                if len(parts) < 3 or parts[0] != "#" or parts[1] not in ("HELP", "TYPE"):
                    continue  # a plain comment
                kind, name = parts[1], parts[2]
                if not NAME.fullmatch(name):
                    raise Bad(f"bad metric name '{name}' in {kind}")
                if name in seen:
                    raise Bad(f"{kind} of '{name}' after its first sample")
                if kind == "HELP":
                    if name in helps:
                        raise Bad(f"second HELP for '{name}'")
                    helps[name] = parts[3] if len(parts) > 3 else ""
                    if not re.fullmatch(r"(?:[^\\]|\\[\\n])*", helps[name]):
                        raise Bad(f"HELP of '{name}': bad escape")
                else:
                    if name in types:
                        raise Bad(f"second TYPE for '{name}'")
                    if len(parts) != 4 or parts[3] not in TYPES:
                        raise Bad(f"TYPE of '{name}' is not one of {sorted(TYPES)}")
                    types[name] = parts[3]
                continue
            m = NAME.match(line)
            if not m:
                raise Bad("a sample without a valid metric name")
            name, i = m.group(), m.end()
            labels = {}
            if line[i:i + 1] == "{":
                labels, i = parse_labels(line, i)
            rest = line[i:].split()
            if line[i:i + 1] not in (" ", "\t") or not rest:
                raise Bad(f"'{name}': expected a space and a value")
            if len(rest) > 1:
                raise Bad(f"'{name}': a timestamp or more after the value")
            value = parse_value(rest[0])
            fam = family_of(name, types)
            if fam != current:
                if fam in done or fam in seen:
                    raise Bad(f"family '{fam}' is not in one block")
                if current is not None:
                    done.add(current)
                current = fam
            key = tuple(sorted(labels.items()))
            if key in seen.setdefault(fam, {}).setdefault(name, set()):
                raise Bad(f"'{name}' twice with labels {dict(key)}")
            seen[fam][name].add(key)
            if prefix:
                if not fam.startswith(prefix):
                    raise Bad(f"'{fam}' does not start with {prefix}")
                if fam not in helps or fam not in types:
                    raise Bad(f"'{fam}' has a sample before its HELP and TYPE")
            samples.append((name, labels, value))
        except Bad as e:
            raise Bad(f"{n}: {e}") from None
    return samples


def main():
    if len(sys.argv) not in (2, 3):
        print("usage: promtext_lint.py FILE [PREFIX]", file=sys.stderr)
        return 2
    path = sys.argv[1]
    try:
        with open(path, "rb") as f:
            data = f.read()
        samples = lint(data, sys.argv[2] if len(sys.argv) == 3 else None)
    except Bad as e:
        print(f"{path}:{e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{path}: {e.strerror}", file=sys.stderr)
        return 1
    for name, labels, value in samples:
        print(show(name, labels, value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
