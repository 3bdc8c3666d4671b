// The spec file XArchRun writes: records separated by NUL bytes, each `key=value` (the value may hold
// `=`; it cannot hold NUL). Keys, in any order; `arg`, `env`, `group` and `binfmt` repeat and keep their order:
//   version=1            required first record
//   rootfs=PATH          required: the root filesystem directory (absolute)
//   arg=WORD             argv, at least one; argv[0] without `/` is searched in the given env's PATH
//   env=K=V              the command's whole environment
//   workdir=PATH         default /; created if missing
//   uid=N gid=N group=N  the identity inside (default 0, 0, no extra groups)
//   hostname=NAME        the UTS hostname inside
//   network=host|none    default none: a new network namespace with only lo, up
//   personality=linux32  run with PER_LINUX32 (linux/386 on amd64)
//   binfmt=LINE          a binfmt_misc registration line for the private binfmt_misc (flags F and P)
//   map=identity|self|subid  identity (root only): 0-65535 map to themselves; self: the caller maps to
//                        0; subid: newuidmap/newgidmap write the ranges below (subordinate ids of /etc/subuid)
//   newuidmap=PATH newgidmap=PATH uidmap=RANGES gidmap=RANGES   with map=subid: the helpers and the
//                        triples `inside outside count …` they are given after the pid
//   overlay=DIR          run on an overlay whose lower layer is rootfs, so rootfs is never written; DIR
//                        (absolute, existing, empty) receives upper/, work/ and root/ (the merged tree)
//   tmp=tmpfs|image      tmpfs (default): a private tmpfs on /tmp; image: /tmp is the image's own directory
//   mount=KIND<TAB>SOURCE<TAB>TARGET<TAB>ro|rw   repeated: after entering the root, `bind` mounts the host
//                        file or directory SOURCE (opened before, so the image's symlinks cannot redirect
//                        it) on TARGET inside, `tmpfs` a tmpfs (SOURCE: its size, e.g. 64m, or empty);
//                        TARGET is created when missing (RUN --mount)
//   lower=DIR            repeated: a directory stacked over rootfs in the overlay, bottom first (the
//                        upper layers of earlier runs: whiteouts as 0/0 devices, user.overlay.opaque)
//   overlay_upper=tmpfs|disk  tmpfs (default): the writes live in memory and vanish with the run; disk:
//                        they stay in DIR/upper for the caller (a RUN's layer)
#define _GNU_SOURCE
#include "sandbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { XS_SPEC_MAX = 4 << 20 };

static void xs_bad(const char *what, const char *detail) __attribute__((noreturn));
static void xs_bad(const char *what, const char *detail) {
    fprintf(stderr, "xarch-sandbox: spec file: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    _exit(125);
}

static unsigned long xs_number(const char *text) {
    char *end = NULL;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value > 0xFFFFFFFEul) {
        xs_bad("not a number", text);
    }
    return value;
}

static char *xs_read_all(const char *path, size_t *length) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        xs_fail_path("open spec file", path);
    }
    char *buffer = malloc(XS_SPEC_MAX + 1);
    if (buffer == NULL) {
        xs_fail("allocate spec buffer");
    }
    size_t used = 0;
    for (;;) {
        ssize_t n = read(fd, buffer + used, XS_SPEC_MAX - used);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            xs_fail_path("read spec file", path);
        }
        if (n == 0) {
            break;
        }
        used += (size_t)n;
        if (used == XS_SPEC_MAX) {
            xs_bad("larger than 4 MiB", path);
        }
    }
    if (close(fd) != 0) {
        xs_fail_path("close spec file", path);
    }
    buffer[used] = '\0';
    *length = used;
    return buffer;
}

