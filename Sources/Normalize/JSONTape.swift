import Foundation
import TouchstoneCore

/// A validated JSON document as a flat list of entries (a "tape") over the
/// line's own bytes, instead of a tree of ``JSONValue``s: one pass, no
/// string is made until an adapter reads a field, nothing to free but two
/// arrays. Ingest gatekeeps and keys lines with it and normalize's adapters
/// read through ``TapeCursor``; building the value tree and freeing it was
/// most of their parsing cost.
///
/// The tape accepts exactly the documents ``JSONReader`` accepts, with the
/// same limits: its scanner follows `JSONReader`'s grammar checks step for
/// step. Errors are not re-implemented: when a document is refused, the
/// reader itself parses it to say why, so dead letters read as before.
public final class JSONTape: Sendable {
    public enum Kind: UInt8, Sendable {
        case null, bool, number, string, array, object
    }

    /// 16 bytes (positions as `UInt32`: ``read(_:with:)`` takes documents under 4 GiB), half
    /// what `Int` positions took: the scanner writes one per value and adapters walk them.
    struct Entry: Sendable {
        private var start32: UInt32
        private var end32: UInt32
        private var next32: UInt32
        var kind: Kind
        /// For `.string`: whether the text has a backslash escape; for `.bool`: its value.
        var flag: Bool

        init(kind: Kind, flag: Bool, start: Int, end: Int, next: Int) {
            start32 = UInt32(truncatingIfNeeded: start)
            end32 = UInt32(truncatingIfNeeded: end)
            next32 = UInt32(truncatingIfNeeded: next)
            self.kind = kind
            self.flag = flag
        }

        /// Strings: content bytes (no quotes); numbers: the literal; containers: unused.
        var start: Int { Int(start32) }
        var end: Int { Int(end32) }
        /// The index of the entry after this value's subtree (next sibling).
        var next: Int {
            get { Int(next32) }
            set { next32 = UInt32(truncatingIfNeeded: newValue) }
        }
    }

    // Both `let`: a class's `var` would pay an exclusivity check on every read.
    let bytes: [UInt8]
    let entries: [Entry]

    init(bytes: [UInt8], entries: [Entry]) {
        self.bytes = bytes
        self.entries = entries
    }

    /// Reads `bytes` as one JSON document; throws ``JSONReader``'s own error when it is not one.
    public static func read(_ bytes: [UInt8], with reader: JSONReader) throws(JSONParseError) -> JSONTape {
        if bytes.count <= reader.maxBytes, bytes.count < Int(UInt32.max) {
            let entries: [Entry]? = bytes.withUnsafeBufferPointer { buffer in
                var scanner = TapeScanner(bytes: buffer, maxDepth: reader.maxDepth)
                scanner.entries.reserveCapacity(buffer.count / 8 + 4)
                guard scanner.scanDocument() else { return nil }
                return scanner.entries
            }
            if let entries { return JSONTape(bytes: bytes, entries: entries) }
        }
        // Refused: let the reader say why, in its words.
        _ = try reader.parse(bytes)
        // Unreachable while the two grammars agree; refuse rather than guess.
        throw JSONParseError(offset: 0, expected: "a JSON document", found: "a document the tape could not read")
    }

    public var root: TapeCursor { TapeCursor(tape: self, index: 0) }

    // MARK: Reading entries

    @inline(__always)
    func kind(_ index: Int) -> Kind { entries[index].kind }

    /// The text of a string or number entry.
    func text(_ index: Int) -> String { text(entries[index]) }

    /// Whether a string entry's text equals `key` (UTF-8 bytes).
    @inline(__always)
    func keyEquals(_ entry: Entry, _ key: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if entry.flag { return Array(text(entry).utf8).elementsEqual(key) }
        guard entry.end - entry.start == key.count else { return false }
        // Byte by byte: keys are short, and a call to memcmp cost more than the compare.
        var k = 0
        while k < key.count, bytes[entry.start &+ k] == key[k] { k &+= 1 }
        return k == key.count
    }

