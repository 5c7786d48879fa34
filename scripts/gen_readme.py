"""Build an addon's README.rst and static/description/index.html from its
readme/*.md fragments (OCA's layout), the way `make readme` calls it:

    python scripts/gen_readme.py ADDON_DIR [ADDON_DIR...]

The fragments use the Markdown that reStructuredText shares (paragraphs,
``-`` lists, ``*emphasis*``, ``**strong**``, ``*`` and ``|`` are kept);
``# Heading`` lines become section titles. The HTML page is rendered from
the generated reStructuredText with docutils (an Odoo requirement).
"""

import ast
import re
import sys
from pathlib import Path

from docutils.core import publish_parts

SECTIONS = [
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
]
GENERATED = """..
   This file is generated from the fragments in readme/ (DESCRIPTION.md,
   CONFIGURE.md, USAGE.md, CONTRIBUTORS.md) by `make readme`, as
   oca-gen-addon-readme does: edit the fragments, not this file.
"""
BUG_TRACKER = """Bugs are tracked on `GitHub Issues <{website}/issues>`_.
In case of trouble, please check there if your issue has already been reported.
If you spotted it first, help us to smash it by providing a detailed and welcomed
`feedback <{website}/issues/new?body=module:%20{addon}%0Aversion:%2018.0%0A%0A**Steps%20to%20reproduce**%0A-%20...%0A%0A**Current%20behavior**%0A%0A**Expected%20behavior**>`_.

Do not contact contributors directly about support or help with technical issues.
"""  # noqa: E501
MAINTAINERS = """This module is part of the `Insurance Broker Suite <{website}>`_
(`{addon} <{website}/tree/18.0/{addon}>`_).

You are welcome to contribute.
"""
STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #212529; line-height: 1.5; max-width: 60em; margin: 0 auto; padding: 1em 2em; }
h1.title { font-size: 2em; border-bottom: 1px solid #dee2e6; padding-bottom: .3em; }
h1 { font-size: 1.6em; margin-top: 1.5em; border-bottom: 1px solid #dee2e6; padding-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 1.2em; }
a { color: #714b67; }
code, tt, .literal { font-family: SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em;
       background: #f3f4f6; padding: .1em .3em; border-radius: 3px; }
pre { background: #f3f4f6; padding: .5em 1em; border-radius: 4px; overflow-x: auto; }
ul, ol { padding-left: 1.6em; }
li { margin: .2em 0; }
nav.contents, div.contents, .topic.contents { background: #f8f9fa; border: 1px solid #dee2e6;
       border-radius: 4px; padding: .5em 1.5em; }
"""  # noqa: E501


def title(text, char, over=False):
    line = char * len(text)
    return f"{line}\n{text}\n{line}\n" if over else f"{text}\n{line}\n"


def markdown_to_rst(text):
    """The few Markdown constructs the fragments use, as reStructuredText."""
    out = []
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            # A fenced block becomes a literal block.
            if not in_code and out and out[-1].strip():
                out.append("")
            out.append("::\n" if not in_code else "")
            in_code = not in_code
            continue
        if in_code:
            out.append(f"    {line}" if line else "")
            continue
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading:
            char = "-" if len(heading.group(1)) == 1 else "~"
            out.append(title(heading.group(2), char).rstrip("\n"))
            continue
        # `code` -> ``code``
        line = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", line)
        out.append(line)
    return "\n".join(out).strip() + "\n"


def documents_section(addon):
    """A section showing the first page of each document of the addon: the
    PNGs ``make pages`` writes in static/description/ (all but the icon)."""
    pages = sorted(
        path
        for path in (addon / "static" / "description").glob("*.png")
        if path.name != "icon.png"
    )
    if not pages:
        return ""
    out = [
        title("Documents", "="),
        "The first page of each document, printed from the demo data "
        "(``make pages``).\n",
    ]
    for page in pages:
        caption = page.stem.replace("_", " ").capitalize()
        out.append(
            f"*{caption}*\n\n.. image:: static/description/{page.name}\n"
            f"   :alt: {caption}\n   :width: 600px\n"
        )
    return "\n".join(out)


def build(addon):
    addon = Path(addon)
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    readme = addon / "readme"
    parts = [title(manifest["name"], "=", over=True), GENERATED]
    for filename, heading in SECTIONS:
        path = readme / filename
        if not path.exists():
            continue
        if heading:
            parts.append(title(heading, "="))
        parts.append(markdown_to_rst(path.read_text()))
        if filename == "DESCRIPTION.md":
            parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    parts.append(documents_section(addon))
    parts.append(title("Bug Tracker", "="))
    parts.append(BUG_TRACKER.format(website=manifest["website"], addon=addon.name))
    parts.append(title("Credits", "="))
    parts.append(title("Authors", "-"))
    parts.append(f"- {manifest['author']}\n")
    contributors = readme / "CONTRIBUTORS.md"
    if contributors.exists():
        parts.append(title("Contributors", "-"))
        parts.append(markdown_to_rst(contributors.read_text()))
    parts.append(title("Maintainers", "-"))
    parts.append(MAINTAINERS.format(website=manifest["website"], addon=addon.name))
    rst = "\n".join(parts)
    (addon / "README.rst").write_text(rst)
    html = publish_parts(
        rst,
        writer_name="html5",
        settings_overrides={"report_level": 2, "halt_level": 2},
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{manifest['name']}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        "<!-- Generated from README.rst (itself generated from readme/*.md); "
        "do not edit. -->\n"
        f'<div class="document">\n<h1 class="title">{manifest["name"]}</h1>\n'
        f"{html['body']}\n</div>\n</body>\n</html>\n"
    )
    # The page lives in static/description/: its images are its neighbours
    # (Odoo's Apps page resolves such names to the addon's static folder).
    page = page.replace('src="static/description/', 'src="')
    description = addon / "static" / "description"
    description.mkdir(parents=True, exist_ok=True)
    (description / "index.html").write_text(page)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        build(name)
