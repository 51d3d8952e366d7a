"""Reads a Bazel workspace's BUILD files as Bazel would, for tools/gen_cmake.py.

Each package's BUILD file (and the .bzl files it loads) is evaluated with stand-in rule functions
that record every rule (Rule: kind, package, attributes, where it is written); WORKSPACE names
the external repositories. Python 3 standard library only.
"""
import os
import re
import sys

class Error(Exception):
    pass


class Glob(list):
    """glob(): its patterns, expanded only where CMake cannot glob (nowhere yet)."""


class Rule:
    def __init__(self, kind, package, attrs, where):
        self.kind = kind
        self.package = package
        self.name = attrs.pop("name")
        self.attrs = attrs
        self.where = where

    def take(self, key, default=None):
        return self.attrs.pop(key, default)


def split_label(package, label):
    """(repository, package, name) of a label written in `package`; repository "" is ours."""
    repo = ""
    if label.startswith("@"):
        repo, _, label = label.partition("//")
        if not label:  # "@libtorch" is "@libtorch//:libtorch"
            return repo, "", repo[1:]
        label = "//" + label
    if label.startswith("//"):
        pkg, _, name = label[2:].partition(":")
        return repo, pkg, name or pkg.rsplit("/", 1)[-1]
    return repo, package, label[1:] if label.startswith(":") else label


class Workspace:
    """Evaluates BUILD and .bzl files under `root` as Bazel would, with stand-in rules."""

    def __init__(self, root, external):
        self.root = root
        self.packages = {}  # package -> [Rule] in BUILD order
        self.loaded = {}  # .bzl label -> its globals
        self.copts = {}  # copts.bzl list name -> list
        self.external = dict(external)  # @repo//:target -> CMake targets; WORKSPACE adds Abseil's
        self._package = None
        self._where = None
        self._read_workspace()

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def _exec(self, path, env):
        with open(path) as f:
            code = compile(f.read(), path, "exec")
        exec(code, env)  # pylint: disable=exec-used

    def _read_workspace(self):
        """Abseil's Bazel targets as pkg-config names them (absl_status -> absl::status)."""
        repos = {}

        def record(**kwargs):
            repos[kwargs.get("name")] = kwargs

        env = {"__builtins__": __builtins__, "load": lambda *a, **k: None}
        for rule in ("workspace", "local_repository", "new_local_repository", "debian_lock",
                     "pkg_config_repository"):
            env[rule] = record
        self._exec(self.path("WORKSPACE"), env)
        for name, repo in repos.items():
            for target, libraries in repo.get("targets", {}).items():
                self.external[f"@{name}//:{target}"] = [
                    "absl::" + l[len("absl_"):] if l.startswith("absl_") else l for l in libraries]

    # --- evaluation ---------------------------------------------------------------------------

    def _rule(self, kind):
        def rule(**attrs):
            frame = sys._getframe(1)  # pylint: disable=protected-access
            where = f"{frame.f_code.co_filename}:{frame.f_lineno}"
            if "name" not in attrs:
                raise Error(f"{where}: {kind} without a name")
            self.packages[self._package].append(Rule(kind, self._package, attrs, where))
        return rule

    def _native(self):
        rules = {kind: self._rule(kind) for kind in (
            "cc_library", "cc_binary", "cc_test", "sh_test", "sh_binary", "proto_library",
            "cc_proto_library", "filegroup", "genrule", "proto_lang_toolchain", "test_suite")}
        rules["exports_files"] = lambda *a, **k: None
        rules["package"] = lambda **k: None
        rules["glob"] = self._glob
        rules["package_name"] = lambda: self._package
        rules["repository_name"] = lambda: "@"
        return rules

    def _glob(self, include, exclude=None, **_):
        if exclude:
            raise Error(f"//{self._package}: glob(exclude=...) is not supported")
        return Glob(include)

    def _select(self, conditions, **_):
        raise Error(f"//{self._package}: select() has no CMake counterpart yet")

    def _fail(self, msg, *_):
        raise Error(f"//{self._package}: fail({msg})")

    def _globals(self, bzl):
        native = self._native()
        env = {"__builtins__": __builtins__, "select": self._select, "fail": self._fail,
               "struct": lambda **k: type("struct", (), k), "True": True, "False": False}
        if bzl:
            env["native"] = type("native", (), {k: staticmethod(v) for k, v in native.items()})
        else:
            env.update(native)
        env["load"] = lambda label, *symbols, **aliases: self._load(env, label, symbols, aliases)
        return env

    def _load(self, env, label, symbols, aliases):
        repo, pkg, name = split_label(self._package, label)
        if repo:
            raise Error(f"//{self._package}: load({label}) from another repository")
        key = f"{pkg}/{name}" if pkg else name
        if key not in self.loaded:
            module = self._globals(bzl=True)
            self._exec(self.path(key), module)
            self.loaded[key] = module
        module = self.loaded[key]
        for symbol in symbols:
            env[symbol] = module[symbol]
        for alias, symbol in aliases.items():
            env[alias] = module[symbol]

    def read(self):
        for package in find_packages(self.root):
            self._package = package
            self.packages[package] = []
            self._exec(self.path(package, "BUILD") if package else self.path("BUILD"),
                       self._globals(bzl=False))
        self._package = None
        copts = self.loaded.get("copts.bzl")
        if copts is None:
            self._load({}, "//:copts.bzl", (), {})
            copts = self.loaded["copts.bzl"]
        self.copts = {k: v for k, v in copts.items() if re.fullmatch(r"NERVE_\w*COPTS", k)}
        self.rules = {(r.package, r.name): r for rules in self.packages.values() for r in rules}
        # proto_library -> the cc_proto_library that compiles it.
        self.cc_proto = {}
        for rule in self.rules.values():
            if rule.kind == "cc_proto_library":
                for dep in rule.attrs.get("deps", []):
                    self.cc_proto[split_label(rule.package, dep)[1:]] = rule


def find_packages(root):
    """Every directory with a BUILD file, except nested workspaces and CMake build trees."""
    packages = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            d for d in subdirectories
            if not d.startswith((".", "bazel-", "_"))
            and not os.path.exists(os.path.join(directory, d, "WORKSPACE"))
            and not os.path.exists(os.path.join(directory, d, "CMakeCache.txt")))
        if "BUILD" in files:
            packages.append(os.path.relpath(directory, root).replace(os.sep, "/").lstrip("."))
    return sorted(packages)
