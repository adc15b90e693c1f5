"""Sweatshirts and hoodies end to end: drafted, approved and released as complete tech packs whose POM table,
pattern page, construction and bill of materials come from the garment library."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from factories import add_user, seed_looks
from pypdf import PdfReader
from sqlmodel import select

from design_ai import garments
from design_ai.db.models import Draft, PatternSetRow
from design_ai.db.session import session_scope
from design_ai.garments.tops.flat import BANDED_PRESETS, draw_tee_flat
from design_ai.review.accounts import get_account
from design_ai.review.state import decide
from design_ai.store import Store
from design_ai.techpack.assemble import build_bundle
from design_ai.techpack.release import release_look

PIECES = {
    "sweatshirt": {"front", "back", "sleeve", "neckband", "hem_band", "cuff"},
    "hoodie": {"front", "back", "sleeve", "pocket", "hood_side", "hem_band", "cuff"},
}


@pytest.mark.parametrize("garment", ["sweatshirt", "hoodie"])
def test_a_banded_top_is_released_with_its_whole_tech_pack(
    garment: str, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEAMLINE_MARKER_SECONDS", "1")
    from design_ai.config import get_settings

    settings = get_settings()
    flat, _ = draw_tee_flat(BANDED_PRESETS[garment], px_per_cm=7.5)
    [look] = seed_looks(tmp_path / "b", settings, sketch=flat, garment=garment, material="cotton-fleece-300",
                        generation={"width": 640, "height": 640})  # fmt: skip
    for name, role in (("ana", "reviewer"), ("pat", "production")):
        add_user(settings, name, role)
    with session_scope(db_url) as s:
        draft = s.exec(select(Draft).where(Draft.look_id == look)).first()
        assert draft is not None and not draft.fidelity["flagged"], draft.fidelity  # read as its sketch shows
    decide(db_url, look_id=look, verdict="approve", reviewer="ana", draft_id=draft.id)
    store = Store.from_settings(settings)
    with session_scope(db_url) as s:
        account = get_account(s, "pat")

    def build(draft_id: int, **kw):  # type: ignore[no-untyped-def]
        return build_bundle(draft_id, settings=settings, store=store, **kw)

    tp, created = release_look(look, account=account, settings=settings, store=store, build=build)
    assert created and tp.revision == "A"

    with session_scope(db_url) as s:
        row = s.exec(select(PatternSetRow).where(PatternSetRow.look_id == look)).one()
    spec = garments.get(garment)
    assert set(row.measurements[row.base_size]) == set(spec.pom_names) - ({"shoulder_width"} if spec.hooded else set())
    names = {p["name"] for p in row.pieces[row.base_size]}
    assert PIECES[garment] <= names, names
    rib = {p["name"] for p in row.pieces[row.base_size] if p["category"] == "RIB"}
    assert {"hem_band", "cuff"} <= rib and "front" not in rib
    assert row.marker["rib"]["consumption"]["fabric_per_garment_m2"] > 0  # the rib has its own marker

    pdf = PdfReader(io.BytesIO(store.get(tp.files["pdf"])))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for pom in spec.poms:
        if pom.name in row.measurements[row.base_size]:
            assert pom.definition.split(",")[0][:30] in text.replace("\n", " "), pom.name
    for piece in PIECES[garment]:
        assert piece.replace("_", " ").upper() in text, piece  # the pattern page draws every piece
    for op in spec.construction():
        assert op.operation[:20] in text.replace("\n", " "), op.operation
    for trim in spec.trims():
        assert trim.name.split(" (")[0] in text, trim.name
    spec_json = json.loads(store.get(tp.files["json"]))
    assert spec_json["construction"][0]["operation"] == spec.construction()[0].operation
