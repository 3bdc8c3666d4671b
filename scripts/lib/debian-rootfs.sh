#!/usr/bin/env bash
# scripts/lib/debian-rootfs.sh — a small, dynamically linked Debian bookworm root filesystem for
# arm64 and armhf, packed as one OCI image layout with an index. Called by scripts/fixtures.
#
# Usage: scripts/lib/debian-rootfs.sh FIXTURES_DIR WORK_DIR
#
# Produces:
#   FIXTURES_DIR/debian-rootfs/DEBARCH/*.deb + SHA256SUMS   the packages (fetched by apt-get download)
#   FIXTURES_DIR/layouts/debian-rootfs                      OCI layout, tag `debian`: an OCI index of
#                                                           linux/arm64/v8 and linux/arm/v7, one gzip
#                                                           layer each, Cmd ["/bin/bash"], Env PATH
# The packages are what `bash -c 'ls -l / && perl -e 1'` needs (the Depends/Pre-Depends closure of
# bash, coreutils and perl-base, minus the packaging-only ones: base-files, debianutils, dpkg).
#
# apt runs with a PRIVATE state (lists, cache, an empty dpkg status) under WORK_DIR/apt-debian: the
# system's dpkg architectures and apt configuration are never changed; the machine's
# /etc/apt/sources.list* give the mirrors. apt checks each .deb against the signed Packages lists.
#
# Caching: the download is skipped when the .debs of the list are present and match their
# SHA256SUMS; the layout is rebuilt only when the .deb sums (or DEBIAN_ROOTFS_VERSION) change. Layers
# are reproducible: sorted tar, mtimes 0, owners 0:0, gzip -n.
set -euo pipefail

FIX="$1"
WORK="$2"
DEBIAN_ROOTFS_VERSION=1
PACKAGES=(libc6 libgcc-s1 gcc-12-base libtinfo6 bash coreutils libacl1 libattr1 libgmp10 libselinux1
          libpcre2-8-0 perl-base libcrypt1)
# Debian arch | OCI architecture | OCI variant | dynamic loader | `uname -m`
DARCHS=(arm64 armhf)
declare -A OARCH=([arm64]=arm64 [armhf]=arm) OVARIANT=([arm64]=v8 [armhf]=v7)
declare -A LOADER=([arm64]=/lib/ld-linux-aarch64.so.1 [armhf]=/lib/ld-linux-armhf.so.3)
ENV_PATH="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

say() { echo "scripts/fixtures: debian-rootfs: $*" >&2; }
die() { echo "scripts/fixtures: debian-rootfs: error: $*" >&2; exit 1; }
sha256() { sha256sum "$1" | cut -d' ' -f1; }

DEBS="$FIX/debian-rootfs"
LAYOUT="$FIX/layouts/debian-rootfs"
A="$WORK/apt-debian"
mkdir -p "$DEBS" "$WORK/logs"

