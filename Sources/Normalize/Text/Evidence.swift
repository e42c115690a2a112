import TouchstoneCore

/// Collects what an item points at — links (with their product ids),
/// hashtags, mentions and contacts — from every text and field of a native
/// object, without duplicates and in the order found.
public struct Evidence: Sendable {
    public private(set) var links: [Link] = []
    public private(set) var hashtags: [String] = []
    public private(set) var mentions: [String] = []
    public private(set) var contacts: [Contact] = []
    /// ISO 3166 alpha-2 country of the item (seller location, region), used to put national phone numbers in E.164.
    public var country: String?

    private var seenLinks = SeenSet<String>()
    private var seenTags = SeenSet<String>()
    private var seenMentions = SeenSet<String>()
    private var seenContacts = SeenSet<Contact>()

    public init(country: String? = nil) {
        self.country = country?.uppercased()
    }

    // MARK: Adding fields

    /// A URL from a structured field (entities, website, outbound link).
    public mutating func addLink(_ raw: String, foundIn: String) {
        let url = raw.trimmingSpaces()
        guard !url.isEmpty else { return }
        let key = foundIn + " " + url
        guard seenLinks.insert(key).inserted else { return }
        guard let parsed = ProductLinks.parse(url) else {
            links.append(Link(url: url, foundIn: foundIn))
            return
        }
        links.append(Link(url: url, foundIn: foundIn, products: ProductLinks.products(in: parsed)))
        addContacts(from: parsed)
    }

    public mutating func addHashtag(_ raw: String) {
        var tag = raw.trimmingSpaces()
        if tag.hasPrefix("#") { tag.removeFirst() }
        guard !tag.isEmpty, seenTags.insert(tag.lowercased()).inserted else { return }
        hashtags.append(tag)
    }

    public mutating func addMention(_ raw: String) {
        var handle = raw.trimmingSpaces()
        if handle.hasPrefix("@") { handle.removeFirst() }
        guard !handle.isEmpty, seenMentions.insert(handle.lowercased()).inserted else { return }
        mentions.append(handle)
    }

    public mutating func addContact(_ kind: Contact.Kind, _ value: String) {
        guard !value.isEmpty else { return }
        let contact = Contact(kind: kind, value: value)
        if seenContacts.insert(contact).inserted { contacts.append(contact) }
    }

    // MARK: Free text

    /// Finds links, hashtags, mentions, e-mails, phone numbers and messenger
    /// handles in free text (captions, descriptions, bios).
    public mutating func scan(_ text: String, foundIn: String) {
        guard !text.isEmpty else { return }
        let scalars = Array(text.unicodeScalars)
        scanHashtags(scalars)
        scanTokens(scalars, foundIn: foundIn)
        scanPhones(scalars)
    }

    mutating func scanHashtags(_ s: [Unicode.Scalar]) {
        var i = 0
        while i < s.count {
            if (s[i] == "#" || s[i] == "＃"), i + 1 < s.count, isWordScalar(s[i + 1]), i == 0 || !isWordScalar(s[i - 1]) && s[i - 1] != "&" && s[i - 1] != "/" {
                var j = i + 1
                while j < s.count, isWordScalar(s[j]) { j += 1 }
                let text = string(s, (i + 1)..<j)
                // `#1`, `#2024` are numbers, not hashtags.
                if !text.unicodeScalars.allSatisfy({ $0.value < 0x80 ? ($0.value >= 0x30 && $0.value <= 0x39) : $0.properties.numericType != nil }) {
                    addHashtag(text)
                }
                i = j
            } else {
                i += 1
            }
        }
    }

    mutating func scanTokens(_ s: [Unicode.Scalar]) { scanTokens(s, foundIn: "text") }

