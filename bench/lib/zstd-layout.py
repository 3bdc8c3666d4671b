#!/usr/bin/env python3
"""Writes a copy of an OCI image layout whose tar+gzip layers are re-encoded as tar+zstd.

Usage: bench/lib/zstd-layout.py SRC DST [--tag T] [--level N]

Every gzip layer of the index tagged T (default "bench") is decompressed and compressed again with
`zstd -N` (default 3, zstd's default; content checksum on), once per distinct layer; manifests get the
new layer descriptors (`application/vnd.oci.image.layer.v1.tar+zstd`), configs are hard-linked unchanged
(the diff IDs are the same: the tar is the same), and a new index is tagged T. For bench/verify: the same
content as SRC, in zstd.
"""
import argparse, hashlib, json, os, subprocess

p = argparse.ArgumentParser()
p.add_argument("src"); p.add_argument("dst")
p.add_argument("--tag", default="bench"); p.add_argument("--level", type=int, default=3)
a = p.parse_args()


def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def blob(root, digest):
    return os.path.join(root, "blobs", "sha256", digest.split(":", 1)[1])


def put(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(blob(a.dst, d), "wb") as f:
        f.write(data)
    return d


os.makedirs(os.path.join(a.dst, "blobs", "sha256"), exist_ok=True)
top = json.load(open(os.path.join(a.src, "index.json")))
entry = next(m for m in top["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == a.tag)
index = json.load(open(blob(a.src, entry["digest"])))
converted = {}
for child in index["manifests"]:
    manifest = json.load(open(blob(a.src, child["digest"])))
    cfg = manifest["config"]["digest"]
    if not os.path.exists(blob(a.dst, cfg)):
        os.link(blob(a.src, cfg), blob(a.dst, cfg))
    for layer in manifest["layers"]:
        if not layer["mediaType"].endswith("+gzip"):
            continue
        old = layer["digest"]
        if old not in converted:
            tmp = os.path.join(a.dst, "blobs", "sha256", ".tmp-" + old.split(":")[1])
            with open(tmp, "wb") as out:
                subprocess.run(f"gzip -dc '{blob(a.src, old)}' | zstd -q -{a.level} -c", shell=True, check=True, stdout=out)
            h = hashlib.sha256()
            with open(tmp, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            new = "sha256:" + h.hexdigest()
            os.replace(tmp, blob(a.dst, new))
            converted[old] = (new, os.path.getsize(blob(a.dst, new)))
        layer["digest"], layer["size"] = converted[old]
        layer["mediaType"] = "application/vnd.oci.image.layer.v1.tar+zstd"
    data = canon(manifest)
    child["digest"], child["size"] = put(data), len(data)
data = canon(index)
ref = {"mediaType": entry["mediaType"], "digest": put(data), "size": len(data),
       "annotations": {"org.opencontainers.image.ref.name": a.tag}}
json.dump({"schemaVersion": 2, "manifests": [ref]}, open(os.path.join(a.dst, "index.json"), "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(a.dst, "oci-layout"), "w"))
print(json.dumps({"index": ref["digest"], "layers": [{"digest": n, "size": s, "from": o} for o, (n, s) in sorted(converted.items())]}))
