#!/usr/bin/env python3
"""Check the suite's translations against its templates.

For each addon directory given, and each language of LANGUAGES, the file
``i18n/<lang>.po`` must exist and hold every entry of ``i18n/<addon>.pot``,
each translated (not empty, not fuzzy) with the same placeholders as its
source: ``%s``, ``%(name)s``, ``{name}``, ``{{ expression }}`` and QWeb's
``t-out``/``t-esc`` expressions. Obsolete entries (no longer in the .pot)
are refused too: they would hide a msgid that changed.

Usage: check_po.py ADDON_DIR... ; prints one line per problem and the
number of entries per addon and language; exit status 1 on any problem.
"""

import os
import re
import sys

import polib

LANGUAGES = ("lt", "ru", "zh_CN")

# printf style, in messages of code (flag python-format): %s, %d, %(name)s
PRINTF = re.compile(r"%(?:\([A-Za-z0-9_]+\))?[-#0+]*\d*(?:\.\d+)?[sdifr]")
TEMPLATE_PATTERNS = (
    # inline templates and format fields: {{ object.name }}, {name}
    re.compile(r"\{\{.*?\}\}|\{[A-Za-z0-9_]+\}"),
    # QWeb and dynamic attributes: t-out="...", t-esc="...", t-att-x="..."
    re.compile(r'\bt-(?:out|esc|raw|att-[a-z-]+|attf-[a-z-]+)="[^"]*"'),
)


def placeholders(text, printf=False):
    found = []
    for pattern in TEMPLATE_PATTERNS:
        found.extend(pattern.findall(text))
    if printf:
        found.extend(PRINTF.findall(text.replace("%%", "")))
    return sorted(found)


def check_entry(entry, printf):
    """Problems of one entry, as short sentences; ``printf``: a message of
    Python code, where %-placeholders count."""
    if entry.obsolete:
        return ["obsolete entry (not in the .pot any more)"]
    if "fuzzy" in entry.flags:
        return ["fuzzy"]
    if entry.msgid_plural:
        translations = list(entry.msgstr_plural.values())
    else:
        translations = [entry.msgstr]
    if not translations or any(not text.strip() for text in translations):
        return ["not translated"]
    expected = placeholders(entry.msgid, printf)
    problems = []
    for text in translations:
        found = placeholders(text, printf)
        if found != expected:
            problems.append(
                f"placeholders differ: source {expected}, translation {found}"
            )
    return problems


def check_addon(addon_dir):
    addon = os.path.basename(os.path.normpath(addon_dir))
    pot_path = os.path.join(addon_dir, "i18n", f"{addon}.pot")
    pot = polib.pofile(pot_path)
    # Messages of Python code: the %-placeholders are the program's.
    printf = {
        (entry.msgctxt, entry.msgid): "odoo-python" in entry.comment
        or "python-format" in entry.flags
        for entry in pot
        if not entry.obsolete
    }
    sources = set(printf)
    problems, counts = [], {}
    for lang in LANGUAGES:
        po_path = os.path.join(addon_dir, "i18n", f"{lang}.po")
        if not os.path.exists(po_path):
            problems.append(f"{po_path}: missing")
            continue
        po = polib.pofile(po_path)
        translated = {}
        for entry in po:
            key = (entry.msgctxt, entry.msgid)
            for problem in check_entry(entry, printf.get(key, False)):
                problems.append(
                    f"{po_path}:{entry.linenum}: {problem}: {entry.msgid!r:.80}"
                )
            translated[key] = entry
        for key in sorted(sources - translated.keys(), key=str):
            problems.append(f"{po_path}: missing entry: {key[1]!r:.80}")
        counts[lang] = len(sources & translated.keys())
    return problems, len(sources), counts


def main(addon_dirs):
    all_problems = []
    for addon_dir in addon_dirs:
        problems, total, counts = check_addon(addon_dir)
        all_problems.extend(problems)
        shown = ", ".join(f"{lang} {count}" for lang, count in counts.items())
        sys.stdout.write(f"{addon_dir}: {total} entries; translated: {shown}\n")
    for problem in all_problems:
        sys.stdout.write(problem + "\n")
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
