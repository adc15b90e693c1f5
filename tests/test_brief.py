from __future__ import annotations

from pathlib import Path

import pytest
from factories import write_brief
from PIL import Image

from design_ai.brief import load_brief
from design_ai.errors import UserError

EXAMPLE_BRIEF = Path(__file__).resolve().parent.parent / "examples" / "briefs" / "tee-capsule.yaml"


def test_example_brief_loads() -> None:
    loaded = load_brief(EXAMPLE_BRIEF)
    assert loaded.spec.collection == "SS27 Everyday Tees"
    assert [look.garment for look in loaded.spec.looks] == ["tshirt", "tshirt"]
    assert all(img.mode == "RGB" for img in loaded.sketches)
    assert len(loaded.spec.looks[0].colorways) == 3


def test_same_brief_same_hash(tmp_path: Path) -> None:
    a = load_brief(write_brief(tmp_path / "a"))
    b = load_brief(write_brief(tmp_path / "b"))
    assert a.content_hash == b.content_hash
    c = load_brief(write_brief(tmp_path / "c", looks=[{"seed": 8}]))
    assert c.content_hash != a.content_hash


@pytest.mark.parametrize(
    ("look", "expected"),
    [
        (
            {"garment": "poncho"},
            "looks[0]: look 'Boxy tee': garment 'poncho' is not in the garment library; registered garments: tshirt",
        ),
        ({"garment": "p" * 5000}, "garment 'pppppppppppppppppppppppppppppppppppppppp…' is not in the garment library"),
        ({"colorways": [{"name": "X", "hex": "#12G45Z"}]}, "looks[0].colorways[0].hex: Value error, not a #RRGGBB"),
        ({"material": "unobtainium"}, "looks[0].material: unknown material 'unobtainium'"),
        ({"drafts": 0}, "looks[0].drafts: Input should be greater than or equal to 1"),
        ({"drafts": 65}, "looks[0].drafts: Input should be less than or equal to 64"),
        ({"colorways": []}, "looks[0].colorways: List should have at least 1 item"),
        ({"base_size": "XXXL"}, "base_size 'XXXL' is not in sizes"),
        ({"px_per_cm": 6.0}, "give body_length_cm or px_per_cm, not both"),
        ({"wings": True}, "looks[0].wings: unknown field"),
        ({"control": "depth"}, "looks[0].control: Input should be"),
        ({"units": None}, "size_ratio needs units"),
        ({"baseline_material": "unobtainium"}, "looks[0].baseline_material: unknown material 'unobtainium'"),
    ],
)
def test_bad_fields_name_file_and_field(tmp_path: Path, look: dict, expected: str) -> None:
    path = write_brief(tmp_path, looks=[look])
    with pytest.raises(UserError) as err:
        load_brief(path)
    message = str(err.value)
    assert message.startswith(str(path)), message
    assert expected.replace("Value error, ", "") in message, message
    assert "\n" not in message


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "brief.yaml"
    path.write_text("collection: x\nlooks: [\n  {name: a\n")
    with pytest.raises(UserError, match=r"brief\.yaml:\d+:\d+: malformed YAML"):
        load_brief(path)


def test_missing_brief_and_sketch(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="brief file not found"):
        load_brief(tmp_path / "nope.yaml")
    path = write_brief(tmp_path, looks=[{"sketch": "sketches/missing.png"}])
    with pytest.raises(UserError, match=r"looks\[0\]\.sketch: file not found"):
        load_brief(path)


def test_corrupt_and_truncated_sketch(tmp_path: Path) -> None:
    path = write_brief(tmp_path)
    sketch = tmp_path / "sketches" / "tee.png"
    data = sketch.read_bytes()
    sketch.write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError, match=r"looks\[0\]\.sketch \(tee\.png\): not a readable image"):
        load_brief(path)
    sketch.write_bytes(b"this is not a png at all" * 10)
    with pytest.raises(UserError, match="not a readable image"):
        load_brief(path)


def test_decompression_bomb_refused_before_decoding(tmp_path: Path) -> None:
    path = write_brief(tmp_path)
    Image.new("L", (8000, 7000), 255).save(tmp_path / "sketches" / "tee.png")  # 56 MP of white
    with pytest.raises(UserError, match=r"56\.0 megapixels, over the 50 MP limit"):
        load_brief(path)


def test_duplicate_look_names(tmp_path: Path) -> None:
    path = write_brief(tmp_path, looks=[{}, {}])
    with pytest.raises(UserError, match="two looks are named 'Boxy tee'"):
        load_brief(path)
