#!/usr/bin/env python3
"""Swift syntax check without a Swift compiler: every Swift file given (or
ios/**/*.swift and target/bindings/swift/*.swift) parses with tree-sitter-swift
(PyPI) without ERROR or MISSING nodes.

Two constructs uniffi emits are valid Swift that the grammar rejects; they
are rewritten to equivalents of the same length (positions stay) before
parsing: `@_documentation(visibility: private)` is blanked out, and the
closure `{ () }` (returns the empty tuple) becomes `{    }` (the same type,
`() -> ()`).
Exit 1 on any error, listing file:line:column of each.
"""
import glob
import re
import sys

import tree_sitter_swift
from tree_sitter import Language, Parser

BLANK = re.compile(rb"@_documentation\(visibility: *private\)")
EMPTY_TUPLE_CLOSURE = re.compile(rb"= \{ \(\) \}")


def problems(node, out):
    if node.is_error or node.is_missing:
        out.append(node)
        return
    if node.has_error:
        for child in node.children:
            problems(child, out)


def main(paths):
    parser = Parser(Language(tree_sitter_swift.language()))
    if not paths:
        paths = sorted(glob.glob("ios/**/*.swift", recursive=True)) + sorted(
            glob.glob("target/bindings/swift/*.swift")
        )
    if not paths:
        print("no Swift files found", file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        with open(path, "rb") as f:
            source = f.read()
        source = BLANK.sub(lambda m: b" " * len(m.group(0)), source)
        source = EMPTY_TUPLE_CLOSURE.sub(b"= {    }", source)
        found = []
        problems(parser.parse(source).root_node, found)
        if found:
            failed += 1
            for node in found[:10]:
                row, col = node.start_point
                kind = "missing " + node.type if node.is_missing else "syntax error"
                print(f"{path}:{row + 1}:{col + 1}: {kind}")
        else:
            print(f"ok  {path}")
    print(f"{len(paths)} Swift files, {failed} with errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
