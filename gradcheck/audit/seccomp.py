"""The seccomp filter of the bwrap sandbox: system calls that lead out of a sandbox fail with EPERM.

The filter is compiled by libseccomp (through its ctypes bindings, ``pyseccomp``)
for the machine's architecture and handed to bubblewrap, which installs it, with
``no_new_privs``, just before the student's program starts. Everything not listed
is allowed: the filter closes the ways *out* of the namespaces (entering others,
changing mounts, tracing processes, new user namespaces, kernel keyrings, BPF and
performance counters, loading kernel code), not ordinary computation.

``clone3`` fails with ENOSYS rather than EPERM: its flags sit in a struct that a
filter cannot read, and ENOSYS makes the C library fall back to ``clone``, whose
namespace flags the filter does check.
"""

from __future__ import annotations

import errno
import functools
import os
import sys

__all__ = ["DENIED", "NAMESPACE_FLAGS", "SeccompUnavailable", "compiled_filter", "filter_fd", "forbid_new_processes"]

#: System calls that fail with EPERM inside the sandbox, and why.
DENIED = {
    "setns": "enter another process's namespaces (the grader's network, mounts)",
    "unshare": "make new namespaces (a way back to capabilities)",
    "mount": "change what is visible",
    "umount2": "unmount /proc or a bind and look underneath",
    "pivot_root": "change the root",
    "chroot": "change the root",
    "move_mount": "the new mount API",
    "open_tree": "the new mount API",
    "fsopen": "the new mount API",
    "fsconfig": "the new mount API",
    "fsmount": "the new mount API",
    "fspick": "the new mount API",
    "mount_setattr": "the new mount API",
    "ptrace": "trace or write into another process (the sandbox's init)",
    "process_vm_readv": "read another process's memory",
    "process_vm_writev": "write another process's memory",
    "kcmp": "compare kernel objects of other processes",
    "pidfd_getfd": "take another process's file descriptors",
    "process_madvise": "act on another process's memory",
    "io_uring_setup": "io_uring (a large attack surface that no submission needs)",
    "io_uring_enter": "io_uring",
    "io_uring_register": "io_uring",
    "keyctl": "the kernel keyrings (shared by every process of a user)",
    "add_key": "the kernel keyrings",
    "request_key": "the kernel keyrings",
    "bpf": "load programs into the kernel",
    "perf_event_open": "performance counters (side channels)",
    "userfaultfd": "stall the kernel at will (exploit aid)",
    "init_module": "load kernel code",
    "finit_module": "load kernel code",
    "delete_module": "unload kernel code",
    "kexec_load": "replace the kernel",
    "kexec_file_load": "replace the kernel",
    "open_by_handle_at": "open files by handle, past the mount view",
    "name_to_handle_at": "file handles",
    "reboot": "reboot",
    "swapon": "swap",
    "swapoff": "swap",
    "acct": "process accounting",
    "quotactl": "quotas",
    "syslog": "read the kernel log",
    "personality": "turn address-space randomisation off",
    "settimeofday": "set the clock",
    "clock_settime": "set the clock",
    "clock_adjtime": "set the clock",
    "adjtimex": "set the clock",
    "iopl": "raw port access",
    "ioperm": "raw port access",
    "vhangup": "hang up the terminal",
    "lookup_dcookie": "kernel profiling",
    "uselib": "obsolete loader call",
    "ustat": "obsolete file-system call",
    "sysfs": "obsolete file-system call",
}

#: clone() flags that make namespaces: clone() with any of them fails with EPERM.
NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}

#: ioctl TIOCSTI pushes characters into a terminal's input (a classic escape).
TIOCSTI = 0x5412

#: clone() with this flag makes a thread of the caller; without it, another process.
CLONE_THREAD = 0x00010000
#: The calls that start another process or program, denied once a submission may run
#: (:func:`forbid_new_processes`); clone() without CLONE_THREAD is denied too.
NEW_PROCESS_CALLS = ("fork", "vfork", "execve", "execveat")


class SeccompUnavailable(RuntimeError):
    """libseccomp or its Python bindings are missing; the message says what to install."""


def _bindings():
    """The ``pyseccomp`` module, or :class:`SeccompUnavailable` saying which interpreter lacks what.

    Only a missing ``pyseccomp`` is told to install it; any other failure of the import (a module
    it imports, libseccomp not found or not loadable) is quoted as it came, with the interpreter's
    path: several environments on one machine may differ in what they hold.
    """
    try:
        import pyseccomp  # noqa: PLC0415 - optional dependency, imported on first use
    except ImportError as exc:
        if isinstance(exc, ModuleNotFoundError) and exc.name == "pyseccomp":
            raise SeccompUnavailable(
                f"the bwrap sandbox needs libseccomp's Python bindings to build its system-call filter, and "
                f"{sys.executable} has none: pip install 'gradcheck[sandbox]' (or: pip install pyseccomp)"
            ) from None
        raise SeccompUnavailable(f"libseccomp's Python bindings failed to import in {sys.executable}: {exc}") from None
    except (OSError, RuntimeError) as exc:  # the bindings find and load libseccomp.so.2 when imported
        raise SeccompUnavailable(
            f"libseccomp cannot be loaded ({exc}): apt-get install libseccomp2 (Debian/Ubuntu) "
            "or dnf install libseccomp (Fedora)"
        ) from None
    return pyseccomp


def _denying(names):
    """``(pyseccomp, a filter allowing all but names and clone3, the EPERM action)``.

    ``clone3`` fails with ENOSYS: its flags cannot be read, and the C library falls back to ``clone``.
    """
    sc = _bindings()
    f = sc.SyscallFilter(defaction=sc.ALLOW)
    deny = sc.ERRNO(errno.EPERM)
    for name in names:
        try:
            f.add_rule(deny, name)
        except (RuntimeError, ValueError, OSError):  # a call this architecture does not have
            continue
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    return sc, f, deny


@functools.lru_cache(maxsize=1)
def compiled_filter() -> bytes:
    """The filter as a BPF program (``struct sock_filter[]``) for this machine's architecture.

    Raises
    ------
    SeccompUnavailable
        If libseccomp or pyseccomp is missing.
    """
    sc, f, deny = _denying(DENIED)
    for flag in NAMESPACE_FLAGS.values():
        f.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    f.add_rule(deny, "ioctl", sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, TIOCSTI))
    r, w = os.pipe()
    try:
        with os.fdopen(w, "wb") as out:
            f.export_bpf(out)
        with os.fdopen(r, "rb") as inp:
            return inp.read()
    except BaseException:
        for fd in (r, w):
            try:
                os.close(fd)
            except OSError:
                pass
        raise


def forbid_new_processes() -> None:
    """From now on this process starts no other process or program: fork, vfork, execve, execveat
    and a clone() that is not a thread fail with EPERM (a filter on top of the sandbox's, for good).

    The worker installs it before it loads a submission: what the submission computes is then
    computed in the process the worker watches (threads included), not in a child it cannot see.

    Raises
    ------
    SeccompUnavailable
        If libseccomp or pyseccomp is missing.
    """
    sc, f, deny = _denying(NEW_PROCESS_CALLS)
    f.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    f.load()


def filter_fd() -> int:
    """A fresh file descriptor (at offset 0) holding :func:`compiled_filter`, for ``bwrap --seccomp``.

    The caller closes it after bwrap has started.
    """
    fd = os.memfd_create("gradcheck-seccomp", os.MFD_CLOEXEC)
    data = compiled_filter()
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd
