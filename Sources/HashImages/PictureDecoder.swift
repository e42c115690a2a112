import Foundation
import CImageCodecs

/// Why a picture could not be used. Each case's description says what to do.
public enum PictureError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedFormat(String)
    case tooLarge(String)
    case corrupt(String)
    case outOfMemory(String)
    case fetch(String)
    case refused(String)

    public var description: String {
        switch self {
        case .unsupportedFormat(let detail): "unsupported picture format: \(detail)"
        case .tooLarge(let detail): "picture too large: \(detail)"
        case .corrupt(let detail): "corrupt picture: \(detail)"
        case .outOfMemory(let detail): "out of memory: \(detail)"
        case .fetch(let detail): "fetch failed: \(detail)"
        case .refused(let detail): "fetch refused: \(detail)"
        }
    }
}

/// A float luma picture (row-major), as PDQ consumes it. Owns its memory.
public final class LumaPicture: @unchecked Sendable {
    public let width: Int
    public let height: Int
    public let pixels: UnsafeMutablePointer<Float>

    init(width: Int, height: Int, adopting pixels: UnsafeMutablePointer<Float>) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public convenience init(width: Int, height: Int) {
        let pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(width * height, 1))
        self.init(width: width, height: height, owning: pointer)
    }

    private init(width: Int, height: Int, owning pointer: UnsafeMutablePointer<Float>) {
        self.width = width
        self.height = height
        self.pixels = pointer
        self.ownedBySwift = true
    }

    private var ownedBySwift = false

    /// Luma from 8-bit RGB with `pdqhash.compute`'s formula (double, then float).
    public convenience init(rgb: RGBPicture) {
        self.init(width: rgb.width, height: rgb.height)
        rgb.pixels.withUnsafeBufferPointer { p in
            for i in 0..<(width * height) {
                let value = Double(p[3 * i]) * 0.299 + Double(p[3 * i + 1]) * 0.587 + Double(p[3 * i + 2]) * 0.114
                pixels[i] = Float(value)
            }
        }
    }

    deinit {
        if ownedBySwift { pixels.deallocate() } else { free(pixels) }
    }

    /// PDQ hash, quality and the eight dihedral hashes. Uses a scratch buffer
    /// as large as the picture; leaves `self` intact.
    public func pdq() -> PDQ.DihedralResult {
        let count = max(width * height, 1)
        let work = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { work.deallocate(); scratch.deallocate() }
        work.update(from: pixels, count: width * height)
        return PDQ.dihedral(luma: work, scratch: scratch, width: width, height: height)
    }

    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> LumaPicture {
        let out = LumaPicture(width: w, height: h)
        for row in 0..<h { (out.pixels + row * w).update(from: pixels + (y + row) * width + x, count: w) }
        return out
    }

    /// Half size by 2x2 averaging.
    public func halved() -> LumaPicture {
        let w = width / 2, h = height / 2
        let out = LumaPicture(width: w, height: h)
        for y in 0..<h {
            let a = pixels + 2 * y * width, b = a + width
            for x in 0..<w { out.pixels[y * w + x] = (a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1]) / 4 }
        }
        return out
    }

    /// Applies an EXIF orientation (1...8) so the picture is upright, as PIL's `ImageOps.exif_transpose`.
    public func oriented(_ orientation: Int) -> LumaPicture {
        guard (2...8).contains(orientation) else { return self }
        let w = width, h = height
        let swaps = orientation >= 5
        let out = LumaPicture(width: swaps ? h : w, height: swaps ? w : h)
        let ow = out.width
        for y in 0..<out.height {
            for x in 0..<ow {
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (w - 1 - x, y)
                case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                case 4: (sx, sy) = (x, h - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, h - 1 - x)
                case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                default: (sx, sy) = (w - 1 - y, x)
                }
                out.pixels[y * ow + x] = pixels[sy * w + sx]
            }
        }
        return out
    }
}

