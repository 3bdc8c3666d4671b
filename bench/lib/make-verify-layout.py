#!/usr/bin/env python3
"""Writes the deterministic 4-platform OCI image layout that bench/verify scans.

Usage: bench/lib/make-verify-layout.py DIR --fixtures FIXTURES [--base-mib N] [--platform-mib N] [--seed S] [--tag T]

Image (OCI index, tag T, default "bench"), platforms linux/amd64, linux/arm64, linux/arm/v7, linux/386
(the busybox fixtures amd64, arm64, armhf, i386). Each platform image has, in order, two tar+gzip layers:

  1. base      shared by ALL four platforms (--base-mib MiB of files, default 160)
  2. platform  one per platform (--platform-mib MiB of files, default 200), with 16 copies of that
               platform's busybox (/usr/bin/tool-N, ELF files the scan checks), a /bin/sh symlink and a
               few #! scripts

Files alternate between incompressible pseudo-random data (SHAKE-128 of seed and name, 1 MiB files) and
compressible text (4 KiB files, many of them: the tar reader sees tens of thousands of entries), about
half the bytes each, so a layer compresses to roughly 60 %. Everything is streamed to disk (gzip level
1, mtime 0); the same parameters always give the same digests.

Prints one JSON object: the index digest and, per distinct layer, its digest, compressed size and tar size.
"""
import argparse, gzip, hashlib, io, json, os, tarfile, tempfile

MIB = 1 << 20
PLATFORMS = [("linux/amd64", "amd64"), ("linux/arm64", "arm64"), ("linux/arm/v7", "armhf"), ("linux/386", "i386")]


def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class BlobWriter(io.RawIOBase):
    """A blob being written: a temporary file in blobs/sha256, renamed to its digest by finish()."""

    def __init__(self, root):
        super().__init__()
        folder = os.path.join(root, "blobs", "sha256")
        os.makedirs(folder, exist_ok=True)
        self.folder, self.digest, self.size = folder, hashlib.sha256(), 0
        self.file = tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-", delete=False)

    def writable(self):
        return True

    def write(self, b):
        self.file.write(b)
        self.digest.update(b)
        self.size += len(b)
        return len(b)

    def finish(self):
        self.file.close()
        os.chmod(self.file.name, 0o644)
        os.replace(self.file.name, os.path.join(self.folder, self.digest.hexdigest()))
        return "sha256:" + self.digest.hexdigest(), self.size


class Hashing:
    """Hashes the tar stream (the layer's diff_id) on its way into gzip."""

    def __init__(self, sink):
        self.sink, self.h, self.size = sink, hashlib.sha256(), 0

    def write(self, b):
        self.h.update(b)
        self.size += len(b)
        self.sink.write(b)
        return len(b)

    def flush(self):
        pass


class Chunks:
    """A file-like reader over generated chunks, for tarfile.addfile."""

    def __init__(self, chunks):
        self.it, self.buf = iter(chunks), b""

    def read(self, n=-1):
        while n < 0 or len(self.buf) < n:
            nxt = next(self.it, None)
            if nxt is None:
                break
            self.buf += nxt
        out, self.buf = (self.buf, b"") if n < 0 else (self.buf[:n], self.buf[n:])
        return out


def text(name, size):
    line = f"{name}: the quick brown fox jumps over the lazy dog, {hashlib.md5(name.encode()).hexdigest()}\n".encode()
    return (line * (size // len(line) + 1))[:size]


def add(tar, name, data_or_chunks, size, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, mode, 0
    src = Chunks([data_or_chunks]) if isinstance(data_or_chunks, bytes) else Chunks(data_or_chunks)
    tar.addfile(info, src)


def write_layer(root, name, seed, mib, extra):
    """One tar+gzip layer of about `mib` MiB of files; `extra(tar)` adds the platform's own entries."""
    blob = BlobWriter(root)
    gz = gzip.GzipFile(fileobj=blob, mode="wb", compresslevel=1, mtime=0)
    tarred = Hashing(gz)
    with tarfile.open(fileobj=tarred, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        extra(tar)
        for i in range(mib // 2):
            # 1 MiB of random data, then 1 MiB of text in 256 files of 4 KiB
            add(tar, f"{name}/random/{i:05d}.bin", hashlib.shake_128(f"{seed}/{name}/{i}".encode()).digest(MIB), MIB)
            for j in range(256):
                add(tar, f"{name}/text/{i:05d}/{j:03d}.txt", text(f"{name}/{i}/{j}", 4096), 4096)
    gz.close()
    digest, size = blob.finish()
    return {"digest": digest, "size": size, "diff_id": "sha256:" + tarred.h.hexdigest(), "tar_bytes": tarred.size}


def platform_entries(busybox):
    def extra(tar):
        with open(busybox, "rb") as f:
            binary = f.read()
        for k in range(16):
            add(tar, f"usr/bin/tool-{k:02d}", binary, len(binary), 0o755)
        link = tarfile.TarInfo("bin/sh")
        link.type, link.linkname, link.mtime = tarfile.SYMTYPE, "/usr/bin/tool-00", 0
        tar.addfile(link)
        for k in range(8):
            script = f"#!/bin/sh\necho script {k}\n".encode()
            add(tar, f"usr/local/bin/script-{k}", script, len(script), 0o755)
    return extra


def put_json(root, obj):
    blob = BlobWriter(root)
    blob.write(canon(obj))
    return blob.finish()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--base-mib", type=int, default=160)
    ap.add_argument("--platform-mib", type=int, default=200)
    ap.add_argument("--seed", default="xarch-verify-bench-1")
    ap.add_argument("--tag", default="bench")
    a = ap.parse_args()
    root = a.dir
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    base = write_layer(root, "base", a.seed, a.base_mib, lambda tar: None)
    layers, manifests = [base], []
    for platform, debian in PLATFORMS:
        own = write_layer(root, debian, a.seed, a.platform_mib, platform_entries(os.path.join(a.fixtures, "busybox", debian, "busybox")))
        layers.append(own)
        os_, arch, *variant = platform.split("/")
        config = {"architecture": arch, "os": os_, "rootfs": {"type": "layers", "diff_ids": [base["diff_id"], own["diff_id"]]}}
        if variant:
            config["variant"] = variant[0]
        cdig, csize = put_json(root, config)
        manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": csize},
                    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": l["digest"], "size": l["size"]}
                               for l in (base, own)]}
        mdig, msize = put_json(root, manifest)
        entry = {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig, "size": msize,
                 "platform": {k: v for k, v in (("architecture", arch), ("os", os_), ("variant", variant[0] if variant else None)) if v}}
        manifests.append(entry)
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}
    idig, isize = put_json(root, index)
    top = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": idig, "size": isize,
                                             "annotations": {"org.opencontainers.image.ref.name": a.tag}}]}
    with open(os.path.join(root, "index.json"), "wb") as f:
        f.write(canon(top))
    print(json.dumps({"index": idig, "layers": layers}))


if __name__ == "__main__":
    main()
