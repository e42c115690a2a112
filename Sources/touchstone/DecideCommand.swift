import ArgumentParser
import Foundation
import Materializer
import TouchstoneCore

/// `touchstone decide ACTION --brand B --platform P --item ID [--note N] [--by NAME]`:
/// records a human decision on the `decisions` topic. Decisions are never
/// re-derived, so they survive every replay.
struct DecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Record a decision about a finding: confirm, dismiss, takedown-sent, removed.",
        discussion: """
            Examples:
              touchstone decide dismiss --brand aurelle --platform amazon --item B0AURELLE01 --note "our own listing"
              touchstone decide takedown-sent --brand aurelle --platform amazon --item B0DMQX7Z41 --by "J. Doe"
            The view shows the decision once the materializer has read it (`touchstone run` or `touchstone process materialize`).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "confirm(ed), dismiss(ed), takedown-sent, remove(d).")
    var action: String

    @Option(name: .long, help: "Brand profile id.")
    var brand: String

    @Option(name: .long, help: "Platform of the item.")
    var platform: String

    @Option(name: .long, help: "The platform's item id (ASIN, eBay itemId, media id, ...).")
    var item: String

    @Option(name: .long, help: "Why (kept with the decision).")
    var note: String?

    @Option(name: .long, help: "Who decides (default: $USER).")
    var by: String?

    static func parseAction(_ text: String) -> Decision.Action? {
        switch text.lowercased() {
        case "confirm", "confirmed": .confirmed
        case "dismiss", "dismissed": .dismissed
        case "takedown", "takedown-sent", "sent": .takedownSent
        case "remove", "removed": .removed
        default: nil
        }
    }

    func validate() throws {
        guard Self.parseAction(action) != nil else {
            throw ValidationError("ACTION must be one of confirmed, dismissed, takedown-sent, removed; got '\(action)'")
        }
        for (name, value) in [("--brand", brand), ("--platform", platform), ("--item", item)] where value.isEmpty {
            throw ValidationError("\(name) must not be empty")
        }
    }

    func run() async throws {
        let decision = Decision(
            brand: brand, platform: platform, itemID: item, action: Self.parseAction(action)!,
            by: by ?? ProcessInfo.processInfo.environment["USER"], note: note, at: Timestamp.now())
        // Say so when the finding is not (yet) in the view: likely a typo, but a
        // decision may legitimately come first, so it is recorded anyway.
        if let reader = try? openView(global),
           (try? reader.findings(FindingFilter(brand: brand, platform: platform, itemID: item, includeClean: true)))?.isEmpty ?? false {
            FileHandle.standardError.write(Data("note: no finding for \(brand) \(platform) \(item) in the view yet; recording the decision anyway\n".utf8))
        }
        let transport = try global.makeTransport()
        let producer = try await transport.makeProducer()
        do {
            try await DecisionTopic.publish(decision, with: producer)
        } catch {
            try? await producer.close()
            throw error
        }
        try await producer.close()
        print("recorded: \(decision.action.rawValue) \(brand) \(platform) \(item)")
    }
}
