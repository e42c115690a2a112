import Foundation
import TouchstoneCore
import Yams

/// Loads and validates brand watch profiles from YAML (BRANDS.md).
///
/// Errors name the file, the line (from the YAML node's mark) and the field.
/// Unknown fields are errors too, so that a typo such as `term:` for `terms:`
/// does not silently watch nothing.
public enum BrandProfileLoader {
    /// The file extensions read from a profile folder.
    public static let extensions: Set<String> = ["yaml", "yml"]

    /// The profile files of a folder, sorted by name.
    public static func profileFiles(in directory: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw BrandProfileErrors([BrandProfileError(
                file: directory.path, line: nil, field: nil,
                message: "cannot read the brands folder (\(error.localizedDescription)); pass --brands DIR")])
        }
        return names.filter { !$0.hasPrefix(".") && extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
            .map { directory.appendingPathComponent($0) }
    }

    /// Loads every profile of a folder; throws ``BrandProfileErrors`` listing every problem
    /// (also two profiles with the same id).
    public static func loadDirectory(_ directory: URL) throws -> [BrandProfile] {
        let results = loadDirectoryCollectingErrors(directory)
        if !results.errors.isEmpty { throw BrandProfileErrors(results.errors) }
        return results.profiles
    }

    /// Loads what can be loaded and returns the errors of the rest.
    public static func loadDirectoryCollectingErrors(_ directory: URL) -> (profiles: [BrandProfile], errors: [BrandProfileError]) {
        let files: [URL]
        do {
            files = try profileFiles(in: directory)
        } catch let error as BrandProfileErrors {
            return ([], error.errors)
        } catch {
            return ([], [BrandProfileError(file: directory.path, line: nil, field: nil, message: "\(error)")])
        }
        var profiles: [BrandProfile] = []
        var errors: [BrandProfileError] = []
        var seen: [String: String] = [:]
        for file in files {
            do {
                let profile = try loadFile(file)
                if let other = seen[profile.id] {
                    errors.append(BrandProfileError(file: file.path, line: nil, field: "id",
                                                    message: "id '\(profile.id)' is already used by \(other); ids must be unique"))
                    continue
                }
                seen[profile.id] = file.path
                profiles.append(profile)
            } catch let error as BrandProfileErrors {
                errors += error.errors
            } catch {
                errors.append(BrandProfileError(file: file.path, line: nil, field: nil, message: "\(error)"))
            }
        }
        return (profiles, errors)
    }

    /// Loads one profile file.
    public static func loadFile(_ file: URL) throws -> BrandProfile {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: file)
        } catch {
            throw BrandProfileErrors([BrandProfileError(file: file.path, line: nil, field: nil,
                                                        message: "cannot read the file (\(error.localizedDescription))")])
        }
        return try parse(bytes: Array(bytes), file: file)
    }

    /// Parses a profile from its bytes; `file` is used in errors and to resolve relative paths.
    public static func parse(bytes: [UInt8], file: URL) throws -> BrandProfile {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw BrandProfileErrors([BrandProfileError(file: file.path, line: nil, field: nil, message: "the file is not UTF-8 text")])
        }
        var parser = ProfileParser(file: file)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw BrandProfileErrors([parser.yamlError(error)])
        }
        let profile = parser.profile(from: node, version: String(SHA256Hex.of(bytes).prefix(16)))
        if !parser.errors.isEmpty { throw BrandProfileErrors(parser.errors) }
        return profile!
    }
}

/// Walks the YAML tree, collecting every error with its line and field path.
struct ProfileParser {
    let file: URL
    var errors: [BrandProfileError] = []

    init(file: URL) {
        self.file = file
    }

    mutating func fail(_ node: Node?, _ field: String?, _ message: String) {
        errors.append(BrandProfileError(file: file.path, line: node?.mark?.line, field: field, message: message))
    }

