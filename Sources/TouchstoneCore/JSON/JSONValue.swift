import Foundation

/// A JSON document as read, digit for digit: numbers keep their literal text
/// (ids beyond 2^53 never pass through `Double`), object members keep their
/// order. Read one with ``JSONReader``; look members up with the subscript.
/// (Normalize reads lines through its `JSONTape` instead, whose cursor names
/// the field path in a ``JSONFieldError``.)
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text, exactly as written (`12345678901234567890`, `2.50`, `1e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

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
