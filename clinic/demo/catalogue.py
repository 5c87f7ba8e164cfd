"""Made-up names and clinical building blocks for the demo patients.

Every person here is fictional: the surnames are invented compounds, phone numbers use the
555-0100…0199 range kept for fiction, e-mail addresses use example.com, the towns do not exist.
Medicines, doses and codes are realistic so that screening and dosing have real work to do.
"""

FEMALE_NAMES = ("Ada", "Beatrice", "Clara", "Daphne", "Elena", "Freya", "Greta", "Imogen", "June",
                "Lena", "Maya", "Nora", "Olive", "Petra", "Rosa", "Selma", "Tessa", "Theodora",
                "Vera", "Wren")
MALE_NAMES = ("Arlo", "Bram", "Caspian", "Desmond", "Emil", "Felix", "Gideon", "Hugo", "Idris",
              "Jasper", "Lionel", "Milo", "Nico", "Otto", "Rafael", "Silas", "Tobias", "Victor",
              "Wendell", "Zane")
OTHER_NAMES = ("Rowan", "Sage", "Quinn", "Ash")
PREFERRED_NAMES = {"Beatrice": "Bea", "Theodora": "Teddy", "Tobias": "Toby", "Imogen": "Immy",
                   "Wendell": "Dell", "Caspian": "Cas"}
FAMILY_NAMES = (
    "Applewick", "Ashbramble", "Birchcombe", "Brindlemoor", "Cindermoor", "Cobblewhite",
    "Dapplefield", "Dunmarrow", "Elmsworth", "Emberlane", "Fallowmere", "Fernwhistle", "Foxmarrow",
    "Glimmerdale", "Greyquill", "Hollowmere", "Honeycott", "Ivybrook", "Juniperwell", "Kettleburn",
    "Larkspindle", "Lanternby", "Marrowfield", "Mossgrave", "Nettlecombe", "Nightwhistle",
    "Oakenquill", "Orchardine", "Pebbleworth", "Pinemarrow", "Quillbury", "Quenlow", "Ravelstone",
    "Rushwick", "Saffronby", "Silverbeck", "Sorrelwood", "Thistlemore", "Umberlake", "Underhay",
    "Velvetmoor", "Willowquist", "Wrenfeather", "Yarrowdale", "Zephyrwood", "Bramblecott",
)
STREETS = ("Lantern Row", "Quillfeather Lane", "Mossgate Road", "Tinderbox Court", "Willowmere Avenue",
           "Pebblestone Way", "Kettle Hill Road", "Foxglove Close")
TOWNS = ("Fernley Ford", "Brindlewick", "Upper Quillhaven")
AREA_CODES = ("413", "617", "508")
FAMILY_RELATIONSHIPS = ("spouse", "partner", "mother", "father", "sister", "brother", "daughter", "son")

# name, credentials, practice, indications they refer for
REFERRING_CLINICIANS = (
    ("Odessa Brightwater", "MD", "Harbourlight Psychiatry Associates",
     ("TRD_UNIPOLAR", "TRD_BIPOLAR", "OCD")),
    ("Marisol Quenby", "PMHNP-BC", "Lanternfield Behavioral Health",
     ("TRD_UNIPOLAR", "TRD_BIPOLAR", "ANXIETY", "PTSD")),
    ("Tobiah Fenwhistle", "DO", "Fenwhistle Family Medicine", ("TRD_UNIPOLAR", "ANXIETY")),
    ("Augustin Pellow", "MD", "Kettle Hill Headache Center", ("MIGRAINE_CHRONIC",)),
    ("Henrietta Sowerby", "PhD", "Mossgate Trauma Therapy", ("PTSD", "OCD")),
    ("Casimir Orrinwood", "MD", "Brindlewick Rheumatology Group", ("FIBROMYALGIA",)),
    ("Lucinda Ashvale", "PA-C", "Northgate Primary Care", ("TRD_UNIPOLAR", "FIBROMYALGIA", "ANXIETY")),
)

