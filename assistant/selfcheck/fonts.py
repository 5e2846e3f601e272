"""The Noto CJK font the set-up installs, made usable by ReportLab.

Debian's fonts-noto-cjk ships OpenType collections with PostScript (CFF) outlines, which ReportLab
cannot embed. So each PDF gets a subset of the font holding only the characters it draws,
converted to TrueType outlines with fontTools (cubic curves to quadratic). A subset of a few
hundred characters takes a few tenths of a second and adds about 100 KB to the file; the page
then shows the same glyphs on any phone or printer, with nothing fetched from anywhere.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

FAMILY = "Noto Sans CJK SC"
KNOWN_PLACES = (  # Debian/Ubuntu's fonts-noto-cjk; fc-match finds it anywhere else
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-{weight}.ttc",
)


class FontMissing(RuntimeError):
    """The Chinese font is not installed; the message says how to install it."""


@lru_cache(maxsize=4)
def font_file(weight: str = "Regular") -> Path:
    for pattern in KNOWN_PLACES:
        path = Path(pattern.format(weight=weight))
        if path.exists():
            return path
    if shutil.which("fc-match"):
        style = "Bold" if weight == "Bold" else "Regular"
        found = subprocess.run(["fc-match", "-f", "%{file}", f"{FAMILY}:style={style}"], capture_output=True,
                               text=True, timeout=5).stdout.strip()
        if found and "CJK" in found and Path(found).exists():
            return Path(found)
    raise FontMissing("没有找到中文字体 Noto Sans CJK，无法生成 PDF；请安装 fonts-noto-cjk（bash scripts/setup.sh 会安装）。")


def truetype_subset(text: str, weight: str = "Regular") -> io.BytesIO:
    """A TrueType font file (in memory) with the glyphs of `text` from Noto Sans CJK SC."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTCollection, newTable

    collection = TTCollection(str(font_file(weight)), lazy=True)
    names = [font["name"].getDebugName(1) for font in collection.fonts]
    font = collection.fonts[names.index(FAMILY) if FAMILY in names else 0]
    options = Options()
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) | set("0123456789.,:-()/%元 "))))
    subsetter.subset(font)

    # CFF → glyf: the same outlines drawn with quadratic curves (within 1 font unit)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font.sfntVersion = "\0\1\0\0"
    out = io.BytesIO()
    font.save(out)
    out.seek(0)
    return out
