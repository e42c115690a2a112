#include "image_codecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gif_lib.h>
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <webp/decode.h>

// ---------------------------------------------------------------- output sink

typedef struct {
    ic_image *image;
    int output;
} sink;

static int sink_begin(sink *s, int width, int height, long long max_pixels) {
    if (width <= 0 || height <= 0) {
        snprintf(s->image->message, sizeof s->image->message, "declares an empty picture (%dx%d)", width, height);
        return IC_CORRUPT;
    }
    if ((long long)width * (long long)height > max_pixels) {
        snprintf(s->image->message, sizeof s->image->message,
                 "declares %dx%d pixels, over the budget of %lld pixels", width, height, max_pixels);
        return IC_TOO_LARGE;
    }
    size_t count = (size_t)width * (size_t)height;
    s->image->width = width;
    s->image->height = height;
    s->image->pixels = malloc(s->output == IC_OUTPUT_LUMA ? count * sizeof(float) : count * 3);
    if (!s->image->pixels) {
        snprintf(s->image->message, sizeof s->image->message, "out of memory for %dx%d pixels", width, height);
        return IC_NO_MEMORY;
    }
    return IC_OK;
}

// Stores one row of 8-bit RGB. The luma formula is numpy's: uint8 * Python float
// is computed in double, summed left to right, then narrowed to float32.
static void sink_row(sink *s, int y, const uint8_t *rgb) {
    int w = s->image->width;
    if (s->output == IC_OUTPUT_RGB) {
        memcpy((uint8_t *)s->image->pixels + (size_t)y * w * 3, rgb, (size_t)w * 3);
        return;
    }
    float *out = (float *)s->image->pixels + (size_t)y * w;
    for (int x = 0; x < w; x++) {
        double v = (double)rgb[3 * x] * 0.299 + (double)rgb[3 * x + 1] * 0.587 + (double)rgb[3 * x + 2] * 0.114;
        out[x] = (float)v;
    }
}

static int fail(ic_image *image, int status, const char *what) {
    if (image->message[0] == 0) snprintf(image->message, sizeof image->message, "%s", what);
    free(image->pixels);
    image->pixels = NULL;
    return status;
}

int ic_sniff(const uint8_t *d, size_t n) {
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) return IC_FORMAT_JPEG;
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) return IC_FORMAT_PNG;
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0) return IC_FORMAT_WEBP;
    if (n >= 6 && (memcmp(d, "GIF87a", 6) == 0 || memcmp(d, "GIF89a", 6) == 0)) return IC_FORMAT_GIF;
    return IC_FORMAT_UNKNOWN;
}

// ---------------------------------------------------------------- JPEG

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int hit_end_of_data;
} jpeg_error;

static void jpeg_error_exit(j_common_ptr cinfo) {
    jpeg_error *err = (jpeg_error *)cinfo->err;
    longjmp(err->jump, 1);
}

static void jpeg_emit(j_common_ptr cinfo, int level) {
    jpeg_error *err = (jpeg_error *)cinfo->err;
    // libjpeg pads a truncated file with grey and only warns; remember it so it becomes an error.
    if (level < 0 && err->base.msg_code == JWRN_JPEG_EOF) err->hit_end_of_data = 1;
}

