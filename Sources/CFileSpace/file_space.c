// Disk space reservation for the embedded log's segment files: see file_space.h.
#define _GNU_SOURCE
#include "file_space.h"

#include <errno.h>

#if defined(__linux__)
#include <fcntl.h>

int touchstone_reserve_file_space(int fd, int64_t offset, int64_t length) {
    return fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)length) == 0 ? 0 : errno;
}

#else

int touchstone_reserve_file_space(int fd, int64_t offset, int64_t length) {
    (void)fd; (void)offset; (void)length;
    return ENOSYS;
}

#endif
