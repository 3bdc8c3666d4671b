// The command's process: pid 2 of the new namespaces, with every capability of the new user namespace.
// Builds the root (proc, a tmpfs /tmp, a minimal /dev on a tmpfs, the private binfmt_misc), pivots
// into it, takes the identity, and execs. Every mount lives in the private mount namespace and every
// binfmt registration in the private binfmt_misc of the new user namespace: both vanish with the run.
#define _GNU_SOURCE
#include "xarch_sandbox.h"
#include "sandbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *const xs_devices[] = {"null", "zero", "full", "random", "urandom", "tty"};

static void xs_join(char *out, const char *a, const char *b) {
    if ((size_t)snprintf(out, PATH_MAX, "%s%s", a, b) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        xs_fail_path("path", a);
    }
}

/// A directory to mount on: created when missing; refused when it is anything but a directory (a
/// symlink in the image must not redirect a mount).
static void xs_mount_point(const char *path) {
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            xs_fail_path("mount point", path);
        }
        return;
    }
    if (errno != ENOENT || mkdir(path, 0755) != 0) {
        xs_fail_path("create mount point", path);
    }
}

static void xs_mount(const char *source, const char *target, const char *type, unsigned long flags,
                     const char *data) {
    if (mount(source, target, type, flags, data) != 0) {
        char step[64];
        snprintf(step, sizeof step, "mount %s on", type ? type : "(bind)");
        xs_fail_path(step, target);
    }
}

static void xs_make_dev(const char *rootfs) {
    char dev[PATH_MAX], path[PATH_MAX];
    xs_join(dev, rootfs, "/dev");
    xs_mount_point(dev);
    xs_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=1024k");
    for (size_t i = 0; i < sizeof xs_devices / sizeof xs_devices[0]; i++) {
        char host[64];
        snprintf(host, sizeof host, "/dev/%s", xs_devices[i]);
        if (access(host, F_OK) != 0) {
            continue; /* the host has none (e.g. no /dev/tty): leave it out */
        }
        snprintf(path, sizeof path, "%s/%s", dev, xs_devices[i]);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 || close(fd) != 0) {
            xs_fail_path("create device mount point", path);
        }
        xs_mount(host, path, NULL, MS_BIND, NULL);
    }
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dev, links[i][1]);
        if (symlink(links[i][0], path) != 0) {
            xs_fail_path("symlink", path);
        }
    }
    snprintf(path, sizeof path, "%s/shm", dev);
    if (mkdir(path, 01777) != 0 || chmod(path, 01777) != 0) { /* chmod: mkdir's mode passes the umask */
        xs_fail_path("mkdir", path);
    }
    /* A private devpts instance, as container runtimes give (apt and dpkg open pseudo-terminals for
     * their logs, `script` and `expect` need one). Best effort: a kernel that refuses devpts in this
     * user namespace leaves /dev/pts out rather than failing the run. */
    snprintf(path, sizeof path, "%s/pts", dev);
    if (mkdir(path, 0755) != 0) {
        xs_fail_path("mkdir", path);
    }
    if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") == 0) {
        snprintf(path, sizeof path, "%s/ptmx", dev);
        if (symlink("pts/ptmx", path) != 0) {
            xs_fail_path("symlink", path);
        }
    } else if (rmdir(path) != 0) {
        xs_fail_path("rmdir", path);
    }
}

static void xs_register_binfmt(const char *rootfs, char *const *lines) {
    char dir[PATH_MAX], path[PATH_MAX];
    xs_join(dir, rootfs, "/proc/sys/fs/binfmt_misc");
    xs_mount("binfmt_misc", dir, "binfmt_misc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    xs_join(path, dir, "/register");
    for (size_t i = 0; lines[i] != NULL; i++) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            xs_fail_path("open", path);
        }
        size_t length = strlen(lines[i]);
        if (write(fd, lines[i], length) != (ssize_t)length) {
            xs_fail_path("register binfmt handler (the interpreter must exist and be a static ELF)", lines[i]);
        }
        if (close(fd) != 0) {
            xs_fail_path("close", path);
        }
    }
}

static void xs_loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        xs_fail("socket for lo");
    }
    struct ifreq request;
    memset(&request, 0, sizeof request);
    strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
        xs_fail("get lo flags");
    }
    request.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &request) != 0) {
        xs_fail("bring lo up");
    }
    if (close(fd) != 0) {
        xs_fail("close socket");
    }
}

