// The process side of the sandbox, in the manner of runc's nsexec: a constructor that runs before main,
// while the process is single-threaded, only when XARCH_SANDBOX_SPEC is set.
//
//   waiter (the spawned process, host namespaces): forks, writes the child's uid_map/gid_map, forwards
//     SIGTERM/SIGINT/SIGHUP/SIGQUIT, exits with the child's status.
//   child: unshare(user, mount, pid, uts, ipc [, net]), waits for the maps, forks init, forwards, exits
//     with init's status. Dies with the waiter (PR_SET_PDEATHSIG).
//   init (pid 1 of the new pid namespace): forks the command, reaps every zombie, forwards signals,
//     exits with the command's status (128+N for signal N). Dies with the child; the kernel then kills
//     every process of the namespace, so SIGKILL to the waiter ends the whole run.
//   command (pid 2): mounts, private binfmt_misc, pivot_root, identity, exec (setup.c).
#define _GNU_SOURCE
#include "xarch_sandbox.h"
#include "sandbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/xattr.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int xarch_sandbox_linked(void) { return 1; }

int xarch_memfd_create(const char *name, unsigned int flags) { return memfd_create(name, flags); }

long xarch_lgetxattr(const char *path, const char *name, void *value, unsigned long size) {
    return (long)lgetxattr(path, name, value, size);
}

int xarch_birth_time(const char *path, long long *seconds, unsigned int *nanoseconds) {
    struct statx st;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &st) != 0 || !(st.stx_mask & STATX_BTIME)) {
        return -1;
    }
    *seconds = st.stx_btime.tv_sec;
    *nanoseconds = st.stx_btime.tv_nsec;
    return 0;
}

int xarch_lsetxattr(const char *path, const char *name, const void *value, unsigned long size) {
    return lsetxattr(path, name, value, size, 0);
}

void xs_fail(const char *step) {
    int saved = errno;
    fprintf(stderr, XARCH_SANDBOX_PREFIX "%s: %s\n", step, strerror(saved));
    _exit(XARCH_SANDBOX_FAILURE);
}

void xs_fail_path(const char *step, const char *path) {
    int saved = errno;
    fprintf(stderr, XARCH_SANDBOX_PREFIX "%s %s: %s\n", step, path ? path : "(null)", strerror(saved));
    _exit(XARCH_SANDBOX_FAILURE);
}

static volatile pid_t xs_forward_pid = 0;
static const int xs_forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};

static void xs_forward(int sig) {
    pid_t pid = xs_forward_pid;
    if (pid > 0) {
        int saved = errno;
        (void)kill(pid, sig);
        errno = saved;
    }
}

static void xs_forward_signals_to(pid_t pid) {
    xs_forward_pid = pid;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = xs_forward;
    if (sigemptyset(&action.sa_mask) != 0) {
        xs_fail("sigemptyset");
    }
    for (size_t i = 0; i < sizeof xs_forwarded / sizeof xs_forwarded[0]; i++) {
        if (sigaction(xs_forwarded[i], &action, NULL) != 0) {
            xs_fail("sigaction");
        }
    }
}

/// The exit code that reports a wait status: the code, or 128+N for signal N.
static int xs_code(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return XARCH_SANDBOX_FAILURE;
}

static int xs_wait(pid_t pid) {
    int status = 0;
    for (;;) {
        pid_t got = waitpid(pid, &status, 0);
        if (got == pid) {
            return xs_code(status);
        }
        if (got < 0 && errno != EINTR) {
            xs_fail("waitpid");
        }
    }
}

static void xs_die_with_parent(void) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        xs_fail("prctl(PR_SET_PDEATHSIG)");
    }
}

static void xs_write_file(pid_t pid, const char *name, const char *text) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        xs_fail_path("open", path);
    }
    size_t length = strlen(text);
    if (write(fd, text, length) != (ssize_t)length) {
        xs_fail_path("write", path);
    }
    if (close(fd) != 0) {
        xs_fail_path("close", path);
    }
}

/// Runs the setuid helper `helper` (newuidmap or newgidmap) as `helper PID RANGES…` and waits for it;
/// fails when it does not exit 0 (it said why on stderr).
static void xs_run_idmap_helper(const char *helper, pid_t child, char *ranges) {
    char pid[24];
    snprintf(pid, sizeof pid, "%d", (int)child);
    char *argv[64] = {(char *)helper, pid};
    size_t argc = 2;
    for (char *word = strtok(ranges, " "); word != NULL; word = strtok(NULL, " ")) {
        if (argc + 1 >= sizeof argv / sizeof argv[0]) {
            errno = E2BIG;
            xs_fail_path("id map ranges", helper);
        }
        argv[argc++] = word;
    }
    argv[argc] = NULL;
    pid_t pid_helper = fork();
    if (pid_helper < 0) {
        xs_fail("fork id map helper");
    }
    if (pid_helper == 0) {
        char *envp[] = {NULL};
        execve(helper, argv, envp);
        xs_fail_path("exec", helper);
    }
    if (xs_wait(pid_helper) != 0) {
        errno = EPERM;
        xs_fail_path("writing the subordinate id map failed (see its message above; check /etc/subuid and /etc/subgid):", helper);
    }
}

