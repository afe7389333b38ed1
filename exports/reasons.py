"""Error reasons of exports and their REST service (``monoql.reasons``; docs/errors.md is generated from them)."""

from monoql.errors import NOT_FOUND, VALIDATION_ERROR
from monoql.reasons import EXPORT_REST, GRAPHQL, ReasonEnum, register


@register
class ExportsReason(ReasonEnum):
    """Reasons declared by ``exports``."""

    ExportNotFound = (NOT_FOUND, "No export with the given id exists in the campaign.", (GRAPHQL, EXPORT_REST))
    InvalidDateKeyType = (VALIDATION_ERROR, "DateKey must be a string.", (GRAPHQL, EXPORT_REST))
    InvalidExportType = (VALIDATION_ERROR, "ExportType is required.", (GRAPHQL, EXPORT_REST))
    INVALID_PAGING = (VALIDATION_ERROR, "… must be a whole number.", (EXPORT_REST,))
    PromotersNotFound = (
        VALIDATION_ERROR,
        "Markets of the campaign name promoter ids that do not exist.",
        (GRAPHQL, EXPORT_REST),
    )
