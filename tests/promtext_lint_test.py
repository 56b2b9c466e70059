#!/usr/bin/env python3
"""The textfile validator itself: it passes a good file and fails each kind of bad one, so
that a test built on it can fail (meson test suite unit, `promtext_lint`)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import promtext_lint  # noqa: E402

GOOD = """# HELP hostnet_a A thing, with a \\\\ and a \\n.
# TYPE hostnet_a gauge
hostnet_a{check="x \\"y\\" \\\\ z\\n",other="caf\u00e9"} 1
hostnet_a{check="w"} NaN
# a plain comment
# HELP hostnet_b B
# TYPE hostnet_b gauge
hostnet_b -1.5e3

hostnet_b{x="1",} +Inf
"""

BAD = {
    "no final line feed": GOOD.rstrip("\n"),
    "bad metric name": GOOD.replace("hostnet_b -1.5e3", "1hostnet_b 1"),
    "bad label name": GOOD.replace('{check="w"}', '{9check="w"}'),
    "reserved label name": GOOD.replace('{check="w"}', '{__name="w"}'),
    "bad escape": GOOD.replace('{check="w"}', '{check="\\t"}'),
    "unterminated value": GOOD.replace('{check="w"} NaN', '{check="w} NaN'),
    "value not a float": GOOD.replace("-1.5e3", "1,5"),
    "a timestamp": GOOD.replace("-1.5e3", "1 1733456789000"),
    "two TYPE lines": GOOD.replace("# TYPE hostnet_b gauge", "# TYPE hostnet_b gauge\n# TYPE hostnet_b gauge"),
    "two HELP lines": GOOD.replace("# HELP hostnet_b B", "# HELP hostnet_b B\n# HELP hostnet_b C"),
    "TYPE after a sample": GOOD.replace("# TYPE hostnet_b gauge\nhostnet_b -1.5e3", "hostnet_b -1.5e3\n# TYPE hostnet_b gauge"),
    "bad type": GOOD.replace("hostnet_b gauge", "hostnet_b meter"),
    "family split": GOOD + "hostnet_a{check=\"v\"} 2\n",
    "same labels twice": GOOD.replace('{check="w"}', '{check="x \\"y\\" \\\\ z\\n",other="caf\u00e9"}'),
    "sample before HELP and TYPE (prefix)": GOOD + "hostnet_c 1\n",
    "name without the prefix": GOOD + "# HELP other_c C\n# TYPE other_c gauge\nother_c 1\n",
    "not UTF-8": GOOD.replace("caf\u00e9", "caf\udce9"),
    "no value": GOOD.replace("hostnet_b -1.5e3", "hostnet_b"),
}


def main():
    failed = 0
    samples = [promtext_lint.show(*s) for s in promtext_lint.lint(GOOD.encode(), "hostnet_")]
    if samples != ['hostnet_a{check="x \\"y\\" \\\\ z\\n",other="caf\u00e9"} 1.0', 'hostnet_a{check="w"} NaN',
                   "hostnet_b -1500.0", 'hostnet_b{x="1"} inf']:
        print(f"not ok - good file: samples {samples}")
        failed += 1
    else:
        print("ok - good file")
    for name, text in BAD.items():
        try:
            # The format's own rules alone, but for the two cases of hostnet's stricter ones.
            prefix = "hostnet_" if "prefix" in name else None
            promtext_lint.lint(text.encode("utf-8", "surrogateescape"), prefix)
            print(f"not ok - {name}: accepted")
            failed += 1
        except promtext_lint.Bad as e:
            print(f"ok - {name}: {e}")
    print(f"{len(BAD) + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
