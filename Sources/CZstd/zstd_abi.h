// CZstd: the parts of libzstd's stable ABI (zstd.h, zstd 1.x) that xarch calls. Nothing is linked:
// xarch loads libzstd.so.1 with dlopen when a zstd layer shows up (see ZstdLibrary.swift), so neither
// building xarch nor running it on gzip layers needs libzstd.
#ifndef CZSTD_ABI_H
#define CZSTD_ABI_H
#include <stddef.h>

typedef struct { const void *src; size_t size; size_t pos; } xarch_zstd_in_buffer;   // ZSTD_inBuffer
typedef struct { void *dst; size_t size; size_t pos; } xarch_zstd_out_buffer;        // ZSTD_outBuffer
typedef void *(*xarch_zstd_create_dstream_fn)(void);                                 // ZSTD_createDStream
typedef size_t (*xarch_zstd_free_dstream_fn)(void *);                                // ZSTD_freeDStream
typedef size_t (*xarch_zstd_decompress_stream_fn)(void *, xarch_zstd_out_buffer *, xarch_zstd_in_buffer *);
typedef unsigned (*xarch_zstd_is_error_fn)(size_t);                                  // ZSTD_isError
typedef const char *(*xarch_zstd_get_error_name_fn)(size_t);                         // ZSTD_getErrorName
typedef size_t (*xarch_zstd_compress_fn)(void *, size_t, const void *, size_t, int); // ZSTD_compress
typedef size_t (*xarch_zstd_compress_bound_fn)(size_t);                              // ZSTD_compressBound
typedef void *(*xarch_zstd_create_cctx_fn)(void);                                    // ZSTD_createCCtx
typedef size_t (*xarch_zstd_free_cctx_fn)(void *);                                   // ZSTD_freeCCtx
typedef size_t (*xarch_zstd_cctx_set_parameter_fn)(void *, int, int);                // ZSTD_CCtx_setParameter
typedef size_t (*xarch_zstd_compress_stream2_fn)(void *, xarch_zstd_out_buffer *, xarch_zstd_in_buffer *, int);
                                                                                     // ZSTD_compressStream2
// ZSTD_cParameter and ZSTD_EndDirective values (stable since zstd 1.4.0).
enum {
    XARCH_ZSTD_C_COMPRESSION_LEVEL = 100, XARCH_ZSTD_C_CONTENT_SIZE_FLAG = 200, XARCH_ZSTD_C_CHECKSUM_FLAG = 201,
    XARCH_ZSTD_C_DICT_ID_FLAG = 202, XARCH_ZSTD_C_NB_WORKERS = 400,
    XARCH_ZSTD_E_CONTINUE = 0, XARCH_ZSTD_E_END = 2,
};
#endif
