"""Every field of every protocol object carries its evidence tag and source (clinical-reference §1), so a
settings page built from the objects shows where each default comes from. The protocol classes are found
by walking the clinic.rules package, so a new one is checked without being listed."""

import importlib
import inspect
import pkgutil
from dataclasses import dataclass, field, fields, is_dataclass

import clinic.rules
from clinic.rules.protocol import tagged

TAGS = {"L", "D", "U"}


def protocol_classes(package=clinic.rules) -> set[type]:
    """Every dataclass named *Protocol or *Settings defined in a module of the package (tests left out)."""
    found = set()
    for module_info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if ".tests" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (inspect.isclass(value) and is_dataclass(value) and value.__module__ == module.__name__
                    and name.endswith(("Protocol", "Settings"))):
                found.add(value)
    return found


def untagged_fields(classes) -> list[str]:
    """"Class.field: what is wrong" for every field without a valid tag, a source, or (when required) what it
    blocks."""
    problems = []
    for cls in sorted(classes, key=lambda cls: f"{cls.__module__}.{cls.__name__}"):
        for item in fields(cls):
            metadata = item.metadata
            where = f"{cls.__module__}.{cls.__name__}.{item.name}"
            if metadata.get("tag") not in TAGS:
                problems.append(f"{where}: no evidence tag (L, D or U)")
            if not str(metadata.get("source", "")).strip():
                problems.append(f"{where}: no source")
            if metadata.get("verified") != (metadata.get("tag") != "U"):
                problems.append(f"{where}: verified does not follow the tag")
            if metadata.get("required") and not metadata.get("blocks"):
                problems.append(f"{where}: required but does not say what waits for it")
    return problems


def test_every_field_of_every_protocol_object_is_tagged_with_its_source():
    assert untagged_fields(protocol_classes()) == []


def test_the_walk_finds_the_known_protocol_objects():
    names = {cls.__name__ for cls in protocol_classes()}

    assert names >= {
        "InductionProtocol", "MaintenanceProtocol", "ResponseProtocol", "LongTermProtocol", "DischargeProtocol",
        "VitalsProtocol", "PlausibilitySettings", "DosingProtocol", "CriteriaSettings", "EligibilityProtocol",
        "TrdProtocol", "SuicideItemProtocol", "Phq9Protocol", "MadrsProtocol", "QidsSr16Protocol", "Hamd17Protocol",
        "CssrsScreenerProtocol", "AuditCProtocol", "Dast10Protocol", "Pcl5Protocol", "YmrsProtocol", "FiqrProtocol",
        "PainNrsProtocol", "VisitProtocol",
    }


def test_an_untagged_field_is_reported_by_name():
    @dataclass(frozen=True)
    class ThrowawayProtocol:
        tagged_limit: int = field(default=1, metadata=tagged("D", "§4.5"))
        bare_limit: int = 2
        unset_limit: int | None = field(default=None, metadata={"tag": "U", "source": "§5.3", "verified": False,
                                                                "required": True})

    problems = untagged_fields([ThrowawayProtocol])

    where = f"{__name__}.ThrowawayProtocol"
    assert problems == [f"{where}.bare_limit: no evidence tag (L, D or U)", f"{where}.bare_limit: no source",
                        f"{where}.bare_limit: verified does not follow the tag",
                        f"{where}.unset_limit: required but does not say what waits for it"]
