import Foundation
import HashImages
import Testing
import TouchstoneCore
#if canImport(Glibc)
import Glibc
#endif

/// Hostile pictures give a clear per-picture error, never a crash, and the
/// stage's memory stays bounded.
@Suite struct HostileInputTests {
    /// A valid PNG header declaring 20000x20000 pixels (1.6 GB as float luma), with a tiny IDAT.
    static func hugePNGHeader() -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            let length = UInt32(data.count)
            return [UInt8(length >> 24), UInt8(length >> 16 & 255), UInt8(length >> 8 & 255), UInt8(length & 255)] + body + crc(body)
        }
        func crc(_ bytes: [UInt8]) -> [UInt8] {
            var c: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                c ^= UInt32(byte)
                for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            c ^= 0xFFFF_FFFF
            return [UInt8(c >> 24), UInt8(c >> 16 & 255), UInt8(c >> 8 & 255), UInt8(c & 255)]
        }
        let side: [UInt8] = [0, 0, 0x4E, 0x20]  // 20000
        let ihdr = side + side + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    }

    static func peakResidentMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    /// Starts a new peak-RSS measurement for this process (Linux `clear_refs` 5)
    /// and returns the resident size now, so that what earlier tests in the same
    /// process used (and still hold) does not count.
    static func resetPeakResident() -> Int {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
        return statusMegabytes("VmRSS:")
    }

    /// The process's peak RSS since the last ``resetPeakResident()`` (`VmHWM`).
    static func peakResidentSinceResetMegabytes() -> Int { statusMegabytes("VmHWM:") }

    static func statusMegabytes(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        let kilobytes = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { Int($0) }
        return (kilobytes ?? Int.max) / 1024
    }

    @Test func hugeDeclaredDimensionsAreRefusedBeforeAllocating() throws {
        let before = Self.peakResidentMegabytes()
        #expect(throws: PictureError.self) { try PictureDecoder().decodeLuma(Self.hugePNGHeader()) }
        do {
            _ = try PictureDecoder().decodeLuma(Self.hugePNGHeader())
        } catch {
            #expect(error.description.contains("20000x20000"), "\(error)")
            #expect(error.description.contains("too large"))
        }
        // Nothing near 1.6 GB was touched.
        #expect(Self.peakResidentMegabytes() - before < 200)
    }

    @Test func truncatedJPEGIsCorrupt() throws {
        let bytes = try Fixtures.bytes("photos/rocket.jpg")
        let error = try #require(throws: PictureError.self) { try PictureDecoder().decodeLuma(Array(bytes.prefix(bytes.count / 2))) }
        #expect(error.description.contains("truncated"), "\(error)")
    }

    @Test func garbageAfterAValidHeaderIsCorrupt() throws {
        var bytes = try Fixtures.bytes("photos/rocket.jpg")
        for i in 400..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        #expect(throws: PictureError.self) { try PictureDecoder().decodeLuma(bytes) }
    }

    @Test func zeroByteFileIsAClearError() throws {
        let error = try #require(throws: PictureError.self) { try PictureDecoder().decodeLuma([]) }
        #expect(error.description.contains("empty"))
    }

    @Test func truncatedPNGAndGIFAndWebPAreErrors() throws {
        let png = try Fixtures.bytes("photos/coins.png")
        #expect(throws: PictureError.self) { try PictureDecoder().decodeLuma(Array(png.prefix(png.count / 3))) }
        let gif: [UInt8] = Array("GIF89a".utf8) + [10, 0, 10, 0, 0x80, 0, 0] + [UInt8](repeating: 0, count: 6) + [0x2C]
        #expect(throws: PictureError.self) { try PictureDecoder().decodeLuma(gif) }
        let webp: [UInt8] = Array("RIFF".utf8) + [100, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [50, 0, 0, 0, 1, 2, 3]
        #expect(throws: PictureError.self) { try PictureDecoder().decodeLuma(webp) }
    }

    @Test func stageRecordsPerPictureErrorsAndGoesOn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files: [(String, [UInt8])] = [
            ("huge.png", Self.hugePNGHeader()),
            ("empty.jpg", []),
            ("truncated.jpg", Array(try Fixtures.bytes("photos/rocket.jpg").prefix(20_000))),
            ("page.html", Array("<!DOCTYPE html><html><body>Not found</body></html>".utf8)),
            ("good.jpg", try Fixtures.bytes("photos/chelsea.jpg")),
        ]
        for (name, bytes) in files { try Data(bytes).write(to: directory.appendingPathComponent(name)) }
        let baseline = Self.resetPeakResident()
        let processor = HashImagesProcessor(references: .empty)
        let item = Item(platform: "etsy", itemID: "1", kind: .listing,
                        pictures: files.map { Picture(url: directory.appendingPathComponent($0.0).absoluteString) })
        let hashed = await processor.hash(item)
        #expect(hashed.pictures[0].error?.contains("too large") == true)
        #expect(hashed.pictures[1].error?.contains("empty") == true)
        #expect(hashed.pictures[2].error?.contains("truncated") == true)
        #expect(hashed.pictures[3].error?.contains("HTML") == true, "\(hashed.pictures[3].error ?? "")")
        #expect(hashed.pictures[4].error == nil)
        #expect(hashed.pictures[4].pdq?.count == 64)
        #expect(hashed.pictures[4].width == 451 && hashed.pictures[4].height == 300)
        // Stated bound for one stage processing pictures one at a time: well under 1 GB.
        #expect(Self.peakResidentSinceResetMegabytes() - baseline < 1024)
    }
}
