import Foundation

/// PDQ, Meta's perceptual picture hash, computed exactly as the reference
/// implementation (facebook/ThreatExchange `pdq/cpp`, which PyPI's `pdqhash`
/// wraps) computes it, so hashes and qualities agree bit for bit:
///
/// 1. Luma is `0.299 R + 0.587 G + 0.114 B` computed in double and narrowed to
///    float (the decoders do this; it is how `pdqhash.compute` converts).
/// 2. Two passes of a Jarosz tent filter: box filters along rows then columns,
///    window `(n + 127) / 128`, in float with the reference's exact boundary
///    phases and summation order.
/// 3. Decimation to 64x64 at sample centres (`Int((i + 0.5) * n / 64)`).
/// 4. The image-domain quality metric on the 64x64 buffer.
/// 5. The 16x16 low-frequency DCT (`D A Dᵀ`, float, sequential sums).
/// 6. Each bit: coefficient greater than the Torben median.
///
/// The column pass runs across all columns at once, row after row; each
/// column still sees the reference's operations in the reference's order, so
/// the floats are identical, only the memory access is friendlier.
public enum PDQ {
    public struct Result: Sendable, Hashable {
        public var hash: PDQHash
        public var quality: Int
    }

    /// The hash and quality plus the eight dihedral variants' hashes (from the DCT, as the reference does).
    public struct DihedralResult: Sendable {
        public var quality: Int
        /// Indexed like `DihedralTransform.allCases`.
        public var hashes: [PDQHash]
        public var hash: PDQHash { hashes[0] }
    }

    public static let minimumHashableDimension = 5

    /// The reference's `dct_matrix_64`: 16 rows of 64, `float(sqrt(2/64)) * cos(pi/128 * (i+1) * (2j+1))`.
    static let dctMatrix: [Float] = {
        let scale = Float((2.0 / 64.0).squareRoot())
        var matrix = [Float](repeating: 0, count: 16 * 64)
        for i in 0..<16 {
            for j in 0..<64 {
                let angle = (Double.pi / 2.0 / 64.0) * Double(i + 1) * Double(2 * j + 1)
                matrix[i * 64 + j] = Float(Double(scale) * cos(angle))
            }
        }
        return matrix
    }()

    public static func jaroszWindowSize(old: Int, new: Int) -> Int {
        (old + 2 * new - 1) / (2 * new)
    }

    /// Hashes a row-major float luma buffer. `luma` is used as the filter's
    /// working buffer (overwritten), `scratch` must hold as many floats.
    public static func hash(luma: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, width: Int, height: Int) -> Result {
        guard width >= minimumHashableDimension, height >= minimumHashableDimension else {
            return Result(hash: .zero, quality: 0)
        }
        var coefficients = [Float](repeating: 0, count: 256)
        let quality = float256(luma: luma, scratch: scratch, width: width, height: height, into: &coefficients)
        return Result(hash: bits(coefficients), quality: quality)
    }

    /// Convenience over an array (copied).
    public static func hash(luma: [Float], width: Int, height: Int) -> Result {
        var work = luma
        var scratch = [Float](repeating: 0, count: luma.count)
        return work.withUnsafeMutableBufferPointer { buffer in
            scratch.withUnsafeMutableBufferPointer { hash(luma: buffer.baseAddress!, scratch: $0.baseAddress!, width: width, height: height) }
        }
    }

    public static func dihedral(luma: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, width: Int, height: Int) -> DihedralResult {
        guard width >= minimumHashableDimension, height >= minimumHashableDimension else {
            return DihedralResult(quality: 0, hashes: Array(repeating: .zero, count: 8))
        }
        var coefficients = [Float](repeating: 0, count: 256)
        let quality = float256(luma: luma, scratch: scratch, width: width, height: height, into: &coefficients)
        return DihedralResult(quality: quality, hashes: dihedralHashes(coefficients))
    }

