"""The safety history: the yes / no questions an intake asks, and the eligibility rule each
answer feeds (clinical-reference §3).

Each question stays unknown (None) until someone answers it; screening never reads unknown as "no".
The patients app stores one column per question, the forms and the API ask them in this order, and
screening reads them by name: this table is their one definition.
"""

from clinic.rules.errors import DomainError

# (name, label, the §3 rule the answer feeds)
SAFETY_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("psychosis_current", "Current psychosis", "HS_PSYCHOSIS_ACTIVE"),
    ("psychotic_features_this_episode", "Psychotic features in this episode", "HS_PSYCHOSIS_ACTIVE"),
    ("psychosis_past", "Past psychosis or psychotic disorder", "CA_PSYCHOSIS_PAST"),
    ("mania_current", "Current manic or mixed episode", "HS_MANIA"),
    ("hypomania_current", "Current hypomania", "HS_MANIA"),
    ("bipolar_disorder", "Bipolar disorder", "CA_BIPOLAR"),
    ("cardiovascular_unstable", "Poorly controlled cardiovascular disease", "HS_CV_UNSTABLE"),
    ("hypertension_uncontrolled", "Uncontrolled hypertension", "HS_HTN_UNCONTROLLED"),
    ("hypertension_controlled", "Controlled hypertension", "CA_HTN"),
    ("aneurysm", "Aneurysmal vascular disease", "HS_ANEURYSM"),
    ("arteriovenous_malformation", "Arteriovenous malformation", "HS_AVM"),
    ("intracerebral_haemorrhage_past", "Past intracerebral haemorrhage", "HS_ICH"),
    ("pregnant", "Pregnant (reported or positive test)", "HS_PREGNANT"),
    ("could_become_pregnant", "Could become pregnant", "IN_PREGNANCY_TEST"),
    ("breastfeeding", "Breastfeeding", "CA_LACTATION"),
    ("ketamine_hypersensitivity", "Hypersensitivity to ketamine or esketamine", "HS_HYPERSENS"),
    ("substance_use_disorder_current", "Current moderate or severe substance use disorder", "HS_SUD_ACTIVE"),
    ("ketamine_non_medical_current", "Current non-medical ketamine use", "HS_SUD_ACTIVE"),
    ("substance_use_disorder_past", "Past substance use disorder", "CA_SUD_HISTORY"),
    ("ketamine_misuse_past", "Past ketamine misuse", "CA_SUD_HISTORY"),
    ("hepatic_impairment_severe", "Severe hepatic impairment", "HS_HEPATIC_SEVERE"),
    ("liver_disease", "Liver disease, moderate impairment or abnormal liver tests", "CA_HEPATIC"),
    ("urinary_symptoms_current", "Current urinary symptoms", "CA_BLADDER"),
    ("cystitis_past", "Past cystitis", "CA_BLADDER"),
    ("raised_intracranial_or_intraocular_pressure", "Raised intracranial or intraocular pressure", "HS_ICP_IOP"),
    ("epilepsy_recent_seizure", "Epilepsy with a seizure in the past 12 months", "CA_EPILEPSY"),
    ("neurocognitive_disorder", "Neurocognitive disorder", "CA_COGNITIVE"),
    ("traumatic_brain_injury_symptomatic", "Symptomatic traumatic brain injury", "CA_COGNITIVE"),
    ("dissociative_disorder", "Primary dissociative disorder", "CA_DISSOCIATIVE"),
)
SAFETY_LABELS = {name: label for name, label, _ in SAFETY_ITEMS}

# The questions by topic, as the intake asks them (product choice: grouped so that one answer,
# "none of these", covers a topic; every question belongs to exactly one group).
# (key, title, question names)
SAFETY_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("mental_health", "Psychosis, mood and dissociation", (
        "psychosis_current", "psychotic_features_this_episode", "psychosis_past", "mania_current",
        "hypomania_current", "bipolar_disorder", "dissociative_disorder")),
    ("heart_vessels", "Heart, blood pressure and blood vessels", (
        "cardiovascular_unstable", "hypertension_uncontrolled", "hypertension_controlled", "aneurysm",
        "arteriovenous_malformation", "intracerebral_haemorrhage_past")),
    ("pregnancy", "Pregnancy and breastfeeding", ("pregnant", "could_become_pregnant", "breastfeeding")),
    ("substances", "Ketamine and other substances", (
        "ketamine_hypersensitivity", "substance_use_disorder_current", "ketamine_non_medical_current",
        "substance_use_disorder_past", "ketamine_misuse_past")),
    ("liver_bladder", "Liver and bladder", (
        "hepatic_impairment_severe", "liver_disease", "urinary_symptoms_current", "cystitis_past")),
    ("brain", "Brain, eyes and nerves", (
        "raised_intracranial_or_intraocular_pressure", "epilepsy_recent_seizure", "neurocognitive_disorder",
        "traumatic_brain_injury_symptomatic")),
)
NONE_OF_THESE = "none"


class SafetyAnswersConflict(DomainError):
    code = "SAFETY_ANSWERS_CONFLICT"


def group_answers(*, ticked: dict[str, set[str]], shown: dict[str, set[str]],
                  before: dict[str, bool | None]) -> dict[str, bool | None]:
    """Every question's answer from what was ticked in each group (`ticked`: group key → the names
    ticked there, NONE_OF_THESE included), what the page showed ticked (`shown`) and the answers
    recorded before.

    A group sent as it was shown keeps its recorded answers: saving a page untouched asks nothing new.
    In a group whose ticks changed, a ticked question is Yes, and when anything is ticked, "none of
    these" included, the group is answered whole: its unticked questions are No. In a changed group
    left with nothing ticked, a question recorded as No stays No and every other one is not asked
    (None): unticking a Yes never turns it into a No. "None of these" beside a ticked question is
    refused, naming both."""
    answers: dict[str, bool | None] = {}
    for key, title, names in SAFETY_GROUPS:
        chosen = ticked.get(key, set())
        questions = chosen - {NONE_OF_THESE}
        if NONE_OF_THESE in chosen and questions:
            listed = ", ".join(SAFETY_LABELS[name] for name in names if name in questions)
            raise SafetyAnswersConflict(f"{title}: “None of these” is ticked together with {listed}. "
                                        "Untick one or the other.", field=key)
        for name in names:
            if chosen == shown.get(key, set()):
                answers[name] = before.get(name)
            elif chosen:
                answers[name] = name in questions
            else:
                answers[name] = False if before.get(name) is False else None
    return answers
