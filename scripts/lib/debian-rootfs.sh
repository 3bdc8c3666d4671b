#!/usr/bin/env bash
# scripts/lib/debian-rootfs.sh — a small, dynamically linked Debian bookworm root filesystem for
# arm64 and armhf, packed as one OCI image layout with an index. Called by scripts/fixtures.
#
# Usage: scripts/lib/debian-rootfs.sh FIXTURES_DIR WORK_DIR
#
# Produces:
#   FIXTURES_DIR/debian-rootfs/DEBARCH/*.deb + SHA256SUMS   the packages (fetched by apt-get download)
#   FIXTURES_DIR/layouts/debian-rootfs                      OCI layout with two tags, each an OCI index
#                                                           of linux/arm64/v8 and linux/arm/v7, one gzip
#                                                           layer per image, Env PATH:
#     debian        Cmd ["/bin/bash"]: what `bash -c 'ls -l / && perl -e 1'` needs (the Depends/Pre-Depends
#                   closure of bash, coreutils and perl-base, minus base-files, debianutils and dpkg)
#     debian-tools  debian + what a Dockerfile's RUN uses on a Debian base: /bin/sh (dash), sed, grep,
#                   dpkg with a real status database (/var/lib/dpkg/status and info/*.list of every
#                   package in the image, so `dpkg -i` of a local package works and `dpkg -l` lists
#                   them; Depends/Pre-Depends/Recommends/Suggests are left out of the status, as the
#                   image is a subset and apt-get would otherwise find them unmet), tar, useradd/groupadd (passwd, with base-passwd's /etc/passwd and /etc/group,
#                   shadow files and login.defs), and apt-get (apt, libapt-pkg; no https method, no
#                   keyring: enough for a `[trusted=yes]` local repository). Cmd ["/bin/sh"]
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
DEBIAN_ROOTFS_VERSION=2
PACKAGES=(libc6 libgcc-s1 gcc-12-base libtinfo6 bash coreutils libacl1 libattr1 libgmp10 libselinux1
          libpcre2-8-0 perl-base libcrypt1)
# debian-tools adds these (loaded, not dependency-resolved: each was checked to be what the programs
# link against; apt's http method, gpgv and the keyring are left out on purpose)
TOOLS=(dash sed grep diffutils libc-bin dpkg tar libbz2-1.0 liblzma5 libmd0 libzstd1 zlib1g base-passwd passwd login
       libaudit1 libaudit-common libcap-ng0 libpam0g libsemanage2 libsemanage-common libsepol2
       apt libapt-pkg6.0 libstdc++6 libsystemd0 libudev1 libxxhash0 liblz4-1 libgcrypt20 libgpg-error0
       libseccomp2 libcap2)
ALL=("${PACKAGES[@]}" "${TOOLS[@]}")
ARCH_ALL=(libaudit-common libsemanage-common)   # Architecture: all — downloaded without :DEBARCH
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
    local d="$1" p n
    [[ -f "$DEBS/$d/SHA256SUMS" ]] || return 1
    (cd "$DEBS/$d" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1) || return 1
    for p in "${ALL[@]}"; do
        n=$({ compgen -G "$DEBS/$d/${p}_*_$d.deb"; compgen -G "$DEBS/$d/${p}_*_all.deb"; } | wc -l)
        [[ $n == 1 ]] || return 1
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
    (cd "$DEBS/$d.part" && apt-get -c "$A/apt.conf" -q download $(for p in "${ALL[@]}"; do
        [[ " ${ARCH_ALL[*]} " == *" $p "* ]] && echo "$p" || echo "$p:$d"; done)) \
        >"$WORK/logs/apt-debian-download-$d.log" 2>&1 \
        || { tail -n 20 "$WORK/logs/apt-debian-download-$d.log" >&2; die "apt-get download for $d failed"; }
    (cd "$DEBS/$d.part" && for f in *.deb; do
        # apt URL-encodes the epoch (libattr1_1%3a2.5.1-4_arm64.deb): use the pool name instead
        n="$(dpkg-deb -f "$f" Package)_$(dpkg-deb -f "$f" Version | sed 's/^[0-9]*://')_$(dpkg-deb -f "$f" Architecture).deb"
        [[ "$f" == "$n" ]] || mv "$f" "$n"
    done; sha256sum -- *.deb >SHA256SUMS)
    rm -rf "$DEBS/$d"; mv "$DEBS/$d.part" "$DEBS/$d"
    have_debs "$d" || die "the packages for $d are incomplete after apt-get download (see $WORK/logs)"
done
if [[ $fetched -gt 0 ]]; then
    say "fetched ${#ALL[@]} packages × $fetched arch(es) in $(( ($(date +%s%N) - start) / 1000000 )) ms ($(du -sh "$DEBS" | cut -f1))"
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

deb_of() {  # deb_of DEBARCH PACKAGE → the .deb's path
    compgen -G "$DEBS/$1/${2}_*_$1.deb" || compgen -G "$DEBS/$1/${2}_*_all.deb" || die "$1: no .deb for $2"
}

unpack_rootfs() {  # unpack_rootfs DEBARCH DIR PACKAGE… → DIR as debootstrap's usrmerged tree would hold them
    local d="$1" r="$2" p top; shift 2
    rm -rf "$r"; mkdir -p "$r"
    for p in "$@"; do
        dpkg-deb -x "$(deb_of "$d" "$p")" "$r" || die "dpkg-deb -x of $p ($d) failed"
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
}