# ICD-10-CM codes per indication (clinical-reference §2.1).
ICD10_CODES = {
    "TRD_UNIPOLAR": ("F33.1", "F33.2", "F32.2", "F32.1"),
    "TRD_BIPOLAR": ("F31.31", "F31.32", "F31.4", "F31.81"),
    "ANXIETY": ("F41.1", "F41.0", "F40.11"),
    "PTSD": ("F43.10", "F43.12"),
    "OCD": ("F42.2", "F42.8"),
    "FIBROMYALGIA": ("M79.7",),
    "MIGRAINE_CHRONIC": ("G43.709", "G43.719"),
}
# Bipolar depression with psychotic features (meets HS_PSYCHOSIS_ACTIVE).
PSYCHOTIC_BIPOLAR_CODE = "F31.5"
COMORBID = {
    "TRD_UNIPOLAR": ("ANXIETY", "PTSD"),
    "TRD_BIPOLAR": ("ANXIETY",),
    "ANXIETY": ("TRD_UNIPOLAR",),
    "PTSD": ("TRD_UNIPOLAR",),
    "OCD": ("TRD_UNIPOLAR",),
    "FIBROMYALGIA": ("TRD_UNIPOLAR", "ANXIETY"),
    "MIGRAINE_CHRONIC": ("ANXIETY",),
}

# Current medicines: name, drug class, dose and frequency, lorazepam-equivalent mg/day.
MEDICINES = {
    "sertraline": ("Sertraline", "ssri", "150 mg once daily", None),
    "escitalopram": ("Escitalopram", "ssri", "20 mg once daily", None),
    "fluoxetine": ("Fluoxetine", "ssri", "40 mg once daily", None),
    "fluvoxamine": ("Fluvoxamine", "ssri", "100 mg twice daily", None),
    "paroxetine": ("Paroxetine", "ssri", "40 mg once daily", None),
    "venlafaxine": ("Venlafaxine XR", "snri", "225 mg once daily", None),
    "duloxetine": ("Duloxetine", "snri", "60 mg once daily", None),
    "desvenlafaxine": ("Desvenlafaxine", "snri", "100 mg once daily", None),
    "bupropion": ("Bupropion XL", "antidepressant_other", "300 mg each morning", None),
    "mirtazapine": ("Mirtazapine", "antidepressant_other", "30 mg at night", None),
    "vortioxetine": ("Vortioxetine", "antidepressant_other", "20 mg once daily", None),
    "amitriptyline": ("Amitriptyline", "tca", "25 mg at night", None),
    "lithium": ("Lithium carbonate", "lithium", "900 mg at night (level 0.7 mmol/L)", None),
    "lamotrigine": ("Lamotrigine", "mood_stabiliser", "200 mg once daily", None),
    "quetiapine": ("Quetiapine", "antipsychotic_atypical", "150 mg at night", None),
    "aripiprazole": ("Aripiprazole", "antipsychotic_atypical", "5 mg once daily", None),
    "lurasidone": ("Lurasidone", "antipsychotic_atypical", "40 mg with the evening meal", None),
    "lorazepam": ("Lorazepam", "benzodiazepine", "1 mg twice daily", "2.00"),
    "lorazepam_prn": ("Lorazepam", "benzodiazepine", "0.5 mg once daily when needed", "0.50"),
    "clonazepam": ("Clonazepam", "benzodiazepine", "0.5 mg twice daily", "2.00"),
    "alprazolam": ("Alprazolam", "benzodiazepine", "0.5 mg three times daily", "3.00"),
    "zolpidem": ("Zolpidem", "sedative_hypnotic", "10 mg at night", None),
    "lisdexamfetamine": ("Lisdexamfetamine", "stimulant", "30 mg each morning", None),
    "tramadol": ("Tramadol", "opioid", "50 mg up to twice daily when needed", None),
    "pregabalin": ("Pregabalin", "other", "150 mg twice daily", None),
    "topiramate": ("Topiramate", "other", "50 mg twice daily", None),
    "propranolol": ("Propranolol LA", "antihypertensive", "80 mg once daily", None),
    "erenumab": ("Erenumab", "other", "140 mg injection monthly", None),
    "rizatriptan": ("Rizatriptan", "other", "10 mg at migraine onset, at most 2 a day", None),
    "prazosin": ("Prazosin", "antihypertensive", "3 mg at night for nightmares", None),
    "lisinopril": ("Lisinopril", "antihypertensive", "20 mg once daily", None),
    "amlodipine": ("Amlodipine", "antihypertensive", "10 mg once daily", None),
    "levothyroxine": ("Levothyroxine", "other", "75 mcg each morning", None),
}
REGIMENS = {
    "TRD_UNIPOLAR": (("venlafaxine", "aripiprazole"), ("sertraline", "bupropion"),
                     ("escitalopram", "quetiapine", "zolpidem"), ("duloxetine", "lorazepam"),
                     ("bupropion", "mirtazapine"), ("vortioxetine",), ("desvenlafaxine", "lithium"),
                     ("sertraline", "lorazepam_prn"), ("escitalopram", "lisdexamfetamine")),
    "TRD_BIPOLAR": (("lithium", "quetiapine"), ("lamotrigine", "lurasidone"),
                    ("lamotrigine", "lithium", "clonazepam"), ("lithium", "lamotrigine", "lorazepam_prn")),
    "ANXIETY": (("escitalopram", "clonazepam"), ("venlafaxine", "alprazolam"),
                ("sertraline", "lorazepam_prn"), ("paroxetine",)),
    "PTSD": (("sertraline", "prazosin"), ("paroxetine", "prazosin", "zolpidem"), ("venlafaxine",),
             ("sertraline", "quetiapine")),
    "OCD": (("fluvoxamine", "aripiprazole"), ("fluoxetine",), ("sertraline", "aripiprazole")),
    "FIBROMYALGIA": (("duloxetine", "pregabalin"), ("amitriptyline", "tramadol"),
                     ("pregabalin", "levothyroxine")),
    "MIGRAINE_CHRONIC": (("topiramate", "rizatriptan"), ("propranolol", "erenumab", "rizatriptan"),
                         ("amitriptyline", "rizatriptan")),
}
PROFILE_MEDICINES = {"htn_controlled": ("lisinopril",), "htn_uncontrolled": ("lisinopril", "amlodipine")}

