"""The card's glossary: what its words and symbols mean, for parents who don't use them
daily; only the entries a card's measures call for."""

from __future__ import annotations

from govkit.plan import fmt
from govkit.plan.result import KpiRows, as_results

# A short glossary: (term, meaning, words on the card that call for it; None: always).
GLOSSARY: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("KS2", "Key stage 2: Years 3 to 6 of primary school. Pupils sit national tests in "
     "reading, maths, and grammar, punctuation and spelling in Year 6.", ("KS2",)),
    ("KS4", "Key stage 4: Years 10 and 11 of secondary school, ending in GCSEs.", ("KS4",)),
    ("Expected standard", "The level the government expects most pupils to reach by the "
     "end of the key stage.", ("expected standard",)),
    ("Scaled score", "How KS2 test results are given: from 80 to 120, where 100 or more "
     "means the pupil reached the expected standard.", ("scaled score",)),
    ("Attainment 8 and Progress 8", "Attainment 8 is a pupil's average grade across eight "
     "GCSEs; Progress 8 compares it with pupils nationally who started secondary school at "
     "the same level (0 is average).", ("Attainment 8", "Progress 8")),
    ("Disadvantaged pupils", "Pupils who have had free school meals in the last six years "
     "or are looked after by the local authority: the pupils the pupil premium is for.",
     ("disadvantaged",)),
    ("SEND", "Special educational needs and disabilities: pupils who need extra help to "
     "learn, with or without an education, health and care plan.", ("SEND",)),
    ("Persistent absence", "Missing 10% or more of school sessions: about a day every two "
     "weeks.", ("Persistent absence",)),
    ("Phonics check", "A short check in Year 1 of how well children can sound out words.",
     ("phonics",)),
    ("Share of places", "How full the school is: pupils on roll as a share of the places it "
     "was built for.", ("share of places",)),
    ("About the same, a little, well above or below", "How big the difference is, as the "
     "figures show it. 'In a small group of pupils' means the difference could be chance: "
     "with few pupils, one or two more or fewer move the figure a lot.", None),
    (fmt.SUPPRESSED, "Not shown, to protect the privacy of a small group of pupils.", None),
    (fmt.NOT_AVAILABLE, "Not published: for example, the government published no KS2 "
     "progress scores for 2024 and 2025.", None),
    (fmt.MISSING, "No figure: not available yet, or nothing to compare with.", None),
]


def glossary_terms(frame: KpiRows) -> list[tuple[str, str]]:
    """The glossary entries this card needs: those whose words appear in its measures."""
    words = " ".join(str(r.label) for r in as_results(frame) if r.label is not None).lower()
    return [(t, meaning) for t, meaning, calls in GLOSSARY
            if calls is None or any(c.lower() in words for c in calls)]
