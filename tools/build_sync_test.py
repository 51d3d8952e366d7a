#!/usr/bin/python3
"""The CMake build is generated from the Bazel one and cannot drift from it.

1. `tools/gen_cmake.py --check` on the checked-in files: every generated file (each package's
   CMakeLists.txt, cmake/copts.cmake, cmake/packages.cmake) is what the BUILD files generate.
2. On a copy of those files, that the check fails on a hand edit of a generated file and on a
   BUILD edit that was not regenerated, and that regenerating repairs both.
3. The experiment binaries get the --study/--row/--out of //study:experiment.bzl (a drift the
   hand-written CMake files had).

Run by `bazel test //tools:build_sync_test` and by ctest, from the runfiles or build tree: the
files it reads are its data. A package whose BUILD file is not in that data is missing from the
generated cmake/packages.cmake here, so the check names it.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

INPUTS = re.compile(r"^(BUILD|WORKSPACE|CMakeLists\.txt|.*\.bzl|cmake/.*\.cmake|tools/(gen_cmake|bazel_build)\.py)$")


def gen(root, *args):
    return subprocess.run([sys.executable, os.path.join(root, "tools", "gen_cmake.py"), "--root", root,
                           *args], capture_output=True, text=True, check=False)


def copy_inputs(src, dst):
    """The generator's inputs and outputs, as plain files (no links into the checkout)."""
    for directory, subdirectories, files in os.walk(src):
        subdirectories[:] = [d for d in subdirectories if not d.startswith((".", "_", "bazel-"))
                             and not os.path.exists(os.path.join(directory, d, "CMakeCache.txt"))]
        for name in files:
            rel = os.path.relpath(os.path.join(directory, name), src)
            if INPUTS.match(name) or INPUTS.match(rel):
                os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
                shutil.copyfile(os.path.join(directory, name), os.path.join(dst, rel))


def main():
    problems = []
    result = gen(".", "--check")
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
        print("(in a test: a package missing from cmake/packages.cmake here may be missing from "
              "the data of //tools:build_sync_test)", file=sys.stderr)
        return 1
    print(result.stdout.strip())

    with tempfile.TemporaryDirectory(dir=os.environ.get("TEST_TMPDIR")) as tmp:
        copy_inputs(".", tmp)
        if (r := gen(tmp, "--check")).returncode != 0:
            problems.append(f"the copy does not check: {r.stdout}{r.stderr}")
        target = os.path.join(tmp, "losses", "CMakeLists.txt")
        with open(target) as f:
            text = f.read()
        with open(target, "w") as f:
            f.write(text.replace("    losses_weighted_sum\n", "", 1))
        r = gen(tmp, "--check")
        if r.returncode != 1 or "losses/CMakeLists.txt" not in r.stderr or "+    losses_weighted_sum" not in r.stdout:
            problems.append(f"a hand edit of losses/CMakeLists.txt passed the check: {r.returncode} {r.stderr}")
        with open(os.path.join(tmp, "optim", "BUILD"), "a") as f:
            f.write('\ncc_library(\n    name = "new_kernel",\n    hdrs = ["new_kernel.h"],\n)\n')
        r = gen(tmp, "--check")
        if r.returncode != 1 or "optim/CMakeLists.txt" not in r.stderr:
            problems.append(f"a BUILD target missing from optim/CMakeLists.txt passed: {r.stderr}")
        if (r := gen(tmp)).returncode != 0 or (r := gen(tmp, "--check")).returncode != 0:
            problems.append(f"regenerating did not repair the copy: {r.stdout}{r.stderr}")
        with open(os.path.join(tmp, "optim", "CMakeLists.txt")) as f:
            if "  NAME new_kernel\n" not in f.read():
                problems.append("the regenerated optim/CMakeLists.txt lacks new_kernel")

    with open("study/experiments/CMakeLists.txt") as f:
        binaries = re.findall(r"^nerve_cc_binary\(\n  NAME (\w+)\n(.*?)^\)", f.read(), re.S | re.M)
    if not binaries:
        problems.append("study/experiments/CMakeLists.txt has no binaries")
    for name, body in binaries:
        for flag in ("--study=study/studies/", "--row=", f"--out=results/experiments/{name}\n"):
            if flag not in body.replace('"', ""):
                problems.append(f"study/experiments:{name} lacks {flag.strip()} in its ARGS")

    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        return 1
    print("PASS: the check fails on a hand edit and on a stale BUILD edit; the experiments get their args")
    return 0


if __name__ == "__main__":
    sys.exit(main())
