"""Treatment-resistant depression: counting adequate failed medication trials (clinical-reference §2.2).

There is no consensus definition [26]. This counts failed antidepressant trials (augmentation with
lithium, an atypical antipsychotic or T3 included; a benzodiazepine or hypnotic never) of adequate
dose and duration, taken without poor adherence, in the current episode [3, 22, 27] against the
protocol's minimum — 2 in unipolar and 1 in bipolar depression, the most common definitions [26] —
and says for every trial why it did or did not count, and which definition it applied. The result
is a finding for the prescriber, not an eligibility gate (§2.2).
"""

from dataclasses import dataclass, field

from clinic.rules.drug_classes import ANTIDEPRESSANT_TRIAL_CLASSES, DRUG_CLASS_LABELS, DRUG_CLASSES
from clinic.rules.errors import DomainError
from clinic.rules.protocol import ProtocolInvalid as TrdProtocolInvalid
from clinic.rules.protocol import tagged

SOURCE = ("clinical-reference §2.2: Gaynes 2020 [26] (≥ 2 failures unipolar, ≥ 1 bipolar); Depress Anxiety "
          "2021 [27] (minimum trial 4–6 weeks); Shiroma 2020 [22] and [3] (current episode, ATHF classes)")

TRD_INDICATIONS = ("TRD_UNIPOLAR", "TRD_BIPOLAR")
TRIAL_KINDS = ("medication", "psychotherapy", "tms", "ect", "ketamine")
OUTCOMES = ("no_response", "partial_response", "response", "response_then_relapse", "intolerance", "unknown")
FAILED_OUTCOMES = frozenset({"no_response", "partial_response"})
# §2.2 intake history: adherence as recorded; "" = not recorded. Only "poor" stops a trial counting.
ADHERENCE = ("good", "partial", "poor", "unknown", "")
# §2.2: "never a benzodiazepine or hypnotic".
NEVER_COUNTING_CLASSES = frozenset({"benzodiazepine", "sedative_hypnotic"})
# §2.2 [D]: the minimum weeks at an adequate dose may be set from 4 to 8.
MIN_WEEKS_ALLOWED = range(4, 9)


class TrialInvalid(DomainError):
    code = "TRIAL_INVALID"


@dataclass(frozen=True)
class TrdProtocol:
    """TRD counting settings [D] (§2.2); defaults from the reference."""

    min_weeks: int = field(
        default=6, metadata=tagged("D", "§2.2 trd_min_weeks [D]: default 6, allowed 4–8; a minimum trial of 4–6 "
                                        "weeks was proposed [27]"))
    require_distinct_classes: bool = field(
        default=False, metadata=tagged("D", "§2.2 trd_require_distinct_classes [D]; some trials require different "
                                            "classes (ATHF) [22]"))
    min_failed_trials_unipolar: int = field(
        default=2, metadata=tagged("D", "§2.2 trd_min_failed_trials [D]: ≥ 2 failures, the most common unipolar "
                                        "definition [26]"))
    min_failed_trials_bipolar: int = field(
        default=1, metadata=tagged("D", "§2.2 [D]: ≥ 1 failure, the most common bipolar definition [26]"))
    # When a clinic turns this on, an intolerance trial in the current episode counts without the
    # dose and duration conditions, which it never reached.
    count_intolerance: bool = field(
        default=False, metadata=tagged("U", "§2.2 [U]: definitions disagree on intolerance; by default a trial "
                                            "stopped for intolerance before an adequate duration is recorded, not "
                                            "counted"))

    def __post_init__(self) -> None:
        if self.min_weeks not in MIN_WEEKS_ALLOWED:
            raise TrdProtocolInvalid(f"The minimum trial length must be 4 to 8 weeks (clinical-reference §2.2); "
                                     f"it is {self.min_weeks}.", field="min_weeks")
        for name in ("min_failed_trials_unipolar", "min_failed_trials_bipolar"):
            if getattr(self, name) < 1:
                raise TrdProtocolInvalid("At least one failed trial must be required.", field=name)

    def min_failed_trials(self, indication: str) -> int:
        if indication == "TRD_BIPOLAR":
            return self.min_failed_trials_bipolar
        return self.min_failed_trials_unipolar


DEFAULT_TRD_PROTOCOL = TrdProtocol()