    /// The member value of object entry `object` named `key` (first occurrence), or nil.
    /// Adapters look up a dozen fields per object: it walks the entries in place.
    func member(_ object: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int? {
        entries.withUnsafeBufferPointer { entries in
            bytes.withUnsafeBufferPointer { bytes in
                let end = entries[object].next
                var i = object + 1
                while i < end {
                    let value = i + 1
                    if keyEquals(entries[i], key, in: bytes) { return value }
                    i = entries[value].next
                }
                return nil
            }
        }
    }

    /// The text of a string or number entry.
    func text(_ entry: Entry) -> String {
        bytes.withUnsafeBufferPointer { buffer in
            let slice = UnsafeBufferPointer(rebasing: buffer[entry.start..<entry.end])
            if entry.kind == .string, entry.flag { return Self.unescape(slice) }
            return String(decoding: slice, as: UTF8.self)
        }
    }

    /// Element or member-value indexes of a container, in order.
    func children(_ container: Int) -> [Int] {
        var out: [Int] = []
        forEachChild(of: container) { out.append($0) }
        return out
    }

    /// Calls `body` with each element or member-value index of a container, in order.
    @inline(__always)
    func forEachChild(of container: Int, _ body: (Int) throws -> Void) rethrows {
        let isObject = entries[container].kind == .object
        let end = entries[container].next
        var i = container + 1
        while i < end {
            if isObject { i += 1 }
            try body(i)
            i = entries[i].next
        }
    }

    /// The field path of an entry (`ItemInfo.Title.DisplayValue`, `data[2].id`), rebuilt from
    /// the root: it is only wanted for error messages, so cursors do not carry it.
    func path(of target: Int) -> String {
        var path = ""
        var current = 0
        while current != target {
            let isObject = entries[current].kind == .object
            let end = entries[current].next
            var i = current + 1
            var index = 0
            var found = false
            while i < end {
                var keyIndex: Int?
                if isObject { keyIndex = i; i += 1 }
                if target >= i && target < entries[i].next {
                    if let keyIndex {
                        let key = text(keyIndex)
                        path = path.isEmpty ? key : path + "." + key
                    } else {
                        path += "[\(index)]"
                    }
                    current = i
                    found = true
                    break
                }
                i = entries[i].next
                index += 1
            }
            if !found { return path }
        }
        return path
    }

    /// Decodes a string's escapes (the tape validated them already).
    static func unescape(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex4(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for k in at..<(at + 4) {
                // The scanner checked the digits before the string got here.
                value = value << 4 | JSONReader.hexDigit(bytes[k])!
            }
            return value
        }
        while i < bytes.count {
            let b = bytes[i]
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            if let plain = JSONReader.shortEscape(e) {
                out.append(plain)
                continue
            }
            // The scanner let only `\u` through besides the short escapes.
            var scalar = hex4(i)
            i += 4
            if scalar >= 0xd800 && scalar < 0xdc00 {
                let low = hex4(i + 2)
                i += 6
                scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
            }
            out.appendUTF8(scalar: scalar)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// One pass over a document recording entries; the grammar checks are
/// `JSONReader`'s (its `skipValue`/`skipString`/`scanNumber`), in the same
/// order, so both accept the same documents. It only says yes or no.
struct TapeScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0
    var entries: [JSONTape.Entry] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func scanDocument() -> Bool {
        skipWhitespace()
        guard scanValue(depth: 0) else { return false }
        skipWhitespace()
        return position == bytes.count
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09 { position += 1 } else { return }
        }
    }

    mutating func scanValue(depth: Int) -> Bool {
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            if depth + 1 > maxDepth { return false }
            let me = entries.count
            entries.append(JSONTape.Entry(kind: .object, flag: false, start: position, end: position, next: 0))
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                entries[me].next = entries.count
                return true
            }
            while true {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return false }
                guard scanString() else { return false }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return false }
                position += 1
                skipWhitespace()
                guard scanValue(depth: depth + 1) else { return false }
                skipWhitespace()
                guard position < bytes.count else { return false }
                let b = bytes[position]
                if b == UInt8(ascii: ",") { position += 1; skipWhitespace(); continue }
                if b == UInt8(ascii: "}") {
                    position += 1
                    entries[me].next = entries.count
                    return true
                }
                return false
            }
        case UInt8(ascii: "["):
            if depth + 1 > maxDepth { return false }
            let me = entries.count
            entries.append(JSONTape.Entry(kind: .array, flag: false, start: position, end: position, next: 0))
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                entries[me].next = entries.count
                return true
            }
            while true {
                guard scanValue(depth: depth + 1) else { return false }
                skipWhitespace()
                guard position < bytes.count else { return false }
                let b = bytes[position]
                if b == UInt8(ascii: ",") { position += 1; skipWhitespace(); continue }
                if b == UInt8(ascii: "]") {
                    position += 1
                    entries[me].next = entries.count
                    return true
                }
                return false
            }
        case UInt8(ascii: "\""):
            return scanString()
        case UInt8(ascii: "t"):
            guard literal("true") else { return false }
            entries.append(JSONTape.Entry(kind: .bool, flag: true, start: 0, end: 0, next: entries.count + 1))
            return true
        case UInt8(ascii: "f"):
            guard literal("false") else { return false }
            entries.append(JSONTape.Entry(kind: .bool, flag: false, start: 0, end: 0, next: entries.count + 1))
            return true
        case UInt8(ascii: "n"):
            guard literal("null") else { return false }
            entries.append(JSONTape.Entry(kind: .null, flag: false, start: 0, end: 0, next: entries.count + 1))
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            guard scanNumber() else { return false }
            entries.append(JSONTape.Entry(kind: .number, flag: false, start: start, end: position, next: entries.count + 1))
            return true
        default:
            return false
        }
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        let text = word.utf8Start
        for i in 0..<count {
            guard position < bytes.count, bytes[position] == text[i] else { return false }
            position += 1
        }
        return true
    }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    mutating func scanNumber() -> Bool {
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { return false }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { return false }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { return false }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { return false }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return true
    }

    mutating func hex4() -> UInt32? {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { return nil }
            let b = bytes[position]
            guard let digit = JSONReader.hexDigit(b) else { return nil }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// ``JSONWriter/escapeMask(_:)`` with the bytes above 0x7f too: zero exactly when no byte of
    /// `word` is `"`, `\`, below 0x20 or above 0x7f, and its lowest set bit is the first that is.
    @inline(__always)
    static func specialMask(_ word: UInt64) -> UInt64 {
        word & 0x8080_8080_8080_8080 | JSONWriter.escapeMask(word)
    }

    /// A string: escapes, control characters and UTF-8 checked as `JSONReader` checks them.
    mutating func scanString() -> Bool {
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            // Eight plain bytes at a time; any quote, backslash, control or non-ASCII byte stops it,
            // and the scan goes straight to the first such byte.
            while position + 8 <= bytes.count {
                let mask = Self.specialMask(UnsafeRawPointer(bytes.baseAddress! + position).loadUnaligned(as: UInt64.self))
                if mask == 0 { position += 8; continue }
                position += mask.trailingZeroBitCount >> 3
                break
            }
            guard position < bytes.count else { break }
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                entries.append(JSONTape.Entry(kind: .string, flag: escaped, start: start, end: position, next: entries.count + 1))
                position += 1
                return true
            }
            if b < 0x20 { return false }
            if b == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard position < bytes.count else { return false }
                switch bytes[position] {
                case let e where JSONReader.shortEscape(e) != nil:
                    position += 1
                case UInt8(ascii: "u"):
                    position += 1
                    guard let scalar = hex4() else { return false }
                    if scalar >= 0xd800 && scalar < 0xdc00 {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            return false
                        }
                        position += 2
                        guard let low = hex4(), low >= 0xdc00 && low < 0xe000 else { return false }
                    } else if scalar >= 0xdc00 && scalar < 0xe000 {
                        return false
                    }
                default:
                    return false
                }
                continue
            }
            if b >= 0x80 {
                guard let length = bytes.utf8SequenceLength(at: position) else { return false }
                position += length
                continue
            }
            position += 1
        }
        return false
    }
}

