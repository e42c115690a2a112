import Foundation

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
            throw SchemaViolation(path: "$", reason: "not JSON: \(error)")
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

// MARK: - JSON values

/// A parsed JSON document. Numbers keep their text, so 64-bit ids are never rounded through a Double.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var number: Double? { if case .number(let n) = self { return Double(n) }; return nil }
    /// The value as an integer, when it is a number written without fraction or exponent.
    public var integer: Int64? {
        if case .number(let n) = self, !n.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return Int64(n) }
        return nil
    }

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: integer != nil ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        return try parser.parseDocument()
    }
}

/// Where and why a document is not JSON.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public var offset: Int
    public var reason: String
    public var description: String { "\(reason) at byte \(offset + 1)" }
}

/// A strict RFC 8259 parser (no comments, no trailing commas), nesting limited to 512.
struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(offset: index, reason: reason) }

    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        if index + 3 <= bytes.count && bytes[index] == 0xEF && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF { index += 3 }
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw fail("unexpected text after the JSON value") }
        return value
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail(bytes.isEmpty ? "empty input" : "unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail("unexpected character '\(String(decoding: [bytes[index]], as: UTF8.self))'")
        }
    }

    mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
            throw fail("invalid literal (expected \(word))")
        }
        index += expected.count
    }

    mutating func enter() throws {
        depth += 1
        guard depth <= 512 else { throw fail("nested more than 512 levels") }
    }

    mutating func parseObject() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
            let name = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after member name") }
            index += 1
            members[name] = try parseValue()
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw fail("expected ',' or '}' in object")
        }
    }

    mutating func parseArray() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw fail("expected ',' or ']' in array")
        }
    }

    mutating func parseNumber() throws -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { throw fail("invalid number") }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") { throw fail("leading zero in number") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw fail("invalid number: digits expected after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw fail("invalid number: digits expected in exponent") }
        }
        return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    mutating func parseString() throws -> String {
        index += 1
        var runStart = index
        var out = ""
        func flush(_ end: Int) throws {
            guard let text = String(validating: bytes[runStart..<end], as: UTF8.self) else {
                throw JSONSyntaxError(offset: runStart, reason: "invalid UTF-8 in string")
            }
            out += text
        }
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try flush(index)
                index += 1
                return out
            }
            if byte < 0x20 { throw fail("control character in string (escape it)") }
            if byte == UInt8(ascii: "\\") {
                try flush(index)
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): out += "\""
                case UInt8(ascii: "\\"): out += "\\"
                case UInt8(ascii: "/"): out += "/"
                case UInt8(ascii: "b"): out += "\u{08}"
                case UInt8(ascii: "f"): out += "\u{0C}"
                case UInt8(ascii: "n"): out += "\n"
                case UInt8(ascii: "r"): out += "\r"
                case UInt8(ascii: "t"): out += "\t"
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate in \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid surrogate pair in \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                    out.unicodeScalars.append(scalar)
                default:
                    throw fail("invalid escape '\\\(String(decoding: [escape], as: UTF8.self))'")
                }
                runStart = index
                continue
            }
            index += 1
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16) else {
            throw fail("invalid \\u escape")
        }
        index += 4
        return code
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
            let actual = value.typeName
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
        case .object(let members):
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
