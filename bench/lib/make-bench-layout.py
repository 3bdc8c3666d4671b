#!/usr/bin/env python3
"""Writes the deterministic 4-platform OCI image layout that bench/copy pushes and copies.

Usage: bench/lib/make-bench-layout.py DIR --large-mib N [--base-mib N] [--platform-mib N] [--seed S] [--tag T]

Image (OCI index, tag T, default "v1"), platforms linux/amd64, linux/arm64, linux/arm/v7, linux/386.
Each platform image has its own config and manifest and, in this order, the layers:

  1. base      shared by ALL four platforms: one file of --base-mib MiB (default 20), tar+gzip
  2. platform  one per platform: one file of --platform-mib MiB (default 4), tar+gzip
  3. large     linux/amd64 ONLY: one file of --large-mib MiB, stored as an UNCOMPRESSED tar
               (application/vnd.oci.image.layer.v1.tar)

Every file is incompressible pseudo-random data: SHAKE-128 of (seed, layer name, block number), in
1 MiB blocks, so the same parameters always give the same bytes and digests. Nothing big is ever held
in memory: every blob is streamed to a temporary file while its digest is computed, then renamed to
blobs/sha256/<hex>. Compression uses gzip level 1 (the data is random; level does not change the size
much, it only costs time).

Prints one JSON object on stdout: the index digest, and per blob digest/size/kind, plus
unique_blob_bytes (configs + layers, each distinct digest once) — what a full copy must move.
"""
import argparse, gzip, hashlib, json, os, sys, tarfile, tempfile, zlib

MIB = 1 << 20


def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class BlobWriter:
    """A file-like sink writing into DIR/blobs/sha256/.tmp-*, hashing what passes."""

    def __init__(self, root):
        self.dir = os.path.join(root, "blobs", "sha256")
        os.makedirs(self.dir, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.dir)
        self.f = os.fdopen(fd, "wb")
        self.h = hashlib.sha256()
        self.size = 0

    def write(self, b):
        self.f.write(b)
        self.h.update(b)
        self.size += len(b)
        return len(b)

    def flush(self):
        pass

    def finish(self):
        self.f.close()
        hexd = self.h.hexdigest()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, os.path.join(self.dir, hexd))
        return "sha256:" + hexd, self.size


def put_bytes(root, b):
    w = BlobWriter(root)
    w.write(b)
    return w.finish()


def random_blocks(seed, name, mib):
    for i in range(mib):
        yield hashlib.shake_128(f"{seed}/{name}/{i}".encode()).digest(MIB)


class Hashing:
    """Wraps a sink, hashing the bytes written to it (the tar stream: the layer's diff_id)."""

    def __init__(self, sink):
        self.sink, self.h = sink, hashlib.sha256()

    def write(self, b):
        self.h.update(b)
        self.sink.write(b)
        return len(b)


def write_tar(out, path, seed, name, mib):
    """A tar with one regular file `path` of `mib` MiB, streamed (tarfile's layout: header, data padded
    to 512, two zero blocks, padded to a 10240-byte record)."""
    info = tarfile.TarInfo(path)
    info.size, info.mode, info.mtime = mib * MIB, 0o644, 0
    info.uname = info.gname = "root"
    n = 0
    header = info.tobuf(format=tarfile.PAX_FORMAT)
    out.write(header); n += len(header)
    for block in random_blocks(seed, name, mib):
        out.write(block); n += len(block)
    # data is a multiple of 512 already (MiB); end-of-archive: two zero blocks, then pad the record
    end = b"\0" * 1024
    out.write(end); n += len(end)
    pad = (-n) % tarfile.RECORDSIZE
    if pad:
        out.write(b"\0" * pad)


def layer(root, seed, name, path, mib, compress):
    """Returns (descriptor, diff_id)."""
    w = BlobWriter(root)
    if compress:
        gz = gzip.GzipFile(fileobj=w, mode="wb", mtime=0, filename="", compresslevel=1)
        tar = Hashing(gz)
        write_tar(tar, path, seed, name, mib)
        gz.close()
        media = "application/vnd.oci.image.layer.v1.tar+gzip"
    else:
        tar = Hashing(w)
        write_tar(tar, path, seed, name, mib)
        media = "application/vnd.oci.image.layer.v1.tar"
    digest, size = w.finish()
    return {"mediaType": media, "digest": digest, "size": size}, "sha256:" + tar.h.hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dir")
    p.add_argument("--large-mib", type=int, required=True)
    p.add_argument("--base-mib", type=int, default=20)
    p.add_argument("--platform-mib", type=int, default=4)
    p.add_argument("--seed", default="xarch-bench-1")
    p.add_argument("--tag", default="v1")
    a = p.parse_args()
    root = a.dir
    os.makedirs(root, exist_ok=True)

    blobs = {}  # digest -> {"size", "kind"}

    def note(desc, kind):
        blobs.setdefault(desc["digest"], {"size": desc["size"], "kind": kind})

    base, base_diff = layer(root, a.seed, "base", "base/data.bin", a.base_mib, compress=True)
    note(base, "layer-base (shared by all platforms)")
    large = large_diff = None
    if a.large_mib > 0:
        large, large_diff = layer(root, a.seed, "large", "large/data.bin", a.large_mib, compress=False)
        note(large, "layer-large (linux/amd64 only, uncompressed tar)")

    entries = []
    for os_, arch, variant in (("linux", "amd64", None), ("linux", "arm64", None),
                               ("linux", "arm", "v7"), ("linux", "386", None)):
        plat = f"{os_}/{arch}" + (f"/{variant}" if variant else "")
        own, own_diff = layer(root, a.seed, "platform-" + plat, "app/" + arch + (variant or "") + ".bin",
                              a.platform_mib, compress=True)
        note(own, "layer-platform " + plat)
        layers, diffs = [base, own], [base_diff, own_diff]
        if arch == "amd64" and large is not None:
            layers.append(large); diffs.append(large_diff)
        config = {"architecture": arch, "os": os_, "created": "1970-01-01T00:00:00Z",
                  "config": {"Cmd": ["/bin/sh"]},
                  "rootfs": {"type": "layers", "diff_ids": diffs},
                  "history": [{"created": "1970-01-01T00:00:00Z", "created_by": f"bench layer {i} {plat}"}
                              for i in range(len(layers))]}
        if variant:
            config["variant"] = variant
        cb = canon(config)
        cd, cs = put_bytes(root, cb)
        cdesc = {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs}
        note(cdesc, "config " + plat)
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": cdesc, "layers": layers}
        md, ms = put_bytes(root, canon(manifest))
        platform = {"architecture": arch, "os": os_}
        if variant:
            platform["variant"] = variant
        entries.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms,
                        "platform": platform})

    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}
    idig, isize = put_bytes(root, canon(index))
    top = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
           "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": idig, "size": isize,
                          "annotations": {"org.opencontainers.image.ref.name": a.tag}}]}
    with open(os.path.join(root, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(root, "index.json"), "wb") as f:
        f.write(canon(top))
    info = {"index_digest": idig, "tag": a.tag,
            "manifests": [{"digest": e["digest"], "size": e["size"], "platform": e["platform"]} for e in entries],
            "blobs": [{"digest": d, **v} for d, v in blobs.items()],
            "unique_blob_bytes": sum(v["size"] for v in blobs.values()),
            "manifest_bytes": isize + sum(e["size"] for e in entries),
            "params": {"large_mib": a.large_mib, "base_mib": a.base_mib, "platform_mib": a.platform_mib,
                       "seed": a.seed, "large_on": "linux/amd64"}}
    json.dump(info, sys.stdout, indent=1)
    print()


main()