void xs_read_spec(const char *path, struct xs_spec *spec) {
    size_t length = 0;
    char *buffer = xs_read_all(path, &length);
    if (length == 0 || buffer[length - 1] != '\0') {
        xs_bad("empty or not NUL-terminated", path);
    }
    size_t records = 0;
    for (size_t i = 0; i < length; i++) {
        records += buffer[i] == '\0';
    }
    memset(spec, 0, sizeof *spec);
    spec->buffer = buffer;
    spec->workdir = "/";
    spec->map_identity = 1;
    spec->overlay_tmpfs = 1;
    spec->argv = calloc(records + 1, sizeof(char *));
    spec->envp = calloc(records + 1, sizeof(char *));
    spec->binfmt = calloc(records + 1, sizeof(char *));
    spec->groups = calloc(records + 1, sizeof(gid_t));
    spec->lowers = calloc(records + 1, sizeof(char *));
    spec->mounts = calloc(records + 1, sizeof(char *));
    if (!spec->argv || !spec->envp || !spec->binfmt || !spec->groups || !spec->lowers || !spec->mounts) {
        xs_fail("allocate spec arrays");
    }
    size_t argc = 0, envc = 0, nbinfmt = 0, nlowers = 0, nmounts = 0, index = 0;
    for (char *record = buffer, *next; record < buffer + length; record = next, index++) {
        next = record + strlen(record) + 1;
        char *equals = strchr(record, '=');
        if (equals == NULL) {
            xs_bad("record without '='", record);
        }
        *equals = '\0';
        const char *key = record;
        char *value = equals + 1;
        if (index == 0) {
            if (strcmp(key, "version") != 0 || strcmp(value, "1") != 0) {
                xs_bad("the first record must be version=1", key);
            }
        } else if (strcmp(key, "rootfs") == 0) {
            spec->rootfs = value;
        } else if (strcmp(key, "arg") == 0) {
            spec->argv[argc++] = value;
        } else if (strcmp(key, "env") == 0) {
            spec->envp[envc++] = value;
        } else if (strcmp(key, "workdir") == 0) {
            spec->workdir = value;
        } else if (strcmp(key, "uid") == 0) {
            spec->uid = (uid_t)xs_number(value);
        } else if (strcmp(key, "gid") == 0) {
            spec->gid = (gid_t)xs_number(value);
        } else if (strcmp(key, "group") == 0) {
            spec->groups[spec->ngroups++] = (gid_t)xs_number(value);
        } else if (strcmp(key, "hostname") == 0) {
            spec->hostname = value;
        } else if (strcmp(key, "network") == 0) {
            if (strcmp(value, "host") != 0 && strcmp(value, "none") != 0) {
                xs_bad("network must be host or none", value);
            }
            spec->host_network = strcmp(value, "host") == 0;
        } else if (strcmp(key, "personality") == 0) {
            if (strcmp(value, "linux32") != 0 && strcmp(value, "default") != 0) {
                xs_bad("personality must be linux32 or default", value);
            }
            spec->personality32 = strcmp(value, "linux32") == 0;
        } else if (strcmp(key, "binfmt") == 0) {
            spec->binfmt[nbinfmt++] = value;
        } else if (strcmp(key, "map") == 0) {
            if (strcmp(value, "identity") != 0 && strcmp(value, "self") != 0 && strcmp(value, "subid") != 0) {
                xs_bad("map must be identity, self or subid", value);
            }
            spec->map_identity = strcmp(value, "identity") == 0;
            spec->map_subid = strcmp(value, "subid") == 0;
        } else if (strcmp(key, "newuidmap") == 0) {
            spec->newuidmap = value;
        } else if (strcmp(key, "newgidmap") == 0) {
            spec->newgidmap = value;
        } else if (strcmp(key, "uidmap") == 0) {
            spec->uidmap = value;
        } else if (strcmp(key, "gidmap") == 0) {
            spec->gidmap = value;
        } else if (strcmp(key, "overlay") == 0) {
            spec->overlay = value;
        } else if (strcmp(key, "mount") == 0) {
            spec->mounts[nmounts++] = value;
        } else if (strcmp(key, "tmp") == 0) {
            if (strcmp(value, "tmpfs") != 0 && strcmp(value, "image") != 0) {
                xs_bad("tmp must be tmpfs or image", value);
            }
            spec->keep_tmp = strcmp(value, "image") == 0;
        } else if (strcmp(key, "lower") == 0) {
            if (value[0] != '/' || strpbrk(value, ",:\\") != NULL) {
                xs_bad("lower must be an absolute path without ',', ':' or '\\'", value);
            }
            spec->lowers[nlowers++] = value;
        } else if (strcmp(key, "overlay_upper") == 0) {
            if (strcmp(value, "tmpfs") != 0 && strcmp(value, "disk") != 0) {
                xs_bad("overlay_upper must be tmpfs or disk", value);
            }
            spec->overlay_tmpfs = strcmp(value, "tmpfs") == 0;
        } else {
            xs_bad("unknown key", key);
        }
    }
    if (spec->rootfs == NULL || spec->rootfs[0] != '/') {
        xs_bad("rootfs must be an absolute path", spec->rootfs);
    }
    if (argc == 0) {
        xs_bad("no arg record", NULL);
    }
    if (spec->overlay != NULL && (spec->overlay[0] != '/' || strpbrk(spec->overlay, ",:\\") != NULL ||
                                  strpbrk(spec->rootfs, ",:\\") != NULL)) {
        xs_bad("overlay needs absolute paths without ',', ':' or '\\'", spec->overlay);
    }
    if (nlowers > 0 && spec->overlay == NULL) {
        xs_bad("lower needs overlay", NULL);
    }
    if (spec->map_subid && (spec->newuidmap == NULL || spec->newgidmap == NULL || spec->uidmap == NULL ||
                            spec->gidmap == NULL || spec->newuidmap[0] != '/' || spec->newgidmap[0] != '/')) {
        xs_bad("map=subid needs absolute newuidmap and newgidmap paths and uidmap and gidmap ranges", NULL);
    }
    if (spec->workdir[0] != '/') {
        xs_bad("workdir must be absolute", spec->workdir);
    }
}
