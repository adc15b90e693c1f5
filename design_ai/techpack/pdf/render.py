"""`render_pdf`: a `TechPackDoc` laid out as the tech-pack PDF, with reportlab's platypus.

The renderer reads only the plain values of the document (never the database), so the same document always
gives the same bytes: reportlab's `invariant` mode fixes the creation date and document id, every date printed
comes from the document, and images are re-encoded deterministically. A release hashes these bytes.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape, letter, portrait
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Spacer,
)

from design_ai.techpack.model import TechPackDoc
from design_ai.techpack.pdf.context import Ctx
from design_ai.techpack.pdf.fonts import FontSet
from design_ai.techpack.pdf.furniture import FOOTER_H, FRAME_GAP, HEADER_H, PageFurniture, numbered_canvas_class
from design_ai.techpack.pdf.sections import FULL_PAGE_SECTIONS, SECTIONS
from design_ai.techpack.pdf.styles import build_styles, theme_colours
from design_ai.techpack.theme import Theme, check_sections, load_theme

__all__ = ["render_pdf"]


def _story(ctx: Ctx) -> list[Flowable]:
    """The sections in the theme's order: full-page ones on a page of their own, the rest kept whole where they
    fit and never started in the last fifth of a page."""
    story: list[Flowable] = []
    number = 0
    break_pending = False
    for key in ctx.theme.sections:
        if key != "cover":
            number += 1
        flows = SECTIONS[key](ctx, number)
        if key in FULL_PAGE_SECTIONS:
            if story:
                story.append(PageBreak())
            story += flows
            break_pending = True
            continue
        if break_pending:
            story.append(PageBreak())
            break_pending = False
        elif story:
            story += [Spacer(1, 10), CondPageBreak(ctx.height * 0.2)]
        story.append(KeepTogether(flows))
    return story


def render_pdf(doc: TechPackDoc, *, theme: Theme | None = None) -> bytes:
    """The tech pack of `doc` as PDF bytes, laid out by `theme` (default: `load_theme()`).

    Deterministic: the same document and theme give the same bytes (reportlab's invariant mode; no clock is
    read). ValueError when an image in the document cannot be read, or the theme names an unknown section or
    font.
    """
    theme = theme or load_theme()
    check_sections(theme.sections, "theme sections")  # a Theme built in code is checked like a YAML one
    fonts = FontSet(theme)
    base = A4 if theme.page_size == "A4" else letter
    pagesize = landscape(base) if theme.orientation == "landscape" else portrait(base)
    margin = theme.margin_mm * mm
    frame_w = pagesize[0] - 2 * margin
    frame_h = pagesize[1] - 2 * margin - HEADER_H - FOOTER_H - FRAME_GAP
    c = theme_colours(theme)
    ctx = Ctx(
        doc=doc,
        theme=theme,
        fonts=fonts,
        width=frame_w,
        height=frame_h,
        c=c,
        styles=build_styles(theme, fonts, c),
        draft=doc.status.lower() != "released",
    )
    pages = PageFurniture(ctx, pagesize, margin)
    buf = io.BytesIO()
    template = BaseDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + HEADER_H,
        bottomMargin=margin + FOOTER_H,
        invariant=1,
        title=f"Tech pack {doc.style_number} rev {doc.revision}",
        author="Seamline",
        subject=f"{doc.look_name} — {doc.collection} {doc.season}",
        creator="Seamline",
        initialFontName=fonts.regular.name,
    )
    frame = Frame(
        margin,
        margin + FOOTER_H,
        frame_w,
        frame_h,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    template.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=pages.start, onPageEnd=pages.end)])
    template.build(_story(ctx), canvasmaker=numbered_canvas_class(pages.page_number))
    return buf.getvalue()
