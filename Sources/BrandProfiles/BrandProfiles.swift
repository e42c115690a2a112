import Foundation
import TouchstoneCore

// BrandProfiles owns the brand watch profiles of BRANDS.md: the plain value
// types other stages read (``BrandProfile`` with its references for
// hash-images and its alert settings for the alert stage), the YAML loader
// that validates a folder of profiles with errors naming file, line and field
// (``BrandProfileLoader``), and the ``BrandProfileStore`` that watches the
// folder so that running processors pick up a changed profile without a restart.
// (No `BrandProfiles` namespace type: it would shadow the module name in qualified lookups.)

/// One brand watch profile (BRANDS.md), as loaded from its YAML file.
public struct BrandProfile: Sendable, Hashable, Codable {
    /// `[a-z0-9-]+`, stable; used in keys and exports.
    public var id: String
    public var name: String
    /// The rights owner, for notices.
    public var owner: String?
    public var trademarks: [Trademark]
    /// Brand names, matched fuzzily.
    public var terms: [String]
    /// Product and line names, matched fuzzily.
    public var products: [String]
    /// Reference pictures (logos, official product photos).
    public var references: [Reference]
    public var retail: Retail?
    /// Sellers and accounts that are the brand or licensed.
    public var authorized: [AuthorizedAccount]
    /// Added to the built-in counterfeit signs.
    public var counterfeitTerms: [String]
    /// Known false friends (`cartier-bresson`).
    public var excludeTerms: [String]
    /// Platforms watched; empty means every platform.
    public var platforms: [String]
    public var alerts: AlertSettings?
    /// The file this profile was loaded from.
    public var source: String
    /// The profile's version: the first 16 hex digits of the SHA-256 of its file's bytes.
    public var version: String

    public init(id: String, name: String, owner: String? = nil, trademarks: [Trademark] = [], terms: [String] = [],
                products: [String] = [], references: [Reference] = [], retail: Retail? = nil,
                authorized: [AuthorizedAccount] = [], counterfeitTerms: [String] = [], excludeTerms: [String] = [],
                platforms: [String] = [], alerts: AlertSettings? = nil, source: String = "", version: String = "") {
        self.id = id
        self.name = name
        self.owner = owner
        self.trademarks = trademarks
        self.terms = terms
        self.products = products
        self.references = references
        self.retail = retail
        self.authorized = authorized
        self.counterfeitTerms = counterfeitTerms
        self.excludeTerms = excludeTerms
        self.platforms = platforms
        self.alerts = alerts
        self.source = source
        self.version = version
    }

    /// Whether the profile watches items of this platform (an empty list watches all).
    public func watches(platform: String) -> Bool {
        platforms.isEmpty || platforms.contains(platform.lowercased())
    }

    enum CodingKeys: String, CodingKey {
        case id, name, owner, trademarks, terms, products, references, retail, authorized, platforms, alerts, source, version
        case counterfeitTerms = "counterfeit_terms"
        case excludeTerms = "exclude_terms"
    }
}

/// A registered trademark, for takedown notices.
public struct Trademark: Sendable, Hashable, Codable {
    public var mark: String
    /// USPTO, EUIPO, WIPO, CNIPA, ...
    public var office: String?
    public var number: String?
    public var classes: [Int]

    public init(mark: String, office: String? = nil, number: String? = nil, classes: [Int] = []) {
        self.mark = mark
        self.office = office
        self.number = number
        self.classes = classes
    }
}

/// A reference picture: the path as written in the profile and the file it resolves to.
public struct Reference: Sendable, Hashable, Codable {
    /// As written in the profile (relative to the profile file); signals and matches cite this.
    public var path: String
    /// Absolute file URL, resolved against the profile's folder.
    public var url: URL
    /// The line of the profile where it is listed.
    public var line: Int?

    public init(path: String, url: URL, line: Int? = nil) {
        self.path = path
        self.url = url
        self.line = line
    }
}

/// An amount of money as a decimal and an ISO 4217 currency.
public struct Money: Sendable, Hashable, Codable {
    public var amount: Decimal
    public var currency: String

    public init(amount: Decimal, currency: String) {
        self.amount = amount
        self.currency = currency
    }
}

public struct Retail: Sendable, Hashable, Codable {
    /// A price under the floor is a counterfeit sign.
    public var floor: Money?

    public init(floor: Money?) {
        self.floor = floor
    }
}

/// An account or seller that is the brand or licensed by it.
public struct AuthorizedAccount: Sendable, Hashable, Codable {
    public var platform: String
    /// A handle (without `@`) or the platform's seller id.
    public var account: String

    public init(platform: String, account: String) {
        self.platform = platform
        self.account = account
    }
}


public struct AlertSettings: Sendable, Hashable, Codable {
    public var minSeverity: Severity?
    public var sinks: [AlertSink]

    public init(minSeverity: Severity? = nil, sinks: [AlertSink] = []) {
        self.minSeverity = minSeverity
        self.sinks = sinks
    }

    enum CodingKeys: String, CodingKey {
        case sinks
        case minSeverity = "min_severity"
    }
}

/// Where a brand's alerts go.
public struct AlertSink: Sendable, Hashable, Codable {
    /// `webhook`.
    public var kind: String
    public var url: String?
    /// The environment variable holding the signing secret (never the secret itself).
    public var secretEnv: String?

    public init(kind: String, url: String? = nil, secretEnv: String? = nil) {
        self.kind = kind
        self.url = url
        self.secretEnv = secretEnv
    }

    enum CodingKeys: String, CodingKey {
        case kind, url
        case secretEnv = "secret_env"
    }
}

/// A profile that failed validation: which file, which line, which field, and why.
public struct BrandProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// The field's path, e.g. `retail.floor.amount`, `authorized[1].platform`.
    public var field: String?
    public var message: String

    public init(file: String, line: Int?, field: String?, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `brands/cartier.yaml:12: retail.floor.amount: must be a number, got 'lots'`
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "\(field): " }
        return text + message
    }
}

/// Every error found in a folder of profiles (all of them, not only the first).
public struct BrandProfileErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [BrandProfileError]

    public init(_ errors: [BrandProfileError]) {
        self.errors = errors
    }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
