#!/usr/bin/env python3
"""image-tree.py LAYOUT[:TAG] [PLATFORM] — the merged file system and the runtime config of one image in
an OCI image layout, as JSON on stdout, for comparing two builders' results (tests use it with buildah as
the oracle of `xarch build`).

The image is the layout's manifest tagged TAG (default: the only one); an index is resolved to its child
for PLATFORM (os/arch[/variant]). Layers are applied in order (OCI image spec, layer.md, "Applying
Changesets": whiteouts `.wh.NAME` delete, `.wh..wh..opq` empties a directory). Each path maps to
[type, mode, uid, gid, size, link target, sha256 of the content]; timestamps are left out. The config
part is the image config's `config` object and its os/architecture/variant.
Standard library only.
"""
import hashlib, json, os, sys, tarfile

def load(layout, digest):
    algo, hexd = digest.split(":", 1)
    with open(os.path.join(layout, "blobs", algo, hexd), "rb") as f:
        return f.read()

def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip()); return 0 if len(sys.argv) >= 2 else 2
    spec = sys.argv[1]
    platform = sys.argv[2] if len(sys.argv) > 2 else None
    layout, _, tag = spec.partition(":")
    index = json.loads(open(os.path.join(layout, "index.json")).read())
    entries = index["manifests"]
    if tag:
        entries = [e for e in entries if e.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag]
    if len(entries) != 1:
        sys.exit(f"image-tree: {spec}: {len(entries)} manifests match")
    doc = json.loads(load(layout, entries[0]["digest"]))
    if "manifests" in doc:
        want = platform.split("/") if platform else None
        def matches(d):
            p = d.get("platform", {})
            got = [p.get("os"), p.get("architecture")] + ([p["variant"]] if p.get("variant") else [])
            return want is None or got == want
        children = [d for d in doc["manifests"] if matches(d)]
        if len(children) != 1:
            sys.exit(f"image-tree: {spec}: {len(children)} children for {platform}")
        doc = json.loads(load(layout, children[0]["digest"]))
    config = json.loads(load(layout, doc["config"]["digest"]))
    tree = {}
    for layer in doc["layers"]:
        path = os.path.join(layout, "blobs", *layer["digest"].split(":", 1))
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                name = os.path.normpath(member.name.lstrip("./") or ".").lstrip("/")
                directory, base = os.path.split(name)
                if base == ".wh..wh..opq":
                    prefix = directory + "/"
                    for key in [k for k in tree if k.startswith(prefix)]:
                        del tree[key]
                    continue
                if base.startswith(".wh."):
                    gone = os.path.join(directory, base[4:])
                    for key in [k for k in tree if k == gone or k.startswith(gone + "/")]:
                        del tree[key]
                    continue
                kind = "dir" if member.isdir() else "file" if member.isreg() else "symlink" if member.issym() \
                    else "hardlink" if member.islnk() else "other"
                digest = ""
                if member.isreg():
                    digest = hashlib.sha256(tar.extractfile(member).read()).hexdigest()
                tree[name] = [kind, oct(member.mode & 0o7777), member.uid, member.gid,
                              member.size if member.isreg() else 0, member.linkname, digest]
    tree.pop(".", None)
    out = {"config": {k: config.get(k) for k in ("os", "architecture", "variant")},
           "runtime": config.get("config", {}), "tree": dict(sorted(tree.items()))}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0

if __name__ == "__main__":
    sys.exit(main())
