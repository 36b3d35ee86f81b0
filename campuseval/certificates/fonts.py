"""The CJK font the certificates embed: IBM Plex Sans SC (OFL-1.1) from the npm registry,
copied into the static files by ``make assets`` (no system font is assumed).

The package ships WOFF files wrapping TrueType outlines; reportlab embeds TrueType, so the
wrapper is taken off once per process (fontTools) and the font registered under our names.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fontTools.ttLib import TTFont as WoffFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts"
REGULAR, BOLD = "PlexSansSC", "PlexSansSC-Bold"
FILES = {REGULAR: "IBMPlexSansSC-Regular.woff", BOLD: "IBMPlexSansSC-Bold.woff"}


class FontMissing(RuntimeError):
    pass


def _truetype(path: Path) -> BytesIO:
    font = WoffFont(str(path))
    font.flavor = None
    out = BytesIO()
    font.save(out)
    out.seek(0)
    return out


@lru_cache(maxsize=1)
def register() -> tuple[str, str]:
    """Register the regular and bold faces with reportlab (once); their names."""
    for name, file in FILES.items():
        path = FONT_DIR / file
        if not path.exists():
            raise FontMissing(f"证书字体 {file} 不在 {FONT_DIR}：请先运行 make assets")
        pdfmetrics.registerFont(TTFont(name, _truetype(path)))
    return REGULAR, BOLD
