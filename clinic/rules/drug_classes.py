"""The drug classes an intake records for current medicines and prior treatments, and which of them
a treatment-resistance count may read (clinical-reference §2.2, §3).

The patients app builds its choices from this table, and screening reads the same codes:
CA_CNS_MEDS reads the CNS-active classes (§3), the TRD count reads the antidepressant classes (§2.2).
"""

# code, label
DRUG_CLASS_TABLE: tuple[tuple[str, str], ...] = (
    ("ssri", "Antidepressant — SSRI"),
    ("snri", "Antidepressant — SNRI"),
    ("tca", "Antidepressant — tricyclic"),
    ("maoi", "Antidepressant — MAOI"),
    ("antidepressant_other", "Antidepressant — other (bupropion, mirtazapine, vortioxetine, vilazodone, trazodone)"),
    ("lithium", "Lithium"),
    ("antipsychotic_atypical", "Atypical antipsychotic"),
    ("thyroid_t3", "Thyroid hormone T3 (liothyronine)"),
    ("antipsychotic", "Antipsychotic — typical or not known"),
    ("mood_stabiliser", "Mood stabiliser (not lithium)"),
    ("benzodiazepine", "Benzodiazepine"),
    ("sedative_hypnotic", "Sedative-hypnotic"),
    ("opioid", "Opioid"),
    ("stimulant", "Stimulant"),
    ("antihypertensive", "Antihypertensive"),
    ("other", "Other"),
)
DRUG_CLASSES = tuple(code for code, _ in DRUG_CLASS_TABLE)
DRUG_CLASS_LABELS = dict(DRUG_CLASS_TABLE)

# §2.2 [D]: the trials a TRD count reads — antidepressants (SSRI, SNRI, TCA, MAOI, bupropion,
# mirtazapine, vortioxetine, vilazodone, trazodone) and augmentation with lithium, an atypical
# antipsychotic or T3. A benzodiazepine or hypnotic never counts.
ANTIDEPRESSANT_TRIAL_CLASSES = frozenset({"ssri", "snri", "tca", "maoi", "antidepressant_other", "lithium",
                                          "antipsychotic_atypical", "thyroid_t3"})
# §3 CA_CNS_MEDS: benzodiazepines, sedative-hypnotics, opioids, stimulants, MAOIs [28, 11, 14].
CNS_CLASSES = ("benzodiazepine", "sedative_hypnotic", "opioid", "stimulant", "maoi")
# §3 CA_BIPOLAR records the mood stabiliser; lithium is one.
MOOD_STABILISER_CLASSES = frozenset({"lithium", "mood_stabiliser"})
