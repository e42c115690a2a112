import BrandProfiles
import Foundation
import HashImages
import Logging
import StreamProcessing
import TouchstoneCore
import Transport

/// hash-images fed with the reference pictures of the brand profiles in force.
/// When a profile changes (a reference added or removed), the references are
/// hashed again and swapped in without a restart; later pictures match the
/// new set.
final class ProfileFedHashImages: StreamProcessor, @unchecked Sendable {
    let inner: HashImagesProcessor
    let store: BrandProfileStore
    let logger = Logger(label: "touchstone.hash-images")
    private var loadedGeneration: Int?

    var stageName: String { inner.stageName }
    var inputTopics: [String] { inner.inputTopics }
    var outputTopics: [String] { inner.outputTopics }

    init(store: BrandProfileStore, cacheDirectory: URL?, addresses: AddressPolicy) {
        self.store = store
        self.inner = HashImagesProcessor(references: .empty, fetcher: PictureFetcher(limits: FetchLimits(addresses: addresses)),
                                         cache: PictureCache(directory: cacheDirectory))
    }

    /// The profiles' references as hash-images takes them.
    static func references(of profiles: [BrandProfile]) -> [BrandReference] {
        profiles.flatMap { profile in
            profile.references.map { BrandReference(brand: profile.id, reference: $0.path, location: $0.url.absoluteString) }
        }
    }

    /// Hashes the references again when the profiles changed since the last load.
    func refreshReferences() async {
        let snapshot = store.refreshIfDue()
        guard snapshot.generation != loadedGeneration else { return }
        let (set, problems) = await ReferenceSet.load(Self.references(of: snapshot.profiles), fetcher: inner.fetcher,
                                                      generation: snapshot.generation)
        for problem in problems {
            logger.error("reference picture left out", metadata: ["problem": "\(problem)"])
        }
        inner.replaceReferences(set)
        loadedGeneration = snapshot.generation
    }

    func process(_ message: ConsumedMessage) async throws -> [OutgoingMessage] {
        await refreshReferences()
        return try await inner.process(message)
    }
}