/// mkdir -p inside the new root.
static void xs_make_workdir(const char *workdir) {
    char path[PATH_MAX];
    xs_join(path, workdir, "");
    for (char *slash = path + 1;; slash++) {
        if (*slash == '/' || *slash == '\0') {
            char saved = *slash;
            *slash = '\0';
            if (mkdir(path, 0755) != 0 && errno != EEXIST) {
                xs_fail_path("create workdir", path);
            }
            *slash = saved;
            if (saved == '\0') {
                break;
            }
        }
    }
}

/// Mounts an overlay whose lower layer is `rootfs` on `dir`/root and returns that path in `merged`.
/// The upper layer is a tmpfs mounted on `dir` (every write vanishes with the mount namespace), or,
/// when that is refused (tmpfs without user xattrs, before Linux 6.6) or asked for, `dir` itself.
/// `userxattr`: overlayfs keeps its whiteouts and opaque marks in `user.overlay.*`, which a user
/// namespace may write.
static void xs_mount_overlay(const struct xs_spec *spec, char *merged) {
    char upper[PATH_MAX], work[PATH_MAX], options[4096], lowerdir[4096];
    /* lowerdir lists the top layer first: the given lowers from the last to the first, then rootfs. */
    size_t used = 0;
    lowerdir[0] = '\0';
    size_t count = 0;
    while (spec->lowers[count] != NULL) {
        count++;
    }
    for (size_t i = count; i > 0; i--) {
        int n = snprintf(lowerdir + used, sizeof lowerdir - used, "%s:", spec->lowers[i - 1]);
        if (n < 0 || (size_t)n >= sizeof lowerdir - used) {
            errno = E2BIG;
            xs_fail("overlay lowerdir (too many layers for one mount)");
        }
        used += (size_t)n;
    }
    if ((size_t)snprintf(lowerdir + used, sizeof lowerdir - used, "%s", spec->rootfs) >= sizeof lowerdir - used) {
        errno = E2BIG;
        xs_fail("overlay lowerdir (too many layers for one mount)");
    }
    const char *dir = spec->overlay;
    int tmpfs = spec->overlay_tmpfs;
    xs_join(upper, dir, "/upper");
    xs_join(work, dir, "/work");
    xs_join(merged, dir, "/root");
    for (;;) {
        if (tmpfs) {
            xs_mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=700");
        }
        const char *made[] = {upper, work, merged};
        for (size_t i = 0; i < 3; i++) {
            if (mkdir(made[i], 0755) != 0) {
                xs_fail_path("create overlay directory", made[i]);
            }
        }
        if ((size_t)snprintf(options, sizeof options, "lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lowerdir,
                             upper, work) >= sizeof options) {
            errno = ENAMETOOLONG;
            xs_fail_path("overlay options", dir);
        }
        if (mount("overlay", merged, "overlay", 0, options) == 0) {
            return;
        }
        if (!tmpfs || (errno != EINVAL && errno != EOPNOTSUPP)) {
            xs_fail_path("mount overlay (lower: the root filesystem) on", merged);
        }
        if (umount2(dir, MNT_DETACH) != 0) {
            xs_fail_path("unmount the overlay's tmpfs", dir);
        }
        tmpfs = 0; /* retry with the upper layer on disk, in dir */
    }
}

/// One `mount=` record split in place: kind, source, target, access.
struct xs_mount_request {
    char *kind, *source, *target;
    int read_only;
    int fd; /* bind: the source, opened before entering the root */
};