add_tools_state() {  # add_tools_state DEBARCH DIR PACKAGE… → what the packages' maintainer scripts would have left
    local d="$1" r="$2" p f name user; shift 2
    local db="$r/var/lib/dpkg"
    mkdir -p "$db/info" "$db/updates" "$db/triggers" "$db/alternatives" "$r/var/log/apt" "$r/etc/skel" \
        "$r/etc/apt/sources.list.d" "$r/etc/apt/apt.conf.d" "$r/etc/apt/preferences.d" \
        "$r/var/lib/apt/lists/partial" "$r/var/cache/apt/archives/partial"
    : >"$db/status"; : >"$db/available"
    for p in "$@"; do
        f="$(deb_of "$d" "$p")"
        {   echo "Package: $p"
            echo "Status: install ok installed"
            # the image holds a hand-picked subset: relations to packages it lacks would make apt-get
            # refuse every install ("unmet dependencies"), so the status records none
            dpkg-deb -f "$f" | awk '/^[^ \t]/ { skip = ($0 ~ /^(Package|Depends|Pre-Depends|Recommends|Suggests):/) } !skip'
            echo
        } >>"$db/status"
        # info/NAME.list: Multi-Arch: same packages are named PACKAGE:ARCH (dpkg's own rule)
        name="$p"
        [[ "$(dpkg-deb -f "$f" Multi-Arch)" == same ]] && name="$p:$(dpkg-deb -f "$f" Architecture)"
        dpkg-deb --fsys-tarfile "$f" | tar -t | sed -e 's|^\./$|/.|' -e 's|^\.||' -e 's|/$||' >"$db/info/$name.list"
    done
    [[ -e "$r/bin/sh" ]] || ln -s dash "$r/usr/bin/sh"
    # base-passwd's postinst: /etc/passwd and /etc/group from its masters; apt's: the _apt user
    cp "$r/usr/share/base-passwd/passwd.master" "$r/etc/passwd"
    cp "$r/usr/share/base-passwd/group.master" "$r/etc/group"
    echo "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin" >>"$r/etc/passwd"
    cut -d: -f1 "$r/etc/passwd" | while read -r user; do echo "$user:*:19000:0:99999:7:::"; done >"$r/etc/shadow"
    cut -d: -f1 "$r/etc/group" | while read -r user; do echo "$user:*::"; done >"$r/etc/gshadow"
    chmod 0640 "$r/etc/shadow" "$r/etc/gshadow"
    for f in usr/bin/dpkg usr/sbin/useradd usr/bin/apt-get usr/sbin/ldconfig usr/sbin/start-stop-daemon etc/login.defs; do
        [[ -e "$r/$f" ]] || die "$d: debian-tools lacks /$f"
    done
}

declare -A MANIFESTS=([debian]="[]" [debian-tools]="[]")
add_image() {  # add_image TAG DEBARCH DIR CMD → the image's blobs; appends its descriptor to MANIFESTS[TAG]
    local tag="$1" d="$2" r="$3" cmd="$4" diffid ldigest lsize cdigest csize mdigest msize pkgs
    find "$r" -exec touch -h -d @0 {} +
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
        -C "$r" -cf "$WORK/layer-$d.tar" $(cd "$r" && ls -A | sort)
    diffid="sha256:$(sha256 "$WORK/layer-$d.tar")"
    gzip -n -6 <"$WORK/layer-$d.tar" >"$WORK/layer-$d.tar.gz"
    rm -f "$WORK/layer-$d.tar"
    read -r ldigest lsize <<<"$(blob "$WORK/layer-$d.tar.gz")"

    pkgs="${PACKAGES[*]}"; [[ $tag == debian ]] || pkgs="${ALL[*]}"
    jq -cn --arg arch "${OARCH[$d]}" --arg variant "${OVARIANT[$d]}" --arg diffid "$diffid" --arg path "$ENV_PATH" \
        --arg pkgs "$pkgs" --arg cmd "$cmd" '{
        created: "1970-01-01T00:00:00Z", architecture: $arch, variant: $variant, os: "linux",
        config: {Env: [$path], Cmd: [$cmd]},
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
    MANIFESTS[$tag]="$(jq -c --arg m "$mdigest" --argjson ms "$msize" --arg arch "${OARCH[$d]}" --arg variant "${OVARIANT[$d]}" \
        '. + [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $ms,
               platform: {architecture: $arch, os: "linux", variant: $variant}}]' <<<"${MANIFESTS[$tag]}")"
    say "$tag $d: $(du -sh "$r" | cut -f1) unpacked, layer $((lsize / 1024)) KiB"
}

for d in "${DARCHS[@]}"; do
    r="$WORK/debian-rootfs-$d"
    unpack_rootfs "$d" "$r" "${PACKAGES[@]}"
    add_image debian "$d" "$r" /bin/bash
    unpack_rootfs "$d" "$r" "${ALL[@]}"
    add_tools_state "$d" "$r" "${ALL[@]}"
    add_image debian-tools "$d" "$r" /bin/sh
    rm -rf "$r"
done

refs="[]"
for tag in debian debian-tools; do
    jq -cn --argjson m "${MANIFESTS[$tag]}" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m}' \
        >"$WORK/index-$tag.json"
    read -r idigest isize <<<"$(blob "$WORK/index-$tag.json")"
    refs="$(jq -c --arg i "$idigest" --argjson is "$isize" --arg t "$tag" \
        '. + [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $i, size: $is,
               annotations: {"org.opencontainers.image.ref.name": $t}}]' <<<"$refs")"
done
jq -n --argjson m "$refs" '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: $m}' >"$tmp/index.json"

mkdir -p "$FIX/layouts"
rm -rf "$LAYOUT"
mv "$tmp" "$LAYOUT"
echo "$key" >"$WORK/debian-rootfs.key"
say "built $LAYOUT (tags debian and debian-tools, linux/arm64/v8 + linux/arm/v7, $(du -sh "$LAYOUT" | cut -f1))"