    mutating func scanTokens(_ s: [Unicode.Scalar], foundIn: String) {
        var previousRange: Range<Int>?
        /// The token before the current one, lower-cased (for `telegram: @handle`).
        func previousToken() -> String {
            guard let previousRange, previousRange.count <= 12 else { return "" }
            return string(s, previousRange).lowercased()
        }
        var i = 0
        while i < s.count {
            while i < s.count, isSeparator(s[i]) { i += 1 }
            let start = i
            while i < s.count, !isSeparator(s[i]) { i += 1 }
            guard start < i else { break }
            // Only a token with '@', '.' or '/' can be a link, e-mail, mention or handle.
            var interesting = false
            // A '.' only counts inside the token (`amzn.to`), not as a sentence's full stop.
            for k in start..<i where s[k] == "@" || s[k] == "/" || (s[k] == "." && k + 1 < i && isWordScalar(s[k + 1])) {
                interesting = true
                break
            }
            defer { previousRange = start..<i }
            guard interesting else { continue }
            let raw = string(s, start..<i)
            let trimmed = raw.trimmingPunctuation()
            guard !trimmed.isEmpty else { continue }
            let lower = trimmed.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www.") || looksLikeDomainPath(trimmed) {
                addLink(trimmed, foundIn: foundIn)
                continue
            }
            if trimmed.hasPrefix("@") {
                let handle = String(trimmed.dropFirst().prefix { isHandleCharacter($0) }).trimmingTrailingDots()
                guard !handle.isEmpty else { continue }
                let previous = previousToken().trimmingPunctuation()
                if previous == "telegram" || previous == "tg" || previous.hasSuffix("telegram") {
                    addContact(.telegram, handle.lowercased())
                } else {
                    addMention(handle)
                }
                continue
            }
            if let email = Evidence.email(in: trimmed) {
                addContact(.email, email)
                continue
            }
        }
    }

    mutating func scanPhones(_ s: [Unicode.Scalar]) {
        var i = 0
        while i < s.count {
            let c = s[i]
            let startsNumber = c == "+" || c == "(" || isASCIIDigit(c)
            guard startsNumber, i == 0 || !(isWordScalar(s[i - 1]) || s[i - 1] == "/" || s[i - 1] == "=" || s[i - 1] == "." || s[i - 1] == "$" || s[i - 1] == "€" || s[i - 1] == "£") else {
                i += 1
                continue
            }
            var j = i
            var digitCount = 0
            var separators = 0
            if s[j] == "+" { j += 1 }
            let digitsStart = j
            while j < s.count {
                let d = s[j]
                if isASCIIDigit(d) {
                    digitCount += 1
                } else if d == " " || d == "-" || d == "." || d == "(" || d == ")" {
                    // A separator followed by something that is not a digit or '(' ends the number.
                    if j + 1 < s.count, !(isASCIIDigit(s[j + 1]) || s[j + 1] == "(" || (d == ")" && s[j + 1] == " ")) { break }
                    separators += 1
                } else {
                    break
                }
                j += 1
            }
            defer { i = max(j, i + 1) }
            // A number glued to letters (`12345abc`) is not a phone number.
            if j < s.count, isWordScalar(s[j]) { continue }
            guard digitCount >= 7, digitCount <= 15 else { continue }
            var digits = ""
            for k in digitsStart..<j where isASCIIDigit(s[k]) { digits.unicodeScalars.append(s[k]) }
            let context = contextBefore(s, i)
            let messenger = containsWord(context, "whatsapp") || context.hasSuffix("wa:") || context.hasSuffix("wa")
            let keyword = messenger || Self.phoneKeywords.contains { containsWord(context, $0) }
            let value: String?
            if c == "+" {
                value = digits.count >= 8 ? "+" + digits : nil
            } else if digits.hasPrefix("00"), separators > 0 || keyword {
                value = digits.count >= 10 ? "+" + digits.dropFirst(2) : nil
            } else if keyword || (separators >= 2 && c == "(") {
                value = PhoneNumbers.e164(nationalDigits: digits, country: country) ?? digits
            } else {
                value = nil
            }
            if let value { addContact(messenger ? .whatsapp : .phone, value) }
        }
    }

    static let phoneKeywords = ["tel", "phone", "call", "sms", "text", "contact", "mobile", "cell", "☎", "📞", "📱", "viber", "signal"]

    func contextBefore(_ s: [Unicode.Scalar], _ index: Int) -> String {
        string(s, max(0, index - 24)..<index).lowercased()
    }

    /// wa.me / api.whatsapp.com links are WhatsApp numbers; t.me links are Telegram handles.
    mutating func addContacts(from parsed: ProductLinks.ParsedURL) {
        switch parsed.host {
        case "wa.me":
            if let first = parsed.segments.first {
                let digits = first.filter(\.isASCII).filter(\.isNumber)
                if digits.count >= 7 { addContact(.whatsapp, "+" + digits) }
            }
        case "api.whatsapp.com", "whatsapp.com", "web.whatsapp.com":
            for pair in parsed.query.split(separator: "&") where pair.hasPrefix("phone=") {
                let digits = pair.dropFirst(6).filter(\.isASCII).filter(\.isNumber)
                if digits.count >= 7 { addContact(.whatsapp, "+" + digits) }
            }
        case "t.me", "telegram.me", "telegram.dog":
            if let first = parsed.segments.first, first != "joinchat", first != "+", !first.hasPrefix("+") {
                let handle = first.prefix { isHandleCharacter($0) }
                if !handle.isEmpty { addContact(.telegram, handle.lowercased()) }
            }
        default:
            break
        }
    }

    static func email(in token: String) -> String? {
        guard let at = token.firstIndex(of: "@"), at != token.startIndex else { return nil }
        var local = token[..<at]
        if local.lowercased().hasPrefix("mailto:") { local = local.dropFirst(7) }
        let domain = token[token.index(after: at)...]
        guard !local.isEmpty, local.allSatisfy({ $0.isLetter || $0.isNumber || "._%+-".contains($0) }),
              domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
              domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
              let tld = domain.split(separator: ".").last, tld.count >= 2, tld.allSatisfy(\.isLetter)
        else { return nil }
        return "\(local)@\(domain)".lowercased()
    }

    /// `amzn.to/3xYz`, `shop.example.com/products/x`: a host with a path, no scheme.
    func looksLikeDomainPath(_ token: String) -> Bool {
        let utf8 = token.utf8
        if utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0d }) {
            guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")), slash != utf8.startIndex else { return false }
            var labelLength = 0
            var labels = 0
            var tldLetters = true
            for b in utf8[..<slash] {
                if b == UInt8(ascii: ".") {
                    guard labelLength > 0 else { return false }
                    labels += 1
                    labelLength = 0
                    tldLetters = true
                    continue
                }
                let letter = (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
                guard letter || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") else { return false }
                if !letter { tldLetters = false }
                labelLength += 1
            }
            guard labelLength > 0 else { return false }
            labels += 1
            return labels >= 2 && labelLength >= 2 && tldLetters
        }
        guard let slash = token.firstIndex(of: "/"), slash != token.startIndex else { return false }
        let host = token[..<slash]
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }),
              let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter)
        else { return false }
        return true
    }
}

