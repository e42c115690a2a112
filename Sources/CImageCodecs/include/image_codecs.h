// CImageCodecs: C decoders (libjpeg-turbo, libpng, libwebp, giflib) that catch
// the libraries' longjmp errors, which Swift cannot, and check the declared
// dimensions against a pixel budget before allocating anything.
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef enum {
    IC_OK = 0,
    IC_UNSUPPORTED = 1,   // not JPEG, PNG, WebP or GIF
    IC_TOO_LARGE = 2,     // declared width*height over the pixel budget
    IC_CORRUPT = 3,       // the library refused the data (truncated, malformed)
    IC_NO_MEMORY = 4,
} ic_status;

typedef enum {
    IC_FORMAT_UNKNOWN = 0, IC_FORMAT_JPEG = 1, IC_FORMAT_PNG = 2, IC_FORMAT_WEBP = 3, IC_FORMAT_GIF = 4,
} ic_format;

typedef enum {
    IC_OUTPUT_LUMA = 0,   // float luma, 0.299 R + 0.587 G + 0.114 B computed in double (as numpy does)
    IC_OUTPUT_RGB = 1,    // 8-bit RGB, alpha dropped (as PIL's convert("RGB"))
} ic_output;

typedef struct {
    int width;
    int height;
    int format;           // ic_format
    void *pixels;         // malloc'd: float[w*h] or uint8_t[w*h*3]; free with ic_free
    char message[256];    // the library's words when status != IC_OK
} ic_image;

/// Sniffs the format from the first bytes.
int ic_sniff(const uint8_t *data, size_t length);

/// Decodes the first frame. Never longjmps out, never allocates more than
/// `max_pixels` * (4 or 3) bytes for the output plus the library's working memory.
int ic_decode(const uint8_t *data, size_t length, long long max_pixels, int output, ic_image *image);

void ic_free(ic_image *image);

/// Encodes 8-bit RGB as a baseline JPEG (used to make test and benchmark data).
/// Returns a malloc'd buffer in *out (free with ic_free_buffer) or IC_CORRUPT.
int ic_encode_jpeg(const uint8_t *rgb, int width, int height, int quality, uint8_t **out, size_t *out_length);

void ic_free_buffer(void *buffer);
