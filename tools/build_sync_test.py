#!/usr/bin/python3
"""The Bazel and CMake builds cannot drift apart: per package, both must define the same targets
(kind and name) from the same source and data files, and use the same compiler flags.

Run by `bazel test //tools:build_sync_test` and by ctest; arguments are the packages' directories,
and the files are read relative to the current directory (the runfiles or build tree).
"""
import re
import sys

FILE = re.compile(r"^[\w./*-]+\.(cc|h|proto|sh|py|textproto|lock)$")
# Bazel rule kind -> the CMake function that mirrors it.
KINDS = {
    "cc_library": "nerve_cc_library",
    "cc_binary": "nerve_cc_binary",
    "nerve_experiment": "nerve_cc_binary",
    "cc_test": "nerve_cc_test",
    "sh_test": "nerve_sh_test",
    "cc_proto_library": "nerve_cc_proto_library",
}


def normalise(package, name):
    """A file as a path from the workspace root; //pkg:file and //pkg/file both work."""
    if name.startswith("//"):
        return name[2:].replace(":", "/")
    return f"{package}/{name}" if package else name


def bazel(package, text):
    files, targets, kind = set(), set(), None
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        if m := re.match(r"^([a-z_]+)\(", line):
            kind = m.group(1)
        if kind in KINDS and (m := re.match(r'^\s+name = "([^"]+)"', line)):
            targets.add(f"{KINDS[kind]} {m.group(1)}")
        if kind in ("exports_files", "proto_lang_toolchain"):
            continue
        for s in re.findall(r'"([^"]+)"', line):
            if FILE.match(s.replace("//", "").replace(":", "/")) and "=" not in s:
                files.add(normalise(package, s))
    return files, targets


def cmake(package, text):
    files, targets, kind = set(), set(), None
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        if m := re.match(r"^(nerve_[a-z_]+)\(", line):
            kind = m.group(1)
        if kind and (m := re.match(r"^\s+NAME (\S+)", line)):
            targets.add(f"{kind} {m.group(1)}")
        for s in line.split():
            if FILE.match(s.replace("//", "")):
                files.add(normalise(package, s))
    return files, targets


def flag_lists(text, pattern):
    return {m.group(1): re.findall(r'"?(-[\w=-]+)"?', m.group(2)) for m in re.finditer(pattern, text, re.S | re.M)}


def main(packages):
    problems = []
    for package in packages:
        prefix = f"{package}/" if package else ""
        with open(f"{prefix}BUILD") as f:
            b_files, b_targets = bazel(package, f.read())
        with open(f"{prefix}CMakeLists.txt") as f:
            c_files, c_targets = cmake(package, f.read())
        for what, b, c in (("target", b_targets, c_targets), ("file", b_files, c_files)):
            for x in sorted(b - c):
                problems.append(f"{prefix}CMakeLists.txt lacks {what} {x} (in {prefix}BUILD)")
            for x in sorted(c - b):
                problems.append(f"{prefix}BUILD lacks {what} {x} (in {prefix}CMakeLists.txt)")
    with open("CMakeLists.txt") as f:
        subdirectories = re.findall(r"^add_subdirectory\((\S+)\)", f.read(), re.M)
    if sorted(subdirectories) != sorted(packages):
        problems.append(f"CMakeLists.txt adds {subdirectories}, the test checks {packages}")
    with open("copts.bzl") as f:
        bzl = flag_lists(f.read(), r"^(NERVE_\w+) = (?:NERVE_COPTS \+ )?\[(.*?)\]")
    with open("cmake/NerveMtl.cmake") as f:
        cm = flag_lists(f.read(), r"^set\((NERVE_\w+) (?:\$\{NERVE_COPTS\} )?(.*?)\)")
    if bzl != cm or not bzl:
        problems.append(f"compiler flags differ: copts.bzl {bzl}, cmake/NerveMtl.cmake {cm}")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print(f"PASS: {len(packages)} packages list the same targets, files and flags")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
