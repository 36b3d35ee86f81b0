"""The certificate as a PDF, and a campaign's certificates as one zip: pure functions to bytes.

A4 landscape, a double border, the title, the school and the tier, the issuing bureau and the
date (in Chinese numerals, as certificates print it), and in the lower left the number, the
short code and a QR code with the address of the public verification page. The font is
embedded (``fonts``), only the glyphs used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

import segno
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from . import fonts

RED = HexColor("#9e1b1f")
GOLD = HexColor("#b8860b")
INK = HexColor("#1f1f1f")
DIGITS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class CertificateText:
    city: str
    bureau: str
    school: str
    county: str
    unit: str  # the level below the city as the city names it (Taizhou: 市（区）)
    campaign: str
    year: int
    tier: str
    issued_on: dt.date
    number: str
    code: str  # as printed: ABCD-EFGH
    url: str  # the verification page of this certificate (the QR code)
    lookup_url: str  # where the code can be typed in


def chinese_date(day: dt.date) -> str:
    """2026-12-06 as 二〇二六年十二月六日."""

    def small(n: int) -> str:
        tens, ones = divmod(n, 10)
        return (("" if tens == 1 else DIGITS[tens]) + "十" if tens else "") + (DIGITS[ones] if ones else "")

    return f"{''.join(DIGITS[int(d)] for d in str(day.year))}年{small(day.month)}月{small(day.day)}日"


def _qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code drawn as vector squares (crisp at any print size)."""
    matrix = segno.make(data, error="m").matrix
    cell = size / len(matrix)
    canvas.setFillColor(INK)
    for r, row in enumerate(matrix):
        for c, on in enumerate(row):
            if on:
                canvas.rect(x + c * cell, y + size - (r + 1) * cell, cell, cell, stroke=0, fill=1)


def _border(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(6)
    canvas.rect(24, 24, width - 48, height - 48)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.2)
    canvas.rect(36, 36, width - 72, height - 72)


def _paragraph(canvas: Canvas, html: str, style: ParagraphStyle, x: float, top: float, width: float) -> float:
    """Draw a wrapped paragraph whose top is at ``top``; the y of its bottom."""
    p = Paragraph(html, style)
    _w, h = p.wrap(width, 1000)
    p.drawOn(canvas, x, top - h)
    return top - h


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _draw(canvas: Canvas, t: CertificateText) -> None:
    regular, bold = fonts.register()
    width, height = landscape(A4)
    _border(canvas, width, height)
    canvas.setFillColor(RED)
    canvas.setFont(bold, 44)
    canvas.drawCentredString(width / 2, height - 120, "证　　书")
    body = ParagraphStyle("body", fontName=regular, fontSize=19, leading=34, textColor=INK, wordWrap="CJK")
    left, text_width = 96.0, width - 192
    y = _paragraph(canvas, f"{_escape(t.school)}：", body, left, height - 160, text_width)
    intro = (
        f"经学校申报、{_escape(t.unit)}推荐、市级评审，你校在{_escape(t.campaign)}中被认定为"
    )
    indented = ParagraphStyle("indented", parent=body, firstLineIndent=38)
    y = _paragraph(canvas, intro, indented, left, y - 6, text_width)
    tier = ParagraphStyle("tier", parent=body, fontName=bold, fontSize=32, leading=44, alignment=TA_CENTER, textColor=RED)
    y = _paragraph(canvas, _escape(t.tier), tier, left, y - 14, text_width)
    _paragraph(canvas, "特发此证。", indented, left, y - 10, text_width)
    # The issuer and the date, where the seal goes.
    canvas.setFillColor(INK)
    canvas.setFont(regular, 19)
    canvas.drawCentredString(width - 200, 150, t.bureau)
    canvas.drawCentredString(width - 200, 118, chinese_date(t.issued_on))
    # How to check it: QR code, number and short code.
    size = 84.0
    _qr(canvas, t.url, 64, 60, size)
    small = ParagraphStyle("small", fontName=regular, fontSize=9.5, leading=14, textColor=Color(0.25, 0.25, 0.25), wordWrap="CJK")
    lines = (
        f"证书编号：{_escape(t.number)}<br/>验证码：<font name='{bold}'>{_escape(t.code)}</font><br/>"
        f"扫描二维码，或打开 {_escape(t.lookup_url)} 输入验证码，核验本证书"
    )
    _paragraph(canvas, lines, small, 64 + size + 12, 60 + size, 300)
    canvas.setTitle(f"{t.school} {t.tier} 证书 {t.number}")
    canvas.setAuthor(t.bureau)
    canvas.setSubject(t.campaign)


def certificate_pdf(t: CertificateText) -> bytes:
    """One certificate, one A4 landscape page."""
    out = BytesIO()
    regular, _bold = fonts.register()
    # Our font from the start: no standard font (Helvetica) is named in the file at all.
    canvas = Canvas(out, pagesize=landscape(A4), pageCompression=1, initialFontName=regular)
    _draw(canvas, t)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def file_name(t: CertificateText) -> str:
    return f"{t.number}-{t.county}-{t.school}.pdf"