static void xs_parse_mounts(const struct xs_spec *spec, struct xs_mount_request *out, size_t *count) {
    size_t n = 0;
    for (size_t i = 0; spec->mounts[i] != NULL; i++, n++) {
        char *fields[4] = {0};
        char *rest = spec->mounts[i];
        for (int f = 0; f < 4; f++) {
            fields[f] = rest;
            char *tab = rest ? strchr(rest, '\t') : NULL;
            if (tab) {
                *tab = '\0';
                rest = tab + 1;
            } else {
                rest = NULL;
            }
        }
        char *extra = rest; /* layers: the lower directories, top first, ':'-separated */
        if (fields[3] == NULL || fields[2][0] != '/') {
            errno = EINVAL;
            xs_fail_path("mount record (KIND, SOURCE, absolute TARGET, ro|rw)", spec->mounts[i]);
        }
        out[n].kind = fields[0];
        out[n].source = fields[1];
        out[n].target = fields[2];
        out[n].read_only = strcmp(fields[3], "ro") == 0;
        out[n].fd = -1;
        if (strcmp(fields[0], "bind") == 0) {
            /* A detached copy of the source's mount (open_tree(2), Linux 5.2): it can be attached inside
             * the new root after the old one is gone, which a plain path or O_PATH fd cannot. */
            out[n].fd = (int)syscall(SYS_open_tree, AT_FDCWD, fields[1], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
            if (out[n].fd < 0) {
                xs_fail_path("open_tree mount source", fields[1]);
            }
        } else if (strcmp(fields[0], "layers") == 0) {
            /* A read-only overlay of other layers (a stage's or an image's files) mounted on a scratch
             * directory of this run, of which SOURCE (a path inside, free of symlinks) is cloned. */
            if (spec->overlay == NULL || extra == NULL || extra[0] == '\0') {
                errno = EINVAL;
                xs_fail_path("layers mount (needs an overlay run and lower directories)", fields[2]);
            }
            char dir[PATH_MAX], empty[PATH_MAX], options[4096], name[32], path[PATH_MAX];
            snprintf(name, sizeof name, "/mount-%zu", n);
            xs_join(dir, spec->overlay, name);
            snprintf(name, sizeof name, "/mount-%zu-empty", n);
            xs_join(empty, spec->overlay, name);
            if (mkdir(dir, 0700) != 0 || mkdir(empty, 0700) != 0) {
                xs_fail_path("create layers mount point", dir);
            }
            /* overlayfs needs two lower layers when there is no upper one: an empty one at the bottom. */
            if ((size_t)snprintf(options, sizeof options, "lowerdir=%s:%s,userxattr", extra, empty) >= sizeof options) {
                errno = E2BIG;
                xs_fail_path("layers mount options", fields[2]);
            }
            if (mount("overlay", dir, "overlay", MS_RDONLY, options) != 0) {
                xs_fail_path("mount the layers overlay on", dir);
            }
            if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, fields[1]) >= sizeof path) {
                errno = ENAMETOOLONG;
                xs_fail_path("layers mount source", fields[1]);
            }
            out[n].fd = (int)syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
            if (out[n].fd < 0) {
                xs_fail_path("open_tree layers mount source", path);
            }
        } else if (strcmp(fields[0], "tmpfs") != 0) {
            errno = EINVAL;
            xs_fail_path("mount kind (bind, layers or tmpfs)", fields[0]);
        }
    }
    *count = n;
}

