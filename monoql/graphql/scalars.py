"""Scalars of the contract (catalog §1.6): ``JSON`` (arbitrary JSON value)."""

from graphene.types.generic import GenericScalar


class JSON(GenericScalar):
    """Arbitrary JSON value."""
