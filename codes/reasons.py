"""Error reasons of the code inventory and its REST service (``monoql.reasons``; docs/errors.md is generated from them)."""

from monoql.errors import NOT_FOUND, VALIDATION_ERROR
from monoql.reasons import ADMIN, CODE_REST, GRAPHQL, REST, ReasonEnum, register


@register
class CodesReason(ReasonEnum):
    """Reasons declared by ``codes``."""

    emptyCodes = (VALIDATION_ERROR, "The 'codes' array must contain one or more codes.", (GRAPHQL, CODE_REST))
    FILE_NOT_FOUND = (NOT_FOUND, "No uploaded file is stored under the given file key.", (GRAPHQL, CODE_REST))
    FILE_SIZE_MISMATCH = (
        VALIDATION_ERROR,
        "FileSize says … bytes but the file has …: the upload is incomplete or wrong.",
        (GRAPHQL, REST, CODE_REST),
    )
    FILE_TOO_LARGE = (VALIDATION_ERROR, "The file is larger than … bytes.", (GRAPHQL, REST, CODE_REST))
    invalidCodesProp = (VALIDATION_ERROR, "The 'codes' property must be an array of codes.", (GRAPHQL, CODE_REST))
    invalidCount = (VALIDATION_ERROR, "You must enter a valid count.", (GRAPHQL, CODE_REST))
    INVALID_FILE = (VALIDATION_ERROR, "File must be a multipart file part.", (GRAPHQL,))
    invalidFileKey = (VALIDATION_ERROR, "A valid file key is required.", (GRAPHQL, CODE_REST))
    InvalidStatus = (VALIDATION_ERROR, "The status '…' is not a valid code status.", (GRAPHQL, CODE_REST))
    InvalidType = (VALIDATION_ERROR, "The type '…' is not a valid code type.", (GRAPHQL, CODE_REST))
    missingCodeReserveParams = (
        VALIDATION_ERROR,
        "The 'count' and 'type' properties must be specified to reserve codes.",
        (GRAPHQL, CODE_REST),
    )
    missingCodes = (VALIDATION_ERROR, "The 'codes' property is required.", (GRAPHQL, CODE_REST))
    missingType = (VALIDATION_ERROR, "The 'type' property is required.", (GRAPHQL, CODE_REST))
    NOT_TEXT = (VALIDATION_ERROR, "The file is not UTF-8 text.", (GRAPHQL, REST, CODE_REST))
    UNSAFE_CODE = (
        VALIDATION_ERROR,
        "Line …: '…' starts with …: a spreadsheet would read it as a formula. Codes may not start with =, +, -, @.",
        (GRAPHQL, CODE_REST),
    )
    UPLOAD_FAILED = (
        VALIDATION_ERROR,
        "The queued code upload failed; the upload's error says why.",
        (GRAPHQL, CODE_REST),
    )
    UPLOAD_NOT_FOUND = (NOT_FOUND, "No such code upload in this campaign.", (GRAPHQL, CODE_REST))
    INVALID_CODE = (VALIDATION_ERROR, "The code is not valid.", (GRAPHQL, REST, CODE_REST))
    EMPTY_FILE = (VALIDATION_ERROR, "The uploaded file holds no lines.", (GRAPHQL, REST, CODE_REST))
    NOT_RETRYABLE = (VALIDATION_ERROR, "Only a failed job can be retried; this one is ….", (ADMIN,))