@dataclass(frozen=True)
class TreatmentTrial:
    """One prior treatment as recorded at intake (plain values of the patients app's TreatmentTrial).

    None means not recorded: `current_episode` (in this episode?), `adequate_dose` (the
    prescriber's adequacy flag) and `weeks_at_adequate_dose`. `drug_class` is one of
    clinic.rules.drug_classes.DRUG_CLASSES, or "" when not recorded; `adherence` is one of ADHERENCE
    ("" = not recorded).
    """

    kind: str
    name: str
    outcome: str
    drug_class: str = ""
    weeks_at_adequate_dose: int | None = None
    current_episode: bool | None = None
    adequate_dose: bool | None = None
    non_medical: bool = False
    adherence: str = ""


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class TrialVerdict:
    """Whether one trial counted; `reasons` says why not (empty when it counted)."""

    index: int
    name: str
    counted: bool
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class TrdAssessment:
    indication: str
    met: bool
    failed_trials: int
    required: int
    min_weeks: int
    require_distinct_classes: bool
    verdicts: tuple[TrialVerdict, ...]
    definition: str  # the definition applied, in words, with the protocol's figures
    source: str = SOURCE

    @property
    def counted(self) -> tuple[TrialVerdict, ...]:
        return tuple(verdict for verdict in self.verdicts if verdict.counted)

    @property
    def not_counted(self) -> tuple[TrialVerdict, ...]:
        return tuple(verdict for verdict in self.verdicts if not verdict.counted)


def trd_criteria_met(trials: tuple[TreatmentTrial, ...] | list[TreatmentTrial], *, indication: str,
                     protocol: TrdProtocol = DEFAULT_TRD_PROTOCOL) -> TrdAssessment:
    """Count adequate failed antidepressant trials in the current episode (clinical-reference §2.2 [D]).

    A trial counts when it is a medication of a class in ANTIDEPRESSANT_TRIAL_CLASSES, taken without
    poor adherence, in the current episode, at a dose the prescriber confirmed adequate, for at least
    `min_weeks` at that dose, with no or partial response [26, 27].
    With `require_distinct_classes` only the first counted trial of each drug class counts [22].
    Every trial gets a verdict with all the reasons it did not count.
    """
    if indication not in TRD_INDICATIONS:
        raise TrialInvalid(f"TRD criteria apply to {' or '.join(TRD_INDICATIONS)}, not {indication!r}.",
                           field="indication")
    check_trials(trials)
    verdicts = _one_per_class([_verdict(index, trial, protocol) for index, trial in enumerate(trials)], trials,
                              protocol)
    failed = sum(verdict.counted for verdict in verdicts)
    required = protocol.min_failed_trials(indication)
    return TrdAssessment(indication=indication, met=failed >= required, failed_trials=failed, required=required,
                         min_weeks=protocol.min_weeks, require_distinct_classes=protocol.require_distinct_classes,
                         verdicts=tuple(verdicts), definition=definition(protocol, indication))


def definition(protocol: TrdProtocol, indication: str) -> str:
    """The definition a protocol applies, in words (§2.2: no consensus definition exists [26])."""
    required = protocol.min_failed_trials(indication)
    text = (f"at least {required} failed antidepressant trial{'s' if required != 1 else ''} of adequate dose for "
            f"≥ {protocol.min_weeks} weeks in the current episode")
    if protocol.require_distinct_classes:
        text += ", each of a different drug class"
    if protocol.count_intolerance:
        text += ", a trial stopped for intolerance counting as failed"
    return text


def check_trials(trials: tuple[TreatmentTrial, ...] | list[TreatmentTrial]) -> None:
    """Refuse a trial whose kind, drug class, adherence, outcome or weeks cannot be right, naming the field."""
    for index, trial in enumerate(trials):
        _check_trial(index, trial)


def _check_trial(index: int, trial: TreatmentTrial) -> None:
    where = f"trials[{index}]"
    if trial.kind not in TRIAL_KINDS:
        raise TrialInvalid(f"Trial {index + 1} ({trial.name}) has kind {trial.kind!r}; expected one of "
                           f"{', '.join(TRIAL_KINDS)}.", field=f"{where}.kind")
    if trial.outcome not in OUTCOMES:
        raise TrialInvalid(f"Trial {index + 1} ({trial.name}) has outcome {trial.outcome!r}; expected one of "
                           f"{', '.join(OUTCOMES)}.", field=f"{where}.outcome")
    if trial.drug_class and trial.drug_class not in DRUG_CLASSES:
        raise TrialInvalid(f"Trial {index + 1} ({trial.name}) has drug class {trial.drug_class!r}; expected one of "
                           f"{', '.join(DRUG_CLASSES)}, or none.", field=f"{where}.drug_class")
    if trial.adherence not in ADHERENCE:
        raise TrialInvalid(f"Trial {index + 1} ({trial.name}) has adherence {trial.adherence!r}; expected one of "
                           f"{', '.join(name for name in ADHERENCE if name)}, or none.", field=f"{where}.adherence")
    weeks = trial.weeks_at_adequate_dose
    if weeks is not None and (isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 0):
        raise TrialInvalid(f"Trial {index + 1} ({trial.name}) has {weeks!r} weeks at an adequate dose; record a "
                           "whole number of weeks, 0 or more.", field=f"{where}.weeks_at_adequate_dose")


