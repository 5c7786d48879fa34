#!/usr/bin/env python3
"""Refuse translatable strings that Odoo's extraction cannot read.

Odoo exports a module's terms with Babel, which reads the source of every
``_()``, ``_lt()`` and ``env._()`` call: the message must be one literal
string (adjacent literals are fine; ``env._(TERM)`` of a term declared with
``_lt`` too), and no argument of the call may be an
f-string (Babel evaluates the call's tokens and fails on it, and the term is
silently missing from the .pot). Usage: check_translatable.py FILE...
Exit status 1 when a call is refused, each one named by file and line.
"""

import ast
import sys

TRANSLATION_FUNCTIONS = {"_", "_lt"}


def is_translation_call(node):
    function = node.func
    if isinstance(function, ast.Name):
        return function.id in TRANSLATION_FUNCTIONS
    # self.env._(...), env._(...), record.env._(...)
    return isinstance(function, ast.Attribute) and function.attr == "_"


def problems(path):
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read(), path)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and is_translation_call(node)):
            continue
        if not node.args:
            yield node.lineno, "no message"
            continue
        message = node.args[0]
        literal = isinstance(message, ast.Constant) and isinstance(message.value, str)
        # env._(TERM) translates a term declared with _lt() elsewhere (Odoo's
        # documented use): extracted where it is declared.
        lazy_term = (
            isinstance(node.func, ast.Attribute)
            and isinstance(message, ast.Name)
            and len(node.args) == 1
            and not node.keywords
        )
        if not (literal or lazy_term):
            yield node.lineno, "the message is not one literal string"
        arguments = [*node.args[1:], *(keyword.value for keyword in node.keywords)]
        for argument in arguments:
            if any(isinstance(part, ast.JoinedStr) for part in ast.walk(argument)):
                yield node.lineno, "an f-string among its arguments (compute it before)"
                break


def main(paths):
    refused = 0
    for path in paths:
        for line, reason in problems(path):
            sys.stdout.write(
                f"{path}:{line}: translatable string Babel cannot extract: {reason}\n"
            )
            refused += 1
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
