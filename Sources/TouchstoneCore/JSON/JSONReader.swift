/// Why a document is not JSON: the byte offset (0-based) and what was expected there.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var expected: String
    /// A short rendering of what was found instead (`'x'`, `end of input`, `byte 0xff`).
    public var found: String

    public init(offset: Int, expected: String, found: String) {
        self.offset = offset
        self.expected = expected
        self.found = found
    }

    public var description: String { "not JSON at byte \(offset): expected \(expected), found \(found)" }
}

/// A strict RFC 8259 reader that keeps numbers as their literal text and
/// object members in order. It validates UTF-8 inside strings, rejects
/// control characters, lone surrogates in `\u` escapes, trailing bytes, and
/// documents deeper or larger than its limits.
///
/// ```swift
/// let value = try JSONReader.parse(Array(#"{"id": 7390912345678901234}"#.utf8))
/// value["id"] // .number("7390912345678901234")
/// ```
public struct JSONReader: Sendable {
    public var maxDepth: Int
    public var maxBytes: Int

    public init(maxDepth: Int = 128, maxBytes: Int = 16 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try JSONReader().parse(bytes)
    }

    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            parseResult(buffer)
        }
        return try result.get()
    }

    public func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        try parseResult(buffer).get()
    }

    func parseResult(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
        if buffer.count > maxBytes {
            return .failure(JSONParseError(offset: maxBytes, expected: "a document of at most \(maxBytes) bytes", found: "\(buffer.count) bytes"))
        }
        var parser = Parser(bytes: buffer, maxDepth: maxDepth)
        do throws(JSONParseError) {
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            if parser.position < buffer.count {
                throw parser.error("end of input")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    /// Whether `text` is a JSON number literal (`-12.5e3`).
    public static func isNumberLiteral(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { buffer in
            var parser = Parser(bytes: buffer, maxDepth: 1)
            guard (try? parser.scanNumber()) != nil else { return false }
            return parser.position == buffer.count
        }
    }
}

struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    func error(_ expected: String, at offset: Int? = nil) -> JSONParseError {
        let at = offset ?? position
        let found: String
        if at >= bytes.count {
            found = "end of input"
        } else {
            let b = bytes[at]
            if b >= 0x20 && b < 0x7f {
                found = "'\(Character(Unicode.Scalar(b)))'"
            } else {
                found = "byte 0x\(String(b, radix: 16, uppercase: false))"
            }
        }
        return JSONParseError(offset: at, expected: expected, found: found)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            let b = bytes[position]
            if b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09 { position += 1 } else { return }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw error("a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            try scanNumber()
            return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        default:
            throw error("a value (object, array, string, number, true, false or null)")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let start = position
        let count = word.utf8CodeUnitCount
        let text = word.utf8Start
        for i in 0..<count {
            guard position < bytes.count, bytes[position] == text[i] else {
                throw error("'\(word)'", at: position < bytes.count ? start : position)
            }
            position += 1
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw error("nesting of at most \(maxDepth) levels") }
        position += 1 // {
        skipWhitespace()
        var members: [JSONMember] = []
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject(members))
        }
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error(members.isEmpty ? "'\"' starting a member name or '}'" : "'\"' starting a member name")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("':' after a member name") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(JSONMember(key: key, value: value))
            skipWhitespace()
            guard position < bytes.count else { throw error("',' or '}'") }
            let b = bytes[position]
            position += 1
            if b == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if b == UInt8(ascii: "}") { return .object(JSONObject(members)) }
            position -= 1
            throw error("',' or '}'")
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw error("nesting of at most \(maxDepth) levels") }
        position += 1 // [
        skipWhitespace()
        var items: [JSONValue] = []
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw error("',' or ']'") }
            let b = bytes[position]
            position += 1
            if b == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if b == UInt8(ascii: "]") { return .array(items) }
            position -= 1
            throw error("',' or ']'")
        }
    }

    /// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    mutating func scanNumber() throws(JSONParseError) {
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("a digit") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { throw error("'.', 'e' or the end of the number after a leading 0") }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("a digit after '.'") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("a digit in the exponent") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
    }

    @inline(__always)
    func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    mutating func parseString() throws(JSONParseError) -> String {
        position += 1 // opening quote
        let start = position
        // Fast path: no escapes, so the string is a slice of the input.
        var asciiOnly = true
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if asciiOnly { return String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw invalidUTF8(in: start..<(position - 1))
                }
                return text
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("a string character (control characters must be escaped)") }
            if b >= 0x80 { asciiOnly = false }
            position += 1
        }
        guard position < bytes.count else { throw error("'\"' closing the string started at byte \(start - 1)") }
        return try parseEscapedString(from: start)
    }

    func invalidUTF8(in range: Range<Int>) -> JSONParseError {
        // Find the first bad byte for a precise offset.
        var i = range.lowerBound
        while i < range.upperBound {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00..<0x80: length = 1
            case 0xc2...0xdf: length = 2
            case 0xe0...0xef: length = 3
            case 0xf0...0xf4: length = 4
            default: return error("valid UTF-8", at: i)
            }
            if i + length > range.upperBound { return error("valid UTF-8", at: i) }
            let slice = UnsafeBufferPointer(rebasing: bytes[i..<(i + length)])
            if String(validating: slice, as: UTF8.self) == nil { return error("valid UTF-8", at: i) }
            i += length
        }
        return error("valid UTF-8", at: range.lowerBound)
    }

    mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                guard let text = String(validating: scratch, as: UTF8.self) else {
                    throw invalidUTF8(in: start..<(position - 1))
                }
                return text
            }
            if b < 0x20 { throw error("a string character (control characters must be escaped)") }
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { break }
            let e = bytes[position]
            position += 1
            if let plain = JSONReader.shortEscape(e) {
                scratch.append(plain)
                continue
            }
            switch e {
            case UInt8(ascii: "u"):
                let escapeStart = position - 2
                var scalar = try hex4()
                if scalar >= 0xd800 && scalar < 0xdc00 {
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw error("a \\u low surrogate after the high surrogate at byte \(escapeStart)")
                    }
                    position += 2
                    let low = try hex4()
                    guard low >= 0xdc00 && low < 0xe000 else { throw error("a low surrogate (\\uDC00-\\uDFFF)", at: position - 6) }
                    scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                } else if scalar >= 0xdc00 && scalar < 0xe000 {
                    throw error("a \\u escape that is not a lone low surrogate", at: escapeStart)
                }
                scratch.appendUTF8(scalar: scalar)
            default:
                position -= 1
                throw error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
            }
        }
        throw error("'\"' closing the string started at byte \(start - 1)")
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw error("4 hex digits after \\u") }
            let b = bytes[position]
            guard let digit = JSONReader.hexDigit(b) else { throw error("4 hex digits after \\u") }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}

