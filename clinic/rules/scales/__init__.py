"""Every instrument the clinic scores, by code (design §4.4)."""

from clinic.rules.scales import phq9
from clinic.rules.scales.base import Instrument, Score, UnknownInstrument

INSTRUMENTS: dict[str, Instrument] = {module.INSTRUMENT.code: module.INSTRUMENT for module in (phq9,)}


def instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise UnknownInstrument(f"No instrument has the code {code!r}. Known codes: "
                                f"{', '.join(sorted(INSTRUMENTS))}.", field="code") from None


def score(code: str, answers: list, context: dict | None = None) -> Score:
    return instrument(code).score(answers, context)
