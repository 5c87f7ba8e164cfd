"""A catalogue of the psychiatric and related medicines an intake most often records, for the medicine
picker: each with its drug class (clinic.rules.drug_classes) and its usual dose unit and route.

Choosing a catalogued medicine fills its class, and for a prior trial the usual unit and route; the
clinician may change any of them. A medicine not in the catalogue is typed in full and its class
chosen by hand.
"""

from dataclasses import dataclass

SOURCE = ("WHO Collaborating Centre for Drug Statistics Methodology, ATC/DDD Index (N05, N06, N03, N02, "
          "H03, C02, C07, C08, C09) for names and classes; the drugs' US prescribing labels (DailyMed) for the "
          "usual unit and route; the choice of medicines is a product choice")


@dataclass(frozen=True)
class CatalogueMedicine:
    name: str
    drug_class: str
    dose_unit: str = "mg"
    route: str = "oral"


_TABLE: tuple[tuple[str, str], ...] = (
    ("Citalopram", "ssri"), ("Escitalopram", "ssri"), ("Fluoxetine", "ssri"), ("Fluvoxamine", "ssri"),
    ("Paroxetine", "ssri"), ("Sertraline", "ssri"),
    ("Desvenlafaxine", "snri"), ("Duloxetine", "snri"), ("Levomilnacipran", "snri"), ("Milnacipran", "snri"),
    ("Venlafaxine", "snri"),
    ("Amitriptyline", "tca"), ("Clomipramine", "tca"), ("Desipramine", "tca"), ("Doxepin", "tca"),
    ("Imipramine", "tca"), ("Nortriptyline", "tca"),
    ("Phenelzine", "maoi"), ("Tranylcypromine", "maoi"), ("Isocarboxazid", "maoi"),
    ("Bupropion", "antidepressant_other"), ("Mirtazapine", "antidepressant_other"),
    ("Trazodone", "antidepressant_other"), ("Vilazodone", "antidepressant_other"),
    ("Vortioxetine", "antidepressant_other"),
    ("Lithium carbonate", "lithium"),
    ("Aripiprazole", "antipsychotic_atypical"), ("Brexpiprazole", "antipsychotic_atypical"),
    ("Cariprazine", "antipsychotic_atypical"), ("Lurasidone", "antipsychotic_atypical"),
    ("Olanzapine", "antipsychotic_atypical"), ("Quetiapine", "antipsychotic_atypical"),
    ("Risperidone", "antipsychotic_atypical"),
    ("Haloperidol", "antipsychotic"),
    ("Carbamazepine", "mood_stabiliser"), ("Lamotrigine", "mood_stabiliser"),
    ("Valproate (divalproex)", "mood_stabiliser"),
    ("Alprazolam", "benzodiazepine"), ("Clonazepam", "benzodiazepine"), ("Diazepam", "benzodiazepine"),
    ("Lorazepam", "benzodiazepine"),
    ("Zolpidem", "sedative_hypnotic"), ("Eszopiclone", "sedative_hypnotic"),
    ("Buprenorphine", "opioid"), ("Methadone", "opioid"), ("Oxycodone", "opioid"), ("Tramadol", "opioid"),
    ("Amphetamine (mixed salts)", "stimulant"), ("Lisdexamfetamine", "stimulant"),
    ("Methylphenidate", "stimulant"),
    ("Amlodipine", "antihypertensive"), ("Clonidine", "antihypertensive"), ("Lisinopril", "antihypertensive"),
    ("Losartan", "antihypertensive"), ("Metoprolol", "antihypertensive"), ("Propranolol", "antihypertensive"),
)
# Liothyronine is dosed in micrograms (US label: 25 mcg tablets).
CATALOGUE: tuple[CatalogueMedicine, ...] = (
    *(CatalogueMedicine(name, drug_class) for name, drug_class in _TABLE),
    CatalogueMedicine("Liothyronine (T3)", "thyroid_t3", dose_unit="mcg"),
)