static int decode_jpeg(const uint8_t *data, size_t length, long long max_pixels, sink *s) {
    struct jpeg_decompress_struct cinfo;
    jpeg_error err;
    uint8_t *volatile row = NULL;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = jpeg_error_exit;
    err.base.emit_message = jpeg_emit;
    err.hit_end_of_data = 0;
    if (setjmp(err.jump)) {
        char buffer[JMSG_LENGTH_MAX];
        err.base.format_message((j_common_ptr)&cinfo, buffer);
        snprintf(s->image->message, sizeof s->image->message, "JPEG: %s", buffer);
        jpeg_destroy_decompress(&cinfo);
        free(row);
        return fail(s->image, IC_CORRUPT, "JPEG: corrupt");
    }
    jpeg_create_decompress(&cinfo);
    // Bounds libjpeg's own working memory (progressive coefficient buffers spill nowhere: over it is an error).
    cinfo.mem->max_memory_to_use = 512L * 1024 * 1024;
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    jpeg_read_header(&cinfo, TRUE);
    long long declared = (long long)cinfo.image_width * (long long)cinfo.image_height;
    if (declared > max_pixels || cinfo.image_width == 0 || cinfo.image_height == 0) {
        int status = sink_begin(s, (int)(cinfo.image_width > 0x7fffffff ? 0x7fffffff : cinfo.image_width),
                                (int)cinfo.image_height, max_pixels);
        jpeg_destroy_decompress(&cinfo);
        return fail(s->image, status, "JPEG: too large");
    }
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    int status = sink_begin(s, (int)cinfo.output_width, (int)cinfo.output_height, max_pixels);
    if (status != IC_OK) {
        jpeg_destroy_decompress(&cinfo);
        return fail(s->image, status, "JPEG");
    }
    int w = (int)cinfo.output_width;
    row = malloc((size_t)w * 4);
    uint8_t *rgb = malloc((size_t)w * 3);
    if (!row || !rgb) {
        free(rgb);
        longjmp(err.jump, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        int y = (int)cinfo.output_scanline;
        JSAMPROW rows[1] = {row};
        if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) break;
        if (cmyk) {
            // Adobe writes inverted CMYK; PIL converts C,M,Y,K to R = 255 - C*(255-K)... with the same inversion.
            for (int x = 0; x < w; x++) {
                int c = row[4 * x], m = row[4 * x + 1], yy = row[4 * x + 2], k = row[4 * x + 3];
                rgb[3 * x] = (uint8_t)(c * k / 255);
                rgb[3 * x + 1] = (uint8_t)(m * k / 255);
                rgb[3 * x + 2] = (uint8_t)(yy * k / 255);
            }
            sink_row(s, y, rgb);
        } else {
            sink_row(s, y, row);
        }
    }
    free(rgb);
    int truncated = err.hit_end_of_data;
    if (truncated) {
        snprintf(s->image->message, sizeof s->image->message, "JPEG: premature end of data (truncated file)");
    }
    jpeg_abort_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    if (truncated) return fail(s->image, IC_CORRUPT, "JPEG: truncated");
    return IC_OK;
}

// ---------------------------------------------------------------- PNG

typedef struct {
    const uint8_t *data;
    size_t length;
    size_t offset;
} png_reader;

static void png_read_memory(png_structp png, png_bytep out, png_size_t count) {
    png_reader *r = (png_reader *)png_get_io_ptr(png);
    if (r->offset + count > r->length) png_error(png, "truncated file");
    memcpy(out, r->data + r->offset, count);
    r->offset += count;
}


static void png_on_error(png_structp png, png_const_charp message) {
    char *target = (char *)png_get_error_ptr(png);
    if (target) snprintf(target, 200, "%s", message);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static int decode_png(const uint8_t *data, size_t length, long long max_pixels, sink *s) {
    char message[200] = {0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, message, png_on_error, png_on_warning);
    if (!png) return fail(s->image, IC_NO_MEMORY, "PNG: out of memory");
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile rows_buffer = NULL;
    png_bytep *volatile row_pointers = NULL;
    png_reader reader = {data, length, 0};
    if (!info || setjmp(png_jmpbuf(png))) {
        snprintf(s->image->message, sizeof s->image->message, "PNG: %s", message[0] ? message : "corrupt");
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        free(rows_buffer);
        free(row_pointers);
        return fail(s->image, IC_CORRUPT, "PNG: corrupt");
    }
    png_set_read_fn(png, &reader, png_read_memory);
    // libpng's own guards: it refuses declared sizes over these before allocating.
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_set_chunk_malloc_max(png, 16 * 1024 * 1024);
    png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_WARN_DISCARD);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    int status = sink_begin(s, (int)w, (int)h, max_pixels);
    if (status != IC_OK) {
        png_destroy_read_struct(&png, &info, NULL);
        return fail(s->image, status, "PNG");
    }
    int color = png_get_color_type(png, info);
    png_set_expand(png);          // palette -> RGB, gray < 8 bits -> 8 bits, tRNS -> alpha
    png_set_strip_16(png);        // 16 -> 8 bits by the high byte, as PIL
    png_set_strip_alpha(png);     // drop alpha, as PIL's convert("RGB")
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * 3) png_error(png, "unexpected row layout");
    if (passes > 1) {
        rows_buffer = malloc((size_t)w * h * 3);
        row_pointers = malloc(sizeof(png_bytep) * h);
        if (!rows_buffer || !row_pointers) png_error(png, "out of memory");
        for (png_uint_32 y = 0; y < h; y++) row_pointers[y] = rows_buffer + (size_t)y * w * 3;
        png_read_image(png, row_pointers);
        for (png_uint_32 y = 0; y < h; y++) sink_row(s, (int)y, row_pointers[y]);
    } else {
        rows_buffer = malloc((size_t)w * 3);
        if (!rows_buffer) png_error(png, "out of memory");
        for (png_uint_32 y = 0; y < h; y++) {
            png_read_row(png, rows_buffer, NULL);
            sink_row(s, (int)y, rows_buffer);
        }
    }
    png_destroy_read_struct(&png, &info, NULL);
    free(rows_buffer);
    free(row_pointers);
    return IC_OK;
}

