"""Which BLAS Debian's torch runs its matmuls on, and how many threads it and torch use.

Debian's python3-torch 1.13 is built with BLAS_INFO=generic (`torch.__config__.show()`): libtorch_cpu links
libblas.so.3, which the alternatives system points at OpenBLAS's pthread build
(/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so, DYNAMIC_ARCH), and float32 matmuls
(mm, addmm, bmm) reach its sgemm: a 512^3 mm ran at the speed of whichever OpenBLAS kernel was selected
(oneDNN is linked too; torch 1.13 uses it for bf16 matmuls and convolutions).
OpenBLAS keeps its own thread pool, which torch.set_num_threads does not size: both are set here.
With OPENBLAS_CORETYPE=Haswell (set on this machine) the Haswell kernel runs; unset, DYNAMIC_ARCH picks the
processor's own (Cooperlake here): 27 against 16 GFLOP/s on a 512^3 mm, one thread, on a busy machine.
"""

import ctypes

import torch


def _openblas():
    """The OpenBLAS library loaded in this process (through torch), or None."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "openblas" in line and line.rstrip().endswith(".so")}
    for path in sorted(paths):
        library = ctypes.CDLL(path)
        if hasattr(library, "openblas_get_corename"):
            library.openblas_get_corename.restype = ctypes.c_char_p
            library.openblas_get_config.restype = ctypes.c_char_p
            return library
    return None


def set_threads(threads):
    """torch's intra-op threads and OpenBLAS's threads, both `threads`."""
    torch.set_num_threads(threads)
    library = _openblas()
    if library is not None:
        library.openblas_set_num_threads(threads)


def blas_info():
    """One line: the BLAS that sgemm goes to, its kernel and thread count."""
    library = _openblas()
    if library is None:
        return "no OpenBLAS loaded (torch's own BLAS fallback)"
    return (f"{library.openblas_get_config().decode()}, kernel {library.openblas_get_corename().decode()}, "
            f"{library.openblas_get_num_threads()} threads; torch {torch.get_num_threads()} threads")
