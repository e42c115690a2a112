import Foundation
import HashImages
import TouchstoneCore

/// Fixture access and picture helpers shared by the HashImages tests.
enum Fixtures {
    static let directory: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(relative)))
    }

    struct Expected: Decodable {
        struct Photo: Decodable {
            var file: String
            var crop: [Int]?
            var pdq: String
            var quality: Int
            var dihedral: [String]
            var rgb_sha256: String
        }
        struct Synthetic: Decodable {
            var kind: String
            var width: Int
            var height: Int
            var pdq: String
            var quality: Int
            var dihedral: [String]
            var rgb_sha256: String
        }
        var photos: [Photo]
        var synthetic: [Synthetic]
    }

    static let expected: Expected = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("pdq-expected.json"))
        return try! JSONDecoder().decode(Expected.self, from: data)
    }()

    /// The real photographs (file names under photos/), decoded once.
    static let photoNames: [String] = expected.photos.filter { $0.crop == nil }.map(\.file)

    /// The distinct photographs: without crops and without chelsea stored sideways (the EXIF orientation case).
    static let distinctPhotoNames: [String] = photoNames.filter { !$0.contains("exif") }

    static func photo(_ relative: String) throws -> RGBPicture {
        try PictureDecoder().decodeRGB(try bytes(relative))
    }
}

/// The integer-formula pictures of Scripts/compute_pdq_fixtures.py, pixel for pixel.
enum Synthetic {
    static func picture(kind: String, width w: Int, height h: Int) -> RGBPicture {
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let r, g, b: Int
                switch kind {
                case "pattern": (r, g, b) = ((x * 3 + y * 5) & 255, ((x ^ y) * 7) & 255, ((x * x + y * y) >> 4) & 255)
                case "gradient": (r, g, b) = (x * 255 / max(w - 1, 1), y * 255 / max(h - 1, 1), 128)
                case "flat": (r, g, b) = (37, 142, 201)
                case "white": (r, g, b) = (255, 255, 255)
                default: (r, g, b) = (0, 0, 0)
                }
                let i = (y * w + x) * 3
                pixels[i] = UInt8(r); pixels[i + 1] = UInt8(g); pixels[i + 2] = UInt8(b)
            }
        }
        return RGBPicture(width: w, height: h, pixels: pixels)
    }
}

/// Simple RGB edits for the robustness tests (each a plain, deterministic operation).
extension RGBPicture {
    func cropped(x: Int, y: Int, width w: Int, height h: Int) -> RGBPicture {
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for row in 0..<h {
            let from = ((y + row) * width + x) * 3
            out.replaceSubrange((row * w * 3)..<((row + 1) * w * 3), with: pixels[from..<(from + w * 3)])
        }
        return RGBPicture(width: w, height: h, pixels: out)
    }

    /// Area-averaging resize (box filter over the source footprint of each output pixel).
    func resized(width nw: Int, height nh: Int) -> RGBPicture {
        var out = [UInt8](repeating: 0, count: nw * nh * 3)
        for oy in 0..<nh {
            let y0 = oy * height / nh, y1 = max(y0 + 1, (oy + 1) * height / nh)
            for ox in 0..<nw {
                let x0 = ox * width / nw, x1 = max(x0 + 1, (ox + 1) * width / nw)
                var sum = (0, 0, 0)
                for y in y0..<y1 {
                    for x in x0..<x1 {
                        let i = (y * width + x) * 3
                        sum.0 += Int(pixels[i]); sum.1 += Int(pixels[i + 1]); sum.2 += Int(pixels[i + 2])
                    }
                }
                let n = (y1 - y0) * (x1 - x0), o = (oy * nw + ox) * 3
                out[o] = UInt8(sum.0 / n); out[o + 1] = UInt8(sum.1 / n); out[o + 2] = UInt8(sum.2 / n)
            }
        }
        return RGBPicture(width: nw, height: nh, pixels: out)
    }

