import Foundation
import TouchstoneCore

/// Remembers fetched and analysed pictures so each is fetched and decoded
/// once: by URL (URL → content SHA-256, or the fetch error) and by content
/// (SHA-256 → analysis), so the same bytes under two URLs are decoded once.
///
/// In memory: at most `capacity` entries per map, oldest evicted first
/// (an analysis is a few hundred bytes: the bound is ~capacity × 1 KB).
/// On disk, when a directory is given: the fetched bytes (of http(s) pictures) by SHA-256, and the
/// URL → SHA-256 map, so a restart or a reference-set swap re-decodes from
/// disk instead of fetching again.
public final class PictureCache: @unchecked Sendable {
    public let capacity: Int
    public let directory: URL?
    private let lock = NSLock()
    private var byURL: [String: Result<String, PictureError>] = [:]
    private var urlOrder: [String] = []
    private var byContent: [String: PictureAnalysis] = [:]
    private var contentOrder: [String] = []

    public init(capacity: Int = 10_000, directory: URL? = nil) {
        self.capacity = capacity
        self.directory = directory
        if let directory {
            try? FileManager.default.createDirectory(at: directory.appendingPathComponent("urls"), withIntermediateDirectories: true)
            try? FileManager.default.createDirectory(at: directory.appendingPathComponent("bytes"), withIntermediateDirectories: true)
        }
    }

    public func content(forURL url: String) -> Result<String, PictureError>? {
        if let hit = lock.withLock({ byURL[url] }) { return hit }
        guard let directory, let sha = try? String(contentsOf: urlFile(directory, url), encoding: .utf8) else { return nil }
        return .success(sha)
    }

    public func analysis(forContent sha: String) -> PictureAnalysis? {
        lock.withLock { byContent[sha] }
    }

    public func bytes(forContent sha: String) -> [UInt8]? {
        guard let directory, let data = try? Data(contentsOf: directory.appendingPathComponent("bytes/\(sha)")) else { return nil }
        return Array(data)
    }

    public func remember(url: String, _ result: Result<String, PictureError>, bytes: [UInt8]? = nil) {
        lock.withLock {
            if byURL.updateValue(result, forKey: url) == nil { urlOrder.append(url) }
            if urlOrder.count > capacity { byURL[urlOrder.removeFirst()] = nil }
        }
        if let directory, case .success(let sha) = result {
            try? Data(sha.utf8).write(to: urlFile(directory, url), options: .atomic)
            // Local pictures are on disk already: only fetched bytes are worth a copy.
            if let bytes, !url.hasPrefix("file:") {
                try? Data(bytes).write(to: directory.appendingPathComponent("bytes/\(sha)"), options: .atomic)
            }
        }
    }

    public func remember(_ analysis: PictureAnalysis) {
        lock.withLock {
            if byContent.updateValue(analysis, forKey: analysis.sha256) == nil { contentOrder.append(analysis.sha256) }
            if contentOrder.count > capacity { byContent[contentOrder.removeFirst()] = nil }
        }
    }

    private func urlFile(_ directory: URL, _ url: String) -> URL {
        directory.appendingPathComponent("urls/\(SHA256Hex.of(Array(url.utf8)))")
    }
}