# Prior medication trials: name, drug class, highest daily dose, unit.
TRIAL_DRUGS = {
    "sertraline": ("Sertraline", "ssri", "200", "mg"),
    "escitalopram": ("Escitalopram", "ssri", "20", "mg"),
    "fluoxetine": ("Fluoxetine", "ssri", "60", "mg"),
    "citalopram": ("Citalopram", "ssri", "40", "mg"),
    "paroxetine": ("Paroxetine", "ssri", "50", "mg"),
    "fluvoxamine": ("Fluvoxamine", "ssri", "300", "mg"),
    "venlafaxine": ("Venlafaxine XR", "snri", "225", "mg"),
    "duloxetine": ("Duloxetine", "snri", "120", "mg"),
    "milnacipran": ("Milnacipran", "snri", "200", "mg"),
    "bupropion": ("Bupropion XL", "antidepressant_other", "450", "mg"),
    "mirtazapine": ("Mirtazapine", "antidepressant_other", "45", "mg"),
    "vortioxetine": ("Vortioxetine", "antidepressant_other", "20", "mg"),
    "buspirone": ("Buspirone", "other", "60", "mg"),
    "nortriptyline": ("Nortriptyline", "tca", "150", "mg"),
    "clomipramine": ("Clomipramine", "tca", "225", "mg"),
    "amitriptyline": ("Amitriptyline", "tca", "75", "mg"),
    "phenelzine": ("Phenelzine", "maoi", "60", "mg"),
    "aripiprazole": ("Aripiprazole (augmentation)", "antipsychotic_atypical", "10", "mg"),
    "quetiapine": ("Quetiapine XR", "antipsychotic_atypical", "300", "mg"),
    "lurasidone": ("Lurasidone", "antipsychotic_atypical", "80", "mg"),
    "cariprazine": ("Cariprazine", "antipsychotic_atypical", "3", "mg"),
    "lithium": ("Lithium carbonate", "lithium", "900", "mg"),
    "lamotrigine": ("Lamotrigine", "mood_stabiliser", "200", "mg"),
    "pregabalin": ("Pregabalin", "other", "450", "mg"),
    "gabapentin": ("Gabapentin", "other", "1800", "mg"),
    "topiramate": ("Topiramate", "other", "100", "mg"),
    "propranolol": ("Propranolol", "antihypertensive", "160", "mg"),
    "candesartan": ("Candesartan", "antihypertensive", "16", "mg"),
    "onabotulinumtoxina": ("OnabotulinumtoxinA", "other", "155", "units"),
    "fremanezumab": ("Fremanezumab", "other", "225", "mg/month"),
}
TRIAL_POOLS = {
    "TRD_UNIPOLAR": ("sertraline", "escitalopram", "fluoxetine", "citalopram", "venlafaxine",
                     "duloxetine", "bupropion", "mirtazapine", "nortriptyline", "aripiprazole",
                     "quetiapine", "lithium", "vortioxetine", "phenelzine"),
    "TRD_BIPOLAR": ("lamotrigine", "quetiapine", "lurasidone", "lithium", "cariprazine", "bupropion"),
    "ANXIETY": ("sertraline", "escitalopram", "paroxetine", "venlafaxine", "duloxetine", "buspirone"),
    "PTSD": ("sertraline", "paroxetine", "venlafaxine", "fluoxetine", "mirtazapine"),
    "OCD": ("fluoxetine", "fluvoxamine", "sertraline", "clomipramine", "escitalopram", "aripiprazole"),
    "FIBROMYALGIA": ("duloxetine", "pregabalin", "milnacipran", "amitriptyline", "gabapentin"),
    "MIGRAINE_CHRONIC": ("topiramate", "propranolol", "amitriptyline", "onabotulinumtoxina",
                         "fremanezumab", "candesartan"),
}
PSYCHOTHERAPIES = {
    "TRD_UNIPOLAR": ("Cognitive behavioural therapy", "Behavioural activation", "Interpersonal therapy"),
    "TRD_BIPOLAR": ("Interpersonal and social rhythm therapy", "Family-focused therapy"),
    "ANXIETY": ("Cognitive behavioural therapy", "Applied relaxation"),
    "PTSD": ("Cognitive processing therapy", "Prolonged exposure", "EMDR"),
    "OCD": ("Exposure and response prevention",),
    "FIBROMYALGIA": ("Cognitive behavioural therapy for chronic pain",),
    "MIGRAINE_CHRONIC": ("Biofeedback and relaxation training",),
}
TMS_PROTOCOLS = {
    "TRD_UNIPOLAR": ("10 Hz left DLPFC rTMS", "Intermittent theta-burst, left DLPFC"),
    "TRD_BIPOLAR": ("10 Hz left DLPFC rTMS",),
    "OCD": ("Deep TMS, H7 coil",),
}
ECT_PROTOCOLS = ("Right unilateral ultrabrief ECT", "Bitemporal ECT")
ECT_COGNITIVE_EFFECTS = ("Word-finding problems for about three weeks",
                         "Gaps in memory for the weeks of treatment", "")
