#ifndef TOUCHSTONE_CRC32C_HARDWARE_H
#define TOUCHSTONE_CRC32C_HARDWARE_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has a CRC-32C instruction (x86-64 SSE4.2, ARMv8 CRC32), else 0.
int touchstone_crc32c_hardware_available(void);

/// Continues a raw (not inverted) CRC-32C state over `count` bytes with the CPU's
/// instruction. Only call when `touchstone_crc32c_hardware_available()` is 1.
uint32_t touchstone_crc32c_hardware_update(uint32_t state, const void *bytes, size_t count);

#endif
