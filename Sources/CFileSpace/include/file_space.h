#ifndef TOUCHSTONE_FILE_SPACE_H
#define TOUCHSTONE_FILE_SPACE_H

#include <stdint.h>

/// Reserves disk blocks for `length` bytes from `offset` without changing the file's size
/// (Linux `fallocate` with `FALLOC_FL_KEEP_SIZE`). Returns 0, or an errno value: EOPNOTSUPP
/// where the file system cannot, ENOSYS off Linux. Swift's Glibc module does not export
/// `fallocate` (it needs _GNU_SOURCE), hence this file.
int touchstone_reserve_file_space(int fd, int64_t offset, int64_t length);

#endif