/// A set for the few values an item has: a linear scan of a short array
/// (no hashing) until it grows, then a `Set` so hostile input stays linear.
struct SeenSet<Element: Hashable & Sendable>: Sendable {
    private var few: [Element] = []
    private var many: Set<Element>?

    /// Whether `element` was new (and is now in).
    mutating func insert(_ element: Element) -> (inserted: Bool, memberAfterInsert: Element) {
        if many != nil { return many!.insert(element) }
        if let found = few.first(where: { $0 == element }) { return (false, found) }
        if few.count < 16 {
            few.append(element)
        } else {
            var set = Set(few)
            set.insert(element)
            many = set
        }
        return (true, element)
    }
}

/// The text of `scalars[range]`, encoded straight to UTF-8 (appending scalars to a String one by one was a hot spot).
func string(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(range.count * 4)
    for k in range {
        let v = scalars[k].value
        switch v {
        case 0..<0x80:
            bytes.append(UInt8(v))
        case 0x80..<0x800:
            bytes.append(UInt8(0xc0 | (v >> 6)))
            bytes.append(UInt8(0x80 | (v & 0x3f)))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xe0 | (v >> 12)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3f)))
            bytes.append(UInt8(0x80 | (v & 0x3f)))
        default:
            bytes.append(UInt8(0xf0 | (v >> 18)))
            bytes.append(UInt8(0x80 | ((v >> 12) & 0x3f)))
            bytes.append(UInt8(0x80 | ((v >> 6) & 0x3f)))
            bytes.append(UInt8(0x80 | (v & 0x3f)))
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Whether `text` contains `word`: on bytes when `text` is ASCII without CR (where bytes and
/// Characters agree), else Foundation's search as before.
func containsWord(_ text: String, _ word: String) -> Bool {
    let t = text.utf8
    if t.allSatisfy({ $0 < 0x80 && $0 != 0x0d }) {
        let w = Array(word.utf8)
        guard !w.isEmpty else { return text.contains(word) }
        let bytes = Array(t)
        guard bytes.count >= w.count else { return false }
        for i in 0...(bytes.count - w.count) where bytes[i] == w[0] && bytes[i..<(i + w.count)].elementsEqual(w) { return true }
        return false
    }
    return text.contains(word)
}


func isWordScalar(_ c: Unicode.Scalar) -> Bool {
    let v = c.value
    if v < 0x80 {
        return (v >= 0x30 && v <= 0x39) || (v | 0x20 >= 0x61 && v | 0x20 <= 0x7a) || v == 0x5f
    }
    return c.properties.isAlphabetic || c.properties.numericType != nil || c.properties.generalCategory == .nonspacingMark
}

/// Unicode White_Space among ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
@inline(__always)
func isASCIISpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0d) }

func isASCIIDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

func isSeparator(_ c: Unicode.Scalar) -> Bool {
    let v = c.value
    if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0d) }
    return c.properties.isWhitespace
}

func isHandleCharacter(_ c: Character) -> Bool {
    // ASCII letters, digits, '_' and '.', tested on the byte: the Unicode property
    // lookups behind `isLetter`/`isNumber` were a hot spot. (CR LF is ASCII with the
    // value of LF, in no range, as before.)
    guard let v = c.asciiValue else { return false }
    return (v >= 0x30 && v <= 0x39) || ((v | 0x20) >= 0x61 && (v | 0x20) <= 0x7a) || v == 0x5f || v == 0x2e
}

extension String {
    func trimmingSpaces() -> String {
        // Most fields have nothing to trim: an ASCII non-space at both ends.
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80, !isASCIISpace(first), !isASCIISpace(last) { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    /// Drops quotes and brackets around a token and sentence punctuation after it.
    func trimmingPunctuation() -> String {
        // Nothing to trim when both ends are ASCII outside the two sets below (most tokens).
        if let first = utf8.first, let last = utf8.last, first < 0x80, last < 0x80,
           !"([{\"'<*".utf8.contains(first), !".,;:!?)]}\"'>*".utf8.contains(last) { return self }
        var s = Substring(self).unicodeScalars
        while let f = s.first, "([{\"'<“‘«*¡¿".unicodeScalars.contains(f) { s = s.dropFirst() }
        while let l = s.last, ".,;:!?)]}\"'>”’»*…".unicodeScalars.contains(l) { s = s.dropLast() }
        return String(s)
    }

    func trimmingTrailingDots() -> String {
        var s = Substring(self)
        while s.last == "." { s = s.dropLast() }
        return String(s)
    }
}
