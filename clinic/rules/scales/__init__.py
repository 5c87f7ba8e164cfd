"""Every instrument the clinic scores, by code (design §4.4)."""

from clinic.rules.scales import (
    audit_c,
    bprs,
    cadss,
    cadss6,
    cssrs_screener,
    dast10,
    fiqr,
    gad7,
    hamd17,
    hit6,
    madrs,
    midas,
    pain_nrs,
    pcl5,
    phq9,
    qids_sr16,
    ybocs,
    ymrs,
)
from clinic.rules.scales.base import Instrument, Score, UnknownInstrument

INSTRUMENTS: dict[str, Instrument] = {module.INSTRUMENT.code: module.INSTRUMENT for module in (
    phq9, gad7, pcl5, ybocs, madrs, qids_sr16, cadss, cadss6, cssrs_screener, hamd17,
    pain_nrs, midas, hit6, fiqr, audit_c, dast10, ymrs, bprs,
)}


def instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise UnknownInstrument(f"No instrument has the code {code!r}. Known codes: "
                                f"{', '.join(sorted(INSTRUMENTS))}.", field="code") from None


def score(code: str, answers: list, context: dict | None = None) -> Score:
    return instrument(code).score(answers, context)
