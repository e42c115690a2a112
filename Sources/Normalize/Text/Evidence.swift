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

    // Checked against the arrays above (no second array of keys per item).
    private var seenLinks = SeenKeys<LinkKey>()
    private var seenTags = SeenKeys<String>()
    private var seenMentions = SeenKeys<String>()
    private var seenContacts = SeenKeys<Contact>()

    /// The links, hashtags, mentions and contacts found, moved out (the evidence is left empty).
    mutating func take() -> (links: [Link], hashtags: [String], mentions: [String], contacts: [Contact]) {
        var found: (links: [Link], hashtags: [String], mentions: [String], contacts: [Contact]) = ([], [], [], [])
        swap(&found.links, &links)
        swap(&found.hashtags, &hashtags)
        swap(&found.mentions, &mentions)
        swap(&found.contacts, &contacts)
        return found
    }

    // MARK: Adding fields

    /// A URL from a structured field (entities, website, outbound link).
    public mutating func addLink(_ raw: String, foundIn: String) {
        let url = raw.trimmingSpaces()
        guard !url.isEmpty else { return }
        guard seenLinks.insert(LinkKey(foundIn: foundIn, url: url), among: links.count, keyAt: { LinkKey(foundIn: links[$0].foundIn, url: links[$0].url) })
        else { return }
        guard let parsed = ProductLinks.parse(url) else {
            links.appendReserving(Link(url: url, foundIn: foundIn))
            return
        }
        links.appendReserving(Link(url: url, foundIn: foundIn, products: ProductLinks.products(in: parsed)))
        addContacts(from: parsed)
    }

    public mutating func addHashtag(_ raw: String) {
        var tag = raw.trimmingSpaces()
        // (A first Character "#" starts with the byte '#': the byte test only skips what `hasPrefix` would refuse.)
        if tag.utf8.first == UInt8(ascii: "#"), tag.hasPrefix("#") { tag.removeFirst() }
        guard !tag.isEmpty, seenTags.insert(tag.lowercasedKey(), among: hashtags.count, keyAt: { hashtags[$0].lowercasedKey() }) else { return }
        hashtags.appendReserving(tag)
    }

    public mutating func addMention(_ raw: String) {
        var handle = raw.trimmingSpaces()
        if handle.utf8.first == UInt8(ascii: "@"), handle.hasPrefix("@") { handle.removeFirst() }
        guard !handle.isEmpty, seenMentions.insert(handle.lowercasedKey(), among: mentions.count, keyAt: { mentions[$0].lowercasedKey() }) else { return }
        mentions.appendReserving(handle)
    }

    public mutating func addContact(_ kind: Contact.Kind, _ value: String) {
        guard !value.isEmpty else { return }
        let contact = Contact(kind: kind, value: value)
        if seenContacts.insert(contact, among: contacts.count, keyAt: { contacts[$0] }) { contacts.appendReserving(contact) }
    }

    // MARK: Free text

    /// Finds links, hashtags, mentions, e-mails, phone numbers and messenger
    /// handles in free text (captions, descriptions, bios).
    public mutating func scan(_ text: String, foundIn: String) {
        guard !text.isEmpty else { return }
        text.withBytes { bytes in
            var marks: UInt8 = 0
            for b in bytes { marks |= ScanMarks.ofByte[Int(b)] }
            // One byte is one scalar in ASCII text: the scanners read the bytes in place.
            if marks & ScanMarks.nonASCII == 0 {
                scan(ASCIIScalars(bytes: bytes), marks, foundIn: foundIn)
                return
            }
            withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: bytes.count) { buffer in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: bytes.count + 1) { offsets in
                    // Decoded from the bytes (valid UTF-8: they are a String's), with each scalar's offset.
                    var count = 0
                    var i = 0
                    while i < bytes.count {
                        let b = UInt32(bytes[i])
                        let scalar: UInt32
                        let length: Int
                        if b < 0x80 {
                            scalar = b; length = 1
                        } else if b < 0xe0 {
                            scalar = (b & 0x1f) << 6 | UInt32(bytes[i + 1] & 0x3f); length = 2
                        } else if b < 0xf0 {
                            scalar = (b & 0x0f) << 12 | UInt32(bytes[i + 1] & 0x3f) << 6 | UInt32(bytes[i + 2] & 0x3f); length = 3
                        } else {
                            scalar = (b & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3f) << 12 | UInt32(bytes[i + 2] & 0x3f) << 6 | UInt32(bytes[i + 3] & 0x3f)
                            length = 4
                        }
                        buffer.initializeElement(at: count, to: Unicode.Scalar(scalar) ?? "\u{FFFD}")
                        offsets.initializeElement(at: count, to: i)
                        if scalar == 0xff03 { marks |= ScanMarks.hash }  // ＃
                        count += 1
                        i += length
                    }
                    offsets.initializeElement(at: count, to: bytes.count)
                    scan(DecodedScalars(scalars: UnsafeBufferPointer(rebasing: buffer[..<count]), offsets: UnsafeBufferPointer(offsets), bytes: bytes),
                         marks, foundIn: foundIn)
                }
            }
        }
    }

    /// Which scanners can find anything in a text: each needs a scalar it starts from.
    enum ScanMarks {
        /// `#` (or `＃`, noted while decoding).
        static let hash: UInt8 = 1
        /// `@`, `/` or `.`.
        static let tokenMark: UInt8 = 2
        /// `+`, `(` or an ASCII digit.
        static let numberStart: UInt8 = 4
        /// A byte of a non-ASCII scalar.
        static let nonASCII: UInt8 = 8

        static let ofByte: [UInt8] = (0..<256).map { b in
            switch b {
            case 0x23: return hash
            case 0x40, 0x2f, 0x2e: return tokenMark
            case 0x2b, 0x28, 0x30...0x39: return numberStart
            case 0x80...: return nonASCII
            default: return 0
            }
        }
    }

    mutating func scan<Text: ScalarText>(_ scalars: Text, _ marks: UInt8, foundIn: String) {
        if marks & ScanMarks.hash != 0 { scanHashtags(scalars) }
        if marks & ScanMarks.tokenMark != 0 { scanTokens(scalars, foundIn: foundIn) }
        if marks & ScanMarks.numberStart != 0 { scanPhones(scalars) }
    }

    mutating func scanHashtags<Text: ScalarText>(_ s: Text) {
        var i = 0
        while i < s.count {
            if (s[i] == "#" || s[i] == "＃"), i + 1 < s.count, isWordScalar(s[i + 1]), i == 0 || !isWordScalar(s[i - 1]) && s[i - 1] != "&" && s[i - 1] != "/" {
                var j = i + 1
                while j < s.count, isWordScalar(s[j]) { j += 1 }
                // `#1`, `#2024` are numbers, not hashtags.
                var allNumeric = true
                for k in (i + 1)..<j {
                    let c = s[k]
                    if !(c.value < 0x80 ? (c.value >= 0x30 && c.value <= 0x39) : c.properties.numericType != nil) {
                        allNumeric = false
                        break
                    }
                }
                if !allNumeric { addHashtag(s.string((i + 1)..<j)) }
                i = j
            } else {
                i += 1
            }
        }
    }

    mutating func scanTokens<Text: ScalarText>(_ s: Text, foundIn: String) {
        var previousRange: Range<Int>?
        /// The token before the current one, lower-cased (for `telegram: @handle`).
        func previousToken() -> String {
            guard let previousRange, previousRange.count <= 12 else { return "" }
            return s.string(previousRange).lowercased()
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
            let raw = s.string(start..<i)
            let trimmed = raw.trimmingPunctuation()
            guard !trimmed.isEmpty else { continue }
            if hasLinkPrefix(trimmed) || looksLikeDomainPath(trimmed) {
                addLink(trimmed, foundIn: foundIn)
                continue
            }
            if let handle = Evidence.handle(afterAt: trimmed) {
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

    mutating func scanPhones<Text: ScalarText>(_ s: Text) {
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
            var digitBytes: [UInt8] = []
            digitBytes.reserveCapacity(digitCount)
            for k in digitsStart..<j where isASCIIDigit(s[k]) { digitBytes.append(UInt8(s[k].value)) }
            let digits = String(decoding: digitBytes, as: UTF8.self)
            let context = s.string(max(0, i - 24)..<i).lowercased()
            let words = WordSearch(context)
            let messenger = words.contains("whatsapp") || context.hasSuffix("wa:") || context.hasSuffix("wa")
            let keyword = messenger || Self.phoneKeywords.contains { words.contains($0) }
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

    /// The handle after a token's leading `@` (trailing dots dropped), nil when it has none;
    /// on bytes for an ASCII token (no CR: tokens end at white space), where a byte is a Character.
    static func handle(afterAt token: String) -> String? {
        enum OnBytes {
            case handle(String?)
            case notASCII
        }
        let onBytes = token.utf8.withContiguousStorageIfAvailable { b -> OnBytes in
            guard allASCII(b) else { return .notASCII }
            guard b.first == UInt8(ascii: "@") else { return .handle(nil) }
            var end = 1
            while end < b.count, isHandleByte(b[end]) { end += 1 }
            while end > 1, b[end - 1] == UInt8(ascii: ".") { end -= 1 }
            return .handle(String(decoding: UnsafeBufferPointer(rebasing: b[1..<end]), as: UTF8.self))
        }
        if case .handle(let handle) = onBytes { return handle }
        guard token.hasPrefix("@") else { return nil }
        return String(token.dropFirst().prefix { isHandleCharacter($0) }).trimmingTrailingDots()
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

    /// `http://`, `https://` or `www.` in any case: on bytes for an ASCII token (no CR: tokens
    /// end at white space), where lower-casing and Characters change nothing else.
    func hasLinkPrefix(_ token: String) -> Bool {
        let onBytes = token.utf8.withContiguousStorageIfAvailable { b -> Bool? in
            guard allASCII(b) else { return nil }
            func folded(_ prefix: StaticString) -> Bool {
                let count = prefix.utf8CodeUnitCount
                guard b.count >= count else { return false }
                for k in 0..<count {
                    let c = b[k] >= 0x41 && b[k] <= 0x5a ? b[k] | 0x20 : b[k]
                    if c != prefix.utf8Start[k] { return false }
                }
                return true
            }
            return folded("http://") || folded("https://") || folded("www.")
        }
        if let onBytes, let onBytes { return onBytes }
        let lower = token.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www.")
    }

    /// `amzn.to/3xYz`, `shop.example.com/products/x`: a host with a path, no scheme.
    func looksLikeDomainPath(_ token: String) -> Bool {
        let utf8 = token.utf8
        if isOneCharacterPerByte(utf8) {
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

/// A link seen in a field: equal when `foundIn + " " + url` is, compared without
/// joining the two when both are ASCII (where String equality is byte equality).
struct LinkKey: Hashable, Sendable {
    let foundIn: String
    let url: String
    let isASCII: Bool

    init(foundIn: String, url: String) {
        self.foundIn = foundIn
        self.url = url
        isASCII = (foundIn.utf8.withContiguousStorageIfAvailable(allASCII) ?? false)
            && (url.utf8.withContiguousStorageIfAvailable(allASCII) ?? false)
    }

    var joined: String { foundIn + " " + url }

    static func == (a: LinkKey, b: LinkKey) -> Bool {
        // Same-length ASCII prefixes: the joined strings are equal exactly when both halves are.
        if a.isASCII, b.isASCII, a.foundIn.utf8.count == b.foundIn.utf8.count { return a.foundIn == b.foundIn && a.url == b.url }
        return a.joined == b.joined
    }

    func hash(into hasher: inout Hasher) { hasher.combine(joined) }
}

extension Evidence {
    // In an extension, so that the struct keeps its memberwise initializer: delegating
    // to it builds the value in place (see `Item`'s initializer). `links:` is spelled
    // out so that the call can only mean the memberwise one.
    public init(country: String? = nil) {
        // Most countries come upper-case already ("GB"): nothing to change then.
        let upper = country.map { $0.utf8.allSatisfy({ $0 < 0x80 && !($0 >= 0x61 && $0 <= 0x7a) }) ? $0 : $0.uppercased() }
        self.init(links: [], country: upper)
    }
}

/// Whether a value's key was seen, for values kept in an array of their own (an item's
/// links, tags, pictures): while that array is short the check scans it, so an item keeps
/// no second array of keys; past 16 a `Set` of the keys keeps hostile input linear.
struct SeenKeys<Key: Hashable & Sendable>: Sendable {
    private var many: Set<Key>?

    /// Whether `key` is new among the `count` keys `keyAt` gives (the caller then appends its value).
    mutating func insert(_ key: Key, among count: Int, keyAt: (Int) -> Key) -> Bool {
        if many != nil { return many!.insert(key).inserted }
        for i in 0..<count where keyAt(i) == key { return false }
        if count >= 16 {
            var all = Set<Key>(minimumCapacity: count + 1)
            for i in 0..<count { all.insert(keyAt(i)) }
            all.insert(key)
            many = all
        }
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
            few.appendReserving(element)
        } else {
            var set = Set(few)
            set.insert(element)
            many = set
        }
        return (true, element)
    }
}

/// A text as scalars by position, for the free-text scanners.
protocol ScalarText {
    var count: Int { get }
    subscript(_ index: Int) -> Unicode.Scalar { get }
    /// The text of the scalars in `range`.
    func string(_ range: Range<Int>) -> String
}

/// ASCII text read in place: each UTF-8 byte is a scalar.
struct ASCIIScalars: ScalarText {
    let bytes: UnsafeBufferPointer<UInt8>

    var count: Int { bytes.count }

    subscript(_ index: Int) -> Unicode.Scalar { Unicode.Scalar(bytes[index]) }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

/// Text with non-ASCII scalars, decoded once, with where each scalar starts in the UTF-8.
struct DecodedScalars: ScalarText {
    let scalars: UnsafeBufferPointer<Unicode.Scalar>
    /// The byte offset of each scalar, and the byte count after the last.
    let offsets: UnsafeBufferPointer<Int>
    let bytes: UnsafeBufferPointer<UInt8>

    var count: Int { scalars.count }

    subscript(_ index: Int) -> Unicode.Scalar { scalars[index] }

    /// The scalars' own bytes, sliced from the text (re-encoding them was a hot spot).
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[offsets[range.lowerBound]..<offsets[range.upperBound]]), as: UTF8.self)
    }
}

extension Array {
    /// `append`, with room for a few more on the first: an item has a few of each, and growing 1, 2, 4 reallocated twice.
    @inline(__always)
    mutating func appendReserving(_ element: Element) {
        if isEmpty { reserveCapacity(4) }
        append(element)
    }
}

/// Whether every byte is below 0x80, eight at a time.
func allASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = UnsafeRawPointer(bytes.baseAddress) else { return true }
    var i = 0
    let n = bytes.count
    while i + 8 <= n {
        if base.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
        i += 8
    }
    while i < n {
        if bytes[i] >= 0x80 { return false }
        i += 1
    }
    return true
}

/// Whether each byte is one Character: ASCII without CR (CR LF is a single Character).
/// Where this holds, the byte fast paths give what the Character-based code gives.
@inline(__always)
func isOneCharacterPerByte<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
    bytes.allSatisfy { $0 < 0x80 && $0 != 0x0d }
}

/// Whether `text` contains `word`: on bytes when `text` is ASCII without CR (where bytes and
/// Characters agree), else Foundation's search as before.
func containsWord(_ text: String, _ word: String) -> Bool {
    WordSearch(text).contains(word)
}

/// `containsWord` for several words in one text, which is tested for ASCII once.
struct WordSearch {
    let text: String
    /// Whether `text` is ASCII without CR.
    let onBytes: Bool

    init(_ text: String) {
        self.text = text
        onBytes = text.withBytes { isOneCharacterPerByte($0) }
    }

    func contains(_ word: String) -> Bool {
        if onBytes {
            let found = text.withBytes { t in
                word.withBytes { w -> Bool? in
                    guard let first = w.first else { return nil }
                    guard t.count >= w.count else { return false }
                    for i in 0...(t.count - w.count) where t[i] == first {
                        var k = 1
                        while k < w.count, t[i + k] == w[k] { k += 1 }
                        if k == w.count { return true }
                    }
                    return false
                }
            }
            if let found { return found }
        }
        return text.contains(word)
    }
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
    return isHandleByte(v)
}

func isHandleByte(_ v: UInt8) -> Bool {
    (v >= 0x30 && v <= 0x39) || ((v | 0x20) >= 0x61 && (v | 0x20) <= 0x7a) || v == 0x5f || v == 0x2e
}

extension String {
    /// The UTF-8 bytes, borrowed in place: `withUTF8` on a copy retained and released the storage.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try utf8Span.span.withUnsafeBufferPointer(body)
    }

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
           !isLeadingPunctuation(first), !isTrailingPunctuation(last) { return self }
        // ASCII: the sets' ASCII members, on bytes.
        let onBytes = utf8.withContiguousStorageIfAvailable { b -> String? in
            guard allASCII(b) else { return nil }
            var lo = 0
            var hi = b.count
            while lo < hi, isLeadingPunctuation(b[lo]) { lo += 1 }
            while hi > lo, isTrailingPunctuation(b[hi - 1]) { hi -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: b[lo..<hi]), as: UTF8.self)
        }
        if let onBytes, let onBytes { return onBytes }
        var s = Substring(self).unicodeScalars
        while let f = s.first, "([{\"'<“‘«*¡¿".unicodeScalars.contains(f) { s = s.dropFirst() }
        while let l = s.last, ".,;:!?)]}\"'>”’»*…".unicodeScalars.contains(l) { s = s.dropLast() }
        return String(s)
    }

    private func isLeadingPunctuation(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: "*"): true
        default: false
        }
    }

    private func isTrailingPunctuation(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ")"),
             UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ">"), UInt8(ascii: "*"): true
        default: false
        }
    }

    /// `lowercased()`, skipped for ASCII without upper-case letters (most tags and handles), which it gives back unchanged.
    func lowercasedKey() -> String {
        let unchanged = utf8.withContiguousStorageIfAvailable { b in b.allSatisfy { $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5a) } } ?? false
        return unchanged ? self : lowercased()
    }

    func trimmingTrailingDots() -> String {
        var s = Substring(self)
        while s.last == "." { s = s.dropLast() }
        return String(s)
    }
}
