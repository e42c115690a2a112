import TouchstoneCore

/// The stages of PRODUCT.md, in pipeline order, with the topics each reads and writes.
public enum StageName: String, CaseIterable, Sendable {
    case normalize
    case hashImages = "hash-images"
    case textMatch = "text-match"
    case crossLink = "cross-link"
    case alert
    case materialize

    public var inputTopics: [String] {
        switch self {
        case .normalize: [TopicName.rawPosts, TopicName.rawListings]
        case .hashImages: [TopicName.items]
        case .textMatch: [TopicName.itemsHashed]
        case .crossLink: [TopicName.itemsMatched]
        case .alert: [TopicName.findings]
        case .materialize: [TopicName.findings, TopicName.alerts, TopicName.decisions]
        }
    }

    /// The consumer group the stage's processes join.
    public var consumerGroup: String { "touchstone-\(rawValue)" }
}
