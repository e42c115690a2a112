import Foundation

/// A JSON document as read, digit for digit: numbers keep their literal text
/// (ids beyond 2^53 never pass through `Double`), object members keep their
/// order. Read one with ``JSONReader``; look fields up by path with
/// ``JSONValue/field(_:)`` and the typed accessors, which throw a
/// ``JSONFieldError`` naming the path.
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text, exactly as written (`12345678901234567890`, `2.50`, `1e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// What the value is, as error messages name it.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A member of an object, nil for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// One `"key": value` pair of an object.
public struct JSONMember: Sendable, Hashable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON object with its members in document order. Lookups scan linearly:
/// platform objects are small, and a scan beats hashing at that size. A
/// repeated key resolves to its first occurrence.
public struct JSONObject: Sendable, Hashable {
    public var members: [JSONMember]

    public init(_ members: [JSONMember] = []) {
        self.members = members
    }

    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }

    public var keys: [String] { members.map(\.key) }
}

// MARK: - Field paths

/// A field that is missing or has the wrong type, named by its path
/// (`ItemInfo.Title.DisplayValue`, `data[2].id`).
public struct JSONFieldError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// A view of one value with the path that led to it, so that every lookup
/// failure can name the full field path. Optional lookups (`string`, `object`, ...)
/// return nil for a missing or null field and throw for a present field of
/// the wrong type: odd-but-wrong input is reported, not silently skipped.
public struct JSONCursor: Sendable {
    public let value: JSONValue
    /// The path of the container this value was found in, already spelled out.
    let parentPath: String
    /// The last step: a key or dotted key path, or `[i]` for an array element.
    let leaf: String

    public init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.parentPath = ""
        self.leaf = path
    }

    init(_ value: JSONValue, parentPath: String, leaf: String) {
        self.value = value
        self.parentPath = parentPath
        self.leaf = leaf
    }

    /// The field path of this value (`ItemInfo.Title.DisplayValue`, `data[2].id`);
    /// spelled out only when asked, as lookups are far more common than errors.
    public var path: String {
        if parentPath.isEmpty { return leaf }
        if leaf.isEmpty { return parentPath }
        return leaf.utf8.first == UInt8(ascii: "[") ? parentPath + leaf : parentPath + "." + leaf
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Follows a dotted path (`ItemInfo.Title.DisplayValue`). Nil when any
    /// step is missing or null; throws when a step is present but not an object.
    public func field(_ dotted: String) throws -> JSONCursor? {
        var current = value
        var consumed = 0 // UTF-8 length of the steps walked so far
        var remaining = Substring(dotted).utf8
        while true {
            let dot = remaining.firstIndex(of: UInt8(ascii: "."))
            let key = dot.map { remaining[..<$0] } ?? remaining[...]
            guard case .object(let object) = current else {
                if current.isNull { return nil }
                let walked = String(dotted.utf8.prefix(max(0, consumed - 1)))!
                let at = walked.isEmpty ? (path.isEmpty ? "(root)" : path) : (path.isEmpty ? walked : "\(path).\(walked)")
                throw JSONFieldError(path: at, reason: "expected an object, found \(current.typeName)")
            }
            var next: JSONValue?
            for member in object.members where utf8Equal(member.key, key) {
                next = member.value
                break
            }
            guard let found = next, !found.isNull else { return nil }
            current = found
            guard let dot else { return JSONCursor(found, parentPath: path, leaf: dotted) }
            consumed += key.count + 1
            remaining = remaining[remaining.index(after: dot)...]
        }
    }

    /// A field that must be present and non-null.
    public func required(_ dotted: String) throws -> JSONCursor {
        guard let found = try field(dotted) else {
            throw JSONFieldError(path: childPath(dotted), reason: "required field is missing")
        }
        return found
    }

    public func asString() throws -> String {
        guard case .string(let s) = value else { throw typeError("a string") }
        return s
    }

    /// An id as the platform's own digits: a JSON string, or a JSON integer kept digit for digit.
    public func asID() throws -> String {
        switch value {
        case .string(let s):
            guard !s.isEmpty else { throw JSONFieldError(path: path, reason: "expected a non-empty id, found an empty string") }
            return s
        case .number(let n):
            guard n.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw JSONFieldError(path: path, reason: "expected an integer id, found the number \(n)")
            }
            return n
        default:
            throw typeError("an id (string or integer)")
        }
    }

    /// A number's literal text; numeric strings are accepted as platforms mix both.
    public func asNumberText() throws -> String {
        switch value {
        case .number(let n): return n
        case .string(let s) where JSONReader.isNumberLiteral(s): return s
        default: throw typeError("a number")
        }
    }

    public func asObject() throws -> JSONCursor {
        guard case .object = value else { throw typeError("an object") }
        return self
    }

    public func asArray() throws -> [JSONCursor] {
        guard case .array(let items) = value else { throw typeError("an array") }
        var out: [JSONCursor] = []
        out.reserveCapacity(items.count)
        let base = path
        for (i, item) in items.enumerated() { out.append(JSONCursor(item, parentPath: base, leaf: "[\(i)]")) }
        return out
    }

    public func typeError(_ expected: String) -> JSONFieldError {
        JSONFieldError(path: path.isEmpty ? "(root)" : path, reason: "expected \(expected), found \(value.typeName)")
    }

    // Optional typed lookups: nil when missing or null, throw on a wrong type.

    public func string(_ dotted: String) throws -> String? { try field(dotted)?.asString() }
    public func id(_ dotted: String) throws -> String? { try field(dotted)?.asID() }
    public func numberText(_ dotted: String) throws -> String? { try field(dotted)?.asNumberText() }
    public func object(_ dotted: String) throws -> JSONCursor? { try field(dotted)?.asObject() }
    public func array(_ dotted: String) throws -> [JSONCursor] { try field(dotted)?.asArray() ?? [] }

    /// An array of strings (`tags[]`); a non-string element is an error naming its index.
    public func strings(_ dotted: String) throws -> [String] { try array(dotted).map { try $0.asString() } }

    public func requiredString(_ dotted: String) throws -> String { try required(dotted).asString() }
    public func requiredID(_ dotted: String) throws -> String { try required(dotted).asID() }
}

/// Byte equality of a key and a slice of a path, without allocating.
@inline(__always)
func utf8Equal(_ a: String, _ b: Substring.UTF8View) -> Bool {
    guard a.utf8.count == b.count else { return false }
    let fast: Bool? = a.utf8.withContiguousStorageIfAvailable { pa in
        b.withContiguousStorageIfAvailable { pb in
            pa.count == 0 || memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0
        }
    } ?? nil
    return fast ?? a.utf8.elementsEqual(b)
}
