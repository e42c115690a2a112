import Foundation
import TouchstoneCore

/// The contract topics as `topics/*.json` defines them: partitions, key,
/// cleanup and retention (a ``TopicSpec``), the schema version and the JSON
/// Schema of each message value. The same definitions are compiled into the
/// binary (`TopicCatalog+BuiltIn.swift`, checked equal to `topics/` by a test),
/// so `touchstone` works from any folder; a `topics/` folder in the working
/// directory, when present, is read instead.
public struct TopicDefinition: Sendable {
    public var spec: TopicSpec
    /// What the message key is, in words (e.g. `platform:item_id`).
    public var key: String
    public var description: String
    public var schemaVersion: Int
    /// Headers every message must carry (the raw topics' provenance headers).
    public var requiredHeaders: [String]
    public var valueSchema: JSONSchema

    public var name: String { spec.name }

    /// Parses one `topics/<name>.json` document; `file` names it in errors.
    public init(json bytes: [UInt8], file: String) throws {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw TopicCatalogError("\(file): not valid JSON: \(error)")
        }
        func field<T>(_ name: String, _ extract: (JSONValue) -> T?) throws -> T {
            guard let value = document[name], let typed = extract(value) else {
                throw TopicCatalogError("\(file): field '\(name)' is missing or has the wrong type")
            }
            return typed
        }
        func optionalInteger(_ name: String) throws -> Int64? {
            guard let value = document[name], value != .null else { return nil }
            guard let number = value.integer else { throw TopicCatalogError("\(file): field '\(name)' must be an integer or null") }
            return number
        }
        let name = try field("name") { $0.string }
        let partitions = try field("partitions") { $0.integer }
        guard partitions > 0, partitions <= Int64(Int32.max) else { throw TopicCatalogError("\(file): 'partitions' must be at least 1") }
        let cleanupName = try field("cleanup") { $0.string }
        guard let cleanup = TopicSpec.Cleanup(rawValue: cleanupName) else {
            throw TopicCatalogError("\(file): 'cleanup' must be \"delete\" or \"compact\", got \"\(cleanupName)\"")
        }
        spec = TopicSpec(name: name, partitions: Int32(partitions), cleanup: cleanup,
                         retentionMilliseconds: try optionalInteger("retention_ms"), retentionBytes: try optionalInteger("retention_bytes"))
        key = try field("key") { $0.string }
        description = document["description"]?.string ?? ""
        schemaVersion = Int(try field("schema_version") { $0.integer })
        requiredHeaders = document["headers"]?["required"]?.array?.compactMap(\.string) ?? []
        valueSchema = JSONSchema(try field("value_schema") { $0.object != nil ? $0 : nil })
    }

    /// Checks a message value against the topic's schema.
    public func validate(value: [UInt8]) throws {
        let document: JSONValue
        do {
            document = try JSONValue.parse(value)
        } catch {
            throw SchemaViolation(path: "$", reason: "\(error)")
        }
        try valueSchema.validate(document)
    }
}

public struct TopicCatalogError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

public enum TopicCatalog {
    /// The definitions in `directory`, one `<name>.json` per topic, sorted by name.
    public static func load(directory: URL) throws -> [TopicDefinition] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { file in
            let url = directory.appendingPathComponent(file)
            let definition = try TopicDefinition(json: Array(try Data(contentsOf: url)), file: url.path)
            guard definition.name + ".json" == file else {
                throw TopicCatalogError("\(url.path): defines topic '\(definition.name)'; the file must be named \(definition.name).json")
            }
            return definition
        }
    }

    /// The definitions compiled into the binary.
    public static let builtIn: [TopicDefinition] = builtInFiles.map { file in
        // Checked by TopicCatalogTests against topics/, so a failure here is a build defect.
        try! TopicDefinition(json: Array(file.json.utf8), file: "built-in \(file.name)")
    }

    /// `./topics` when it exists, else the built-in definitions.
    public static func standard(workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> [TopicDefinition] {
        let directory = workingDirectory.appendingPathComponent("topics", isDirectory: true)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue {
            let loaded = try load(directory: directory)
            if !loaded.isEmpty { return loaded }
        }
        return builtIn
    }
}

// MARK: - JSON Schema

/// Why a value breaks a schema: the JSON path of the offending field and what is wrong.
public struct SchemaViolation: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { path == "$" ? reason : "\(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// The subset of JSON Schema (2020-12) that `topics/` uses: `type` (a name or a list),
/// `required`, `properties`, `additionalProperties: false`, `items`, `enum`, `pattern`,
/// `minimum`/`maximum`, `minItems`/`maxItems`, and local `$ref` into `$defs`.
public struct JSONSchema: Sendable {
    public let document: JSONValue