/// A value of a ``JSONTape`` as adapters match on it: strings and numbers
/// are made only when asked for.
public enum TapeValue {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array
    case object
}

/// A view of one value of a ``JSONTape`` with the path that led to it, so that
/// every lookup failure can name the full field path. Optional lookups give nil
/// for a missing or null field and throw a ``JSONFieldError`` naming the path for
/// a present field of the wrong type: odd-but-wrong input is reported, not
/// silently skipped.
public struct TapeCursor {
    let tape: JSONTape
    let index: Int

    init(tape: JSONTape, index: Int) {
        self.tape = tape
        self.index = index
    }

    public var kind: JSONTape.Kind { tape.kind(index) }

    public var value: TapeValue {
        switch tape.kind(index) {
        case .null: .null
        case .bool: .bool(tape.entries[index].flag)
        case .number: .number(tape.text(index))
        case .string: .string(tape.text(index))
        case .array: .array
        case .object: .object
        }
    }

    public var isNull: Bool { kind == .null }

    /// What the value is, as error messages name it.
    public var typeName: String {
        switch kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The field path of this value, spelled out only when an error needs it.
    public var path: String { tape.path(of: index) }

    func childPath(_ key: String) -> String {
        let path = path
        return path.isEmpty ? key : "\(path).\(key)"
    }

    /// Follows a dotted path (`ItemInfo.Title.DisplayValue`). Nil when any
    /// step is missing or null; throws when a step is present but not an object.
    public func field(_ dotted: StaticString) throws -> TapeCursor? {
        try index(of: dotted).map { TapeCursor(tape: tape, index: $0) }
    }

    /// The entry a dotted path leads to, as ``field(_:)`` finds it. The typed lookups read
    /// the entry in place: making a cursor for each retained and released the tape.
    @inline(__always)
    func index(of dotted: StaticString) throws(JSONFieldError) -> Int? {
        // A literal's bytes in place: no String to retain and release per lookup.
        try lookup(UnsafeBufferPointer(start: dotted.utf8Start, count: dotted.utf8CodeUnitCount))
    }

    /// The same tape's entry `other`, as a cursor (for error messages).
    func sibling(_ other: Int) -> TapeCursor { TapeCursor(tape: tape, index: other) }

    /// The entry at a dotted path from this value, as ``field(_:)`` describes.
    func lookup(_ path: UnsafeBufferPointer<UInt8>) throws(JSONFieldError) -> Int? {
        var current = index
        var from = 0
        while true {
            var to = from
            while to < path.count, path[to] != UInt8(ascii: ".") { to += 1 }
            let kind = tape.kind(current)
            guard kind == .object else {
                if kind == .null { return nil }
                let at = tape.path(of: current)
                throw JSONFieldError(path: at.isEmpty ? "(root)" : at,
                                     reason: "expected an object, found \(TapeCursor(tape: tape, index: current).typeName)")
            }
            guard let found = tape.member(current, UnsafeBufferPointer(rebasing: path[from..<to])), tape.kind(found) != .null else {
                return nil
            }
            current = found
            if to == path.count { return found }
            from = to + 1
        }
    }

    /// A field that must be present and non-null.
    public func required(_ dotted: StaticString) throws -> TapeCursor { sibling(try requiredIndex(dotted)) }

    func requiredIndex(_ dotted: StaticString) throws -> Int {
        guard let found = try index(of: dotted) else {
            throw JSONFieldError(path: childPath(dotted.description), reason: "required field is missing")
        }
        return found
    }

    public func asString() throws -> String { try string(at: index) }

    /// The string at entry `i`.
    func string(at i: Int) throws -> String {
        guard tape.kind(i) == .string else { throw sibling(i).typeError("a string") }
        return tape.text(i)
    }

    /// An id as the platform's own digits: a JSON string, or a JSON integer kept digit for digit.
    public func asID() throws -> String { try id(at: index) }

    /// The id at entry `i`, as ``asID()`` reads it.
    func id(at i: Int) throws -> String {
        switch tape.kind(i) {
        case .string:
            let entry = tape.entries[i]
            guard entry.end > entry.start else { throw JSONFieldError(path: sibling(i).path, reason: "expected a non-empty id, found an empty string") }
            return tape.text(i)
        case .number:
            let n = tape.text(i)
            guard n.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw JSONFieldError(path: sibling(i).path, reason: "expected an integer id, found the number \(n)")
            }
            return n
        default:
            throw sibling(i).typeError("an id (string or integer)")
        }
    }

