"""Code types (catalog §1.4 "Codes")."""

import graphene


class CodeCount(graphene.ObjectType):
    available = graphene.Int()
    assigned = graphene.Int()
    reserved = graphene.Int()


class UploadCodesCount(graphene.ObjectType):
    in_ = graphene.Int(name="in")
    inserted = graphene.Int()
    updated = graphene.Int()

    @staticmethod
    def resolve_in_(parent, info):
        return parent["in"]
