import Crypto
import Foundation
import HashImages
import Testing
import TouchstoneCore

/// PDQ bit-exactness against PyPI's `pdqhash` (Meta's C++ reference): the
/// expected values in Fixtures/pdq-expected.json come from Scripts/compute_pdq_fixtures.py.
@Suite struct PDQTests {
    @Test(arguments: Fixtures.expected.photos.indices)
    func photographMatchesReference(index: Int) throws {
        let expected = Fixtures.expected.photos[index]
        let bytes = try Fixtures.bytes(expected.file)
        var rgb = try PictureDecoder().decodeRGB(bytes)
        if let crop = expected.crop {
            rgb = rgb.cropped(x: crop[0], y: crop[1], width: crop[2], height: crop[3])
        }
        // Same pixels as Pillow decoded (so any hash difference would be PDQ's, not the decoder's).
        #expect(SHA256Hex.of(rgb.pixels) == expected.rgb_sha256, "\(expected.file) decodes to other pixels than Pillow")
        let result = rgb.pdq()
        #expect(result.hash.hex == expected.pdq, "\(expected.file) \(expected.crop ?? [])")
        #expect(result.quality == expected.quality)
        #expect(referenceOrder(result.hashes) == expected.dihedral)
        if expected.crop == nil {
            // The production path: decode straight to luma (EXIF orientation applied), then hash.
            let direct = try PictureDecoder().decodeLuma(bytes).pdq()
            #expect(direct.hash.hex == expected.pdq)
            #expect(direct.quality == expected.quality)
        }
    }

    /// Distinct photographs only: crops of a photo and its sideways EXIF copy are extra cases, not extra photos.
    @Test func atLeastTwentyRealPhotographs() {
        #expect(Fixtures.distinctPhotoNames.count >= 20)
        #expect(Set(Fixtures.distinctPhotoNames).count == Fixtures.distinctPhotoNames.count)
    }

    @Test(arguments: Fixtures.expected.synthetic.indices)
    func syntheticEdgeCaseMatchesReference(index: Int) {
        let expected = Fixtures.expected.synthetic[index]
        let rgb = Synthetic.picture(kind: expected.kind, width: expected.width, height: expected.height)
        #expect(SHA256Hex.of(rgb.pixels) == expected.rgb_sha256)
        let result = rgb.pdq()
        #expect(result.hash.hex == expected.pdq, "\(expected.kind) \(expected.width)x\(expected.height)")
        #expect(result.quality == expected.quality)
        #expect(referenceOrder(result.hashes) == expected.dihedral)
    }

    /// `pdqhash.compute_dihedral` lists original, rotate90, rotate180, rotate270, flipX (upside down),
    /// flipY (mirror), flipPlus1 (transpose), flipMinus1 (anti-transpose).
    func referenceOrder(_ hashes: [PDQHash]) -> [String] {
        let ours: [DihedralTransform] = [.original, .rotate90, .rotate180, .rotate270, .mirrorRotate180, .mirror, .mirrorRotate90, .mirrorRotate270]
        return ours.map { hashes[DihedralTransform.allCases.firstIndex(of: $0)!].hex }
    }

    @Test func hexRoundTripsAndDistanceCounts() throws {
        let a = try #require(PDQHash(hex: Fixtures.expected.photos[0].pdq))
        #expect(a.hex == Fixtures.expected.photos[0].pdq)
        var b = a
        b.setBit(0); b.setBit(255)
        #expect(a.distance(to: b) == (a.bit(0) ? 0 : 1) + (a.bit(255) ? 0 : 1))
        #expect(PDQHash(hex: "xyz") == nil)
    }
}