// ---------------------------------------------------------------- WebP

static int decode_webp(const uint8_t *data, size_t length, long long max_pixels, sink *s) {
    WebPBitstreamFeatures features;
    if (WebPGetFeatures(data, length, &features) != VP8_STATUS_OK) {
        return fail(s->image, IC_CORRUPT, "WebP: malformed header");
    }
    if (features.has_animation) return fail(s->image, IC_UNSUPPORTED, "WebP: animated WebP is not supported");
    int status = sink_begin(s, features.width, features.height, max_pixels);
    if (status != IC_OK) return fail(s->image, status, "WebP");
    size_t stride = (size_t)features.width * 3;
    uint8_t *rgb = s->output == IC_OUTPUT_RGB ? (uint8_t *)s->image->pixels : malloc(stride * features.height);
    if (!rgb) return fail(s->image, IC_NO_MEMORY, "WebP: out of memory");
    if (!WebPDecodeRGBInto(data, length, rgb, stride * features.height, (int)stride)) {
        if (rgb != s->image->pixels) free(rgb);
        return fail(s->image, IC_CORRUPT, "WebP: corrupt or truncated data");
    }
    if (s->output == IC_OUTPUT_LUMA) {
        for (int y = 0; y < features.height; y++) sink_row(s, y, rgb + y * stride);
        free(rgb);
    }
    return IC_OK;
}

// ---------------------------------------------------------------- GIF

static int gif_read_memory(GifFileType *gif, GifByteType *out, int count) {
    png_reader *r = (png_reader *)gif->UserData;
    size_t n = (size_t)count;
    if (r->offset + n > r->length) n = r->length - r->offset;
    memcpy(out, r->data + r->offset, n);
    r->offset += n;
    return (int)n;
}

