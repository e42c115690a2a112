import BrandProfiles
import Foundation
import Logging
import StreamProcessing
import TouchstoneCore
import Transport

/// The text-match stage: `items.hashed` → `items.matched`, same key.
///
/// Each output is the input item with `signals` (every brand's signals,
/// possibly none: a clean item still goes on so that later stages and replays
/// can retract earlier findings) and `profiles` (the version of every profile
/// that judged it). Profiles come from a ``BrandProfileStore``: a changed
/// profile file is picked up within about the store's interval, without a
/// restart, and the matcher is recompiled once per change.
public final class TextMatchProcessor: StreamProcessor, @unchecked Sendable {
    public let stageName = "text-match"
    public let inputTopics = [TopicName.itemsHashed]
    public let outputTopics = [TopicName.itemsMatched, TopicName.deadLetters]

    let store: BrandProfileStore
    let words: WordList
    let rates: ExchangeRates
    let logger: Logger
    private let lock = NSLock()
    private var compiled: (generation: Int, matcher: TextMatcher)?

    public init(store: BrandProfileStore, words: WordList = .system, rates: ExchangeRates = .default, logger: Logger? = nil) {
        self.store = store
        self.words = words
        self.rates = rates
        self.logger = logger ?? Logger(label: "touchstone.text-match")
        if let warning = words.missingWarning { self.logger.warning("\(warning)") }
    }

    /// The matcher for the profiles in force now (recompiled when a profile changed).
    public func currentMatcher() -> TextMatcher {
        let snapshot = store.refreshIfDue()
        return lock.withLock {
            if let compiled, compiled.generation == snapshot.generation { return compiled.matcher }
            for error in snapshot.errors {
                logger.error("brand profile not loaded", metadata: ["error": "\(error)"])
            }
            let matcher = TextMatcher(profiles: snapshot.profiles, words: words, rates: rates)
            logger.info("brand profiles in force", metadata: [
                "profiles": "\(matcher.profileVersions.map { "\($0.brand)@\($0.version)" }.joined(separator: ","))",
            ])
            compiled = (snapshot.generation, matcher)
            return matcher
        }
    }

    public func process(_ message: ConsumedMessage) async throws -> [OutgoingMessage] {
        var item: Item
        do {
            item = try TopicJSON.decode(Item.self, from: message.value)
        } catch {
            throw StageError("not a canonical item: \(error)")
        }
        let matcher = currentMatcher()
        item.signals = matcher.signals(for: item)
        item.profiles = matcher.profileVersions
        return [OutgoingMessage(topic: TopicName.itemsMatched, key: message.key ?? Array(item.key.utf8),
                                value: try TopicJSON.encode(item), headers: message.headers, timestamp: message.timestamp)]
    }
}