    public init(_ document: JSONValue) { self.document = document }

    /// Throws the first violation found.
    public func validate(_ value: JSONValue) throws {
        try check(value, against: document, path: "$")
    }

    private func resolve(_ schema: JSONValue) throws -> JSONValue {
        guard let reference = schema["$ref"]?.string else { return schema }
        let prefix = "#/$defs/"
        guard reference.hasPrefix(prefix), let target = document["$defs"]?[String(reference.dropFirst(prefix.count))] else {
            throw SchemaViolation(path: "$", reason: "schema error: cannot resolve $ref \(reference)")
        }
        return try resolve(target)
    }

    private func check(_ value: JSONValue, against rawSchema: JSONValue, path: String) throws {
        let schema = try resolve(rawSchema)
        if let type = schema["type"] {
            let allowed = type.array?.compactMap(\.string) ?? [type.string].compactMap { $0 }
            let actual = value.schemaTypeName
            let matches = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            guard matches else {
                throw SchemaViolation(path: path, reason: "expected \(allowed.joined(separator: " or ")), got \(actual)")
            }
        }
        if let choices = schema["enum"]?.array {
            let same = choices.contains { choice in
                if let a = choice.number, let b = value.number { return a == b }
                return choice == value
            }
            guard same else {
                let listed = choices.map(describe).joined(separator: ", ")
                throw SchemaViolation(path: path, reason: "must be one of \(listed), got \(describe(value))")
            }
        }
        switch value {
        case .object(let object):
            let members = object.dictionary
            for name in schema["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
                throw SchemaViolation(path: "\(path).\(name)", reason: "required field is missing")
            }
            let properties = schema["properties"]?.object ?? [:]
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    try check(member, against: property, path: "\(path).\(name)")
                } else if schema["additionalProperties"] == .bool(false) {
                    throw SchemaViolation(path: "\(path).\(name)", reason: "field is not allowed here")
                }
            }
        case .array(let elements):
            if let minimum = schema["minItems"]?.integer, elements.count < minimum {
                throw SchemaViolation(path: path, reason: "needs at least \(minimum) elements, has \(elements.count)")
            }
            if let maximum = schema["maxItems"]?.integer, elements.count > maximum {
                throw SchemaViolation(path: path, reason: "allows at most \(maximum) elements, has \(elements.count)")
            }
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() { try check(element, against: items, path: "\(path)[\(index)]") }
            }
        case .string(let text):
            if let pattern = schema["pattern"]?.string {
                guard let expression = try? NSRegularExpression(pattern: pattern) else {
                    throw SchemaViolation(path: path, reason: "schema error: invalid pattern \(pattern)")
                }
                let range = NSRange(text.startIndex..., in: text)
                guard expression.firstMatch(in: text, range: range) != nil else {
                    throw SchemaViolation(path: path, reason: "\(describe(value)) does not match the pattern \(pattern)")
                }
            }
        case .number:
            if let number = value.number {
                if let minimum = schema["minimum"]?.number, number < minimum {
                    throw SchemaViolation(path: path, reason: "must be at least \(schema["minimum"]!.describedNumber), got \(describe(value))")
                }
                if let maximum = schema["maximum"]?.number, number > maximum {
                    throw SchemaViolation(path: path, reason: "must be at most \(schema["maximum"]!.describedNumber), got \(describe(value))")
                }
            }
        default:
            break
        }
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): "\"\(s.count > 60 ? s.prefix(60) + "…" : s)\""
        case .number(let n): n
        case .bool(let b): "\(b)"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    fileprivate var describedNumber: String { if case .number(let n) = self { return n }; return "\(self)" }
}

/// Conveniences for reading topic definitions and schemas with the project's
/// one JSON reader (``JSONReader``, digit-exact numbers).
extension JSONValue {
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue { try JSONReader.parse(bytes) }

    var string: String? { stringValue }
    var array: [JSONValue]? { arrayValue }
    /// Members by name; a repeated name resolves to its first occurrence, as ``JSONObject`` does.
    var object: [String: JSONValue]? { objectValue?.dictionary }
    var number: Double? { if case .number(let n) = self { return Double(n) }; return nil }
    /// The JSON Schema type name (`integer` for a number without fraction or exponent).
    var schemaTypeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: integer != nil ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
    /// The value as an integer, when it is a number written without fraction or exponent.
    var integer: Int64? {
        if case .number(let n) = self, !n.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return Int64(n) }
        return nil
    }
}

extension JSONObject {
    /// Members by name; the first occurrence of a repeated name wins.
    var dictionary: [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for member in members where out[member.key] == nil { out[member.key] = member.value }
        return out
    }
}
