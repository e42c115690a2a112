import TouchstoneCore
import Transport

/// Publishing human decisions on `decisions`. They are keyed by
/// `brand:platform:item_id`, so every decision about one finding lands in one
/// partition, in the order it was made.
public enum DecisionTopic {
    public static func key(brand: String, platform: String, itemID: String) -> String {
        "\(brand):\(platform):\(itemID)"
    }

    /// Sends the decision and waits until it is durably on the topic.
    public static func publish(_ decision: Decision, with producer: any MessageProducer) async throws {
        try await producer.send(OutgoingMessage(
            topic: TopicName.decisions,
            key: key(brand: decision.brand, platform: decision.platform, itemID: decision.itemID),
            value: try TopicJSON.encode(decision)))
        try await producer.flush()
    }
}