/// 8-bit RGB, row-major; used to make test and benchmark pictures.
public struct RGBPicture: Sendable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Baseline JPEG at the given quality (libjpeg-turbo).
    public func jpeg(quality: Int) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = pixels.withUnsafeBufferPointer {
            ic_encode_jpeg($0.baseAddress, Int32(width), Int32(height), Int32(quality), &out, &length)
        }
        guard status == 0, let out else { return [] }
        defer { ic_free_buffer(out) }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }
}

/// Decodes JPEG, PNG, WebP and GIF (first frame) through the system C
/// libraries, refusing anything whose declared size is over `maxPixels`
/// before allocating, and applying the EXIF orientation.
///
/// Memory per decode: the input bytes, plus 4 bytes per pixel of luma (8-bit
/// RGB rows are converted as they come; interlaced PNG and WebP need a
/// transient 3 bytes per pixel more), plus libjpeg's working memory (capped
/// at 512 MB, in practice a few MB per megapixel for progressive files).
public struct PictureDecoder: Sendable {
    /// Default budget: 24 megapixels (a 6000x4000 camera picture).
    public static let defaultMaxPixels = 24_000_000

    public var maxPixels: Int

    public init(maxPixels: Int = PictureDecoder.defaultMaxPixels) {
        self.maxPixels = maxPixels
    }

    public func decodeLuma(_ bytes: [UInt8]) throws(PictureError) -> LumaPicture {
        var image = ic_image()
        let status = try decode(bytes, output: IC_OUTPUT_LUMA, into: &image)
        _ = status
        let picture = LumaPicture(width: Int(image.width), height: Int(image.height),
                                  adopting: image.pixels.assumingMemoryBound(to: Float.self))
        return picture.oriented(ExifOrientation.read(bytes))
    }

    public func decodeRGB(_ bytes: [UInt8]) throws(PictureError) -> RGBPicture {
        var image = ic_image()
        _ = try decode(bytes, output: IC_OUTPUT_RGB, into: &image)
        defer { ic_free(&image) }
        let count = Int(image.width) * Int(image.height) * 3
        let rgb = RGBPicture(width: Int(image.width), height: Int(image.height),
                             pixels: Array(UnsafeBufferPointer(start: image.pixels.assumingMemoryBound(to: UInt8.self), count: count)))
        return rgb.oriented(ExifOrientation.read(bytes))
    }

    private func decode(_ bytes: [UInt8], output: ic_output, into image: inout ic_image) throws(PictureError) -> Int32 {
        guard !bytes.isEmpty else { throw .corrupt("the file is empty (0 bytes)") }
        let status = bytes.withUnsafeBufferPointer {
            ic_decode($0.baseAddress, $0.count, Int64(maxPixels), Int32(output.rawValue), &image)
        }
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch ic_status(rawValue: UInt32(status)) {
        case IC_OK: return status
        case IC_UNSUPPORTED: throw .unsupportedFormat(message + PictureDecoder.sniffHint(bytes))
        case IC_TOO_LARGE: throw .tooLarge(message)
        case IC_NO_MEMORY: throw .outOfMemory(message)
        default: throw .corrupt(message)
        }
    }

    /// Names what the bytes look like when they are not a picture (an HTML error page is common).
    static func sniffHint(_ bytes: [UInt8]) -> String {
        let head = String(decoding: bytes.prefix(64), as: UTF8.self).lowercased()
        if head.contains("<!doctype html") || head.contains("<html") { return " (the content is an HTML page)" }
        if head.hasPrefix("{") || head.hasPrefix("[") { return " (the content looks like JSON)" }
        return ""
    }
}

