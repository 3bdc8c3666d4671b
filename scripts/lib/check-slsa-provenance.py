#!/usr/bin/env python3
"""Checks that standard input is an in-toto Statement v1 whose predicate is SLSA Provenance v1.

Usage: scripts/lib/check-slsa-provenance.py < statement.json
Prints "valid" and exits 0, or prints "invalid: REASON" and exits 1.

The check is the in-toto attestation framework's own (PyPI in-toto-attestation): the statement is parsed
into its protobuf message (unknown fields are errors) and validated by its Statement wrapper; the predicate
is parsed into the SLSA provenance v1 message, and the fields the SLSA spec marks REQUIRED are checked
(buildDefinition.buildType, buildDefinition.externalParameters, runDetails.builder.id), as is every
ResourceDescriptor (uri, digest or content).
"""
import json
import sys

from google.protobuf import json_format
from in_toto_attestation.predicates.provenance.v1 import provenance_pb2
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.resource_descriptor import ResourceDescriptor
from in_toto_attestation.v1.statement import Statement

PROVENANCE_V1 = "https://slsa.dev/provenance/v1"


def check(document):
    statement = json_format.ParseDict(document, statement_pb2.Statement())
    Statement.copy_from_pb(statement).validate()
    if statement.predicate_type != PROVENANCE_V1:
        raise ValueError(f"predicateType is {statement.predicate_type!r}, not {PROVENANCE_V1}")
    provenance = json_format.ParseDict(document["predicate"], provenance_pb2.Provenance())
    definition, run = provenance.build_definition, provenance.run_details
    if not definition.build_type:
        raise ValueError("buildDefinition.buildType is required")
    if not definition.HasField("external_parameters"):
        raise ValueError("buildDefinition.externalParameters is required")
    if not run.builder.id:
        raise ValueError("runDetails.builder.id is required")
    for i, dependency in enumerate(definition.resolved_dependencies):
        ResourceDescriptor.copy_from_pb(dependency).validate()
        # The ResourceDescriptor spec: "at least one of uri, digest or content" (the library accepts a name alone).
        if not (dependency.uri or dependency.digest or dependency.content):
            raise ValueError(f"resolvedDependencies[{i}] needs a uri, a digest or content")


def main():
    try:
        check(json.load(sys.stdin))
    except Exception as error:  # any parse or validation failure is a verdict, not a crash
        print(f"invalid: {error}")
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