    /// The eight hashes from one 16x16 DCT block, with the reference's sign and transpose rules.
    /// Rotations are counter-clockwise, as the reference's (and `numpy.rot90`).
    public static func dihedralHashes(_ a: [Float]) -> [PDQHash] {
        var out: [PDQHash] = [bits(a)]
        var b = [Float](repeating: 0, count: 256)
        // (transpose, sign rule) per variant; the sign flips where the rule says odd.
        let rules: [(Bool, (Int, Int) -> Bool)] = [
            (true, { _, j in j & 1 == 0 }),            // rotate90
            (false, { i, j in (i + j) & 1 == 1 }),     // rotate180
            (true, { i, _ in i & 1 == 0 }),            // rotate270
            (false, { _, j in j & 1 == 0 }),           // mirror (the reference's flipY: left-right)
            (true, { _, _ in false }),                 // mirror then rotate90 (the reference's flipPlus1: transpose)
            (false, { i, _ in i & 1 == 0 }),           // mirror then rotate180 (the reference's flipX: upside down)
            (true, { i, j in (i + j) & 1 == 1 }),      // mirror then rotate270 (the reference's flipMinus1)
        ]
        for (transpose, negate) in rules {
            for i in 0..<16 {
                for j in 0..<16 {
                    let value = negate(i, j) ? -a[i * 16 + j] : a[i * 16 + j]
                    if transpose { b[j * 16 + i] = value } else { b[i * 16 + j] = value }
                }
            }
            out.append(bits(b))
        }
        return out
    }

    /// Steps 2-5: fills the 16x16 DCT block, returns the quality.
    static func float256(luma: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, width: Int, height: Int, into coefficients: inout [Float]) -> Int {
        var buffer64 = [Float](repeating: 0, count: 64 * 64)
        if width == 64 && height == 64 {
            for k in 0..<(64 * 64) { buffer64[k] = luma[k] }
        } else {
            let windowAlongRows = jaroszWindowSize(old: width, new: 64)
            let windowAlongColumns = jaroszWindowSize(old: height, new: 64)
            for _ in 0..<2 {
                boxAlongRows(luma, scratch, rows: height, columns: width, window: windowAlongRows)
                boxAlongColumns(scratch, luma, rows: height, columns: width, window: windowAlongColumns)
            }
            decimate(luma, rows: height, columns: width, into: &buffer64)
        }
        let quality = imageDomainQuality(buffer64)
        dct64To16(buffer64, into: &coefficients)
        return quality
    }

    static func decimate(_ input: UnsafeMutablePointer<Float>, rows: Int, columns: Int, into out: inout [Float]) {
        for i in 0..<64 {
            let inI = Int(((Double(i) + 0.5) * Double(rows)) / 64)
            for j in 0..<64 {
                let inJ = Int(((Double(j) + 0.5) * Double(columns)) / 64)
                out[i * 64 + j] = input[inI * columns + inJ]
            }
        }
    }

    /// The reference's `box1DFloat` with stride 1, for each row.
    static func boxAlongRows(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>, rows: Int, columns: Int, window: Int) {
        let half = (window + 2) / 2
        let phase1 = half - 1, phase2 = window - half + 1, phase3 = columns - window, phase4 = half - 1
        for r in 0..<rows {
            let invec = input + r * columns
            let outvec = output + r * columns
            var li = 0, ri = 0, oi = 0
            var sum: Float = 0
            var current = 0
            for _ in 0..<max(phase1, 0) {
                sum += invec[ri]; current += 1; ri += 1
            }
            for _ in 0..<max(phase2, 0) {
                sum += invec[ri]; current += 1
                outvec[oi] = sum / Float(current)
                ri += 1; oi += 1
            }
            let currentFloat = Float(current)
            for _ in 0..<max(phase3, 0) {
                sum += invec[ri]
                sum -= invec[li]
                outvec[oi] = sum / currentFloat
                li += 1; ri += 1; oi += 1
            }
            for _ in 0..<max(phase4, 0) {
                sum -= invec[li]; current -= 1
                outvec[oi] = sum / Float(current)
                li += 1; oi += 1
            }
        }
    }