extension RGBPicture {
    func oriented(_ orientation: Int) -> RGBPicture {
        guard (2...8).contains(orientation) else { return self }
        let w = width, h = height
        let swaps = orientation >= 5
        let ow = swaps ? h : w, oh = swaps ? w : h
        var out = [UInt8](repeating: 0, count: ow * oh * 3)
        for y in 0..<oh {
            for x in 0..<ow {
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (w - 1 - x, y)
                case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                case 4: (sx, sy) = (x, h - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, h - 1 - x)
                case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                default: (sx, sy) = (w - 1 - y, x)
                }
                for c in 0..<3 { out[(y * ow + x) * 3 + c] = pixels[(sy * w + sx) * 3 + c] }
            }
        }
        return RGBPicture(width: ow, height: oh, pixels: out)
    }
}

/// Reads the EXIF Orientation tag (IFD0, tag 0x0112) from a JPEG APP1
/// segment, a PNG `eXIf` chunk or a WebP `EXIF` chunk. 1 when absent or unreadable.
public enum ExifOrientation {
    public static func read(_ bytes: [UInt8]) -> Int {
        guard let tiff = tiffRange(bytes) else { return 1 }
        return orientation(inTIFF: bytes, range: tiff) ?? 1
    }

    static func tiffRange(_ b: [UInt8]) -> Range<Int>? {
        if b.count > 4, b[0] == 0xFF, b[1] == 0xD8 {
            var i = 2
            while i + 4 <= b.count, b[i] == 0xFF {
                let marker = b[i + 1]
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
                if marker == 0xDA || marker == 0xD9 { return nil }
                let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
                let start = i + 4, end = i + 2 + length
                guard length >= 2, end <= b.count else { return nil }
                if marker == 0xE1, end - start > 6, Array(b[start..<(start + 6)]) == Array("Exif\0\0".utf8) {
                    return (start + 6)..<end
                }
                i = end
            }
            return nil
        }
        if b.count > 8, b[0] == 0x89, b[1] == 0x50 {
            var i = 8
            while i + 8 <= b.count {
                let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
                let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
                guard length >= 0, i + 8 + length <= b.count else { return nil }
                if type == "eXIf" { return (i + 8)..<(i + 8 + length) }
                if type == "IDAT" || type == "IEND" { return nil }
                i += 12 + length
            }
            return nil
        }
        if b.count > 12, Array(b[0..<4]) == Array("RIFF".utf8), Array(b[8..<12]) == Array("WEBP".utf8) {
            var i = 12
            while i + 8 <= b.count {
                let type = String(decoding: b[i..<(i + 4)], as: UTF8.self)
                let length = Int(b[i + 4]) | Int(b[i + 5]) << 8 | Int(b[i + 6]) << 16 | Int(b[i + 7]) << 24
                guard i + 8 + length <= b.count else { return nil }
                if type == "EXIF" {
                    var start = i + 8
                    if length > 6, Array(b[start..<(start + 6)]) == Array("Exif\0\0".utf8) { start += 6 }
                    return start..<(i + 8 + length)
                }
                i += 8 + length + (length & 1)
            }
        }
        return nil
    }

    static func orientation(inTIFF b: [UInt8], range: Range<Int>) -> Int? {
        let base = range.lowerBound, end = range.upperBound
        guard end - base >= 8 else { return nil }
        let little: Bool
        if b[base] == 0x49, b[base + 1] == 0x49 { little = true } else if b[base] == 0x4D, b[base + 1] == 0x4D { little = false } else { return nil }
        func u16(_ at: Int) -> Int? {
            guard at >= base, at + 2 <= end else { return nil }
            return little ? Int(b[at]) | Int(b[at + 1]) << 8 : Int(b[at]) << 8 | Int(b[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let c = u16(at + 2) else { return nil }
            return little ? a | c << 16 : a << 16 | c
        }
        guard u16(base + 2) == 42, let ifd = u32(base + 4), let count = u16(base + ifd) else { return nil }
        for entry in 0..<count {
            let at = base + ifd + 2 + entry * 12
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112 {
                guard let type = u16(at + 2), type == 3, let value = u16(at + 8), (1...8).contains(value) else { return nil }
                return value
            }
        }
        return nil
    }
}
