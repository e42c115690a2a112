import Foundation
import TouchstoneCore

/// A brand's reference picture as the stage receives it: plain values, so the
/// stage does not care how brand profiles are loaded.
public struct BrandReference: Sendable, Hashable {
    public var brand: String
    /// The path as written in the profile (reported in matches).
    public var reference: String
    /// Where to read it: an absolute path, `file://` or `http(s)://` URL.
    public var location: String

    public init(brand: String, reference: String, location: String) {
        self.brand = brand
        self.reference = reference
        self.location = location
    }
}

/// A reference with its hashes.
public struct HashedReference: Sendable, Hashable {
    public var brand: String
    public var reference: String
    public var pdq: PDQHash
    public var quality: Int
    /// ``PartMatcher/hash(of:)`` of the whole reference, for part-of-picture search.
    public var partHash: PDQHash
    public var partQuality: Int
    /// Width / height, upright.
    public var aspect: Double
    /// Extra index entries, each the exact PDQ hash of an edited copy of the
    /// reference, with the transform that turns an item showing that copy back
    /// into the reference: its seven rotations and mirror images (the DCT
    /// sign trick is not exact for textured pictures: the filter and the
    /// decimation are not symmetric), its 90% and 80% crops (centre, four
    /// corners) and its half-size copy (textures alias differently when halved).
    public var variants: [Variant] = []
    /// The part-of-picture search template (grids and window hash).
    public var template: PartMatcher.Template?
    /// The template of the reference's centre, which finds cropped copies (``PartMatcher/centreTemplate(entry:picture:)``).
    public var centreTemplate: PartMatcher.Template?

    public struct Variant: Sendable, Hashable {
        public var hash: PDQHash
        public var transform: DihedralTransform
        public init(hash: PDQHash, transform: DihedralTransform) {
            self.hash = hash
            self.transform = transform
        }
    }

    public init(brand: String, reference: String, pdq: PDQHash, quality: Int, partHash: PDQHash, partQuality: Int, aspect: Double,
                variants: [Variant] = []) {
        self.variants = variants
        self.brand = brand
        self.reference = reference
        self.pdq = pdq
        self.quality = quality
        self.partHash = partHash
        self.partQuality = partQuality
        self.aspect = aspect
    }

    /// Hashes an already decoded reference picture.
    public init(brand: String, reference: String, picture: LumaPicture, matcher: PartMatcher = PartMatcher()) {
        let pdq = picture.pdq()
        let part = matcher.hash(of: picture)
        var variants: [Variant] = []
        // EXIF orientation o applied to the reference, and the item transform that undoes it.
        let undo: [Int: DihedralTransform] = [2: .mirror, 3: .rotate180, 4: .mirrorRotate180, 5: .mirrorRotate90,
                                              6: .rotate90, 7: .mirrorRotate270, 8: .rotate270]
        for orientation in 2...8 {
            variants.append(Variant(hash: picture.oriented(orientation).pdq().hash, transform: undo[orientation]!))
        }
        for keep in [0.9, 0.8] {
            let w = Int(Double(picture.width) * keep), h = Int(Double(picture.height) * keep)
            guard w >= PDQ.minimumHashableDimension, h >= PDQ.minimumHashableDimension else { continue }
            let dx = picture.width - w, dy = picture.height - h
            for (x, y) in [(dx / 2, dy / 2), (0, 0), (dx, 0), (0, dy), (dx, dy)] {
                variants.append(Variant(hash: picture.cropped(x: x, y: y, width: w, height: h).pdq().hash, transform: .original))
            }
        }
        if picture.width >= 2 * PDQ.minimumHashableDimension, picture.height >= 2 * PDQ.minimumHashableDimension {
            variants.append(Variant(hash: picture.halved().pdq().hash, transform: .original))
        }
        self.init(brand: brand, reference: reference, pdq: pdq.hash, quality: pdq.quality, partHash: part.hash,
                  partQuality: part.quality, aspect: Double(picture.width) / Double(max(picture.height, 1)), variants: variants)
        self.template = matcher.template(entry: 0, picture: picture)
        self.centreTemplate = matcher.centreTemplate(entry: 0, picture: picture)
    }
}

/// An immutable, indexed set of hashed references (one brand-profile generation).
public struct ReferenceSet: Sendable {
    public let references: [HashedReference]
    /// Payload: the reference's offset, the item transform the entry stands for, and whether it is the primary hash.
    let wholeIndex: ReferenceIndex<WholeEntry>

    struct WholeEntry: Sendable {
        var reference: Int
        var transform: DihedralTransform
        var primary: Bool
    }
    /// Part-of-picture templates, whole references and their centres (those with enough texture),
    /// `entry` = offset in `references`.
    let templates: [PartMatcher.Template]
    /// Bumps on every swap, so cached analyses know which set they were matched against.
    public let generation: Int

    public static let empty = ReferenceSet(references: [], minimumPartQuality: 0, generation: 0)

