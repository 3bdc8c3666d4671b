#!/usr/bin/env python3
"""Writes a small, deterministic multi-platform OCI image layout for the demo and the tests.

Usage: scripts/make-demo-layout.py DIR [TAG]

The index has four platform images (linux/amd64, linux/arm64, linux/arm/v7, linux/386), each with
one gzip layer holding /etc/platform, and BuildKit-style attestation entries (unknown/unknown,
vnd.docker.reference.type=attestation-manifest) for amd64 and arm64. Same input, same bytes.
"""
import gzip, hashlib, io, json, os, sys, tarfile

def digest(b): return "sha256:" + hashlib.sha256(b).hexdigest()

def put(root, b):
    d = digest(b)
    path = os.path.join(root, "blobs", "sha256", d.split(":")[1])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f: f.write(b)
    return d

def canon(obj): return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()

def layer(text):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name in ("etc/",):
            info = tarfile.TarInfo(name); info.type = tarfile.DIRTYPE; info.mode = 0o755; t.addfile(info)
        data = text.encode()
        info = tarfile.TarInfo("etc/platform"); info.size = len(data); info.mode = 0o644
        t.addfile(info, io.BytesIO(data))
    tar = raw.getvalue()
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=0, filename="") as g: g.write(tar)
    return tar, gz.getvalue()

def image(root, os_, arch, variant=None):
    plat = f"{os_}/{arch}" + (f"/{variant}" if variant else "")
    tar, gz = layer(plat + "\n")
    config = {"architecture": arch, "os": os_, "created": "1970-01-01T00:00:00Z",
              "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
              "rootfs": {"type": "layers", "diff_ids": [digest(tar)]},
              "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "make-demo-layout " + plat}]}
    if variant: config["variant"] = variant
    cb = canon(config)
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(root, cb), "size": len(cb)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(root, gz), "size": len(gz)}]}
    mb = canon(manifest)
    platform = {"architecture": arch, "os": os_}
    if variant: platform["variant"] = variant
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(root, mb), "size": len(mb), "platform": platform}

def attestation(root, subject):
    statement = canon({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2",
                       "subject": [{"digest": {"sha256": subject["digest"].split(":")[1]}}], "predicate": {}})
    empty = b"{}"
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(root, empty), "size": len(empty)},
                "layers": [{"mediaType": "application/vnd.in-toto+json", "digest": put(root, statement), "size": len(statement),
                            "annotations": {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"}}]}
    mb = canon(manifest)
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(root, mb), "size": len(mb),
            "platform": {"architecture": "unknown", "os": "unknown"},
            "annotations": {"vnd.docker.reference.digest": subject["digest"], "vnd.docker.reference.type": "attestation-manifest"}}

def main():
    if len(sys.argv) < 2: sys.exit(__doc__)
    root, tag = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "demo")
    os.makedirs(root, exist_ok=True)
    images = [image(root, "linux", "amd64"), image(root, "linux", "arm64"),
              image(root, "linux", "arm", "v7"), image(root, "linux", "386")]
    entries = images + [attestation(root, images[0]), attestation(root, images[1])]
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}
    ib = canon(index)
    top = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
           "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": put(root, ib), "size": len(ib),
                          "annotations": {"org.opencontainers.image.ref.name": tag}}]}
    with open(os.path.join(root, "oci-layout"), "w") as f: f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(root, "index.json"), "wb") as f: f.write(canon(top))
    print(digest(ib))

main()
