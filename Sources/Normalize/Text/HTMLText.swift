/// Plain text from HTML and entity-laden text: tags stripped (block tags
/// become line breaks, `<script>`/`<style>` bodies dropped), entities
/// decoded, runs of blank space collapsed.
public enum HTMLText {
    /// Strips tags and decodes entities. A `<` not followed by a letter, `/`
    /// or `!` is text (`I <3 it`), not a tag.
    public static func plainText(fromHTML html: String) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return collapseWhitespace(html)
        }
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "<"), i + 1 < bytes.count, isTagStart(bytes[i + 1]) {
                guard let close = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: ">")) else {
                    out.append(contentsOf: bytes[i...])
                    break
                }
                let name = tagName(bytes, from: i + 1, to: close)
                if name == "script" || name == "style" {
                    // Skip to the matching closing tag.
                    let closing = Array("</\(name)".utf8)
                    var j = close + 1
                    var found = bytes.count
                    while j + closing.count <= bytes.count {
                        if lowercasedEquals(bytes, j, closing) { found = j; break }
                        j += 1
                    }
                    i = found < bytes.count ? (bytes[found...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count - 1) + 1 : bytes.count
                    continue
                }
                let bare = name.hasPrefix("/") ? String(name.dropFirst()) : name
                if blockTags.contains(name) {
                    out.append(0x0a)
                } else if !inlineTags.contains(bare), !out.isEmpty, out.last != 0x20 {
                    out.append(0x20)
                }
                i = close + 1
                continue
            }
            out.append(b)
            i += 1
        }
        return collapseWhitespace(decodeEntities(String(decoding: out, as: UTF8.self)))
    }

    static let blockTags: Set<String> = ["br", "p", "/p", "div", "/div", "li", "/li", "ul", "/ul", "ol", "/ol", "tr", "/tr",
                                         "h1", "h2", "h3", "h4", "h5", "h6", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6", "table", "/table"]

    /// Tags inside a run of text: removing them must not split words (`<b>S</b>antos`).
    static let inlineTags: Set<String> = ["b", "strong", "i", "em", "u", "span", "a", "small", "sup", "sub", "font", "mark", "s", "abbr", "code"]

    static func isTagStart(_ b: UInt8) -> Bool {
        (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") || b == UInt8(ascii: "/") || b == UInt8(ascii: "!")
    }

    static func tagName(_ bytes: [UInt8], from start: Int, to end: Int) -> String {
        var name: [UInt8] = []
        var i = start
        if i < end, bytes[i] == UInt8(ascii: "/") { name.append(UInt8(ascii: "/")); i += 1 }
        while i < end {
            let b = bytes[i] | 0x20
            guard (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (bytes[i] >= 0x30 && bytes[i] <= 0x39) else { break }
            name.append(b)
            i += 1
        }
        return String(decoding: name, as: UTF8.self)
    }

    static func lowercasedEquals(_ bytes: [UInt8], _ at: Int, _ pattern: [UInt8]) -> Bool {
        for k in 0..<pattern.count where bytes[at + k] | 0x20 != pattern[k] | 0x20 { return false }
        return true
    }

    /// Decodes named (`&amp;`, `&nbsp;`, ...) and numeric (`&#39;`, `&#x1F600;`) entities; unknown ones stay as written.
    public static func decodeEntities(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0d }) {
            let bytes = Array(text.utf8)
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                guard b == UInt8(ascii: "&") else {
                    out.append(b)
                    i += 1
                    continue
                }
                let after = i + 1
                let window = min(after + 12, bytes.count)
                if let semi = bytes[after..<window].firstIndex(of: UInt8(ascii: ";")),
                   let decoded = decodeEntity(Substring(String(decoding: bytes[after..<semi], as: UTF8.self))) {
                    out.append(contentsOf: decoded.utf8)
                    i = semi + 1
                    continue
                }
                out.append(b)
                i = after
            }
            return String(decoding: out, as: UTF8.self)
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
        if isCollapsed(text) { return text }
        var text = text
        return text.withUTF8 { bytes in
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
    }

    /// Whether collapsing would give `text` back: no tab, CR, line feed or no-break space,
    /// no double space, no space at either end.
    static func isCollapsed(_ text: String) -> Bool {
        let utf8 = text.utf8
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