    /// The reference's `box1DFloat` down each column, run for all columns together row by row.
    static func boxAlongColumns(_ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>, rows: Int, columns: Int, window: Int) {
        let half = (window + 2) / 2
        let phase1 = half - 1, phase2 = window - half + 1, phase3 = rows - window, phase4 = half - 1
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: columns)
        defer { sums.deallocate() }
        sums.initialize(repeating: 0, count: columns)
        var li = 0, ri = 0, oi = 0
        var current = 0
        for _ in 0..<max(phase1, 0) {
            let row = input + ri * columns
            for c in 0..<columns { sums[c] += row[c] }
            current += 1; ri += 1
        }
        for _ in 0..<max(phase2, 0) {
            let row = input + ri * columns
            let out = output + oi * columns
            current += 1
            let divisor = Float(current)
            for c in 0..<columns {
                sums[c] += row[c]
                out[c] = sums[c] / divisor
            }
            ri += 1; oi += 1
        }
        let divisor = Float(current)
        for _ in 0..<max(phase3, 0) {
            let add = input + ri * columns
            let sub = input + li * columns
            let out = output + oi * columns
            for c in 0..<columns {
                var s = sums[c] + add[c]
                s -= sub[c]
                sums[c] = s
                out[c] = s / divisor
            }
            li += 1; ri += 1; oi += 1
        }
        for _ in 0..<max(phase4, 0) {
            let sub = input + li * columns
            let out = output + oi * columns
            current -= 1
            let divisor = Float(current)
            for c in 0..<columns {
                sums[c] -= sub[c]
                out[c] = sums[c] / divisor
            }
            li += 1; oi += 1
        }
    }

    /// The reference's heuristic: quantised gradients summed, divided by 90, capped at 100.
    static func imageDomainQuality(_ buffer: [Float]) -> Int {
        var gradientSum = 0
        for i in 0..<63 {
            for j in 0..<64 {
                let u = buffer[i * 64 + j], v = buffer[(i + 1) * 64 + j]
                gradientSum += abs(Int(((u - v) * 100) / 255))
            }
        }
        for i in 0..<64 {
            for j in 0..<63 {
                let u = buffer[i * 64 + j], v = buffer[i * 64 + j + 1]
                gradientSum += abs(Int(((u - v) * 100) / 255))
            }
        }
        return min(gradientSum / 90, 100)
    }

    /// `B = D A Dᵀ` with the reference's summation order (k ascending, starting from 0).
    static func dct64To16(_ a: [Float], into b: inout [Float]) {
        let d = dctMatrix
        var t = [Float](repeating: 0, count: 16 * 64)
        a.withUnsafeBufferPointer { a in
            d.withUnsafeBufferPointer { d in
                t.withUnsafeMutableBufferPointer { t in
                    // T[i][j] = sum_k D[i][k] * A[k][j]; vectorised over j, k still ascending.
                    for i in 0..<16 {
                        let row = t.baseAddress! + i * 64
                        for k in 0..<64 {
                            let dik = d[i * 64 + k]
                            let arow = a.baseAddress! + k * 64
                            for j in 0..<64 { row[j] += dik * arow[j] }
                        }
                    }
                }
            }
        }
        for i in 0..<16 {
            for j in 0..<16 {
                var sum: Float = 0
                for k in 0..<64 { sum += t[i * 64 + k] * d[j * 64 + k] }
                b[i * 16 + j] = sum
            }
        }
    }

    static func bits(_ coefficients: [Float]) -> PDQHash {
        let median = torben(coefficients)
        var hash = PDQHash()
        for k in 0..<256 where coefficients[k] > median { hash.setBit(k) }
        return hash
    }

    /// Torben Mogensen's median, as N. Devillard's implementation in the reference.
    static func torben(_ m: [Float]) -> Float {
        let n = m.count
        var minimum = m[0], maximum = m[0]
        for i in 1..<n {
            if m[i] < minimum { minimum = m[i] }
            if m[i] > maximum { maximum = m[i] }
        }
        var less = 0, greater = 0, equal = 0
        var guess: Float = 0, maxLessThanGuess: Float = 0, minGreaterThanGuess: Float = 0
        while true {
            guess = (minimum + maximum) / 2
            less = 0; greater = 0; equal = 0
            maxLessThanGuess = minimum
            minGreaterThanGuess = maximum
            for value in m {
                if value < guess {
                    less += 1
                    if value > maxLessThanGuess { maxLessThanGuess = value }
                } else if value > guess {
                    greater += 1
                    if value < minGreaterThanGuess { minGreaterThanGuess = value }
                } else {
                    equal += 1
                }
            }
            if less <= (n + 1) / 2 && greater <= (n + 1) / 2 { break }
            if less > greater { maximum = maxLessThanGuess } else { minimum = minGreaterThanGuess }
        }
        if less >= (n + 1) / 2 { return maxLessThanGuess }
        if less + equal >= (n + 1) / 2 { return guess }
        return minGreaterThanGuess
    }
}
