#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain text from HTML and entity-laden text: tags stripped (block tags
/// become line breaks, `<script>`/`<style>` bodies dropped), entities
/// decoded, runs of blank space collapsed.
public enum HTMLText {
    /// Strips tags and decodes entities. A `<` not followed by a letter, `/`
    /// or `!` is text (`I <3 it`), not a tag.
    public static func plainText(fromHTML html: String) -> String {
        html.withBytes { bytes -> String in
            let hasTag = firstIndex(of: UInt8(ascii: "<"), in: bytes, from: 0) != nil
            guard hasTag || firstIndex(of: UInt8(ascii: "&"), in: bytes, from: 0) != nil else {
                return collapseWhitespace(html)
            }
            // No tag: the text is its own stripped form (not copied to be stripped).
            guard hasTag else { return decodedAndCollapsed(bytes) }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = 0
            while i < bytes.count {
                // Text up to the next '<' as one run.
                let lt = firstIndex(of: UInt8(ascii: "<"), in: bytes, from: i) ?? bytes.count
                if lt > i {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<lt]))
                    i = lt
                    continue
                }
                let b = bytes[i]
                if b == UInt8(ascii: "<"), i + 1 < bytes.count, isTagStart(bytes[i + 1]) {
                    guard let close = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: ">")) else {
                        out.append(contentsOf: bytes[i...])
                        break
                    }
                    let tag = Tag(bytes, from: i + 1, to: close)
                    if tag == .script || tag == .style {
                        // Skip to the matching closing tag.
                        let closing: StaticString = tag == .script ? "</script" : "</style"
                        let closingCount = closing.utf8CodeUnitCount
                        var j = close + 1
                        var found = bytes.count
                        while j + closingCount <= bytes.count {
                            if lowercasedEquals(bytes, j, closing) { found = j; break }
                            j += 1
                        }
                        i = found < bytes.count ? (bytes[found...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count - 1) + 1 : bytes.count
                        continue
                    }
                    if tag.isBlock {
                        out.append(0x0a)
                    } else if !tag.isInline, !out.isEmpty, out.last != 0x20 {
                        out.append(0x20)
                    }
                    i = close + 1
                    continue
                }
                out.append(b)
                i += 1
            }
            // Tags end on ASCII bytes, so `out` is UTF-8 as valid as `html`: the next steps work on it in place.
            return out.withUnsafeBufferPointer(decodedAndCollapsed)
        }
    }

    /// Text with tags stripped (valid UTF-8), with entities decoded and white space collapsed.
    static func decodedAndCollapsed(_ stripped: UnsafeBufferPointer<UInt8>) -> String {
        // No entity: collapsed as it is (not copied to be decoded).
        if firstIndex(of: UInt8(ascii: "&"), in: stripped, from: 0) == nil { return collapsedString(stripped) }
        if let decoded = decodeEntitiesASCII(stripped) {
            return decoded.withUnsafeBufferPointer { collapsedString($0) }
        }
        return collapseWhitespace(decodeEntities(String(decoding: stripped, as: UTF8.self)))
    }

    /// A tag's name, for the few names that matter: the lower-cased bytes of a name of up to
    /// eight letters and digits packed in an integer (a leading `/` kept), zero for any other.
    struct Tag: Equatable {
        let packed: UInt64

        init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
            var packed: UInt64 = 0
            var length = 0
            var i = start
            if i < end, bytes[i] == UInt8(ascii: "/") { packed = UInt64(UInt8(ascii: "/")); length = 1; i += 1 }
            while i < end {
                let b = bytes[i] | 0x20
                guard (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (bytes[i] >= 0x30 && bytes[i] <= 0x39) else { break }
                guard length < 8 else { packed = 0; break }
                packed |= UInt64(b) << (8 * UInt64(length))
                length += 1
                i += 1
            }
            self.packed = packed
        }

        static let script = Tag(packing: "script")
        static let style = Tag(packing: "style")
        static let block: [Tag] = HTMLText.blockTags.map { Tag(packing: $0) }
        static let inline: [Tag] = HTMLText.inlineTags.map { Tag(packing: $0) }

        init(packing name: String) {
            var packed: UInt64 = 0
            for (k, b) in name.utf8.enumerated() { packed |= UInt64(b) << (8 * UInt64(k)) }
            self.packed = packed
        }

        var isBlock: Bool { packed != 0 && Tag.block.contains(self) }

        /// An inline tag, opening or closing.
        var isInline: Bool {
            let bare = packed & 0xff == UInt64(UInt8(ascii: "/")) ? Tag(packed: packed >> 8) : self
            return bare.packed != 0 && Tag.inline.contains(bare)
        }

        private init(packed: UInt64) { self.packed = packed }
    }

    /// The first `byte` at or after `start` (memchr).
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    static let blockTags: Set<String> = ["br", "p", "/p", "div", "/div", "li", "/li", "ul", "/ul", "ol", "/ol", "tr", "/tr",
                                         "h1", "h2", "h3", "h4", "h5", "h6", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "table", "/table"]

    /// Tags inside a run of text: removing them must not split words (`<b>S</b>antos`).
    static let inlineTags: Set<String> = ["b", "strong", "i", "em", "u", "span", "a", "small", "sup", "sub", "font", "mark", "s", "abbr", "code"]

    static func isTagStart(_ b: UInt8) -> Bool {
        (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || b == UInt8(ascii: "/") || b == UInt8(ascii: "!")
    }

    static func lowercasedEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int, _ pattern: StaticString) -> Bool {
        for k in 0..<pattern.utf8CodeUnitCount where bytes[at + k] | 0x20 != pattern.utf8Start[k] | 0x20 { return false }
        return true
    }

    /// Decodes named (`&amp;`, `&nbsp;`, ...) and numeric (`&#39;`, `&#x1F600;`) entities; unknown ones stay as written.
    public static func decodeEntities(_ text: String) -> String {
        enum OnBytes {
            case nothingToDecode
            case decoded(String)
            case notASCII
        }
        let onBytes = text.withBytes { bytes -> OnBytes in
            guard firstIndex(of: UInt8(ascii: "&"), in: bytes, from: 0) != nil else { return .nothingToDecode }
            guard let decoded = decodeEntitiesASCII(bytes) else { return .notASCII }
            return .decoded(String(decoding: decoded, as: UTF8.self))
        }
        switch onBytes {
        case .nothingToDecode: return text
        case .decoded(let decoded): return decoded
        case .notASCII: break
        }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let name = after[..<semi]
                if let decoded = decodeEntity(name) {
                    out += decoded
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        out += rest
        return out
    }

    /// The bytes with entities decoded when they are ASCII without CR (where a byte is a
    /// Character); nil for other text, which takes the Character-based path.
    static func decodeEntitiesASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard isOneCharacterPerByte(bytes) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            // Text up to the next '&' as one run.
            let amp = firstIndex(of: UInt8(ascii: "&"), in: bytes, from: i) ?? bytes.count
            if amp > i {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<amp]))
                i = amp
                continue
            }
            let b = bytes[i]
            let after = i + 1
            let window = min(after + 12, bytes.count)
            if let semi = bytes[after..<window].firstIndex(of: UInt8(ascii: ";")) {
                let name = UnsafeBufferPointer(rebasing: bytes[after..<semi])
                if let common = commonEntity(name) {
                    out.append(contentsOf: common)
                    i = semi + 1
                    continue
                }
                if let decoded = decodeEntity(Substring(String(decoding: name, as: UTF8.self))) {
                    out.append(contentsOf: decoded.utf8)
                    i = semi + 1
                    continue
                }
            }
            out.append(b)
            i = after
        }
        return out
    }

    /// `amp`, `lt`, `gt`, `quot`, `apos` and `nbsp` as `namedEntities` decodes them, without a lookup.
    static func commonEntity(_ name: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        func equals(_ word: StaticString) -> Bool {
            name.elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
        }
        switch name.count {
        case 2: return equals("lt") ? commonEntities.lt : equals("gt") ? commonEntities.gt : nil
        case 3: return equals("amp") ? commonEntities.amp : nil
        case 4: return equals("quot") ? commonEntities.quot : equals("apos") ? commonEntities.apos : equals("nbsp") ? commonEntities.nbsp : nil
        default: return nil
        }
    }

    static let commonEntities = (
        amp: Array(namedEntities["amp"]!.utf8), lt: Array(namedEntities["lt"]!.utf8), gt: Array(namedEntities["gt"]!.utf8),
        quot: Array(namedEntities["quot"]!.utf8), apos: Array(namedEntities["apos"]!.utf8), nbsp: Array(namedEntities["nbsp"]!.utf8))

    static func decodeEntity(_ name: Substring) -> String? {
        if name.first == "#" {
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return String(Character(scalar))
        }
        return namedEntities[String(name)]
    }

    static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ",
        "copy": "©", "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–",
        "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "deg": "°", "times": "×", "middot": "·",
        "bull": "•", "eacute": "é", "egrave": "è", "agrave": "à", "ccedil": "ç", "uuml": "ü", "ouml": "ö", "auml": "ä",
        "szlig": "ß", "ntilde": "ñ", "iexcl": "¡", "iquest": "¿", "sect": "§", "para": "¶", "shy": "",
    ]

    /// Collapses runs of spaces/tabs to one space and of blank lines to one line break; trims the ends.
    public static func collapseWhitespace(_ text: String) -> String {
        text.withBytes { bytes in
            isCollapsed(bytes) ? text : collapsedString(bytes)
        }
    }

    /// `collapseWhitespace` of UTF-8 bytes.
    static func collapsedString(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if isCollapsed(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        var pendingNewline = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0a || b == 0x0d {
                pendingNewline = true
                i += 1
                continue
            }
            if b == 0x20 || b == 0x09 {
                pendingSpace = true
                i += 1
                continue
            }
            if b == 0xc2, i + 1 < bytes.count, bytes[i + 1] == 0xa0 {
                pendingSpace = true
                i += 2
                continue
            }
            if !out.isEmpty {
                if pendingNewline { out.append(0x0a) } else if pendingSpace { out.append(0x20) }
            }
            pendingSpace = false
            pendingNewline = false
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether collapsing would give `text` back: no tab, CR, line feed or no-break space,
    /// no double space, no space at either end.
    static func isCollapsed(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard utf8.first != 0x20, utf8.last != 0x20 else { return false }
        var previous: UInt8 = 0
        for b in utf8 {
            if b == 0x09 || b == 0x0a || b == 0x0d || (b == 0x20 && previous == 0x20) || (b == 0xa0 && previous == 0xc2) { return false }
            previous = b
        }
        return true
    }

    static func collapseWhitespaceScalars(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        var pendingNewline = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\r":
                pendingNewline = true
            case " ", "\t", "\u{a0}":
                pendingSpace = true
            default:
                if !out.isEmpty {
                    if pendingNewline { out.unicodeScalars.append("\n") } else if pendingSpace { out.unicodeScalars.append(" ") }
                }
                pendingSpace = false
                pendingNewline = false
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