    public init(references: [HashedReference], minimumPartQuality: Int = 25, generation: Int = 0) {
        self.references = references
        self.generation = generation
        var whole: [ReferenceIndex<WholeEntry>.Entry] = []
        for (offset, reference) in references.enumerated() {
            whole.append(.init(hash: reference.pdq, payload: WholeEntry(reference: offset, transform: .original, primary: true)))
            for variant in reference.variants {
                whole.append(.init(hash: variant.hash, payload: WholeEntry(reference: offset, transform: variant.transform, primary: false)))
            }
        }
        wholeIndex = ReferenceIndex(whole)
        // A reference with hardly any texture hashes to noise at window scale; it still matches whole pictures.
        templates = references.enumerated().flatMap { offset, reference in
            [reference.template, reference.centreTemplate].compactMap { template -> PartMatcher.Template? in
                guard var t = template, t.quality >= minimumPartQuality else { return nil }
                t.entry = offset
                return t
            }
        }
    }

    /// Hashes reference pictures. A reference that cannot be read or decoded is
    /// reported (brand, path and why) and left out; the others still work.
    public static func load(_ references: [BrandReference], fetcher: PictureFetcher = PictureFetcher(),
                            decoder: PictureDecoder = PictureDecoder(), matcher: PartMatcher = PartMatcher(),
                            generation: Int = 0) async -> (set: ReferenceSet, problems: [String]) {
        var hashed: [HashedReference] = []
        var problems: [String] = []
        for reference in references {
            do throws(PictureError) {
                let bytes = try await fetcher.fetch(reference.location)
                let luma = try decoder.decodeLuma(bytes)
                hashed.append(HashedReference(brand: reference.brand, reference: reference.reference, picture: luma, matcher: matcher))
            } catch {
                problems.append("brand \(reference.brand), reference \(reference.reference): \(error.description)")
            }
        }
        return (ReferenceSet(references: hashed, minimumPartQuality: matcher.minimumWindowQuality, generation: generation), problems)
    }
}

/// What hash-images learns about one picture (everything `Picture` carries).
public struct PictureAnalysis: Sendable, Hashable {
    public var sha256: String
    public var byteCount: Int
    public var width: Int
    public var height: Int
    public var pdq: PDQHash
    public var quality: Int
    public var matches: [ReferenceMatch]
    /// The reference-set generation the matches were made against.
    public var generation: Int
}

/// Decodes, hashes and matches one picture's bytes against a reference set.
public struct PictureAnalyzer: Sendable {
    public var decoder = PictureDecoder()
    public var matcher = PartMatcher()
    /// Maximum Hamming distance for a match (BRANDS.md: default 31 of 256).
    public var threshold = 31
    /// Part-of-picture search on or off.
    public var searchParts = true

    public init(decoder: PictureDecoder = PictureDecoder(), matcher: PartMatcher = PartMatcher(), threshold: Int = 31, searchParts: Bool = true) {
        self.decoder = decoder
        self.matcher = matcher
        self.threshold = threshold
        self.searchParts = searchParts
    }

    public func analyze(_ bytes: [UInt8], against set: ReferenceSet) throws(PictureError) -> PictureAnalysis {
        let luma = try decoder.decodeLuma(bytes)
        let (pdq, matches) = match(luma, against: set)
        return PictureAnalysis(sha256: SHA256Hex.of(bytes), byteCount: bytes.count, width: luma.width, height: luma.height,
                               pdq: pdq.hash, quality: pdq.quality, matches: matches, generation: set.generation)
    }

    /// Hashes a decoded picture and matches it, whole (eight ways) and in part.
    public func match(_ luma: LumaPicture, against set: ReferenceSet) -> (pdq: PDQ.DihedralResult, matches: [ReferenceMatch]) {
        let pdq = luma.pdq()
        var matches: [ReferenceMatch] = []
        var matched = Set<Int>()
        // Whole picture, eight ways: the best transform per reference.
        var best: [Int: (distance: Int, transform: DihedralTransform)] = [:]
        // The item's own hash against every entry; its DCT-derived variants against the primary hashes.
        for (transform, hash) in zip(DihedralTransform.allCases, pdq.hashes) {
            for hit in set.wholeIndex.search(hash, threshold: threshold) {
                let entry = set.wholeIndex.entries[hit.entry].payload
                guard transform == .original || entry.primary else { continue }
                let reported = transform == .original ? entry.transform : transform
                if let known = best[entry.reference], known.distance <= hit.distance { continue }
                best[entry.reference] = (hit.distance, reported)
            }
        }
        for (reference, hit) in best.sorted(by: { $0.key < $1.key }) {
            let r = set.references[reference]
            matches.append(ReferenceMatch(brand: r.brand, reference: r.reference, distance: hit.distance, transform: hit.transform.rawValue))
            matched.insert(reference)
        }
        if searchParts, !set.templates.isEmpty {
            let image = matcher.workingImage(luma)
            let open = set.templates.filter { !matched.contains($0.entry) }
            // Best first; a reference found by both its templates is reported once.
            for hit in matcher.search(image, templates: open, threshold: threshold) where matched.insert(hit.entry).inserted {
                let r = set.references[hit.entry]
                let extent = matcher.referenceExtent(of: hit.window, template: open[hit.template], in: image)
                let region = [Int((extent.x * image.scaleX).rounded()), Int((extent.y * image.scaleY).rounded()),
                              Int((extent.w * image.scaleX).rounded()), Int((extent.h * image.scaleY).rounded())]
                matches.append(ReferenceMatch(brand: r.brand, reference: r.reference, distance: hit.distance,
                                              transform: DihedralTransform.original.rawValue, region: region))
            }
        }
        return (pdq, matches)
    }
}
