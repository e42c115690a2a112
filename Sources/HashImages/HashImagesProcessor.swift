import Foundation
import StreamProcessing
import TouchstoneCore
import Transport

/// HashImages owns the `hash-images` stage: it fetches each item's pictures
/// (with address, size, time and redirect limits), decodes them (JPEG, PNG,
/// WebP, GIF via the system C libraries, EXIF orientation honoured, pixel
/// budget checked before allocating), computes PDQ hashes bit-exact with
/// Meta's reference, and matches them against brand reference pictures,
/// whole (eight rotations and mirrors) and as a part of the picture, through
/// an exact multi-index hash index.
///
/// The stage consumes `items` and produces `items.hashed` under the same key:
/// the same item with each picture's `sha256`, `byte_count`, `width`,
/// `height`, `pdq`, `quality` and `matches`, or its `error`. A picture that
/// fails never fails the item.
///
/// Memory: pictures are handled one at a time per processor; one picture
/// needs at most `FetchLimits.maxBytes` (20 MB) for its bytes plus 12 bytes
/// per pixel under `PictureDecoder.maxPixels` (24 M): luma, a copy and the
/// filter's scratch, i.e. ≤ 310 MB at the defaults, plus libjpeg's working
/// memory and the cache (~10 MB at 10,000 entries).
public final class HashImagesProcessor: StreamProcessor, @unchecked Sendable {
    public let stageName = "hash-images"
    public let inputTopics = [TopicName.items]
    public let outputTopics = [TopicName.itemsHashed]

    public let fetcher: PictureFetcher
    public let analyzer: PictureAnalyzer
    public let cache: PictureCache
    private let lock = NSLock()
    private var referenceSet: ReferenceSet

    public init(references: ReferenceSet, fetcher: PictureFetcher = PictureFetcher(), analyzer: PictureAnalyzer = PictureAnalyzer(),
                cache: PictureCache = PictureCache()) {
        self.referenceSet = references
        self.fetcher = fetcher
        self.analyzer = analyzer
        self.cache = cache
    }

    /// The reference set in force.
    public var references: ReferenceSet { lock.withLock { referenceSet } }

    /// Swaps the reference set (profile reload) while the stage runs; later
    /// pictures are matched against the new set, cached analyses are re-matched.
    public func replaceReferences(_ set: ReferenceSet) {
        lock.withLock { referenceSet = set }
    }

    public func process(_ message: ConsumedMessage) async throws -> [OutgoingMessage] {
        let item: Item
        do {
            item = try TopicJSON.decode(Item.self, from: message.value)
        } catch {
            throw StageError("not an item: \(error)")
        }
        let hashed = await hash(item)
        return [OutgoingMessage(topic: TopicName.itemsHashed, key: message.key ?? Array(item.key.utf8), value: try TopicJSON.encode(hashed))]
    }

    /// The item with every picture hashed and matched (or its error set).
    public func hash(_ item: Item) async -> Item {
        var out = item
        for index in out.pictures.indices {
            let url = out.pictures[index].url
            var picture = Picture(url: url)
            switch await analysis(of: url) {
            case .success(let analysis):
                picture.sha256 = analysis.sha256
                picture.byteCount = analysis.byteCount
                picture.width = analysis.width
                picture.height = analysis.height
                picture.pdq = analysis.pdq.hex
                picture.quality = analysis.quality
                picture.matches = analysis.matches
            case .failure(let error):
                picture.error = error.description
            }
            out.pictures[index] = picture
        }
        return out
    }

    /// Fetches and analyses one picture, once: by URL, then by content.
    public func analysis(of url: String) async -> Result<PictureAnalysis, PictureError> {
        let set = references
        var bytes: [UInt8]?
        switch cache.content(forURL: url) {
        case .failure(let error)?:
            return .failure(error)
        case .success(let sha)?:
            if let known = cache.analysis(forContent: sha), known.generation == set.generation { return .success(known) }
            bytes = cache.bytes(forContent: sha)
        case nil:
            break
        }
        if bytes == nil {
            do throws(PictureError) {
                bytes = try await fetcher.fetch(url)
            } catch {
                cache.remember(url: url, .failure(error))
                return .failure(error)
            }
        }
        let data = bytes!
        let sha = SHA256Hex.of(data)
        cache.remember(url: url, .success(sha), bytes: data)
        if let known = cache.analysis(forContent: sha), known.generation == set.generation { return .success(known) }
        do throws(PictureError) {
            let analysis = try analyzer.analyze(data, against: set)
            cache.remember(analysis)
            return .success(analysis)
        } catch {
            cache.remember(url: url, .failure(error))
            return .failure(error)
        }
    }
}
