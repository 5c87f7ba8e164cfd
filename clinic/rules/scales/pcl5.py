"""PCL-5: twenty PTSD symptom items, each 0–4 over the past month, self-completed.

Source: VA National Center for PTSD (PCL-5, Weathers et al. 2013); Blevins et al., J Trauma Stress
2015;28:489-498; Bovin et al., Psychol Assess 2016;28:1379-1391 [37], as clinical-reference §7.1–§7.2:
20 × 0–4, total 0–80, DSM-5 clusters B 1–5, C 6–7, D 8–14, E 15–20 (the cluster split is from the
standard form, §7.1 †). No severity bands and no alert. Provisional PTSD when the total reaches the
cut-off (33 by default [D]; the literature gives 31–33) or when the DSM-5 rule is met: an item rated
2 ("Moderately") or more counts as a symptom, and B ≥ 1, C ≥ 1, D ≥ 2 and E ≥ 2 symptoms.
Public domain (VA), so the item wording is included. LOINC codes are unverified [U] and not set.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from clinic.rules.protocol import tagged
from clinic.rules.scales.base import Instrument, InvalidProtocol, Item, Score, item_points, options, protocol_from

SOURCE = "VA National Center for PTSD, PCL-5 (Weathers et al. 2013); Blevins et al. 2015; Bovin et al. 2016"
BOTHERED = options("Not at all", "A little bit", "Moderately", "Quite a bit", "Extremely")
ITEMS = (
    ("Intrusive memories", "Repeated, disturbing, and unwanted memories of the stressful experience?"),
    ("Disturbing dreams", "Repeated, disturbing dreams of the stressful experience?"),
    ("Reliving", "Suddenly feeling or acting as if the stressful experience were actually happening again "
                 "(as if you were actually back there reliving it)?"),
    ("Upset at reminders", "Feeling very upset when something reminded you of the stressful experience?"),
    ("Physical reactions to reminders", "Having strong physical reactions when something reminded you of the "
                                        "stressful experience (for example, heart pounding, trouble breathing, "
                                        "sweating)?"),
    ("Avoiding memories", "Avoiding memories, thoughts, or feelings related to the stressful experience?"),
    ("Avoiding reminders", "Avoiding external reminders of the stressful experience (for example, people, "
                           "places, conversations, activities, objects, or situations)?"),
    ("Trouble remembering", "Trouble remembering important parts of the stressful experience?"),
    ("Negative beliefs", "Having strong negative beliefs about yourself, other people, or the world (for "
                         "example, having thoughts such as: I am bad, there is something seriously wrong with "
                         "me, no one can be trusted, the world is completely dangerous)?"),
    ("Blame", "Blaming yourself or someone else for the stressful experience or what happened after it?"),
    ("Negative feelings", "Having strong negative feelings such as fear, horror, anger, guilt, or shame?"),
    ("Loss of interest", "Loss of interest in activities that you used to enjoy?"),
    ("Detachment", "Feeling distant or cut off from other people?"),
    ("No positive feelings", "Trouble experiencing positive feelings (for example, being unable to feel "
                             "happiness or have loving feelings for people close to you)?"),
    ("Irritability or aggression", "Irritable behavior, angry outbursts, or acting aggressively?"),
    ("Risk taking", "Taking too many risks or doing things that could cause you harm?"),
    ("Hypervigilance", "Being \"superalert\" or watchful or on guard?"),
    ("Startle", "Feeling jumpy or easily startled?"),
    ("Concentration", "Having difficulty concentrating?"),
    ("Sleep", "Trouble falling or staying asleep?"),
)
# DSM-5 cluster: (first item, last item, symptoms the DSM-5 rule needs).
CLUSTERS = {"B": (1, 5, 1), "C": (6, 7, 1), "D": (8, 14, 2), "E": (15, 20, 2)}
SYMPTOM_MIN_POINTS = 2  # "Moderately" or more counts as a symptom (DSM-5 rule, VA scoring).


@dataclass(frozen=True)
class Pcl5Protocol:
    """[D] Provisional-PTSD cut-off on the total; the reference's default is 33 (literature 31–33)."""

    provisional_cutoff: int = field(
        default=33, metadata=tagged("D", "§7.2: provisional PTSD if the total is at or above the cut-off (default 33; "
                                         "literature 31–33) or the DSM-5 rule is met [37]"))

    def __post_init__(self) -> None:
        if isinstance(self.provisional_cutoff, bool) or not isinstance(self.provisional_cutoff, int) \
                or not 1 <= self.provisional_cutoff <= 80:
            raise InvalidProtocol(f"The PCL-5 cut-off must be a whole number from 1 to 80, not "
                                  f"{self.provisional_cutoff!r}. The reference's default is 33.",
                                  field="provisional_cutoff")


DEFAULT_PROTOCOL = Pcl5Protocol()


def score(answers: Sequence[Any], context: dict[str, Any]) -> Score:
    """Sum of the twenty items with cluster sums and symptom counts; flags provisional PTSD by the
    cut-off [D] or the DSM-5 rule (VA / Blevins 2015)."""
    protocol = protocol_from(context, DEFAULT_PROTOCOL)
    points = item_points(INSTRUMENT, answers)
    total = sum(points)
    subscores: dict[str, int] = {}
    dsm5_rule_met = True
    for cluster, (first, last, needed) in CLUSTERS.items():
        cluster_points = points[first - 1:last]
        symptoms = sum(1 for value in cluster_points if value >= SYMPTOM_MIN_POINTS)
        subscores[cluster] = sum(cluster_points)
        subscores[f"{cluster}_symptoms"] = symptoms
        dsm5_rule_met = dsm5_rule_met and symptoms >= needed
    cutoff_met = total >= protocol.provisional_cutoff
    flags = tuple(code for code, met in (("PROVISIONAL_PTSD", cutoff_met or dsm5_rule_met),
                                         ("CUTOFF_MET", cutoff_met), ("DSM5_RULE_MET", dsm5_rule_met)) if met)
    return Score("pcl5", total, None, subscores=subscores, flags=flags)


INSTRUMENT = Instrument(
    code="pcl5",
    name="PCL-5",
    items=tuple(Item(number, label, BOTHERED, text=text) for number, (label, text) in enumerate(ITEMS, start=1)),
    total_range=(0, 80),
    bands=(),
    recall_period="past month",
    completed_by="patient",
    source=SOURCE,
    licence="Public domain (US Department of Veterans Affairs, National Center for PTSD).",
    scorer=score,
    notes=(
        "No severity bands. Subscores B, C, D and E are the cluster sums; B_symptoms … E_symptoms count the "
        "items rated 2 (Moderately) or more.",
        "Cluster split B 1–5, C 6–7, D 8–14, E 15–20 is from the standard form; the reference did not check "
        "it against a cited source (§7.1 †).",
        "LOINC unverified [U]: one implementer lists 101697-1 (panel) / 101698-9 (total) [68]; 91006-2 was not "
        "found. Confirm at loinc.org before use; not sent until then.",
    ),
)