    /// `platform:id` as UTF-8 for the id ``asID()`` reads here, nil where it throws: an id without
    /// escapes is copied from the line's bytes, no String made for it.
    func idKeyBytes(platform: String) -> [UInt8]? {
        let entry = tape.entries[index]
        switch entry.kind {
        case .string where !entry.flag, .number:
            guard entry.end > entry.start else { return nil }
            return tape.bytes.withUnsafeBufferPointer { line in
                let id = UnsafeBufferPointer(rebasing: line[entry.start..<entry.end])
                if entry.kind == .number, !id.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return nil }
                return platform.withBytes { Item.keyBytes(platform: $0, itemID: id) }
            }
        default:
            return (try? asID()).map { Item.keyBytes(platform: platform, itemID: $0) }
        }
    }

    /// A number's literal text; numeric strings are accepted as platforms mix both.
    public func asNumberText() throws -> String {
        switch kind {
        case .number: return tape.text(index)
        case .string:
            let s = tape.text(index)
            guard JSONReader.isNumberLiteral(s) else { throw typeError("a number") }
            return s
        default: throw typeError("a number")
        }
    }

    public func asObject() throws -> TapeCursor {
        guard kind == .object else { throw typeError("an object") }
        return self
    }

    public func asArray() throws -> [TapeCursor] {
        guard kind == .array else { throw typeError("an array") }
        var elements: [TapeCursor] = []
        tape.forEachChild(of: index) { elements.append(TapeCursor(tape: tape, index: $0)) }
        return elements
    }

    /// An object's members in order, with their keys.
    public func members() -> [(key: String, value: TapeCursor)] {
        guard kind == .object else { return [] }
        return tape.children(index).map { (tape.text($0 - 1), TapeCursor(tape: tape, index: $0)) }
    }

    public func typeError(_ expected: String) -> JSONFieldError {
        let path = path
        return JSONFieldError(path: path.isEmpty ? "(root)" : path, reason: "expected \(expected), found \(typeName)")
    }

    // Optional typed lookups: nil when missing or null, throw on a wrong type.

    public func string(_ dotted: StaticString) throws -> String? { try index(of: dotted).map { try string(at: $0) } }
    public func id(_ dotted: StaticString) throws -> String? { try index(of: dotted).map { try id(at: $0) } }
    public func numberText(_ dotted: StaticString) throws -> String? { try field(dotted)?.asNumberText() }
    public func object(_ dotted: StaticString) throws -> TapeCursor? { try field(dotted)?.asObject() }
    public func array(_ dotted: StaticString) throws -> [TapeCursor] { try field(dotted)?.asArray() ?? [] }

    /// Calls `body` with each element of the array at `dotted` (none when it is absent), as
    /// ``array(_:)`` lists them, without making the list.
    public func forEach(in dotted: StaticString, _ body: (TapeCursor) throws -> Void) throws {
        guard let i = try index(of: dotted) else { return }
        guard tape.kind(i) == .array else { throw sibling(i).typeError("an array") }
        try tape.forEachChild(of: i) { try body(sibling($0)) }
    }

    /// Calls `body` with each string of the array at `dotted`, as ``strings(_:)`` reads them, without
    /// making the list; a non-string element throws after the strings before it were passed.
    public func forEachString(in dotted: StaticString, _ body: (String) throws -> Void) throws {
        guard let array = try index(of: dotted) else { return }
        guard tape.kind(array) == .array else { throw sibling(array).typeError("an array") }
        try tape.forEachChild(of: array) { try body(try string(at: $0)) }
    }

    /// An array of strings (`tags[]`); a non-string element is an error naming its index.
    public func strings(_ dotted: StaticString) throws -> [String] {
        guard let array = try index(of: dotted) else { return [] }
        guard tape.kind(array) == .array else { throw sibling(array).typeError("an array") }
        var strings: [String] = []
        try tape.forEachChild(of: array) { strings.append(try string(at: $0)) }
        return strings
    }

    public func requiredString(_ dotted: StaticString) throws -> String { try string(at: requiredIndex(dotted)) }
    public func requiredID(_ dotted: StaticString) throws -> String { try id(at: requiredIndex(dotted)) }
}