    func mirrored() -> RGBPicture {
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 { out[(y * width + x) * 3 + c] = pixels[(y * width + (width - 1 - x)) * 3 + c] }
            }
        }
        return RGBPicture(width: width, height: height, pixels: out)
    }

    /// Rotated 90° clockwise.
    func rotatedClockwise() -> RGBPicture {
        var out = pixels
        let nw = height, nh = width
        for y in 0..<nh {
            for x in 0..<nw {
                let sx = y, sy = height - 1 - x
                for c in 0..<3 { out[(y * nw + x) * 3 + c] = pixels[(sy * width + sx) * 3 + c] }
            }
        }
        return RGBPicture(width: nw, height: nh, pixels: out)
    }

    func brightened(_ factor: Double) -> RGBPicture {
        RGBPicture(width: width, height: height, pixels: pixels.map { UInt8(min(255, max(0, (Double($0) * factor).rounded()))) })
    }

    /// Stamps `text` in a 5x7 block font, half-transparent white, at (x, y), each dot `scale` pixels.
    func watermarked(_ text: String, x: Int, y: Int, scale: Int) -> RGBPicture {
        var out = self
        for (index, character) in text.uppercased().enumerated() {
            guard let rows = BlockFont.glyphs[character] else { continue }
            for (ry, row) in rows.enumerated() {
                for rx in 0..<5 where row & (1 << (4 - rx)) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            let px = x + (index * 6 + rx) * scale + dx, py = y + ry * scale + dy
                            guard px >= 0, py >= 0, px < width, py < height else { continue }
                            let i = (py * width + px) * 3
                            // Half-transparent white, as watermarks usually are.
                            for c in 0..<3 { out.pixels[i + c] = UInt8((Int(out.pixels[i + c]) + 255) / 2) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Pastes `other` (already at its final size) with its top-left corner at (x, y).
    func pasting(_ other: RGBPicture, x: Int, y: Int) -> RGBPicture {
        var out = self
        for row in 0..<other.height where y + row < height {
            for column in 0..<other.width where x + column < width {
                let from = (row * other.width + column) * 3, to = ((y + row) * width + x + column) * 3
                out.pixels[to] = other.pixels[from]; out.pixels[to + 1] = other.pixels[from + 1]; out.pixels[to + 2] = other.pixels[from + 2]
            }
        }
        return out
    }

    func pdq() -> PDQ.DihedralResult { LumaPicture(rgb: self).pdq() }

    /// Decodes its own JPEG at the given quality, the way a re-uploaded picture comes back.
    func recompressed(quality: Int) throws -> RGBPicture {
        try PictureDecoder().decodeRGB(jpeg(quality: quality))
    }
}

enum BlockFont {
    static let glyphs: [Character: [Int]] = [
        "A": [14, 17, 17, 31, 17, 17, 17], "C": [14, 17, 16, 16, 16, 17, 14], "E": [31, 16, 16, 30, 16, 16, 31],
        "L": [16, 16, 16, 16, 16, 16, 31], "O": [14, 17, 17, 17, 17, 17, 14], "P": [30, 17, 17, 30, 16, 16, 16],
        "S": [15, 16, 16, 14, 1, 1, 30], "T": [31, 4, 4, 4, 4, 4, 4], "R": [30, 17, 17, 30, 20, 18, 17],
        "M": [17, 27, 21, 21, 17, 17, 17], "@": [14, 17, 23, 21, 23, 16, 14], "1": [4, 12, 4, 4, 4, 4, 14],
        "2": [14, 17, 1, 2, 4, 8, 31], "0": [14, 17, 19, 21, 25, 17, 14], " ": [0, 0, 0, 0, 0, 0, 0],
    ]
}

/// A generator for a seed, so a failing case can be replayed (offset by one step,
/// as the cases were first written with).
func seededGenerator(seed: UInt64) -> SplitMix64 { SplitMix64(seed: seed &+ 0x9E37_79B9_7F4A_7C15) }
