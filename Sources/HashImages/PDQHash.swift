/// A 256-bit PDQ hash. Bit `k` is the reference implementation's bit `k`
/// (`Hash256::setBit(k)`, `k = 16 * row + column` of the 16x16 DCT block);
/// `hex` prints it as the reference's `Hash256::format` does (most significant first).
public struct PDQHash: Hashable, Sendable, CustomStringConvertible {
    /// `words[0]` holds bits 0...63, `words[3]` bits 192...255.
    public var w0: UInt64
    public var w1: UInt64
    public var w2: UInt64
    public var w3: UInt64

    public init(w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    public static let zero = PDQHash()

    /// Parses 64 hex digits (either case).
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var words: [UInt64] = []
        for chunk in 0..<4 {
            var value: UInt64 = 0
            for byte in utf8[(chunk * 16)..<(chunk * 16 + 16)] {
                guard let digit = PDQHash.hexValue(byte) else { return nil }
                value = value << 4 | UInt64(digit)
            }
            words.append(value)
        }
        self.init(w0: words[3], w1: words[2], w2: words[1], w3: words[0])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    public mutating func setBit(_ k: Int) {
        let mask = UInt64(1) << UInt64(k & 63)
        switch k >> 6 {
        case 0: w0 |= mask
        case 1: w1 |= mask
        case 2: w2 |= mask
        default: w3 |= mask
        }
    }

    public func bit(_ k: Int) -> Bool {
        let word = [w0, w1, w2, w3][k >> 6]
        return (word >> UInt64(k & 63)) & 1 == 1
    }

    /// The 16-bit chunk `index` (0...15), the reference's `w[index]`.
    @inline(__always)
    public func chunk(_ index: Int) -> UInt16 {
        let word: UInt64
        switch index >> 2 {
        case 0: word = w0
        case 1: word = w1
        case 2: word = w2
        default: word = w3
        }
        return UInt16(truncatingIfNeeded: word >> UInt64((index & 3) * 16))
    }

    /// Hamming distance (0...256).
    @inline(__always)
    public func distance(to other: PDQHash) -> Int {
        (w0 ^ other.w0).nonzeroBitCount + (w1 ^ other.w1).nonzeroBitCount
            + (w2 ^ other.w2).nonzeroBitCount + (w3 ^ other.w3).nonzeroBitCount
    }

    public var hex: String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        let digits = Array("0123456789abcdef".utf8)
        for word in [w3, w2, w1, w0] {
            for shift in stride(from: 60, through: 0, by: -4) {
                out.append(digits[Int((word >> UInt64(shift)) & 0xf)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }
}

/// The eight rotations (counter-clockwise, as the PDQ reference) and mirror images of a picture, named as
/// `ReferenceMatch.transform` names them.
public enum DihedralTransform: String, CaseIterable, Sendable {
    case original
    case rotate90
    case rotate180
    case rotate270
    /// Mirrored left to right.
    case mirror
    case mirrorRotate90 = "mirror-rotate90"
    case mirrorRotate180 = "mirror-rotate180"
    case mirrorRotate270 = "mirror-rotate270"
}