    func yamlError(_ error: YamlError) -> BrandProfileError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let where_ = context.map { " (\($0.text))" } ?? ""
            return BrandProfileError(file: file.path, line: mark.line, field: nil, message: "YAML syntax: \(problem)\(where_)")
        default:
            return BrandProfileError(file: file.path, line: nil, field: nil, message: "YAML: \(error)")
        }
    }

    static let topLevelKeys: Set<String> = [
        "id", "name", "owner", "trademarks", "terms", "products", "references", "retail", "authorized",
        "counterfeit_terms", "exclude_terms", "platforms", "alerts",
    ]

    mutating func profile(from root: Node?, version: String) -> BrandProfile? {
        guard let root, case let .mapping(map) = root else {
            fail(root, nil, "a profile must be a mapping with at least `id`, `name` and `terms` or `references`")
            return nil
        }
        checkKeys(map, allowed: Self.topLevelKeys, path: nil)

        var profile = BrandProfile(id: "", name: "", source: file.path, version: version)
        if let idNode = map["id"] {
            if let id = scalarString(idNode, "id") {
                if id.isEmpty || !id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
                    fail(idNode, "id", "must match [a-z0-9-]+ (lower-case letters, digits, dashes), got '\(id)'")
                }
                profile.id = id
            }
        } else {
            fail(root, "id", "is required (a stable [a-z0-9-]+ name used in keys and exports)")
        }
        if let nameNode = map["name"] {
            profile.name = nonEmptyString(nameNode, "name") ?? ""
        } else {
            fail(root, "name", "is required")
        }
        if let node = map["owner"] { profile.owner = nonEmptyString(node, "owner") }
        if let node = map["trademarks"] { profile.trademarks = trademarks(node) }
        if let node = map["terms"] { profile.terms = stringList(node, "terms") }
        if let node = map["products"] { profile.products = stringList(node, "products") }
        if let node = map["references"] {
            let directory = file.deletingLastPathComponent()
            profile.references = sequence(node, "references").enumerated().compactMap { index, item in
                guard let path = nonEmptyString(item, "references[\(index)]") else { return nil }
                let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
                return Reference(path: path, url: url.standardizedFileURL, line: item.mark?.line)
            }
        }
        if profile.terms.isEmpty && profile.references.isEmpty {
            fail(root, "terms", "a profile needs at least one of `terms` or `references`")
        }
        if let node = map["retail"] { profile.retail = retail(node) }
        if let node = map["authorized"] { profile.authorized = authorized(node) }
        if let node = map["counterfeit_terms"] { profile.counterfeitTerms = stringList(node, "counterfeit_terms") }
        if let node = map["exclude_terms"] { profile.excludeTerms = stringList(node, "exclude_terms") }
        if let node = map["platforms"] { profile.platforms = stringList(node, "platforms").map { $0.lowercased() } }
        if let node = map["alerts"] { profile.alerts = alerts(node) }
        return profile
    }

    mutating func checkKeys(_ map: Node.Mapping, allowed: Set<String>, path: String?) {
        for (key, _) in map {
            guard let name = key.string else {
                fail(key, path, "keys must be plain names")
                continue
            }
            if !allowed.contains(name) {
                let field = path.map { "\($0).\(name)" } ?? name
                fail(key, field, "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
        }
    }

    mutating func scalarString(_ node: Node, _ field: String) -> String? {
        guard case let .scalar(scalar) = node else {
            fail(node, field, "must be a single value, not a list or mapping")
            return nil
        }
        return scalar.string
    }

    mutating func nonEmptyString(_ node: Node, _ field: String) -> String? {
        guard let text = scalarString(node, field) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            fail(node, field, "must not be empty")
            return nil
        }
        return trimmed
    }

    mutating func sequence(_ node: Node, _ field: String) -> [Node] {
        if case let .sequence(items) = node { return Array(items) }
        if case let .scalar(scalar) = node, scalar.tag == .implicit, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return []
        }
        fail(node, field, "must be a list (`[a, b]` or lines starting with `- `)")
        return []
    }

    mutating func mapping(_ node: Node, _ field: String) -> Node.Mapping? {
        guard case let .mapping(map) = node else {
            fail(node, field, "must be a mapping (`key: value` lines or `{key: value}`)")
            return nil
        }
        return map
    }

    mutating func stringList(_ node: Node, _ field: String) -> [String] {
        sequence(node, field).enumerated().compactMap { index, item in nonEmptyString(item, "\(field)[\(index)]") }
    }

    mutating func trademarks(_ node: Node) -> [Trademark] {
        sequence(node, "trademarks").enumerated().compactMap { index, item in
            let path = "trademarks[\(index)]"
            guard let map = mapping(item, path) else { return nil }
            checkKeys(map, allowed: ["mark", "office", "number", "classes"], path: path)
            guard let markNode = map["mark"] else {
                fail(item, "\(path).mark", "is required")
                return nil
            }
            guard let mark = nonEmptyString(markNode, "\(path).mark") else { return nil }
            var trademark = Trademark(mark: mark)
            if let node = map["office"] { trademark.office = nonEmptyString(node, "\(path).office") }
            if let node = map["number"] { trademark.number = nonEmptyString(node, "\(path).number") }
            if let node = map["classes"] {
                trademark.classes = sequence(node, "\(path).classes").enumerated().compactMap { classIndex, classNode in
                    let field = "\(path).classes[\(classIndex)]"
                    guard let text = scalarString(classNode, field) else { return nil }
                    guard let number = Int(text), (1...45).contains(number) else {
                        fail(classNode, field, "must be a Nice class number 1...45, got '\(text)'")
                        return nil
                    }
                    return number
                }
            }
            return trademark
        }
    }

    mutating func retail(_ node: Node) -> Retail? {
        guard let map = mapping(node, "retail") else { return nil }
        checkKeys(map, allowed: ["floor"], path: "retail")
        guard let floorNode = map["floor"] else { return Retail(floor: nil) }
        guard let floor = mapping(floorNode, "retail.floor") else { return nil }
        checkKeys(floor, allowed: ["amount", "currency"], path: "retail.floor")
        var amount: Decimal?
        var currency: String?
        if let amountNode = floor["amount"] {
            if let text = scalarString(amountNode, "retail.floor.amount") {
                if let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), value > 0,
                   text.allSatisfy({ $0.isNumber || $0 == "." }) {
                    amount = value
                } else {
                    fail(amountNode, "retail.floor.amount", "must be a positive number such as 1500 or 1499.99, got '\(text)'")
                }
            }
        } else {
            fail(floorNode, "retail.floor.amount", "is required")
        }
        if let currencyNode = floor["currency"] {
            if let text = scalarString(currencyNode, "retail.floor.currency") {
                let code = text.uppercased()
                if code.count == 3 && code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                    currency = code
                } else {
                    fail(currencyNode, "retail.floor.currency", "must be an ISO 4217 code such as USD or EUR, got '\(text)'")
                }
            }
        } else {
            fail(floorNode, "retail.floor.currency", "is required (an ISO 4217 code such as USD)")
        }
        guard let amount, let currency else { return nil }
        return Retail(floor: Money(amount: amount, currency: currency))
    }

    mutating func authorized(_ node: Node) -> [AuthorizedAccount] {
        sequence(node, "authorized").enumerated().compactMap { index, item in
            let path = "authorized[\(index)]"
            guard let map = mapping(item, path) else { return nil }
            checkKeys(map, allowed: ["platform", "account"], path: path)
            guard let platformNode = map["platform"] else {
                fail(item, "\(path).platform", "is required")
                return nil
            }
            guard let accountNode = map["account"] else {
                fail(item, "\(path).account", "is required (a handle or seller id)")
                return nil
            }
            guard let platform = nonEmptyString(platformNode, "\(path).platform"),
                  let account = nonEmptyString(accountNode, "\(path).account") else { return nil }
            let handle = account.hasPrefix("@") ? String(account.dropFirst()) : account
            return AuthorizedAccount(platform: platform.lowercased(), account: handle)
        }
    }

    mutating func alerts(_ node: Node) -> AlertSettings? {
        guard let map = mapping(node, "alerts") else { return nil }
        checkKeys(map, allowed: ["min_severity", "sinks"], path: "alerts")
        var settings = AlertSettings()
        if let severityNode = map["min_severity"], let text = scalarString(severityNode, "alerts.min_severity") {
            if let severity = Severity(rawValue: text.lowercased()) {
                settings.minSeverity = severity
            } else {
                fail(severityNode, "alerts.min_severity",
                     "must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            }
        }
        if let sinksNode = map["sinks"] {
            settings.sinks = sequence(sinksNode, "alerts.sinks").enumerated().compactMap { index, item in
                let path = "alerts.sinks[\(index)]"
                guard let sink = mapping(item, path) else { return nil }
                checkKeys(sink, allowed: ["kind", "url", "secret_env"], path: path)
                guard let kindNode = sink["kind"] else {
                    fail(item, "\(path).kind", "is required (webhook)")
                    return nil
                }
                guard let kind = nonEmptyString(kindNode, "\(path).kind") else { return nil }
                guard kind == "webhook" else {
                    fail(kindNode, "\(path).kind", "unknown sink kind '\(kind)'; expected webhook")
                    return nil
                }
                var result = AlertSink(kind: kind)
                if let urlNode = sink["url"], let url = nonEmptyString(urlNode, "\(path).url") {
                    if let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil {
                        result.url = url
                    } else {
                        fail(urlNode, "\(path).url", "must be an http(s) URL, got '\(url)'")
                    }
                } else if sink["url"] == nil {
                    fail(item, "\(path).url", "is required for a webhook")
                }
                if let envNode = sink["secret_env"], let name = nonEmptyString(envNode, "\(path).secret_env") {
                    if name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                        result.secretEnv = name
                    } else {
                        fail(envNode, "\(path).secret_env", "must name an environment variable (letters, digits, _), got '\(name)'")
                    }
                }
                return result
            }
        }
        return settings
    }
}
