#!/usr/bin/python3
"""No package depends on a package above it: the floors of docs/DESIGN.md §2, held by the build.

The floors are read from the diagram in docs/DESIGN.md §2 (one line per floor, the lowest
first), so the document and this test cannot disagree. Every rule of a package on a floor may
depend only on its own package (top-level directory) and on packages of lower floors: a
`cc_library`, `cc_test`, `proto_library` or `sh_test` whose `deps` or `data` reach up or sideways
fails; plain files in `data` (committed study files a test reads) are not code and do not count.
`cc_binary` rules are exempt (their `main()` wires the floors together). Packages outside
the diagram (the tools, reference tests and deployment files) must be listed in TOP.

A header can only be included through a dependency that provides it, so the dependency graph is
what keeps includes on their floors. The test also shows that it fails on an upward and on a
sideways dependency added to the rules it read.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
from bazel_build import Workspace, split_label  # noqa: E402

DESIGN = "docs/DESIGN.md"
TOP = {"", "deploy", "tests", "tools"}  # above every floor
CHECKED = ("cc_library", "cc_test", "proto_library", "cc_proto_library", "sh_test")


def read_floors(path):
    """{top-level package: floor}, floor 0 the lowest, from the diagram under "## 2."."""
    with open(path) as f:
        text = f.read()
    section = re.search(r"^## 2\..*?^```\n(.*?)^```", text, re.S | re.M)
    if not section:
        raise SystemExit(f"{path}: no diagram under '## 2.'")
    lines = [line for line in section.group(1).splitlines() if line and not line[0].isspace()]
    floors = {}
    for floor, line in enumerate(lines):
        for name in re.split(r"\s{3,}", line, maxsplit=1)[0].split():
            if not name.endswith("/"):
                raise SystemExit(f"{path}: '{name}' in the floor diagram is not a package/")
            floors[name[:-1]] = floor
    return floors


def top(package):
    return package.split("/", 1)[0]


def violations(rules, floors):
    known = {(rule.package, rule.name) for rule in rules}
    problems = []
    for rule in rules:
        if rule.kind == "cc_binary":
            continue
        own = top(rule.package)
        if own not in floors:
            if own not in TOP:
                problems.append(f"{rule.where}: package {rule.package}/ is on no floor of {DESIGN} §2")
            continue
        if rule.kind not in CHECKED:
            continue
        for key in ("deps", "data"):
            for label in rule.attrs.get(key, []):
                repo, package, name = split_label(rule.package, label)
                other = top(package)
                if repo or other == own or other not in floors:
                    continue
                if key == "data" and (package, name) not in known:
                    continue  # a file, not a target
                if floors[other] >= floors[own]:
                    where = "above" if floors[other] > floors[own] else "beside"
                    problems.append(f"{rule.where}: {rule.kind} {rule.name} ({own}/, floor "
                                    f"{floors[own]}) depends on {label}, a package {where} it "
                                    f"(floor {floors[other]})")
    return problems


class Fake:
    def __init__(self, kind, package, name, deps):
        self.kind, self.package, self.name = kind, package, name
        self.attrs = {"deps": deps}
        self.where = f"{package}/BUILD (added by the test)"


def main():
    floors = read_floors(DESIGN)
    for expected in ("common", "trial", "reports", "study"):
        if expected not in floors:
            print(f"{DESIGN} §2: no floor for {expected}/ (floors read: {floors})", file=sys.stderr)
            return 1
    ws = Workspace(".", {})
    ws.read()
    rules = list(ws.rules.values())
    problems = violations(rules, floors)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    # The check itself: an upward and a sideways dependency must each be caught.
    up = Fake("cc_library", "trial", "upward", ["//study:spec"])
    side = Fake("cc_test", "losses", "sideways", ["//data:example"])
    caught = violations(rules + [up, side], floors)
    if len(caught) != 2 or "above" not in caught[0] or "beside" not in caught[1]:
        print(f"the check missed an added upward or sideways dependency: {caught}", file=sys.stderr)
        return 1
    print(f"{len(rules)} rules of {len(ws.packages)} packages keep to {len(set(floors.values()))} floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