static int decode_gif(const uint8_t *data, size_t length, long long max_pixels, sink *s) {
    png_reader reader = {data, length, 0};
    int error = 0;
    GifFileType *gif = DGifOpen(&reader, gif_read_memory, &error);
    if (!gif) {
        snprintf(s->image->message, sizeof s->image->message, "GIF: %s", GifErrorString(error));
        return fail(s->image, IC_CORRUPT, "GIF");
    }
    int status = sink_begin(s, gif->SWidth, gif->SHeight, max_pixels);
    if (status != IC_OK) {
        DGifCloseFile(gif, &error);
        return fail(s->image, status, "GIF");
    }
    int w = gif->SWidth, h = gif->SHeight;
    uint8_t *indices = malloc((size_t)w * h);
    uint8_t *rgb = malloc((size_t)w * 3);
    if (!indices || !rgb) {
        free(indices);
        free(rgb);
        DGifCloseFile(gif, &error);
        return fail(s->image, IC_NO_MEMORY, "GIF: out of memory");
    }
    memset(indices, gif->SBackGroundColor, (size_t)w * h);
    GifRecordType record;
    int done = 0;
    ColorMapObject *map = gif->SColorMap;
    const char *problem = NULL;
    while (!done && !problem) {
        if (DGifGetRecordType(gif, &record) == GIF_ERROR) { problem = "truncated or malformed record"; break; }
        switch (record) {
        case EXTENSION_RECORD_TYPE: {
            int code;
            GifByteType *ext;
            if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) { problem = "malformed extension"; break; }
            while (ext != NULL) {
                if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) { problem = "malformed extension"; break; }
            }
            break;
        }
        case IMAGE_DESC_RECORD_TYPE: {
            if (DGifGetImageDesc(gif) == GIF_ERROR) { problem = "malformed image descriptor"; break; }
            GifImageDesc *d = &gif->Image;
            if (d->ColorMap) map = d->ColorMap;
            if (d->Width <= 0 || d->Height <= 0 || (long long)d->Width * d->Height > max_pixels) {
                problem = "frame size out of range";
                break;
            }
            uint8_t *line = malloc((size_t)d->Width);
            if (!line) { problem = "out of memory"; break; }
            static const int offsets[] = {0, 4, 2, 1}, steps[] = {8, 8, 4, 2};
            int passes = d->Interlace ? 4 : 1;
            for (int p = 0; p < passes && !problem; p++) {
                int start = d->Interlace ? offsets[p] : 0, step = d->Interlace ? steps[p] : 1;
                for (int y = start; y < d->Height; y += step) {
                    if (DGifGetLine(gif, line, d->Width) == GIF_ERROR) { problem = "truncated image data"; break; }
                    int ty = d->Top + y;
                    if (ty < 0 || ty >= h) continue;
                    for (int x = 0; x < d->Width; x++) {
                        int tx = d->Left + x;
                        if (tx >= 0 && tx < w) indices[(size_t)ty * w + tx] = line[x];
                    }
                }
            }
            free(line);
            done = 1;
            break;
        }
        case TERMINATE_RECORD_TYPE:
            problem = "no image in the file";
            break;
        default:
            break;
        }
    }
    DGifCloseFile(gif, &error);
    if (!problem && !map) problem = "no colour map";
    if (problem) {
        free(indices);
        free(rgb);
        snprintf(s->image->message, sizeof s->image->message, "GIF: %s", problem);
        return fail(s->image, IC_CORRUPT, "GIF");
    }
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int index = indices[(size_t)y * w + x];
            GifColorType c = index < map->ColorCount ? map->Colors[index] : (GifColorType){0, 0, 0};
            rgb[3 * x] = c.Red;
            rgb[3 * x + 1] = c.Green;
            rgb[3 * x + 2] = c.Blue;
        }
        sink_row(s, y, rgb);
    }
    free(indices);
    free(rgb);
    return IC_OK;
}

// ---------------------------------------------------------------- entry points

int ic_decode(const uint8_t *data, size_t length, long long max_pixels, int output, ic_image *image) {
    memset(image, 0, sizeof *image);
    sink s = {image, output};
    image->format = ic_sniff(data, length);
    switch (image->format) {
    case IC_FORMAT_JPEG: return decode_jpeg(data, length, max_pixels, &s);
    case IC_FORMAT_PNG: return decode_png(data, length, max_pixels, &s);
    case IC_FORMAT_WEBP: return decode_webp(data, length, max_pixels, &s);
    case IC_FORMAT_GIF: return decode_gif(data, length, max_pixels, &s);
    default:
        snprintf(image->message, sizeof image->message, "not a JPEG, PNG, WebP or GIF picture");
        return IC_UNSUPPORTED;
    }
}

void ic_free(ic_image *image) {
    free(image->pixels);
    image->pixels = NULL;
}

int ic_encode_jpeg(const uint8_t *rgb, int width, int height, int quality, uint8_t **out, size_t *out_length) {
    struct jpeg_compress_struct cinfo;
    jpeg_error err;
    unsigned char *buffer = NULL;
    unsigned long size = 0;
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = jpeg_error_exit;
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return IC_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(rgb + (size_t)cinfo.next_scanline * width * 3);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_length = size;
    return IC_OK;
}

void ic_free_buffer(void *buffer) { free(buffer); }
