import Testing
@testable import EmbeddedLog
import Transport

/// Known-answer vectors for the two hashes the log relies on.
@Suite struct ChecksumAndPartitionerTests {
    /// CRC-32C check value and the iSCSI vectors of RFC 3720 (appendix B.4).
    @Test func crc32cVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xff, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
    }

    /// The CPU instruction and slicing-by-8 agree with the bytewise definition at every length and alignment.
    @Test func crc32cMatchesBytewise() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var crc: UInt32 = 0xffff_ffff
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            #expect(CRC32C.checksum(bytes) == ~crc, "length \(length)")
            #expect(bytes.withUnsafeBytes { CRC32C.softwareUpdate(0, $0) } == ~crc, "length \(length)")
            let split = length / 3
            let incremental = bytes.withUnsafeBytes { raw in
                CRC32C.update(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<split])), UnsafeRawBufferPointer(rebasing: raw[split...]))
            }
            #expect(incremental == ~crc)
        }
    }

    /// `org.apache.kafka.common.utils.Utils.murmur2` values from Kafka's UtilsTest (and librdkafka's rdmurmur2.c).
    @Test(arguments: [
        ("21", -973_932_308), ("foobar", -790_332_482), ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829), ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("abc", 479_470_107), ("kafka", -798_503_068),
        ("1", -1_993_445_489), ("12", 126_087_238), ("123", -267_702_483), ("1234", -1_614_185_708), ("12345", -1_188_365_604),
    ] as [(String, Int32)])
    func kafkaMurmur2(_ key: String, _ expected: Int32) {
        #expect(Int32(bitPattern: Murmur2Partitioner.murmur2(Array(key.utf8))) == expected)
    }

    /// The partition is `toPositive(murmur2) % n` (toPositive masks the sign bit, it is not abs()).
    @Test func partitionUsesToPositive() {
        let key = Array("21".utf8)  // murmur2 is negative: -973932308
        let positive = Int32(bitPattern: UInt32(bitPattern: -973_932_308) & 0x7fff_ffff)
        for partitions in Int32(1)...12 {
            #expect(Murmur2Partitioner.partition(key: key, partitions: partitions) == positive % partitions)
        }
    }
}
