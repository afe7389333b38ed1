"""GraphQL enums built from the model's choices (issue 21 "enums from the model choices").

A value set is declared once, as a Django ``TextChoices`` in the owning app's models; the database column,
the JSON-schema validation and the GraphQL enum read it there. GraphQL value names are the stored values
themselves, the contract's spelling (``registration``, ``memberId``, ``VISA``), never the Python member names.
A value's description is its label, except where the label is what the admin shows in its lists and filters
(a short name such as "Registration"): those enums give their descriptions beside, one per stored value, and
a value set and its descriptions that disagree fail at import.
"""

from enum import Enum as PyEnum

import graphene
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def enum_from_choices(
    choices: type[models.TextChoices], *, name: str, description: str, descriptions: dict[str, str] | None = None
) -> type[graphene.Enum]:
    """Build the graphene enum of a ``TextChoices``.

    Args:
        choices: the value set; each member's label is its value's description in the schema, unless
            ``descriptions`` gives them.
        name: the GraphQL enum's name, as the contract spells it (``CampaignCardGate``).
        description: what the enum as a whole is.
        descriptions: stored value → description, for value sets whose labels are short names for the admin.

    Returns: a ``graphene.Enum`` subclass whose GraphQL names and values are the stored values. A received
    value arrives as a member of it (``.value`` is the stored string); a resolver may answer the plain string.
    Raises: ImproperlyConfigured when ``descriptions`` does not name exactly the stored values.
    """
    labels = {choice.value: str(choice.label) for choice in choices}
    if descriptions is not None:
        if set(descriptions) != set(labels):
            raise ImproperlyConfigured(f"{name}: descriptions for {sorted(descriptions)}, values {sorted(labels)}")
        labels = {value: descriptions[value] for value in labels}
    python_enum = PyEnum(name, [(value, value) for value in labels])  # type: ignore[misc]

    def describe(member: PyEnum | None) -> str:
        return description if member is None else labels[member.value]

    return graphene.Enum.from_enum(python_enum, name=name, description=describe)