/// After entering the root: creates each target (a directory, or an empty file for a file source) and
/// mounts on it. Paths resolve inside the new root, so the image's symlinks stay inside it.
static void xs_do_mounts(struct xs_mount_request *mounts, size_t count) {
    for (size_t i = 0; i < count; i++) {
        struct xs_mount_request *m = &mounts[i];
        int file = 0;
        if (m->fd >= 0) {
            struct stat st;
            if (fstat(m->fd, &st) != 0) {
                xs_fail_path("inspect mount source", m->source);
            }
            file = !S_ISDIR(st.st_mode);
        }
        char parent[PATH_MAX];
        xs_join(parent, m->target, "");
        char *slash = strrchr(parent, '/');
        if (slash != NULL && slash != parent) {
            *slash = '\0';
            xs_make_workdir(parent);
        }
        struct stat existing;
        if (file && lstat(m->target, &existing) == 0 && S_ISREG(existing.st_mode)) {
            /* an existing file is the mount point as it is (opening it for writing would copy it up) */
        } else if (file) {
            int fd = open(m->target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
            if (fd < 0 || close(fd) != 0) {
                xs_fail_path("create mount point", m->target);
            }
        } else {
            xs_make_workdir(m->target);
        }
        if (m->fd >= 0) {
            if (syscall(SYS_move_mount, m->fd, "", AT_FDCWD, m->target, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
                xs_fail_path("move_mount (bind) on", m->target);
            }
            if (m->read_only) {
                xs_mount(NULL, m->target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
            }
            (void)close(m->fd);
        } else {
            char options[64];
            if (m->source[0] != '\0') {
                snprintf(options, sizeof options, "mode=1777,size=%s", m->source);
            } else {
                snprintf(options, sizeof options, "mode=1777");
            }
            xs_mount("tmpfs", m->target, "tmpfs", MS_NOSUID | MS_NODEV, options);
        }
    }
}

static void xs_enter_root(const char *rootfs) {
    if (chdir(rootfs) != 0) {
        xs_fail_path("chdir", rootfs);
    }
    if (syscall(SYS_pivot_root, ".", ".") != 0) {
        xs_fail_path("pivot_root", rootfs);
    }
    if (umount2(".", MNT_DETACH) != 0) {
        xs_fail("detach the old root");
    }
    if (chdir("/") != 0) {
        xs_fail("chdir /");
    }
}

static void xs_take_identity(const struct xs_spec *spec) {
    if (spec->map_identity || spec->map_subid) {
        if (setgroups(spec->ngroups, spec->groups) != 0) {
            xs_fail("setgroups");
        }
    } else if (spec->ngroups > 0) {
        errno = EPERM;
        xs_fail("setgroups (extra groups need root or subordinate ids in /etc/subuid and /etc/subgid)");
    }
    if (setgid(spec->gid) != 0) {
        xs_fail("setgid");
    }
    if (setuid(spec->uid) != 0) {
        xs_fail("setuid");
    }
}

static void xs_reset_signals(void) {
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP) {
            (void)signal(sig, SIG_DFL); /* fails only for the signals glibc reserves */
        }
    }
    sigset_t none;
    if (sigemptyset(&none) != 0 || sigprocmask(SIG_SETMASK, &none, NULL) != 0) {
        xs_fail("sigprocmask");
    }
}

/// execve, or for a name without `/` each directory of the command's own PATH (as execvpe does, but
/// with the given environment's PATH). Exits 127 when not found, 126 when not executable.
static void xs_exec(char *const *argv, char *const *envp) __attribute__((noreturn));
static void xs_exec(char *const *argv, char *const *envp) {
    const char *name = argv[0];
    if (strchr(name, '/') != NULL) {
        execve(name, argv, envp);
    } else {
        const char *search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (size_t i = 0; envp[i] != NULL; i++) {
            if (strncmp(envp[i], "PATH=", 5) == 0) {
                search = envp[i] + 5;
            }
        }
        int saved = ENOENT;
        for (const char *dir = search;; ) {
            const char *end = strchrnul(dir, ':');
            char path[PATH_MAX];
            int length = snprintf(path, sizeof path, "%.*s/%s", (int)(end - dir), dir, name);
            if (length > 0 && length < (int)sizeof path) {
                execve(path, argv, envp);
                if (errno != ENOENT && errno != ENOTDIR) {
                    saved = errno;
                }
            }
            if (*end == '\0') {
                break;
            }
            dir = end + 1;
        }
        errno = saved;
    }
    int saved = errno;
    fprintf(stderr, XARCH_SANDBOX_PREFIX "exec %s: %s\n", name, strerror(saved));
    _exit(saved == ENOENT ? 127 : 126);
}

void xs_setup_and_exec(const struct xs_spec *spec) {
    char path[PATH_MAX], merged[PATH_MAX];
    const char *rootfs = spec->rootfs;
    xs_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    if (spec->overlay != NULL) {
        xs_mount_overlay(spec, merged);
        rootfs = merged;
    } else {
        xs_mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
    }
    xs_join(path, rootfs, "/proc");
    xs_mount_point(path);
    xs_mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    if (!spec->keep_tmp) {
        xs_join(path, rootfs, "/tmp");
        xs_mount_point(path);
        xs_mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
    }
    xs_make_dev(rootfs);
    if (spec->binfmt[0] != NULL) {
        xs_register_binfmt(rootfs, spec->binfmt);
    }
    if (spec->hostname != NULL && sethostname(spec->hostname, strlen(spec->hostname)) != 0) {
        xs_fail("sethostname");
    }
    if (!spec->host_network) {
        xs_loopback_up();
    }
    size_t nmounts = 0;
    struct xs_mount_request *mounts = calloc(64, sizeof *mounts);
    size_t capacity = 0;
    while (spec->mounts[capacity] != NULL) {
        capacity++;
    }
    if (capacity > 64) {
        mounts = realloc(mounts, capacity * sizeof *mounts);
    }
    if (mounts == NULL) {
        xs_fail("allocate mounts");
    }
    xs_parse_mounts(spec, mounts, &nmounts);
    xs_enter_root(rootfs);
    xs_do_mounts(mounts, nmounts);
    xs_make_workdir(spec->workdir);
    if (chdir(spec->workdir) != 0) {
        xs_fail_path("chdir", spec->workdir);
    }
    xs_take_identity(spec);
    if (spec->personality32 && personality(PER_LINUX32) == -1) {
        xs_fail("personality(PER_LINUX32)");
    }
    xs_reset_signals();
    xs_exec(spec->argv, spec->envp);
}
