"""The language of a document, detected from its text with lingua (its models ship inside the package).

Why lingua (``lingua-language-detector``): its n-gram models are in the
wheel, so nothing is downloaded at run time; it tells French, Russian,
Arabic, Spanish and Chinese apart from English with confidence 0.99-1.0 on
a sentence; it is maintained and deterministic (langdetect is random unless
seeded, fastText's model is a separate download). The detector is built in
low-accuracy mode (trigram models only: the documented trade-off for texts
longer than a sentence, which documents are) over :data:`LANGUAGES`, the UN
official languages and those of the regions analysts follow, on the first
:data:`SAMPLE_CHARS` characters (title, dateline, lead): about 2 ms a
document and 40 MiB, built once per process on first use.

Extraction reads English only (:data:`EXTRACTED`); a document in another
language is stored and searchable but not run through the English
extractor (:func:`ctrack.pipeline.extract_batch`).
"""
from __future__ import annotations

import re
from functools import lru_cache

#: Languages the detector chooses among (lingua names); the UN's six official languages first.
LANGUAGES: tuple[str, ...] = (
    "ENGLISH", "FRENCH", "SPANISH", "RUSSIAN", "ARABIC", "CHINESE",
    "GERMAN", "PORTUGUESE", "ITALIAN", "DUTCH", "TURKISH", "PERSIAN", "URDU", "HINDI", "BENGALI",
    "KAZAKH", "UKRAINIAN", "MONGOLIAN", "AZERBAIJANI", "INDONESIAN", "MALAY", "SWAHILI", "SOMALI",
    "JAPANESE", "KOREAN", "POLISH", "ROMANIAN", "SERBIAN", "BOSNIAN", "ALBANIAN", "GREEK", "HEBREW",
)
#: ISO 639-1 codes of the languages extraction reads.
EXTRACTED: frozenset[str] = frozenset({"en"})
#: Characters of the text the detector looks at (its opening: title, dateline, lead).
SAMPLE_CHARS = 1200
#: Below this confidence the detector's answer is not trusted and the markup's ``lang`` (or English) stands.
MIN_CONFIDENCE = 0.5
_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return (LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in LANGUAGES))
            .with_low_accuracy_mode().build())


def detect(text: str, hint: str | None = None) -> tuple[str, float | None]:
    """The language of ``text`` as ``(ISO 639-1 code, confidence 0..1)``.

    ``hint`` is what the file's markup says (HTML ``lang``), used when the
    text is too short to tell (fewer than 20 letters) or the detector's
    confidence is under :data:`MIN_CONFIDENCE`; then the confidence returned
    is None. Without a hint the fallback is "en".
    """
    fallback = ((hint or "en").split("-")[0].lower() or "en"), None
    sample = text[:SAMPLE_CHARS]
    if len(_LETTERS.findall(sample[:400])) < 20 and len(_LETTERS.findall(sample)) < 20:
        return fallback
    det = _detector()
    values = det.compute_language_confidence_values(sample)
    if not values:
        return fallback
    best = values[0]
    if best.value < MIN_CONFIDENCE:
        return fallback
    return best.language.iso_code_639_1.name.lower(), round(best.value, 3)


def extracted(language: str | None) -> bool:
    """True when extraction reads documents in ``language`` (an ISO 639-1 code; None counts as English)."""
    return (language or "en") in EXTRACTED


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code ("fr" -> "French"), from pycountry; the code itself when unknown."""
    import pycountry

    found = pycountry.languages.get(alpha_2=code)
    return found.name if found else code
