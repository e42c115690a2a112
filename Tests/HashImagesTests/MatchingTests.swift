import Foundation
import HashImages
import Testing
import TouchstoneCore

/// Robustness of matching on real photos (whole picture, and cropped copies
/// through the part search for each reference's centre), false matches on
/// unrelated pictures, and part-of-picture matching.
@Suite(.serialized) struct MatchingTests {
    static let full = ProcessInfo.processInfo.environment["TOUCHSTONE_FULL"] == "1"
    static let photos: [(name: String, rgb: RGBPicture)] = Fixtures.distinctPhotoNames
        .map { ($0, try! Fixtures.photo($0)) }

    static let references: [HashedReference] = photos.map {
        HashedReference(brand: "b", reference: $0.name, picture: LumaPicture(rgb: $0.rgb))
    }

    static func minimumDistance(_ a: PDQ.DihedralResult, _ b: PDQ.DihedralResult) -> Int {
        a.hashes.map { $0.distance(to: b.hash) }.min()!
    }

    static let edits: [(String, @Sendable (RGBPicture) throws -> RGBPicture)] = [
        ("resize 50%", { $0.resized(width: $0.width / 2, height: $0.height / 2) }),
        ("JPEG quality 30", { try $0.recompressed(quality: 30) }),
        ("crop 10%", { $0.cropped(x: $0.width / 20, y: $0.height / 20, width: $0.width * 9 / 10, height: $0.height * 9 / 10) }),
        // Off the centre and off the reference's crop variants: found by the part search for the reference's centre.
        ("crop 10% off-centre", { $0.cropped(x: $0.width * 3 / 100, y: $0.height * 8 / 100, width: $0.width * 9 / 10, height: $0.height * 9 / 10) }),
        ("mirror", { $0.mirrored() }),
        ("rotate 90°", { $0.rotatedClockwise() }),
        ("brightness +20%", { $0.brightened(1.2) }),
        ("brightness -20%", { $0.brightened(0.8) }),
        ("text watermark", { picture in
            // Small: about a quarter of the width, 7 dots high, half transparent.
            let scale = max(1, picture.height / 256)
            let characters = max(3, min(14, picture.width / 4 / (6 * scale)))
            return picture.watermarked(String("@replica2 SALE".prefix(characters)), x: picture.width / 20, y: picture.height * 17 / 20, scale: scale)
        }),
    ]

    @Test(arguments: edits.indices)
    func editedPhotoStillMatchesItsOriginal(edit: Int) throws {
        let (name, transform) = Self.edits[edit]
        var found: [String: String] = [:]
        var otherMatches: [String] = []
        let set = ReferenceSet(references: Self.references)
        // As the stage runs: whole picture (eight ways) and part of picture.
        let analyzer = PictureAnalyzer()
        for photo in Self.photos {
            let edited = try transform(photo.rgb)
            let (pdq, matches) = analyzer.match(LumaPicture(rgb: edited), against: set)
            let best = matches.first { $0.reference == photo.name }
            #expect(best != nil, "\(name): \(photo.name) no longer matches (whole-picture PDQ distance \(Self.minimumDistance(pdq, photo.rgb.pdq())))")
            // "part" marks a match through the part search (a cropped copy contains the reference's centre).
            found[photo.name] = best.map { "\($0.distance)\($0.region == nil ? "" : " part")" } ?? "none"
            otherMatches += matches.filter { $0.reference != photo.name }.map { "\(photo.name.dropFirst(7))~\($0.reference.dropFirst(7))" }
        }
        print("[robustness] \(name): \(found.sorted { $0.key < $1.key }.map { "\($0.key.dropFirst(7)) \($0.value)" }); other references matched: \(otherMatches)")
    }

    /// Crops anywhere, keeping 80-97% of the width and of the height independently, half of them
    /// also resized to two thirds: not only the centred crop above (which a crop variant in the
    /// index could catch by itself), so crop matching is shown in general.
    @Test func randomCropsStillMatch() throws {
        let set = ReferenceSet(references: Self.references)
        let analyzer = PictureAnalyzer()
        var generator = seededGenerator(seed: 3)
        let perPhoto = Self.full ? 12 : 2
        var matched = 0, otherMatches: [String] = []
        for photo in Self.photos {
            let rgb = photo.rgb
            for _ in 0..<perPhoto {
                let w = Int(Double(rgb.width) * Double.random(in: 0.8...0.97, using: &generator))
                let h = Int(Double(rgb.height) * Double.random(in: 0.8...0.97, using: &generator))
                let x = Int.random(in: 0...(rgb.width - w), using: &generator), y = Int.random(in: 0...(rgb.height - h), using: &generator)
                var crop = rgb.cropped(x: x, y: y, width: w, height: h)
                if Bool.random(using: &generator) { crop = crop.resized(width: w * 2 / 3, height: h * 2 / 3) }
                let (_, matches) = analyzer.match(LumaPicture(rgb: crop), against: set)
                let found = matches.contains { $0.reference == photo.name }
                #expect(found, "\(photo.name) cropped to \(w)x\(h) at \(x),\(y) no longer matches")
                if found { matched += 1 }
                otherMatches += matches.filter { $0.reference != photo.name }.map { "\(photo.name.dropFirst(7))~\($0.reference.dropFirst(7))" }
            }
        }
        print("[robustness] random crops: \(matched)/\(Self.photos.count * perPhoto) match their original; other references matched: \(otherMatches)")
        #expect(otherMatches.isEmpty)
    }

