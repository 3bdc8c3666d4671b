#ifndef XARCH_SANDBOX_INTERNAL_H
#define XARCH_SANDBOX_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

/// A parsed spec file (see `spec.c` for the format). Every string points into `buffer`.
struct xs_spec {
    char *buffer;
    const char *rootfs;
    char **argv;            /* NULL-terminated */
    char **envp;            /* NULL-terminated */
    const char *workdir;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    size_t ngroups;
    const char *hostname;   /* NULL: keep */
    int host_network;       /* 0: a new, empty network namespace with lo up */
    int personality32;      /* 1: PER_LINUX32 before exec */
    char **binfmt;          /* NULL-terminated registration lines; empty: native */
    int map_identity;       /* 1: uids/gids 0-65535 map to themselves (root); 0: self -> 0 */
    int map_subid;          /* 1: the maps are written by newuidmap/newgidmap (subordinate ids) */
    const char *newuidmap;  /* with map_subid: the helpers and their ranges ("0 1000 1 1 100000 65536") */
    const char *newgidmap;
    char *uidmap;
    char *gidmap;
    const char *overlay;    /* NULL: run in rootfs itself; else a scratch directory for an overlay on it */
    int overlay_tmpfs;      /* 1: the overlay's upper layer lives on a tmpfs mounted on `overlay` */
    int keep_tmp;           /* 1: no tmpfs on /tmp (a RUN's /tmp belongs to the image, as in BuildKit) */
    char **mounts;          /* NULL-terminated "KIND\tSOURCE\tTARGET\tro|rw" records (see spec.c) */
    char **lowers;          /* NULL-terminated: directories stacked over rootfs, bottom first (overlay format) */
};

/// Writes `xarch-sandbox: STEP: strerror(errno)` to stderr and exits with 125.
void xs_fail(const char *step) __attribute__((noreturn));
/// As xs_fail, naming a path too.
void xs_fail_path(const char *step, const char *path) __attribute__((noreturn));
/// Reads and parses the spec file at `path`; fails (exit 125) when it cannot.
void xs_read_spec(const char *path, struct xs_spec *spec);
/// In the command's process (pid 2 of the new namespaces): mounts, binfmt, pivot_root, identity,
/// then exec. Never returns.
void xs_setup_and_exec(const struct xs_spec *spec) __attribute__((noreturn));

#endif
