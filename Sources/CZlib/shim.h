// CZlib: the system zlib (Debian: zlib1g-dev), for gzip layers (RFC 1951 deflate, RFC 1952 gzip).
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>
#endif