# ------------------------------------------------------------------------------------- 1. download
have_debs() {  # have_debs DEBARCH: every package present once and matching SHA256SUMS
    local d="$1" p f
    [[ -f "$DEBS/$d/SHA256SUMS" ]] || return 1
    (cd "$DEBS/$d" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1) || return 1
    for p in "${PACKAGES[@]}"; do
        f=("$DEBS/$d/${p}_"*"_$d.deb")
        [[ ${#f[@]} == 1 && -f "${f[0]}" ]] || return 1
    done
}

apt_setup() {
    local d
    [[ -f "$A/apt.conf" ]] && return 0
    command -v apt-get >/dev/null || die "apt-get is needed to fetch the Debian packages"
    mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
    : >"$A/status"
    {
        echo "Dir::State::Lists \"$A/lists\";"
        echo "Dir::State::status \"$A/status\";"
        echo "Dir::State::extended_states \"$A/extended_states\";"
        echo "Dir::Cache \"$A/cache\";"
        echo "Dir::Cache::archives \"$A/cache/archives\";"
        echo "Acquire::Languages \"none\";"
        echo "APT::Architecture \"${DARCHS[0]}\";"
        printf 'APT::Architectures {'; for d in "${DARCHS[@]}"; do printf ' "%s";' "$d"; done; echo ' };'
        if [[ "$(id -u)" == 0 ]]; then echo 'APT::Sandbox::User "root";'; fi
    } >"$A/apt.conf.part"
    mv "$A/apt.conf.part" "$A/apt.conf"
}

fetched=0
start=$(date +%s%N)
for d in "${DARCHS[@]}"; do
    have_debs "$d" && continue
    if [[ $fetched == 0 ]]; then
        apt_setup
        say "apt-get update (private state in $A)"
        if ! apt-get -c "$A/apt.conf" -q update >"$WORK/logs/apt-debian-update.log" 2>&1; then
            sleep 3
            apt-get -c "$A/apt.conf" -q update >"$WORK/logs/apt-debian-update.log" 2>&1 \
                || say "warning: apt-get update reported errors (see $WORK/logs/apt-debian-update.log); trying the downloads anyway"
        fi
    fi
    fetched=$((fetched + 1))
    rm -rf "$DEBS/$d.part"; mkdir -p "$DEBS/$d.part"
    (cd "$DEBS/$d.part" && apt-get -c "$A/apt.conf" -q download "${PACKAGES[@]/%/:$d}") \
        >"$WORK/logs/apt-debian-download-$d.log" 2>&1 \
        || { tail -n 20 "$WORK/logs/apt-debian-download-$d.log" >&2; die "apt-get download for $d failed"; }
    (cd "$DEBS/$d.part" && for f in *.deb; do
        # apt URL-encodes the epoch (libattr1_1%3a2.5.1-4_arm64.deb): use the pool name instead
        n="$(dpkg-deb -f "$f" Package)_$(dpkg-deb -f "$f" Version | sed 's/^[0-9]*://')_$d.deb"
        [[ "$f" == "$n" ]] || mv "$f" "$n"
    done; sha256sum -- *.deb >SHA256SUMS)
    rm -rf "$DEBS/$d"; mv "$DEBS/$d.part" "$DEBS/$d"
    have_debs "$d" || die "the packages for $d are incomplete after apt-get download (see $WORK/logs)"
done
if [[ $fetched -gt 0 ]]; then
    say "fetched ${#PACKAGES[@]} packages × $fetched arch(es) in $(( ($(date +%s%N) - start) / 1000000 )) ms ($(du -sh "$DEBS" | cut -f1))"
fi

# --------------------------------------------------------------------------------- 2. OCI layout
key="v$DEBIAN_ROOTFS_VERSION $(cat "$DEBS"/*/SHA256SUMS | sha256sum | cut -d' ' -f1)"
if [[ -f "$LAYOUT/index.json" && -f "$WORK/debian-rootfs.key" && "$(cat "$WORK/debian-rootfs.key")" == "$key" ]]; then
    say "$LAYOUT cached"
    exit 0
fi

tmp="$WORK/debian-rootfs-layout"
rm -rf "$tmp" "$WORK/debian-rootfs.key"
mkdir -p "$tmp/blobs/sha256"
echo '{"imageLayoutVersion":"1.0.0"}' >"$tmp/oci-layout"

blob() {  # blob FILE → moves FILE into the layout, prints "sha256:HEX SIZE"
    local h s
    h="$(sha256 "$1")"; s="$(stat -c %s "$1")"
    mv "$1" "$tmp/blobs/sha256/$h"
    echo "sha256:$h $s"
}

manifests="[]"
for d in "${DARCHS[@]}"; do
    r="$WORK/debian-rootfs-$d"
    rm -rf "$r"; mkdir -p "$r"
    for f in "$DEBS/$d"/*.deb; do
        dpkg-deb -x "$f" "$r" || die "dpkg-deb -x $f failed"
    done
    # usrmerge (as bookworm's debootstrap does): /bin /sbin /lib → usr/…
    for top in bin sbin lib lib64; do
        [[ $top != lib64 || -d "$r/lib64" ]] || continue
        mkdir -p "$r/usr/$top"
        if [[ -d "$r/$top" && ! -L "$r/$top" ]]; then
            cp -a "$r/$top/." "$r/usr/$top/"
            rm -rf "${r:?}/$top"
        fi
        ln -s "usr/$top" "$r/$top"
    done
    # what the image does not need
    rm -rf "$r/usr/share/doc" "$r/usr/share/man" "$r/usr/share/info" "$r/usr/share/locale" "$r/usr/share/lintian"
    rm -rf "$r"/usr/lib/*-linux-gnu*/gconv   # iconv modules: 20 MiB, unused
    mkdir -p "$r/tmp" "$r/proc" "$r/dev" "$r/sys" "$r/etc" "$r/root"
    chmod 1777 "$r/tmp"
    [[ -x "$r/bin/bash" ]] || die "$d: no /bin/bash in the root filesystem"
    [[ -e "$r${LOADER[$d]}" ]] || die "$d: the dynamic loader ${LOADER[$d]} does not resolve"
    [[ -x "$r/usr/bin/perl" && -x "$r/bin/ls" ]] || die "$d: perl or ls missing"
    find "$r" -exec touch -h -d @0 {} +

    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
        -C "$r" -cf "$WORK/layer-$d.tar" $(cd "$r" && ls -A | sort)
    diffid="sha256:$(sha256 "$WORK/layer-$d.tar")"
    gzip -n -6 <"$WORK/layer-$d.tar" >"$WORK/layer-$d.tar.gz"
    rm -f "$WORK/layer-$d.tar"
    read -r ldigest lsize <<<"$(blob "$WORK/layer-$d.tar.gz")"

    jq -cn --arg arch "${OARCH[$d]}" --arg variant "${OVARIANT[$d]}" --arg diffid "$diffid" --arg path "$ENV_PATH" \
        --arg pkgs "${PACKAGES[*]}" '{
        created: "1970-01-01T00:00:00Z", architecture: $arch, variant: $variant, os: "linux",
        config: {Env: [$path], Cmd: ["/bin/bash"]},
        rootfs: {type: "layers", diff_ids: [$diffid]},
        history: [{created: "1970-01-01T00:00:00Z",
                   created_by: ("scripts/lib/debian-rootfs.sh: dpkg-deb -x " + $pkgs)}]}' >"$WORK/config-$d.json"
    read -r cdigest csize <<<"$(blob "$WORK/config-$d.json")"

    jq -cn --arg c "$cdigest" --argjson cs "$csize" --arg l "$ldigest" --argjson ls "$lsize" '{
        schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
        layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l, size: $ls}]}' \
        >"$WORK/manifest-$d.json"
    read -r mdigest msize <<<"$(blob "$WORK/manifest-$d.json")"
    manifests="$(jq -c --arg m "$mdigest" --argjson ms "$msize" --arg arch "${OARCH[$d]}" --arg variant "${OVARIANT[$d]}" \
        '. + [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
               platform: {architecture: $arch, os: "linux", variant: $variant}}]' <<<"$manifests")"
    say "$d: $(du -sh "$r" | cut -f1) unpacked, layer $((lsize / 1024)) KiB"
    rm -rf "$r"
done

jq -cn --argjson m "$manifests" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m}' \
    >"$WORK/index-debian.json"
read -r idigest isize <<<"$(blob "$WORK/index-debian.json")"
jq -n --arg i "$idigest" --argjson is "$isize" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $i, size: $is,
                 annotations: {"org.opencontainers.image.ref.name": "debian"}}]}' >"$tmp/index.json"

mkdir -p "$FIX/layouts"
rm -rf "$LAYOUT"
mv "$tmp" "$LAYOUT"
echo "$key" >"$WORK/debian-rootfs.key"
say "built $LAYOUT (tag: debian, linux/arm64/v8 + linux/arm/v7, $(du -sh "$LAYOUT" | cut -f1))"
