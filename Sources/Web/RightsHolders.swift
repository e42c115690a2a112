import Foundation
import Yams

/// What a takedown notice needs from a brand watch profile: who owns the
/// rights and which registrations they hold (BRANDS.md `owner`, `trademarks`).
public struct RightsHolder: Sendable, Hashable, Decodable {
    public struct Trademark: Sendable, Hashable, Decodable {
        public var mark: String
        public var office: String?
        public var number: String?
        public var classes: [Int]?

        public init(mark: String, office: String? = nil, number: String? = nil, classes: [Int]? = nil) {
            self.mark = mark
            self.office = office
            self.number = number
            self.classes = classes
        }
    }

    public var id: String
    public var name: String
    public var owner: String?
    public var trademarks: [Trademark]?

    public init(id: String, name: String, owner: String? = nil, trademarks: [Trademark] = []) {
        self.id = id
        self.name = name
        self.owner = owner
        self.trademarks = trademarks
    }

    /// Reads `id`, `name`, `owner` and `trademarks` of every `*.yaml`/`*.yml`
    /// profile in `directory`. Profiles that cannot be read are reported in
    /// `problems` (file and reason) rather than failing the web app: a notice
    /// can still be drafted with placeholders. Full validation is `touchstone brands check`.
    public static func load(from directory: URL) -> (holders: [String: RightsHolder], problems: [String]) {
        var holders: [String: RightsHolder] = [:]
        var problems: [String] = []
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        for file in files.sorted(by: { $0.path < $1.path }) where ["yaml", "yml"].contains(file.pathExtension) {
            do {
                let text = try String(contentsOf: file, encoding: .utf8)
                let holder = try YAMLDecoder().decode(RightsHolder.self, from: text)
                holders[holder.id] = holder
            } catch {
                problems.append("\(file.path): \(error)")
            }
        }
        return (holders, problems)
    }
}
