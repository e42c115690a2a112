/// Kafka's default key partitioner (the Java client's, librdkafka's
/// `murmur2_random`): `toPositive(murmur2(key)) % partitions`.
public enum Murmur2Partitioner {
    public static func partition(key: [UInt8], partitions: Int32) -> Int32 {
        precondition(partitions > 0)
        return Int32(bitPattern: murmur2(key) & 0x7fff_ffff) % partitions
    }

    /// MurmurHash2 with Kafka's seed, as `org.apache.kafka.common.utils.Utils.murmur2`.
    public static func murmur2(_ data: [UInt8]) -> UInt32 {
        let seed: UInt32 = 0x9747_b28c
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        let length = data.count
        var h: UInt32 = seed ^ UInt32(truncatingIfNeeded: length)
        let blocks = length / 4
        data.withUnsafeBufferPointer { buffer in
            for i in 0..<blocks {
                let j = i * 4
                var k = UInt32(buffer[j]) | UInt32(buffer[j + 1]) << 8 | UInt32(buffer[j + 2]) << 16 | UInt32(buffer[j + 3]) << 24
                k &*= m
                k ^= k >> r
                k &*= m
                h &*= m
                h ^= k
            }
            let tail = blocks * 4
            switch length & 3 {
            case 3:
                h ^= UInt32(buffer[tail + 2]) << 16
                fallthrough
            case 2:
                h ^= UInt32(buffer[tail + 1]) << 8
                fallthrough
            case 1:
                h ^= UInt32(buffer[tail])
                h &*= m
            default:
                break
            }
        }
        h ^= h >> 13
        h &*= m
        h ^= h >> 15
        return h
    }
}
