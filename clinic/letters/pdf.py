"""A letter laid out as a PDF on US Letter paper with reportlab: letterhead, date, recipient, the body as
composed in clinic.letters.content, signature, and on every page the patient's name and "Page n of N".

Text is set in DejaVu Sans, the TrueType face matplotlib ships (a pinned dependency), whose glyphs cover
Latin with every accent, Greek and Cyrillic, so "Zoë Ñúñez-Øster" or "Łukasz Dvořák" print as written.
"""

from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import HRFlowable, KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

from clinic.letters.content import LetterText

FONT = "LetterSans"
BOLD = "LetterSans-Bold"
MARGIN = 0.9 * inch
# The frame sets text 6 points inside its margins; the footer lines up with it.
TEXT_INSET = 6
FOOTER_Y = 0.5 * inch
GREY = colors.HexColor("#4a4a4a")

BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=12, spaceAfter=0, textColor=GREY)
CLINIC = ParagraphStyle("clinic", parent=BODY, fontName=BOLD, fontSize=15, leading=19, spaceAfter=2)
DATE = ParagraphStyle("date", parent=BODY, alignment=TA_RIGHT, spaceAfter=10)
ADDRESS = ParagraphStyle("address", parent=BODY, spaceAfter=0)
STRONG = ParagraphStyle("strong", parent=BODY, fontName=BOLD)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=6, spaceAfter=8)
HEADING = ParagraphStyle("heading", parent=BODY, fontName=BOLD, fontSize=10.5, spaceBefore=6, spaceAfter=3,
                         keepWithNext=1)


def render(letter: LetterText) -> bytes:
    """The letter as the bytes of a PDF file."""
    _register_fonts()
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=0.8 * inch, bottomMargin=0.9 * inch, title=letter.title,
                                 author=letter.author, creator=letter.author, invariant=1)
    document.build(_story(letter), canvasmaker=_numbered_canvas(letter.footer))
    return buffer.getvalue()


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _text(text: str) -> str:
    return escape(text)


def _story(letter: LetterText) -> list[Any]:
    clinic, *details = letter.letterhead
    story: list[Any] = [Paragraph(_text(clinic), CLINIC), *(Paragraph(_text(line), SMALL) for line in details),
                        Spacer(1, 4), HRFlowable(width="100%", thickness=0.8, color=GREY, spaceAfter=14),
                        Paragraph(_text(letter.date_text), DATE),
                        *(Paragraph(_text(line), ADDRESS) for line in letter.recipient_lines), Spacer(1, 16)]
    if letter.re_line:
        story.append(Paragraph(_text(letter.re_line), STRONG))
    story += [Paragraph(_text(letter.title), TITLE), Paragraph(_text(letter.salutation), BODY)]
    for section in letter.sections:
        story.append(Paragraph(_text(section.heading), HEADING))
        story += [Paragraph(_text(paragraph), BODY) for paragraph in section.paragraphs]
        if section.items:
            story.append(ListFlowable([ListItem(Paragraph(_text(item), BODY), leftIndent=14)
                                       for item in section.items],
                                      bulletType="bullet", bulletFontName=FONT, bulletFontSize=9, leftIndent=14))
    name, *rest = letter.signature
    story.append(KeepTogether([Spacer(1, 8), Paragraph(_text(letter.closing), BODY), Spacer(1, 26),
                               Paragraph(_text(name), STRONG), *(Paragraph(_text(line), SMALL) for line in rest)]))
    return story


def _numbered_canvas(footer: str) -> type[canvas.Canvas]:
    """A canvas that holds its pages back until the last, so each footer can say "Page n of N"."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self._footer(number, len(self._pages))
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            self.setFont(FONT, 8.5)
            self.setFillColor(GREY)
            self.drawString(MARGIN + TEXT_INSET, FOOTER_Y, _fitted(footer, width=width / 2 + 0.6 * inch))
            self.drawRightString(width - MARGIN - TEXT_INSET, FOOTER_Y, f"Page {number} of {total}")

    return NumberedCanvas


def _fitted(text: str, *, width: float) -> str:
    """The footer's text, shortened with an ellipsis when a long name would run into the page number."""
    if pdfmetrics.stringWidth(text, FONT, 8.5) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, 8.5) > width:
        text = text[:-1]
    return text + "…"
