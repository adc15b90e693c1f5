"""The tech-pack PDF: every section with the right values (read back with pypdf), headers and footers on every page,
CJK text, escaping, determinism, the draft marker, the theme's order, and pages that render (poppler's pdftoppm).

The sample document (`design_ai.techpack.sample`) is rendered once per module; the values asserted are computed
from the document itself, formatted as the renderer documents (cm to 1 decimal, kg CO2e to 2).
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from design_ai.techpack.model import ReviewEntry, TechPackDoc
from design_ai.techpack.pdf import _FontSet, render_pdf
from design_ai.techpack.sample import sample_doc
from design_ai.techpack.theme import DEFAULT_SECTIONS, SECTION_TITLES, Theme, load_theme

CID_ONLY = {"korean": ("HYGothic-Medium",), "japanese": ("HeiseiKakuGo-W5",), "chinese": ("STSong-Light",)}


def _flat(text: str) -> str:
    """Whitespace collapsed: pypdf puts table cells and text runs on lines of their own."""
    return " ".join(text.split())


def _pages(pdf: bytes) -> list[str]:
    return [_flat(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def draft() -> TechPackDoc:
    return sample_doc()


@pytest.fixture(scope="module")
def draft_pdf(draft: TechPackDoc) -> bytes:
    return render_pdf(draft)


@pytest.fixture(scope="module")
def pages(draft_pdf: bytes) -> list[str]:
    return _pages(draft_pdf)


@pytest.fixture(scope="module")
def text(pages: list[str]) -> str:
    return " ".join(pages)


@pytest.fixture(scope="module")
def released_pdf() -> bytes:
    return render_pdf(sample_doc(released=True))


def test_sections_appear_in_the_default_order(pages: list[str], text: str) -> None:
    assert "TECH PACK" in pages[0] and "SL-SS27-014" in pages[0]
    positions = []
    for key in DEFAULT_SECTIONS[1:]:
        title = SECTION_TITLES[key]
        assert title in text, f"section {key!r} ({title}) is missing"
        positions.append(text.index(f"{DEFAULT_SECTIONS.index(key)} {title}"))  # numbered title bar
    assert positions == sorted(positions)


def test_every_page_has_header_and_footer(pages: list[str]) -> None:
    n = len(pages)
    assert 6 <= n <= 14
    for i, page in enumerate(pages, 1):
        assert f"Page {i} of {n}" in page
        assert "SL-SS27-014 · Rev DRAFT · DRAFT" in page  # header
        assert "Style SL-SS27-014 · Rev DRAFT" in page  # footer
        assert "SS27 서울 Everyday 東京" in page


def test_cover(pages: list[str], draft: TechPackDoc) -> None:
    cover = pages[0]
    for value in (draft.collection, draft.season, draft.look_name, draft.material_name, "2026-11-18", "Ink Navy"):
        assert value in cover
    assert "XS, S, M, L, XL, XXL (base M)" in cover
    assert "DRAFT — NOT FOR PRODUCTION" in cover


def test_colorways_and_bom(text: str, draft: TechPackDoc) -> None:
    for sw in draft.colorways:
        assert sw.name in text and sw.hex.upper() in text
    assert "APPROVED" in text and "Approved colorway: Ink Navy" in text
    for line in draft.bom:
        assert line.component in text and line.supplier in text
    assert "Shell fabric" in text and "1.342 m²" in text
    assert "宁波 线业 (sample) 150 m" in text


def test_points_of_measure_every_size(text: str, draft: TechPackDoc) -> None:
    assert "XS S M (base) L XL XXL" in text
    for row in draft.poms:
        values = " ".join(f"{row.values_cm[s]:.1f}" for s in draft.sizes)
        name = row.name.replace("_", " ").capitalize()
        assert f"{row.code} {name} {row.description} {row.tolerance_cm:.1f} {values}" in text


def test_grading_is_derived_from_the_poms(text: str, draft: TechPackDoc) -> None:
    sizes = draft.sizes
    text = text.replace("->", "→")  # "->" where no font of the theme has the arrow
    assert "XS→S S→M M→L L→XL XL→XXL Total XS→XXL" in text
    for row in draft.poms:
        v = row.values_cm
        incs = " ".join(f"{v[b] - v[a]:+.1f}" for a, b in itertools.pairwise(sizes))
        name = row.name.replace("_", " ").capitalize()
        assert f"{row.code} {name} {incs} {v[sizes[-1]] - v[sizes[0]]:+.1f}" in text
    assert "Grade rules: " + _flat(draft.grade_source)[:60] in text


def test_pieces_marker_and_construction(text: str, draft: TechPackDoc) -> None:
    for p in draft.pieces:
        assert p.name.upper() in text
        assert f"{p.name} {p.size} {p.cut} {'yes' if p.on_fold else 'no'} {p.area_cm2:.0f}" in text
    assert "Size M · Cut 1 on fold" in text and "Size M · Cut 2" in text
    assert "cut line sew line grain line notch fold" in text
    assert "Size M; scale 1:" in text
    assert f"Marker length {draft.marker['length_m']:.2f} m" in text
    assert f"Efficiency {100 * draft.marker['efficiency']:.1f} %" in text
    for step in draft.construction:
        assert step.operation in text and step.seam_class in text and step.stitch_type in text
    assert "514 (4-thread overlock)" in text and "406 (2-needle coverstitch)" in text and "6.03.03" in text


def test_carbon(text: str, draft: TechPackDoc) -> None:
    c, lo, hi = draft.carbon_total
    assert f"Total per garment {c:.2f} {lo:.2f} {hi:.2f} 100 %" in text
    oc, olo, ohi = draft.carbon_order
    assert f"Total per order (1,200 units) {oc:,.0f} {olo:,.0f} {ohi:,.0f}" in text
    for st in draft.carbon:
        assert f"{st.stage} {st.kg_co2e:.2f} {st.low:.2f} {st.high:.2f}" in text
        assert st.source in text
    assert draft.comparison in text
    assert f"Fabric weight per garment {draft.fabric_per_garment['kg']:.3f} kg" in text
    assert f"Cutting waste {draft.fabric_per_garment['waste_pct']:.1f} %" in text


def test_review_signoffs_revisions_notes(text: str, draft: TechPackDoc) -> None:
    for r in draft.review:
        assert r.reviewer in text
    # the comment's markup printed as written, not interpreted
    assert "Neckline reads too wide: try a <b>narrower</b> rib & lower the drop by 1 cm." in text
    assert "1 sent back Mina Park 2026-11-12 10:05 UTC 7" in text
    assert "Designer 이재원 (Jae-won Lee) 2026-11-14" in text
    assert "Production Tomás Ferreira pending" in text
    assert "DRAFT draft 2026-11-18 11:00 UTC seamline Built from approved draft 14" in text
    for note in draft.notes:
        assert note in text


def test_cjk_text_extracts_back(text: str) -> None:
    for s in (
        "SS27 서울 Everyday 東京",
        "서울 Red",
        "山田 花子",
        "좋습니다",
        "工場へ: サイズMのサンプルを先に縫製してください。",
    ):
        assert s in text


def test_bare_machine_fonts(draft: TechPackDoc) -> None:
    """Without Debian's fonts (no DejaVu, no TrueType CJK font), reportlab's own Vera and CID fonts carry all the
    text: it still extracts, every page keeps its header, and the grading arrow falls back to "->"."""
    theme = load_theme()
    theme = replace(theme, fonts=replace(theme.fonts, fallback=(), fallback_bold=(), **CID_ONLY))
    pdf = render_pdf(draft, theme=theme)
    pages = _pages(pdf)
    for i, page in enumerate(pages, 1):
        assert "SS27 서울 Everyday 東京" in page and f"Page {i} of {len(pages)}" in page
    text = " ".join(pages)
    for s in ("山田 花子", "サイズMのサンプル", "宁波 线业", "XS->S", "−24 %"):
        assert s in text
    assert b"HYGothic-Medium" in pdf and b"HeiseiKakuGo-W5" in pdf and b"STSong-Light" in pdf


def test_mixed_script_runs() -> None:
    """Latin and Hangul in one string: each run in its own font; Han follows the Hangul (Korean)."""
    theme = load_theme()
    fonts = _FontSet(replace(theme, fonts=replace(theme.fonts, **CID_ONLY)))
    latin = fonts.regular.name
    assert fonts.runs("SS27 서울 Everyday 東京") == [
        (latin, "SS27 "),
        ("HYGothic-Medium", "서울"),
        (latin, " Everyday "),
        ("HYGothic-Medium", "東京"),
    ]
    assert fonts.runs("東京 テスト")[0][0] == "HeiseiKakuGo-W5"  # kana in the string: Japanese
    assert fonts.runs("上海")[0][0] == "STSong-Light"  # Han alone: the theme's default (Chinese)
    assert fonts.markup("a <b> & 서울") == 'a &lt;b&gt; &amp; <font name="HYGothic-Medium">서울</font>'


def test_same_document_same_bytes(draft_pdf: bytes) -> None:
    assert render_pdf(sample_doc()) == draft_pdf


def test_draft_marker_only_on_drafts(draft_pdf: bytes, pages: list[str], released_pdf: bytes) -> None:
    for page in pages:
        assert "DRAFT — NOT FOR PRODUCTION" in page and "DRAFT — not for production" in page
    released = _pages(released_pdf)
    for i, page in enumerate(released, 1):
        assert "not for production" not in page.lower()
        assert "SL-SS27-014 · Rev A · RELEASED" in page and f"Page {i} of {len(released)}" in page
    assert "RELEASED — REVISION A" in released[0]
    assert "Production Tomás Ferreira 2026-11-20" in " ".join(released)


def test_theme_order_and_omission(draft: TechPackDoc) -> None:
    theme = replace(load_theme(), sections=("bom", "cover", "poms"))
    pages = _pages(render_pdf(draft, theme=theme))
    assert len(pages) == 3
    assert "1 Bill of materials" in pages[0]
    assert "TECH PACK" in pages[1] and "Bill of materials" not in pages[1]
    assert "2 Points of measure" in pages[2]
    joined = " ".join(pages)
    assert "Pattern pieces" not in joined and "Carbon and materials" not in joined


def test_long_tables_split_with_header_rows(draft: TechPackDoc) -> None:
    when = datetime(2026, 11, 1, tzinfo=UTC)
    review = [
        ReviewEntry(i, "sent back", f"Reviewer {i}", when, "A longer comment that wraps. " * 4) for i in range(90)
    ]
    theme = replace(load_theme(), sections=("cover", "review"))
    pages = _pages(render_pdf(replace(draft, review=review), theme=theme))
    with_rows = [p for p in pages if "Reviewer 1" in p or "Reviewer 8" in p]
    assert len(with_rows) >= 2
    for page in with_rows:
        assert "Round Verdict Reviewer When Draft Comment" in page
    assert "Reviewer 0 " in pages[1] and "Reviewer 89 " in pages[-1]


def test_bad_input_is_a_value_error(draft: TechPackDoc) -> None:
    with pytest.raises(ValueError, match="design image"):
        render_pdf(replace(draft, design_png=b"not a png"))
    with pytest.raises(ValueError, match="moodboard"):
        render_pdf(draft, theme=replace(load_theme(), sections=("cover", "moodboard")))


def test_load_theme_default_and_errors(tmp_path: Path) -> None:
    theme = load_theme()
    assert theme.sections == DEFAULT_SECTIONS
    assert theme.logo is not None and theme.logo.is_file()
    assert (theme.page_size, theme.orientation) == ("A4", "landscape")
    assert load_theme(None) == theme

    bad = tmp_path / "bad.yaml"
    bad.write_text("sections: [cover, bom, sketchbook]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="sketchbook"):
        load_theme(bad)
    bad.write_text("colours: {ink: navy}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"colours\.ink"):
        load_theme(bad)
    bad.write_text("page: {size: A3}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="A3"):
        load_theme(bad)
    bad.write_text("fonts: {regualr: Vera.ttf}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="regualr"):
        load_theme(bad)

    good = tmp_path / "good.yaml"
    good.write_text("page: {size: letter, orientation: portrait}\nsections: [notes, cover]\n", encoding="utf-8")
    custom = load_theme(good)
    assert custom.sections == ("notes", "cover") and custom.page_size == "letter" and custom.logo is None
    assert Theme().sections == DEFAULT_SECTIONS


def _pdftoppm() -> str | None:
    exe = shutil.which("pdftoppm")
    if exe is None and (os.environ.get("CI") or os.environ.get("SEAMLINE_REQUIRE_PDFTOPPM") == "1"):
        pytest.fail("pdftoppm (Debian poppler-utils) is not installed; CI requires it")
    return exe


def test_pages_render_and_are_not_blank(released_pdf: bytes, tmp_path: Path) -> None:
    exe = _pdftoppm()
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / "techpack.pdf"
    pdf.write_bytes(released_pdf)
    subprocess.run([exe, "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True, capture_output=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(pypdf.PdfReader(io.BytesIO(released_pdf)).pages)
    for png in pngs:
        with Image.open(png) as im:
            grey = im.convert("L")
            w, h = grey.size
            assert (w > h) == (load_theme().orientation == "landscape")
            dark = grey.point(lambda v: 255 if v < 240 else 0).histogram()[255]
            assert dark / (w * h) >= 0.01, f"{png.name} is nearly blank"
