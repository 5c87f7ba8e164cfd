"""Base schemas: request bodies that refuse unknown fields, PATCH bodies derived from them, and
responses whose ids are opaque strings."""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field, create_model


class In(Schema):
    # An unknown field is most often a misspelt one: refuse it rather than ignore it.
    model_config = ConfigDict(extra="forbid")


class Out(Schema):
    # Row ids leave as strings: clients must treat them as opaque.
    model_config = ConfigDict(coerce_numbers_to_str=True)


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def patch_of(schema: type[In], *, name: str, exclude: frozenset[str] = frozenset()) -> type[In]:
    """The PATCH body for a create body: every field optional and only the fields sent change.

    null is accepted only where the create body accepts it, that is where the record may be empty.
    """
    fields: dict[str, Any] = {
        field_name: (info.rebuild_annotation(),
                     Field(default=None, description=info.description, json_schema_extra=_without_default))
        for field_name, info in schema.model_fields.items() if field_name not in exclude
    }
    return create_model(name, __base__=In, **fields)
