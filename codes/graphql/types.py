"""Code types (catalog §1.4 "Codes")."""

import graphene


class CodeCount(graphene.ObjectType):
    """A campaign's codes of one type, counted by state (catalog §3.8)."""

    available = graphene.Int(description="Codes neither reserved nor assigned: what selection can still hand out.")
    assigned = graphene.Int(description="Codes assigned to a fan for good.")
    reserved = graphene.Int(description="Codes held by a reservation (released unless assigned within 24 hours).")


class UploadCodesCount(graphene.ObjectType):
    """Counts of a code upload (catalog §3.8). The upload runs as a job: its counts are null while it is still
    queued or running (``status``); read it again with ``codes { upload(campaignId, uploadId) }``."""

    in_ = graphene.Int(name="in", description="Codes read from the file (null until the job has finished).")
    inserted = graphene.Int(description="Codes new to the pool (null until the job has finished).")
    updated = graphene.Int(description="Codes already in the pool, re-typed and re-dated (null until finished).")
    uploadId = graphene.ID(description="The upload job's id, to read its progress and counts later.")
    status = graphene.String(description="The upload job's status: PENDING, TRIGGERED, FINISHED (FAILED is an error).")

    @staticmethod
    def resolve_in_(parent, info):
        return parent["in"]