def _verdict(index: int, trial: TreatmentTrial, protocol: TrdProtocol) -> TrialVerdict:
    if trial.kind != "medication":
        return TrialVerdict(index, trial.name, False, (Reason("NOT_MEDICATION", (
            f"A {trial.kind} trial: TRD counts medication trials only (§2.2).")),))
    if trial.drug_class in NEVER_COUNTING_CLASSES:
        return TrialVerdict(index, trial.name, False, (Reason("NEVER_COUNTS", (
            f"{DRUG_CLASS_LABELS[trial.drug_class]}: never counts toward treatment resistance (§2.2).")),))
    if trial.drug_class and trial.drug_class not in ANTIDEPRESSANT_TRIAL_CLASSES:
        return TrialVerdict(index, trial.name, False, (Reason("NOT_ANTIDEPRESSANT", (
            f"{DRUG_CLASS_LABELS[trial.drug_class]}: only antidepressants, and augmentation with lithium, an "
            "atypical antipsychotic or T3, count (§2.2).")),))
    reasons = (*_class_reasons(trial), *_adherence_reasons(trial), *_episode_reasons(trial),
               *_adequacy_reasons(trial, protocol), *_outcome_reasons(trial, protocol))
    return TrialVerdict(index, trial.name, not reasons, reasons)


def _class_reasons(trial: TreatmentTrial) -> tuple[Reason, ...]:
    if not trial.drug_class:
        return (Reason("CLASS_NOT_RECORDED", "The drug class is not recorded; record it, as only antidepressant "
                       "trials count."),)
    return ()


def _adherence_reasons(trial: TreatmentTrial) -> tuple[Reason, ...]:
    if trial.adherence == "poor":
        return (Reason("POOR_ADHERENCE", "Taken with poor adherence: not counted as a failed trial (§2.2)."),)
    return ()


def _episode_reasons(trial: TreatmentTrial) -> tuple[Reason, ...]:
    if trial.current_episode is None:
        return (Reason("EPISODE_NOT_RECORDED", "Not recorded whether it was given in the current episode; "
                       "ask and record it."),)
    if not trial.current_episode:
        return (Reason("PAST_EPISODE", "Given in a past episode; only the current episode counts."),)
    return ()


def _adequacy_reasons(trial: TreatmentTrial, protocol: TrdProtocol) -> tuple[Reason, ...]:
    if protocol.count_intolerance and trial.outcome == "intolerance":
        return ()
    reasons = []
    if trial.adequate_dose is None:
        reasons.append(Reason("ADEQUACY_NOT_CONFIRMED", "The prescriber has not yet confirmed the dose was adequate."))
    elif not trial.adequate_dose:
        reasons.append(Reason("DOSE_NOT_ADEQUATE", "The prescriber judged the dose not adequate."))
    weeks = trial.weeks_at_adequate_dose
    if weeks is None:
        reasons.append(Reason("WEEKS_NOT_RECORDED", "Weeks at an adequate dose are not recorded."))
    elif weeks < protocol.min_weeks:
        reasons.append(Reason("TOO_SHORT", f"{weeks} weeks at an adequate dose; the protocol needs "
                              f"{protocol.min_weeks}."))
    return tuple(reasons)


def _outcome_reasons(trial: TreatmentTrial, protocol: TrdProtocol) -> tuple[Reason, ...]:
    if trial.outcome in FAILED_OUTCOMES or (protocol.count_intolerance and trial.outcome == "intolerance"):
        return ()
    if trial.outcome == "intolerance":
        return (Reason("INTOLERANCE_NOT_COUNTED", "Stopped for intolerance: recorded, not counted by this "
                       "protocol (definitions disagree, §2.2 [U])."),)
    if trial.outcome == "unknown":
        return (Reason("OUTCOME_UNKNOWN", "The outcome is not known; record it if it can be found."),)
    return (Reason("NOT_A_FAILURE", f"Outcome {trial.outcome.replace('_', ' ')}: not a failed trial."),)


def _one_per_class(verdicts: list[TrialVerdict], trials: tuple[TreatmentTrial, ...] | list[TreatmentTrial],
                   protocol: TrdProtocol) -> list[TrialVerdict]:
    """With distinct classes required, keep the first counted trial of each class (ATHF, [22])."""
    if not protocol.require_distinct_classes:
        return verdicts
    seen: set[str] = set()
    result = []
    # A counted trial always has a recorded class (CLASS_NOT_RECORDED stops it counting).
    for verdict in verdicts:
        drug_class = trials[verdict.index].drug_class
        if verdict.counted and drug_class in seen:
            verdict = TrialVerdict(verdict.index, verdict.name, False, (Reason(
                "SAME_CLASS", f"A trial of the same class ({drug_class}) already counted."),))
        elif verdict.counted:
            seen.add(drug_class)
        result.append(verdict)
    return result
