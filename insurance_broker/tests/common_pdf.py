"""PDF reports as a client gets them: rendered by wkhtmltopdf, read back as text.

In tests Odoo renders reports as HTML unless the context asks for the PDF
(``force_report_rendering``). What only the PDF shows is then never tested: the
letterhead and footer, which wkhtmltopdf prints only when it is built with
patched Qt, several documents in one print, and fonts for every alphabet (a
letter the fonts lack is left out of the PDF without a word). These helpers
render the real PDF and read its text back with ``pdftotext`` (poppler-utils),
page by page, so that a test checks what a client would read.

A test class using them is an ``HttpCase``: wkhtmltopdf loads the report's
styles from the test server, which must see the test's transaction.

With ``REPORT_PDF_DIR`` set in the environment, every PDF rendered is also
written there (``<report>-<test>.pdf``), to look at (``pdftoppm -png``).

``save_page_png`` writes a page of a PDF as a PNG under an addon's
``static/description/``: the pictures of the documents on the Apps page,
made by ``make pages`` from the demo data (tests tagged ``document_pages``).
"""

import os
import subprocess

from odoo.modules.module import get_module_path
from odoo.tests import HttpCase
from odoo.tools.misc import find_in_path


class PdfReportCase(HttpCase):
    """Renders reports through wkhtmltopdf and reads the PDF's text back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Fail, never skip: without these tools the documents a client gets
        # are not what the tests would claim.
        cls.pdftotext = find_in_path("pdftotext")
        if not cls.pdftotext:
            raise AssertionError(
                "pdftotext is missing: install poppler-utils (scripts/setup.sh does)"
            )
        wkhtmltopdf = find_in_path("wkhtmltopdf")
        version = ""
        if wkhtmltopdf:
            version = subprocess.run(
                [wkhtmltopdf, "--version"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        if "with patched qt" not in version:
            raise AssertionError(
                f"Odoo prints with {wkhtmltopdf or 'no wkhtmltopdf'} ({version}): "
                "only a wkhtmltopdf with patched Qt prints the letterhead, the "
                "footer and several documents at once; scripts/setup.sh installs "
                "one and puts it first on the PATH"
            )

    def render_pdf(self, report_ref, records, data=None):
        """The PDF of ``report_ref`` for ``records``, printed by the user of
        their environment (``records.with_user(...)``)."""
        content, report_format = (
            records.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_ref, records.ids, data=data)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(
            content.startswith(b"%PDF"), "wkhtmltopdf gave no PDF (empty output)"
        )
        if os.environ.get("REPORT_PDF_DIR"):
            name = f"{report_ref}-{self._testMethodName}.pdf"
            with open(os.path.join(os.environ["REPORT_PDF_DIR"], name), "wb") as out:
                out.write(content)
        return content

    def pdf_pages(self, content):
        """The text of each page of a PDF, whitespace collapsed to single spaces."""
        text = subprocess.run(
            [self.pdftotext, "-enc", "UTF-8", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        # pdftotext ends every page with a form feed.
        return [" ".join(page.split()) for page in text.split("\f")[:-1]]

    def render_pdf_pages(self, report_ref, records, data=None):
        """The text of each page of the PDF of ``report_ref`` for ``records``."""
        return self.pdf_pages(self.render_pdf(report_ref, records, data=data))

    def save_page_png(self, content, addon, name, page=1):
        """Write page ``page`` of the PDF ``content`` as
        ``<addon>/static/description/<name>.png``, at a resolution that reads
        well on the Apps page and keeps the file small."""
        pdftoppm = find_in_path("pdftoppm")
        if not pdftoppm:
            raise AssertionError("pdftoppm is missing: install poppler-utils")
        target = os.path.join(get_module_path(addon), "static", "description", name)
        subprocess.run(
            [pdftoppm, "-png", "-r", "70", "-f", str(page), "-l", str(page)]
            + ["-singlefile", "-", target],
            input=content,
            check=True,
        )
        self.assertTrue(os.path.getsize(f"{target}.png") > 0)