THERAPY_STOP_REASONS = ("Completed the course", "Therapist moved away", "Cost; insurance ended",
                        "No further benefit expected")

# substance, reaction, severity
ALLERGIES = (
    ("Penicillin", "Rash", "mild"),
    ("Sulfonamide antibiotics", "Hives", "moderate"),
    ("Codeine", "Nausea and vomiting", "mild"),
    ("Latex", "Contact dermatitis", "mild"),
    ("Amoxicillin", "Swelling of lips and face", "severe"),
    ("Iodinated contrast", "Hives", "moderate"),
    ("Adhesive dressings", "Skin irritation", "mild"),
)

# Safety profile: history items answered yes, and the note a prescriber would read.
PROFILES = {
    "clear": ((), "No psychosis, mania, heart or vessel disease, bladder or liver problems reported."),
    "older": ((), "Aged over 65; blood pressure checked at every visit."),
    "htn_controlled": (("hypertension_controlled",),
                       "High blood pressure on lisinopril, controlled on home readings."),
    "sud_past": (("substance_use_disorder_past",),
                 "Alcohol use disorder, in sustained remission for six years; attends a peer group."),
    "ketamine_misuse_past": (("substance_use_disorder_past", "ketamine_misuse_past"),
                             "Non-medical ketamine use some years ago; none for the last four years."),
    "liver": (("liver_disease",), "Fatty liver disease; liver tests mildly raised."),
    "cystitis": (("cystitis_past",), "Cystitis twice, treated; no urinary symptoms now."),
    "psychosis": (("psychosis_current", "psychotic_features_this_episode"),
                  "Hearing critical voices since last month, with depressed mood; psychiatry informed."),
    "pregnant": (("pregnant",), "About nine weeks pregnant; positive urine test at intake."),
    "htn_uncontrolled": (("hypertension_uncontrolled",),
                         "Blood pressure in the 170s over 100s on two readings despite two medicines; "
                         "primary care asked to review."),
    "minor": ((), "Referred at 17 years old."),
}