    /// 1,000 crops (different sizes and places) of photos that are not references.
    static func unrelatedPictures(count: Int, from sources: [RGBPicture], seed: UInt64) -> [RGBPicture] {
        var generator = seededGenerator(seed: seed)
        var out: [RGBPicture] = []
        for i in 0..<count {
            let source = sources[i % sources.count]
            let w = Int.random(in: (source.width / 4)...(source.width * 3 / 4), using: &generator)
            let h = Int.random(in: (source.height / 4)...(source.height * 3 / 4), using: &generator)
            let x = Int.random(in: 0...(source.width - w), using: &generator)
            let y = Int.random(in: 0...(source.height - h), using: &generator)
            var crop = source.cropped(x: x, y: y, width: w, height: h)
            let longest = max(w, h)
            if longest > 240 { crop = crop.resized(width: max(8, w * 240 / longest), height: max(8, h * 240 / longest)) }
            out.append(crop)
        }
        return out
    }

    @Test func unrelatedPicturesRarelyMatch() throws {
        // References: the first half of the photos; unrelated pictures: crops of the other half.
        let half = Self.photos.count / 2
        let others = Array(Self.photos[half...])
        let set = ReferenceSet(references: Array(Self.references[..<half]))
        let count = Self.full ? 1_000 : 60
        let pictures = Self.unrelatedPictures(count: count, from: others.map(\.rgb), seed: 11)
        var wholeFalse = 0, partFalse = 0
        let analyzer = PictureAnalyzer()
        for picture in pictures {
            let (_, matches) = analyzer.match(LumaPicture(rgb: picture), against: set)
            if matches.contains(where: { $0.region == nil }) { wholeFalse += 1 }
            if matches.contains(where: { $0.region != nil }) { partFalse += 1 }
        }
        print("[false matches] \(count) unrelated pictures: whole \(wholeFalse), part \(partFalse)")
        #expect(Double(wholeFalse) <= Double(count) * 0.01)
        #expect(Double(partFalse) <= Double(count) * 0.01)
    }

    @Test func pastedReferenceIsFound() throws {
        // The reference: a product-photo-like crop of one photo; backgrounds: other photos.
        let referenceSources = ["photos/coffee.jpg", "photos/chelsea.jpg", "photos/astronaut.jpg", "photos/rocket.jpg"]
        let matcher = PartMatcher()
        var hashed: [HashedReference] = []
        var referencePictures: [RGBPicture] = []
        for name in referenceSources {
            let rgb = try Fixtures.photo(name)
            referencePictures.append(rgb)
            hashed.append(HashedReference(brand: "b", reference: name, picture: LumaPicture(rgb: rgb), matcher: matcher))
        }
        let set = ReferenceSet(references: hashed)
        let backgrounds = Self.photos.filter { !referenceSources.contains($0.name) }.map(\.rgb)
        var generator = seededGenerator(seed: 23)
        let cases = Self.full ? 200 : 12
        var found = 0, regionsOverlap = 0
        let analyzer = PictureAnalyzer()
        for i in 0..<cases {
            let r = i % referencePictures.count
            var background = backgrounds[i % backgrounds.count]
            background = background.resized(width: 480, height: 360)
            let fraction = Double.random(in: 0.2...0.5, using: &generator)
            let area = fraction * Double(background.width * background.height)
            let aspect = Double(referencePictures[r].width) / Double(referencePictures[r].height)
            var w = Int((area * aspect).squareRoot()), h = Int(Double(w) / aspect)
            if w > background.width { w = background.width; h = Int(Double(w) / aspect) }
            if h > background.height { h = background.height; w = Int(Double(h) * aspect) }
            let pasted = referencePictures[r].resized(width: w, height: h)
            let x = Int.random(in: 0...(background.width - w), using: &generator)
            let y = Int.random(in: 0...(background.height - h), using: &generator)
            let composite = try background.pasting(pasted, x: x, y: y).recompressed(quality: 85)
            let (_, matches) = analyzer.match(LumaPicture(rgb: composite), against: set)
            if let match = matches.first(where: { $0.reference == referenceSources[r] }) {
                found += 1
                if let region = match.region {
                    let ix = max(0, min(region[0] + region[2], x + w) - max(region[0], x))
                    let iy = max(0, min(region[1] + region[3], y + h) - max(region[1], y))
                    if Double(ix * iy) >= 0.5 * Double(w * h) { regionsOverlap += 1 }
                } else {
                    regionsOverlap += 1
                }
            }
        }
        print("[part] found \(found)/\(cases), region right in \(regionsOverlap)")
        #expect(Double(found) >= 0.9 * Double(cases))
        #expect(regionsOverlap == found)
    }
}
