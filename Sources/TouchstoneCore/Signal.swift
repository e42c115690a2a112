/// The signal names of BRANDS.md. Outputs, exports and `brands test` use them.
public enum SignalName: String, Codable, Sendable, CaseIterable {
    case brandTerm = "brand-term"
    case product
    case counterfeitTerm = "counterfeit-term"
    case priceUnderFloor = "price-under-floor"
    case authorizedAccount = "authorized-account"
    case excluded
    case imageMatch = "image-match"
    case imagePartMatch = "image-part-match"
    // Links between items.
    case sameImage = "same-image"
    case linksTo = "links-to"
    case sameContact = "same-contact"
    case similarHandle = "similar-handle"
    case linkInBio = "link-in-bio"
}

/// One thing matching found in an item for one brand, with its evidence.
public struct Signal: Codable, Sendable, Hashable {
    public var brand: String
    public var signal: SignalName
    /// The rule that fired: `exact`, `confusable`, `leetspeak`, `split`, `hashtag`,
    /// `typo`, `floor`, `pdq`, ...
    public var rule: String
    /// Which field of the item: `title`, `text`, `account.bio`, `hashtags`, `pictures[0]`, ...
    public var field: String?
    /// `[start, end)` in Unicode scalar offsets of that field's original text.
    public var span: [Int]?
    /// The original text that matched.
    public var matched: String?
    /// The normalised form that matched (the term, product name or reference).
    public var normalized: String?
    /// Free-form evidence for humans (`PDQ distance 12 to images/logo.png`).
    public var detail: String?

    public init(brand: String, signal: SignalName, rule: String, field: String? = nil, span: [Int]? = nil,
                matched: String? = nil, normalized: String? = nil, detail: String? = nil) {
        self.brand = brand
        self.signal = signal
        self.rule = rule
        self.field = field
        self.span = span
        self.matched = matched
        self.normalized = normalized
        self.detail = detail
    }
}