/// Writes the id maps of `child` (called in the waiter, outside the new user namespace).
static void xs_write_maps(const struct xs_spec *spec, pid_t child) {
    char line[64];
    if (spec->map_subid) {
        xs_run_idmap_helper(spec->newuidmap, child, spec->uidmap);
        xs_run_idmap_helper(spec->newgidmap, child, spec->gidmap);
        return;
    }
    if (spec->map_identity) {
        xs_write_file(child, "uid_map", "0 0 65536\n");
        xs_write_file(child, "gid_map", "0 0 65536\n");
        return;
    }
    xs_write_file(child, "setgroups", "deny");
    snprintf(line, sizeof line, "0 %u 1\n", (unsigned)getuid());
    xs_write_file(child, "uid_map", line);
    snprintf(line, sizeof line, "0 %u 1\n", (unsigned)getgid());
    xs_write_file(child, "gid_map", line);
}

/// init, pid 1 of the new pid namespace. Never returns. `alive_fd` is the read end of a pipe whose
/// write end only the child holds: EOF means the child died before PR_SET_PDEATHSIG took effect
/// (getppid() cannot tell, it is 0 in a new pid namespace).
static void xs_init(const struct xs_spec *spec, int alive_fd, int alive_write_fd) {
    xs_die_with_parent();
    if (close(alive_write_fd) != 0) {
        xs_fail("close pipe end");
    }
    char byte;
    ssize_t n;
    do {
        n = read(alive_fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        _exit(XARCH_SANDBOX_FAILURE); /* the child is gone: nobody waits for this run */
    }
    if (n < 0 && errno != EAGAIN) {
        xs_fail("read liveness pipe");
    }
    if (close(alive_fd) != 0) {
        xs_fail("close pipe end");
    }
    pid_t command = fork();
    if (command < 0) {
        xs_fail("fork command");
    }
    if (command == 0) {
        xs_setup_and_exec(spec);
    }
    xs_forward_signals_to(command);
    for (;;) {
        int status = 0;
        pid_t got = waitpid(-1, &status, 0);
        if (got == command) {
            _exit(xs_code(status));
        }
        if (got < 0 && errno != EINTR) {
            xs_fail("waitpid in init");
        }
    }
}

/// The child: new namespaces, then init. Never returns.
static void xs_child(const struct xs_spec *spec, pid_t waiter, int ready_fd, int go_fd) {
    xs_die_with_parent();
    if (getppid() != waiter) {
        _exit(XARCH_SANDBOX_FAILURE);
    }
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
    if (!spec->host_network) {
        flags |= CLONE_NEWNET;
    }
    if (unshare(flags) != 0) {
        xs_fail("unshare(user, mount, pid, uts, ipc, net namespaces)");
    }
    char byte = 'u';
    if (write(ready_fd, &byte, 1) != 1) {
        xs_fail("write to waiter");
    }
    ssize_t n;
    do {
        n = read(go_fd, &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        _exit(XARCH_SANDBOX_FAILURE); /* the waiter failed and said why */
    }
    if (close(ready_fd) != 0 || close(go_fd) != 0) {
        xs_fail("close sync pipes");
    }
    xs_die_with_parent();
    int alive[2];
    if (pipe2(alive, O_CLOEXEC | O_NONBLOCK) != 0) {
        xs_fail("pipe2");
    }
    pid_t init = fork();
    if (init < 0) {
        xs_fail("fork init");
    }
    if (init == 0) {
        xs_init(spec, alive[0], alive[1]);
    }
    if (close(alive[0]) != 0) {
        xs_fail("close pipe end");
    }
    xs_forward_signals_to(init);
    _exit(xs_wait(init));
}

/// The waiter: the process Swift spawned. Returns the exit code.
static int xs_run(const struct xs_spec *spec) {
    /* A child that died early must not kill the waiter through a write to its pipe; the command gets
     * every signal back at its default before exec. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        xs_fail("ignore SIGPIPE");
    }
    int ready[2], go[2];
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(go, O_CLOEXEC) != 0) {
        xs_fail("pipe2");
    }
    pid_t waiter = getpid();
    pid_t child = fork();
    if (child < 0) {
        xs_fail("fork");
    }
    if (child == 0) {
        if (close(ready[0]) != 0 || close(go[1]) != 0) {
            xs_fail("close pipe ends");
        }
        xs_child(spec, waiter, ready[1], go[0]);
    }
    if (close(ready[1]) != 0 || close(go[0]) != 0) {
        xs_fail("close pipe ends");
    }
    char byte = 0;
    ssize_t n;
    do {
        n = read(ready[0], &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) {
        return xs_wait(child); /* the child failed before unshare and said why */
    }
    xs_write_maps(spec, child);
    if (write(go[1], &byte, 1) != 1) {
        xs_fail("write to child");
    }
    if (close(ready[0]) != 0 || close(go[1]) != 0) {
        xs_fail("close pipe ends");
    }
    xs_forward_signals_to(child);
    return xs_wait(child);
}

__attribute__((constructor)) static void xs_constructor(void) {
    const char *path = getenv(XARCH_SANDBOX_ENV);
    if (path == NULL || path[0] == '\0') {
        return;
    }
    /* Nothing the spawning program left open may reach the command, nor stay open in the waiter,
     * child and init, which never exec (a writable fd held there makes exec of that file fail with
     * ETXTBSY in the spawning program). */
    if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
        xs_fail("close_range");
    }
    /* The waiter dies with the program that spawned it (xarch killed by a signal sent to its pid
     * alone), and with it the child, init and the command (they die with their parents). A parent that
     * died before the prctl took effect shows as a changed parent pid. */
    pid_t spawner = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) {
        xs_fail("prctl(PR_SET_PDEATHSIG) in the waiter");
    }
    if (getppid() != spawner) {
        _exit(XARCH_SANDBOX_FAILURE);
    }
    struct xs_spec spec;
    xs_read_spec(path, &spec);
    _exit(xs_run(&spec));
}
