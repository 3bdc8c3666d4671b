#ifndef XARCH_SANDBOX_H
#define XARCH_SANDBOX_H

/// The sandbox of `XArchRun`: when the environment variable `XARCH_SANDBOX_SPEC` names a spec file, a
/// constructor of this object runs before the program's main (while the process is still
/// single-threaded, which `unshare(CLONE_NEWUSER)` requires), builds the namespaces, runs the command
/// the spec describes and exits with its status; it never returns into main. Without the variable it
/// returns at once and the program runs normally.
///
/// Exit status of a sandboxed run: the command's exit code, `128 + N` when a signal N ended it, or
/// `XARCH_SANDBOX_FAILURE` when the sandbox itself could not be built (one line on stderr, starting
/// with `XARCH_SANDBOX_PREFIX`, names the step and the errno).

/// The environment variable naming the spec file.
#define XARCH_SANDBOX_ENV "XARCH_SANDBOX_SPEC"
/// The exit status of a sandbox failure.
#define XARCH_SANDBOX_FAILURE 125
/// The prefix of the sandbox's own error line on stderr.
#define XARCH_SANDBOX_PREFIX "xarch-sandbox: "

/// Returns 1. Swift calls it so that the object holding the constructor is surely linked.
int xarch_sandbox_linked(void);

/// memfd_create(2) (glibc declares it only under _GNU_SOURCE, which Swift's Glibc module lacks).
int xarch_memfd_create(const char *name, unsigned int flags);

/// lgetxattr(2) (sys/xattr.h is not in Swift's Glibc module).
long xarch_lgetxattr(const char *path, const char *name, void *value, unsigned long size);

/// The birth time of `path` (statx(2) STATX_BTIME, not following a last symlink); -1 when the file
/// system does not record it.
int xarch_birth_time(const char *path, long long *seconds, unsigned int *nanoseconds);

/// lsetxattr(2), flags 0.
int xarch_lsetxattr(const char *path, const char *name, const void *value, unsigned long size);

#endif
