"""The medicine picker's catalogue."""

from clinic.rules import medicines
from clinic.rules.drug_classes import DRUG_CLASSES


def test_every_catalogued_medicine_has_a_known_class_and_a_unit_and_route():
    assert all(item.drug_class in DRUG_CLASSES and item.dose_unit and item.route for item in medicines.CATALOGUE)
    assert len({item.name for item in medicines.CATALOGUE}) == len(medicines.CATALOGUE)


def test_the_catalogue_names_its_source():
    assert "ATC" in medicines.SOURCE and "label" in medicines.SOURCE
