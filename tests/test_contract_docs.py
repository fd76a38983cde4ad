from pathlib import Path

from govkit.data.contract_docs import render, write

DOC = Path(__file__).parent.parent / "docs" / "data-contract.md"


def test_committed_contract_docs_match_the_schemas():
    # If this fails: run `govkit contract-docs docs/data-contract.md` and commit the result.
    assert DOC.read_text(encoding="utf-8") == render()


def test_docs_carry_rules_from_the_schema_objects(tmp_path):
    text = write(tmp_path / "c.md").read_text(encoding="utf-8")
    assert "- Rule: `disadvantaged` may not be more than `pupils_on_roll`" in text
    assert "| `likelihood` | whole number (1,234 allowed) | no | no | 1 to 5 |" in text
    assert "- Key (each combination once): `urn`, `term`, `pupil_group`" in text
