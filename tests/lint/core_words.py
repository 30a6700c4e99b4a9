#!/usr/bin/env python3
"""The core does not speak the CLI's language: no flag names (--seconds), environment variable
names (SORA_API_KEY, OPENAI_API_KEY) or `sora COMMAND` in the string literals of src/core.
Comments may name them. Usage: core_words.py [ROOT]   (default: the source tree)
       core_words.py --self-test                  (shows the check fails on planted words)"""
import os
import re
import sys
import tempfile

# Files that still speak the CLI's language, each with the reason. Keep this list short.
ALLOWED = {
    # Built-in provider profiles: the providers' own variable names and server command lines are
    # data the CLI reads (api_key_env), not words the core says to users.
    "src/core/api/profile.cpp": "provider data: api_key_env names, server command lines",
}

COMMANDS = ("batch|completion|config|create|delete|download|edit|extend|history|list|profiles|"
            "prompt|remix|status|wait")
PATTERNS = [
    (re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*"), "a flag name"),
    (re.compile(r"\b(?:SORA|OPENAI|AZURE_OPENAI)_[A-Z][A-Z_]*"), "an environment variable"),
    (re.compile(r"'sora |\bsora (?:%s)\b" % COMMANDS), "a sora command"),
]

TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|R"([^(]*)\((.*?)\)\1"|"(?:\\.|[^"\\\n])*"|'
                   r"'(?:\\.|[^'\\\n])*'", re.S)


def literals(text):
    """(line, literal text) for every string literal outside comments."""
    for m in TOKEN.finditer(text):
        token = m.group(0)
        if token.startswith("//") or token.startswith("/*") or token.startswith("'"):
            continue
        yield text.count("\n", 0, m.start()) + 1, token


def check(root):
    found = []
    core = os.path.join(root, "src", "core")
    for folder, _, files in os.walk(core):
        for name in sorted(files):
            if not name.endswith((".cpp", ".hpp", ".h")):
                continue
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if rel in ALLOWED:
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for line, literal in literals(text):
                for pattern, what in PATTERNS:
                    for hit in pattern.findall(literal):
                        found.append("%s:%d: %s names %s (%s)" % (rel, line, literal[:70], what, hit))
    return found


def self_test():
    with tempfile.TemporaryDirectory() as root:
        core = os.path.join(root, "src", "core", "api")
        os.makedirs(core)
        clean = os.path.join(core, "clean.cpp")
        with open(clean, "w") as f:
            f.write('// --seconds and SORA_API_KEY in a comment are fine\n'
                    'int f(int n) { --n; return n; } /* sora list */\n'
                    'const char* s = "Set `seconds` to 4 or 8.";\n')
        if check(root):
            sys.exit("self-test: a clean file was reported: %s" % check(root))
        for planted in ('"Use --seconds 4."', '"Set SORA_API_KEY."', '"Run \'sora list\'."',
                        '"see sora profiles"'):
            with open(os.path.join(core, "planted.cpp"), "w") as f:
                f.write("const char* p = %s;\n" % planted)
            if not check(root):
                sys.exit("self-test: the planted string %s was not found" % planted)
    print("self-test: clean code passes, each planted word fails")


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    found = check(os.path.abspath(root))
    for line in found:
        print(line, file=sys.stderr)
    if found:
        sys.exit("src/core names CLI flags, environment variables or commands: return a setting and "
                 "a HintKind (include/sora/error.hpp) and let src/cli/hints.cpp say it.")
    print("src/core speaks no CLI words (allowed: %s)" % ", ".join(sorted(ALLOWED)))


if __name__ == "__main__":
    main()
