#!/usr/bin/env bash
# The xarch steps of github-actions.yml, one per job, so that they run the same anywhere: in the
# workflow, on a laptop against a local registry, and in xarch's own tests (Tests/XArchCLITests/
# CIExampleTests.swift runs build, build, merge and test against the test registry).
#
#   xarch-ci.sh build PLATFORM   build PLATFORM from $CONTEXT, test it (natively or under QEMU), push it
#                                to $IMAGE by digest (no tag) and write $METADATA_DIR/<os>-<arch><variant>.json
#   xarch-ci.sh merge            one index $IMAGE:$VERSION from every $METADATA_DIR/*.json, then
#                                xarch verify --require $PLATFORMS (each platform there, its files its own)
#   xarch-ci.sh test             every platform of $IMAGE:$VERSION run (xarch test), JUnit to $JUNIT
#
# Environment: IMAGE (registry/repository, no tag), VERSION, PLATFORMS (comma-separated, for merge);
# optional CONTEXT (.), METADATA_DIR (metadata), JUNIT (xarch-test.xml), REVISION and SOURCE_URL
# (index annotations), BUILDER_ID (the provenance's builder id), XARCH (the xarch executable, default:
# xarch on PATH).
set -euo pipefail

xarch=${XARCH:-xarch}
metadata_dir=${METADATA_DIR:-metadata}

case "${1:-}" in
build)
    platform=${2:?usage: xarch-ci.sh build PLATFORM}
    mkdir -p "$metadata_dir"
    # linux/arm/v7 → linux-armv7.json: one file per platform, so the artifacts merge without clashes.
    name=$(echo "$platform" | awk -F/ '{ print $1 "-" $2 $3 }')
    # --test runs the image's own command before anything is pushed: natively on the runner of its
    # architecture, under QEMU on the others (a binfmt_misc private to the run, no global registration).
    # --push-by-digest: no tag, so the repository holds no per-architecture tags; the metadata file
    # names what was pushed (REPO@DIGEST) for the merge job. --provenance attaches an SLSA provenance
    # statement (so the one-platform index is pushed, and the merge keeps the attestation).
    "$xarch" build "${CONTEXT:-.}" --platform "$platform" --test \
        --label "org.opencontainers.image.revision=${REVISION:-unknown}" \
        --provenance --builder-id "${BUILDER_ID:-urn:xarch:builder:local}" \
        --push-by-digest "$IMAGE" --metadata-file "$metadata_dir/$name.json"
    ;;
merge)
    sources=()
    for file in "$metadata_dir"/*.json; do sources+=(--from-metadata "$file"); done
    annotations=(--image-version "$VERSION")
    [[ -n "${REVISION:-}" ]] && annotations+=(--revision "$REVISION")
    [[ -n "${SOURCE_URL:-}" ]] && annotations+=(--source "$SOURCE_URL")
    # Each source is read by digest and must hold the platform its metadata names; two images of one
    # platform stop the merge. Children are referenced by digest, never re-encoded.
    "$xarch" index create -t "$IMAGE:$VERSION" "${sources[@]}" "${annotations[@]}"
    # Every platform there (exit 3 naming the missing ones), and every executable built for it.
    "$xarch" verify "$IMAGE:$VERSION" --require "$PLATFORMS"
    ;;
test)
    "$xarch" test "$IMAGE:$VERSION" --platform all --require-all --format junit > "${JUNIT:-xarch-test.xml}"
    ;;
*)
    echo "usage: xarch-ci.sh build PLATFORM | merge | test" >&2
    exit 2
    ;;
esac
