"""Every action code the code base writes has a sentence: the codes are collected from the source, so a
new code without words fails here."""

import ast
import re
from pathlib import Path

from django.apps import apps

from clinic.audit import sentences
from clinic.audit.models import AuditEvent
from clinic.patients.actions import INTAKE_MODELS

CLINIC = Path(__file__).resolve().parents[2]
# An action code is "<area>.<words>" in lower case, the area one of the apps or "exports" (backups).
AREAS = {path.name for path in CLINIC.iterdir() if path.is_dir() and (path / "__init__.py").exists()} | {"exports"}
CODE = re.compile(r"[a-z_]+(\.[a-z0-9_]+)+")
# Strings of that shape that are not audit actions, each with what it is.
NOT_ACTIONS = {
    "accounts.wrong_passwords_at_account": "the tally row counting one account's wrong passwords",
}
# The f-string codes the source writes, with every value their placeholder takes.
TEMPLATED = {
    "patients.{}_added": INTAKE_MODELS, "patients.{}_changed": INTAKE_MODELS,
    "patients.{}_removed": INTAKE_MODELS, "patients.{}_form_viewed": INTAKE_MODELS,
}


def _sources() -> list[Path]:
    return [path for path in CLINIC.rglob("*.py") if "tests" not in path.relative_to(CLINIC).parts]


def _is_model_label(text: str) -> bool:
    """"sites.site", as migrations name the models they point at."""
    try:
        apps.get_model(text)
    except (LookupError, ValueError):
        return False
    return True


def _written_codes() -> tuple[set[str], set[str]]:
    """(every code written as a string, every f-string code as a template with {} placeholders)."""
    codes, templates = set(), set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                codes.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                text = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
                if CODE.fullmatch(text.replace("{}", "x")):
                    templates.add(text)
    return ({code for code in codes if code.split(".")[0] in AREAS and not _is_model_label(code)},
            {template for template in templates if template.split(".")[0] in AREAS})


def test_the_scan_finds_codes_written_directly_through_constants_and_as_templates():
    codes, templates = _written_codes()

    # Written as a literal at the call, through a module constant, and in a migration.
    assert {"patients.chart_viewed", "accounts.password_reset_requested", "audit.chain_signed"} <= codes
    assert "patients.{}_added" in templates


def test_every_action_code_written_in_clinic_has_a_sentence():
    codes, templates = _written_codes()
    assert templates <= set(TEMPLATED), f"Say in TEMPLATED which values these take: {templates - set(TEMPLATED)}"
    expanded = {template.format(value) for template in templates for value in TEMPLATED[template]}

    missing = sorted((codes | expanded) - set(NOT_ACTIONS) - sentences.known_actions())

    assert missing == [], f"Give these action codes a sentence in clinic/audit/sentences.py: {missing}"


def test_no_sentence_falls_back_to_the_stored_code():
    worded = {code: sentences.sentence(AuditEvent(action=code, data={})) for code in sentences.known_actions()}

    assert [code for code, text in worded.items() if code in text or "no description" in text] == []


def test_a_code_without_a_sentence_is_shown_as_stored_never_hidden():
    assert sentences.sentence(AuditEvent(action="patients.something_new", data={})) == (
        "patients.something_new (no description yet)")
