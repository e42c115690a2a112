import TouchstoneCore

/// What normalize knows about a raw line besides its bytes: the raw
/// message's headers and topic position. Adapters use it for the raw
/// reference, relative picture paths (the source file's folder) and ingest
/// context (a Shopify shop domain).
public struct RawContext: Sendable, Hashable {
    public var platform: String
    /// The raw reference every item of the line carries, made once per line: each item copies it.
    public private(set) var rawRef: RawRef
    /// Extra ingest context (`--source`), e.g. a Shopify shop domain.
    public var context: String?

    public var topic: String {
        get { rawRef.topic }
        set { rawRef.topic = newValue }
    }
    public var partition: Int32 {
        get { rawRef.partition }
        set { rawRef.partition = newValue }
    }
    public var offset: Int64 {
        get { rawRef.offset }
        set { rawRef.offset = newValue }
    }
    public var sha256: String {
        get { rawRef.sha256 }
        set { rawRef.sha256 = newValue }
    }
    /// The file path or `http:<peer>` the line came from.
    public var source: String? {
        get { rawRef.source }
        set { rawRef.source = newValue }
    }
    public var line: Int? {
        get { rawRef.line }
        set { rawRef.line = newValue }
    }
    public var capturedAt: String? {
        get { rawRef.capturedAt }
        set { rawRef.capturedAt = newValue }
    }

    /// The folder of the source file, for relative picture paths; nil for HTTP sources.
    public var sourceFolder: String? {
        guard let source, !source.hasPrefix("http:"), !source.hasPrefix("https:") else { return nil }
        var path = source
        if path.hasPrefix("file://") { path = String(path.dropFirst(7)) }
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }

    /// A picture reference made absolute: `http(s)://` and `file://` kept,
    /// `//host/...` gets `https:`, a path is resolved against the source
    /// file's folder into a `file://` URL.
    public func picture(_ reference: String) -> Picture {
        let trimmed = reference.trimmingSpaces()
        enum Scheme { case absolute, protocolRelative, neither, notASCII }
        let scheme = trimmed.withBytes { utf8 -> Scheme in
            // ASCII without CR: bytes and Characters agree, so the scheme is checked on bytes.
            guard isOneCharacterPerByte(utf8) else { return .notASCII }
            func hasScheme(_ scheme: StaticString) -> Bool {
                guard utf8.count >= scheme.utf8CodeUnitCount else { return false }
                for k in 0..<scheme.utf8CodeUnitCount {
                    let b = utf8[k]
                    if (b >= 0x41 && b <= 0x5a ? b | 0x20 : b) != scheme.utf8Start[k] { return false }
                }
                return true
            }
            if hasScheme("http://") || hasScheme("https://") || hasScheme("file://") || hasScheme("data:") { return .absolute }
            return hasScheme("//") ? .protocolRelative : .neither
        }
        if scheme == .absolute { return Picture(url: trimmed) }
        if scheme == .protocolRelative { return Picture(url: "https:" + trimmed) }
        if scheme == .notASCII {
            let lower = trimmed.prefix(8).lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("file://") || lower.hasPrefix("data:") {
                return Picture(url: trimmed)
            }
            if trimmed.hasPrefix("//") { return Picture(url: "https:" + trimmed) }
        }
        var path = trimmed
        if !path.hasPrefix("/") {
            guard let folder = sourceFolder else {
                var picture = Picture(url: trimmed)
                picture.error = "relative picture path with no source folder to resolve it against"
                return picture
            }
            path = folder.isEmpty ? "/" + path : folder + "/" + path
        }
        return Picture(url: "file://" + FileURL.percentEncodePath(FileURL.standardize(path)))
    }
}

extension RawContext {
    // In an extension, so that the struct keeps its memberwise initializer: delegating to it
    // builds the value in place, where assigning each field made a copy and destroyed the original.
    public init(platform: String, topic: String = TopicName.rawPosts, partition: Int32 = 0, offset: Int64 = 0, sha256: String = "",
                source: String? = nil, line: Int? = nil, capturedAt: String? = nil, context: String? = nil) {
        self.init(platform: platform,
                  rawRef: RawRef(topic: topic, partition: partition, offset: offset, sha256: sha256, source: source, line: line, capturedAt: capturedAt),
                  context: context)
    }
}

enum FileURL {
    /// Removes `.` and `..` segments and doubled slashes.
    static func standardize(_ path: String) -> String {
        var out: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(segment)
        }
        return (path.hasPrefix("/") ? "/" : "") + out.joined(separator: "/")
    }

    static func percentEncodePath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