extension JSONReader {
    /// The kind of top-level value a valid document holds.
    public enum TopLevel: Sendable { case object, array, scalar }

    /// Checks that `buffer` is one valid JSON document (strictly, as ``parse(_:)`` does)
    /// without building it: several times faster, for gatekeeping lines that
    /// are parsed later. UTF-8 is validated too.
    public func validate(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> TopLevel {
        if buffer.count > maxBytes {
            throw JSONParseError(offset: maxBytes, expected: "a document of at most \(maxBytes) bytes", found: "\(buffer.count) bytes")
        }
        var parser = Parser(bytes: buffer, maxDepth: maxDepth)
        parser.skipWhitespace()
        let first = parser.position < buffer.count ? buffer[parser.position] : 0
        try parser.skipValue(depth: 0)
        parser.skipWhitespace()
        if parser.position < buffer.count { throw parser.error("end of input") }
        switch first {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        default: return .scalar
        }
    }

    public func validate(_ bytes: [UInt8]) throws(JSONParseError) -> TopLevel {
        let result: Result<TopLevel, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) { return .success(try validate(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

extension Parser {
    mutating func skipValue(depth: Int) throws(JSONParseError) {
        guard position < bytes.count else { throw error("a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            if depth + 1 > maxDepth { throw error("nesting of at most \(maxDepth) levels") }
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return }
            var first = true
            while true {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw error(first ? "'\"' starting a member name or '}'" : "'\"' starting a member name")
                }
                first = false
                try skipString()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("':' after a member name") }
                position += 1
                skipWhitespace()
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard position < bytes.count else { throw error("',' or '}'") }
                let b = bytes[position]
                if b == UInt8(ascii: ",") { position += 1; skipWhitespace(); continue }
                if b == UInt8(ascii: "}") { position += 1; return }
                throw error("',' or '}'")
            }
        case UInt8(ascii: "["):
            if depth + 1 > maxDepth { throw error("nesting of at most \(maxDepth) levels") }
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard position < bytes.count else { throw error("',' or ']'") }
                let b = bytes[position]
                if b == UInt8(ascii: ",") { position += 1; skipWhitespace(); continue }
                if b == UInt8(ascii: "]") { position += 1; return }
                throw error("',' or ']'")
            }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
        default: throw error("a value (object, array, string, number, true, false or null)")
        }
    }

    /// Skips a string, checking escapes, control characters and UTF-8.
    mutating func skipString() throws(JSONParseError) {
        position += 1
        let start = position
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") { position += 1; return }
            if b < 0x20 { throw error("a string character (control characters must be escaped)") }
            if b == UInt8(ascii: "\\") {
                position += 1
                guard position < bytes.count else { break }
                switch bytes[position] {
                case let e where JSONReader.shortEscape(e) != nil:
                    position += 1
                case UInt8(ascii: "u"):
                    let escapeStart = position - 1
                    position += 1
                    let scalar = try hex4()
                    if scalar >= 0xd800 && scalar < 0xdc00 {
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("a \\u low surrogate after the high surrogate at byte \(escapeStart)")
                        }
                        position += 2
                        let low = try hex4()
                        guard low >= 0xdc00 && low < 0xe000 else { throw error("a low surrogate (\\uDC00-\\uDFFF)", at: position - 6) }
                    } else if scalar >= 0xdc00 && scalar < 0xe000 {
                        throw error("a \\u escape that is not a lone low surrogate", at: escapeStart)
                    }
                default:
                    throw error("an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
                }
                continue
            }
            if b >= 0x80 {
                guard let length = bytes.utf8SequenceLength(at: position) else { throw error("valid UTF-8") }
                position += length
                continue
            }
            position += 1
        }
        throw error("'\"' closing the string started at byte \(start - 1)")
    }
}

extension Array where Element == UInt8 {
    /// Appends the UTF-8 bytes of a Unicode scalar value the caller has already checked.
    @inlinable
    public mutating func appendUTF8(scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            append(UInt8(scalar))
        case 0x80..<0x800:
            append(UInt8(0xc0 | (scalar >> 6)))
            append(UInt8(0x80 | (scalar & 0x3f)))
        case 0x800..<0x10000:
            append(UInt8(0xe0 | (scalar >> 12)))
            append(UInt8(0x80 | ((scalar >> 6) & 0x3f)))
            append(UInt8(0x80 | (scalar & 0x3f)))
        default:
            append(UInt8(0xf0 | (scalar >> 18)))
            append(UInt8(0x80 | ((scalar >> 12) & 0x3f)))
            append(UInt8(0x80 | ((scalar >> 6) & 0x3f)))
            append(UInt8(0x80 | (scalar & 0x3f)))
        }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The length (2 to 4) of the well-formed UTF-8 sequence that starts with the non-ASCII
    /// byte at `position`; nil when it is not one: a stray continuation byte, an overlong
    /// form, a surrogate, a value past U+10FFFF, or bytes that end too soon.
    @inlinable
    public func utf8SequenceLength(at position: Int) -> Int? {
        let length: Int
        let minimum: UInt32
        var scalar: UInt32
        switch self[position] {
        case let b where b >= 0xc2 && b <= 0xdf: length = 2; scalar = UInt32(b & 0x1f); minimum = 0x80
        case let b where b >= 0xe0 && b <= 0xef: length = 3; scalar = UInt32(b & 0x0f); minimum = 0x800
        case let b where b >= 0xf0 && b <= 0xf4: length = 4; scalar = UInt32(b & 0x07); minimum = 0x10000
        default: return nil
        }
        guard position + length <= count else { return nil }
        for k in 1..<length {
            let c = self[position + k]
            guard c & 0xc0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(c & 0x3f)
        }
        guard scalar >= minimum, scalar <= 0x10ffff, !(scalar >= 0xd800 && scalar < 0xe000) else { return nil }
        return length
    }
}

extension JSONReader {
    /// The byte a one-character escape stands for (`n` a newline, `"` a quote, ...);
    /// nil for `u` and for anything that is not an escape.
    @inlinable
    public static func shortEscape(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): e
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0c
        case UInt8(ascii: "n"): 0x0a
        case UInt8(ascii: "r"): 0x0d
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// The value of one hex digit of a `\u` escape, either case; nil for any other byte.
    @inlinable
    public static func hexDigit(_ b: UInt8) -> UInt32? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - 0x30)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - 0x61 + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - 0x41 + 10)
        default: nil
        }
    }
}
