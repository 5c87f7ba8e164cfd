"""GET /api/v1/instruments and POST /api/v1/instruments/{code}/score: thin wrappers over
clinic.rules.scales (design §4.4). No patient data passes through them, so no audit event.

A number answer may be a JSON integer or a JSON number with a fraction (a YMRS rating of 1.5). The
JSON reader gives a fraction as a binary float; it is turned into the shortest decimal that reads
back as that float (1.5 stays 1.5, 0.1 stays 0.1), and the scale adds decimals, never floats. A
fraction written with more digits than a float holds (2.4999999999999999) arrives as the float it
rounds to (2.5). The scale checks each answer against the item's range and step."""

import math
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema
from pydantic import Field, PlainValidator
from pydantic_core import PydanticCustomError

from clinic.api.v1.errors import error_response, responses
from clinic.api.v1.fields import whole_number
from clinic.api.v1.schemas import In
from clinic.rules import scales
from clinic.rules.scales.base import AnswerError, Instrument, Item, Score

router = Router(tags=["instruments"])

Number = float | int


def _answer(value: object) -> int | Decimal | None:
    """One answer: null, a whole number, or a finite fraction read as the shortest decimal that reads
    back as the float the JSON reader made. Strict: "2" and true are not answers. An option item
    needs its whole-number index; a number item takes the number itself, on the item's step (2.0 on
    a whole-number item is accepted as 2 by the scale)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    raise PydanticCustomError("answer", "Send a number (an option's index or the item's number) or null.")


# One validator, so a refused answer is reported at its own place ("answers.3"), not per union member.
Answer = Annotated[int | float | None, PlainValidator(_answer, json_schema_input_type=int | float | None)]


class OptionOut(Schema):
    index: int = Field(description="What to send as the answer for this option.")
    label: str
    points: int = Field(description="What the option scores.")


class NumberRangeOut(Schema):
    min: Number = Field(description="The lowest number the item accepts.")
    max: Number = Field(description="The highest number the item accepts.")
    step: Number = Field(description="Answers run min, min + step, min + 2 × step, … max: 1 for whole numbers "
                                     "(days, a 0–10 rating), 0.5 where half points are allowed (YMRS).")
    unit: str


class ItemOut(Schema):
    number: int
    label: str
    text: str | None = Field(description="Item wording where its licence allows; otherwise null.")
    options: list[OptionOut]
    number_range: NumberRangeOut | None = Field(
        description="Set when the answer is the number itself, not an option: its minimum, maximum and step.")
    recall_period: str | None
    asked_if: dict[str, int] | None = Field(
        description="Asked only when item `item` got option `option`; otherwise send null.")
    loinc: str | None


class BandOut(Schema):
    low: Number
    high: Number | None
    code: str
    label: str
    low_inclusive: bool = Field(description="False when the band starts just above `low`.")
    high_inclusive: bool = Field(description="False when the band stops just below `high` (YMRS \"12 to < 21\").")


class InstrumentOut(Schema):
    code: str
    name: str
    items: list[ItemOut]
    total_min: Number | None
    total_max: Number | None
    bands: list[BandOut]
    recall_period: str
    completed_by: str
    licence: str
    source: str
    loinc_panel: str | None
    loinc_total: str | None
    notes: list[str]


class ScoreContext(In):
    sex: Literal["female", "male", "other", "unknown"] | None = Field(
        default=None, description="AUDIT-C cut-off (≥ 3 women, ≥ 4 men; the lower one when not female or male).")
    pre_dose_total: whole_number(ge=0, le=92) | None = Field(default=None, description="CADSS: the pre-dose total.")
    midas_a: whole_number(ge=0, le=92) | None = Field(
        default=None, description="MIDAS item A: headache days in the last 3 months.")
    midas_b: whole_number(ge=0, le=10) | None = Field(default=None, description="MIDAS item B: usual pain, 0–10.")
    multiple_answer_items: list[whole_number(ge=1, le=21)] | None = Field(
        default=None, max_length=21,
        description="FIQR: the numbers of the items where the patient marked more than one answer (send one rating "
                    "for each). 3 or more make the form invalid.")


class ScoreIn(In):
    model_config = {"json_schema_extra": {"example": {"answers": [1, 2, 1, 2, 1, 1, 1, 1, 0], "context": {}}}}

    answers: list[Answer] = Field(max_length=100, description=(
        "One answer per item in the published order: the option's index (0 = first option), the number "
        "where the item asks for one (within the item's number_range and on its step, e.g. a YMRS rating "
        "of 1.5), or null for an item not asked."))
    context: ScoreContext = Field(default_factory=ScoreContext)


class AlertOut(Schema):
    code: str
    item: int | None
    message: str


class ScoreOut(Schema):
    instrument: str
    total: Number | None
    severity: str | None
    risk: str | None
    alerts: list[AlertOut]
    subscores: dict[str, Number]
    flags: list[str]


def json_number(value: int | Decimal | None) -> Number | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def _item(item: Item) -> dict:
    low_high = item.number_range
    return {
        "number": item.number, "label": item.label, "text": item.text, "loinc": item.loinc,
        "options": [{"index": index, "label": option.label, "points": option.points}
                    for index, option in enumerate(item.options)],
        "number_range": {"min": json_number(low_high[0]), "max": json_number(low_high[1]),
                         "step": json_number(item.step), "unit": item.unit} if low_high else None,
        "recall_period": item.recall_period,
        "asked_if": {"item": item.asked_if[0], "option": item.asked_if[1]} if item.asked_if else None,
    }


def _instrument(instrument: Instrument) -> dict:
    total_min, total_max = instrument.total_range or (None, None)
    return {
        "code": instrument.code, "name": instrument.name, "items": [_item(item) for item in instrument.items],
        "total_min": json_number(total_min), "total_max": json_number(total_max),
        "bands": [{"low": json_number(band.low), "high": json_number(band.high), "code": band.code, "label": band.label,
                   "low_inclusive": band.low_inclusive, "high_inclusive": band.high_inclusive}
                  for band in instrument.bands],
        "recall_period": instrument.recall_period, "completed_by": instrument.completed_by,
        "licence": instrument.licence, "source": instrument.source, "loinc_panel": instrument.loinc_panel,
        "loinc_total": instrument.loinc_total, "notes": list(instrument.notes),
    }


def _score(score: Score) -> dict:
    return {
        "instrument": score.instrument, "total": json_number(score.total), "severity": score.severity,
        "risk": score.risk, "alerts": [{"code": a.code, "item": a.item, "message": a.message} for a in score.alerts],
        "subscores": {name: json_number(value) for name, value in score.subscores.items()},
        "flags": list(score.flags),
    }


@router.get("/instruments", response={200: list[InstrumentOut], **responses(401)}, operation_id="list_instruments")
def list_instruments(request: HttpRequest) -> list[dict]:
    """Every instrument the clinic scores, with its items, options, bands and licence note."""
    return [_instrument(instrument) for _, instrument in sorted(scales.INSTRUMENTS.items())]


@router.post("/instruments/{code}/score", response={200: ScoreOut, **responses(400, 401, 404)},
             operation_id="score_instrument")
def score_instrument(request: HttpRequest, code: str, payload: ScoreIn) -> dict | JsonResponse:
    """Score one completed questionnaire. 400 names the item on a wrong length, an out-of-range or off-step
    answer or a missing required item, and names every item where answers clash (MIDAS days).

    YMRS answers are the clinician's ratings themselves (0–4 in steps of 0.5 on items 1–4, 7, 10 and 11;
    0–8 in steps of 1 on items 5, 6, 8 and 9), no longer option indexes: a 4 on item 5 is a rating of 4,
    where it once meant 8. Each item's `number_range` in GET /api/v1/instruments gives its steps."""
    if code not in scales.INSTRUMENTS:
        return error_response(status=404, code="UNKNOWN_INSTRUMENT",
                              message=f"No instrument has the code {code!r}. GET /api/v1/instruments lists them.")
    context = payload.context.model_dump(exclude_none=True)
    try:
        return _score(scales.INSTRUMENTS[code].score(payload.answers, context))
    except AnswerError as error:
        return error_response(status=400, code=error.code, message=error.message,
                              details=_answer_details(error))


def _answer_details(error: AnswerError) -> list[dict[str, str]]:
    """One detail per item at fault (both items of a MIDAS pair), else the field."""
    if error.items:
        return [{"item": item, "message": error.message} for item in error.items]
    return [{"field": error.field or "answers", "message": error.message}]
