import CCRC32C

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Kafka,
/// iSCSI and ext4 use. On CPUs with a CRC-32C instruction (x86-64 SSE4.2,
/// ARMv8 CRC32) it runs there, several times faster; elsewhere slicing-by-8:
/// eight 256-entry tables let the loop consume eight bytes per step.
public enum CRC32C {
    /// Whether ``update(_:_:)`` uses the CPU's instruction.
    public static let usesHardware = touchstone_crc32c_hardware_available() != 0

    static let tables: [[UInt32]] = {
        let polynomial: UInt32 = 0x82F6_3B78
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var crc = UInt32(i)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[0][i] = crc
        }
        for i in 0..<256 {
            for t in 1..<8 {
                let previous = tables[t - 1][i]
                tables[t][i] = (previous >> 8) ^ tables[0][Int(previous & 0xff)]
            }
        }
        return tables
    }()

    /// One flat copy of the eight tables (index `t * 256 + byte`), read through a raw pointer in the hot loop.
    nonisolated(unsafe) static let flat: UnsafeMutablePointer<UInt32> = {
        let pointer = UnsafeMutablePointer<UInt32>.allocate(capacity: 8 * 256)
        for t in 0..<8 { for i in 0..<256 { pointer[t * 256 + i] = tables[t][i] } }
        return pointer
    }()

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, UnsafeRawBufferPointer($0)) }
    }

    public static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 { update(0, buffer) }

    /// Continues a checksum: `update(checksum(a), b) == checksum(a + b)`.
    @inline(__always)
    public static func update(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard usesHardware, let base = buffer.baseAddress else { return softwareUpdate(crc, buffer) }
        return ~touchstone_crc32c_hardware_update(~crc, base, buffer.count)
    }

    /// The table-driven checksum, for CPUs without the instruction (and to test the instruction against).
    public static func softwareUpdate(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        let t = flat
        var crc = ~crc
        var count = buffer.count
        guard var p = buffer.baseAddress else { return ~crc }
        while count >= 8 {
            let lo = p.loadUnaligned(as: UInt32.self).littleEndian ^ crc
            let hi = p.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
            crc = t[7 * 256 + Int(lo & 0xff)] ^ t[6 * 256 + Int((lo >> 8) & 0xff)]
                ^ t[5 * 256 + Int((lo >> 16) & 0xff)] ^ t[4 * 256 + Int(lo >> 24)]
                ^ t[3 * 256 + Int(hi & 0xff)] ^ t[2 * 256 + Int((hi >> 8) & 0xff)]
                ^ t[1 * 256 + Int((hi >> 16) & 0xff)] ^ t[Int(hi >> 24)]
            p += 8
            count -= 8
        }
        while count > 0 {
            crc = t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xff)] ^ (crc >> 8)
            p += 1
            count -= 1
        }
        return ~crc
    }
}
