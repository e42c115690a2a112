#if canImport(CCryptoBoringSSL)
import CCryptoBoringSSL
#endif
import Crypto

/// SHA-256 as the evidence trail writes it: 64 lower-case hex digits.
public enum SHA256Hex {
    public static func of<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        of(Array(bytes))
    }

    /// The same for a byte array, hashed in place (ingest hashes every line).
    public static func of(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: 64) { out in
            digits(of: bytes, into: out)
            return 64
        }
    }

    /// The hex digits as UTF-8 bytes, for a header value (no String made on the way).
    public static func bytes(of bytes: [UInt8]) -> [UInt8] {
        // Copied from a stack buffer: `[UInt8](unsafeUninitializedCapacity:)` calls the standard
        // library's unspecialized allocator, which looks up the array's metadata per call.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { out in
            digits(of: bytes, into: out)
            return Array(UnsafeBufferPointer(out))
        }
    }

    /// Writes the 64 hex digits of `bytes`' SHA-256 into `out`.
    ///
    /// On Linux swift-crypto's `SHA256` runs BoringSSL's code; its one-shot function is the same
    /// hash (the CPU's SHA instructions where there are some) without the hasher's per-call
    /// context object, which cost ingest a third as much again as hashing the line.
    /// `SHA256HexTests` checks both agree.
    private static func digits(of bytes: [UInt8], into out: UnsafeMutableBufferPointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            #if canImport(CCryptoBoringSSL)
            bytes.withUnsafeBufferPointer { input in
                _ = CCryptoBoringSSL_SHA256(input.baseAddress, input.count, digest.baseAddress)
            }
            #else
            var hasher = SHA256()
            bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            hasher.finalize().withUnsafeBytes { _ = digest.initialize(from: $0) }
            #endif
            for i in 0..<32 {
                out[2 * i] = Hex.digit(digest[i] >> 4)
                out[2 * i + 1] = Hex.digit(digest[i] & 0x0f)
            }
        }
    }
}

public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    @inline(__always)
    static func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// An integer's decimal digits as `String(n)` spells them (a minus sign, no leading zeros),
/// written right to left into a stack buffer instead of making the String.
public enum DecimalText {
    @inlinable
    public static func withDigits<R>(of n: Int64, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        // 19 digits and a sign at most.
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var magnitude = n.magnitude
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(0x30 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if n < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            return try body(UnsafeBufferPointer(rebasing: buffer[start...]))
        }
    }
}
