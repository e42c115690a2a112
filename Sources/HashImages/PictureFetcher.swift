import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Limits on fetching one picture.
public struct FetchLimits: Sendable {
    public var maxBytes = 20 * 1024 * 1024
    /// Whole fetch, redirects included.
    public var timeout: Duration = .seconds(20)
    public var maxRedirects = 5
    public var addresses = AddressPolicy()

    public init(maxBytes: Int = 20 * 1024 * 1024, timeout: Duration = .seconds(20), maxRedirects: Int = 5,
                addresses: AddressPolicy = AddressPolicy()) {
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.maxRedirects = maxRedirects
        self.addresses = addresses
    }
}

/// Reads a picture's bytes: `file://` URLs and absolute paths from disk,
/// `http(s)://` through URLSession (libcurl) with the limits of ``FetchLimits``.
///
/// Address checks: the host of the URL, and of every redirect target, is
/// resolved with getaddrinfo and every address is checked before the request
/// (or the redirect) goes ahead. URLSession then resolves the name again when
/// it connects, so a DNS server that answers differently within that window
/// (DNS rebinding, typically milliseconds, bounded by its TTL) is not caught;
/// pinning the address would need our own HTTP and TLS client.
public struct PictureFetcher: Sendable {
    public var limits: FetchLimits

    public init(limits: FetchLimits = FetchLimits()) {
        self.limits = limits
    }

    public func fetch(_ location: String) async throws(PictureError) -> [UInt8] {
        if location.hasPrefix("/") { return try readFile(location) }
        guard let url = URL(string: location), let scheme = url.scheme?.lowercased() else {
            throw .fetch("not a URL or absolute path: \(location)")
        }
        switch scheme {
        case "file": return try readFile(url.path)
        case "http", "https": return try await fetchHTTP(url)
        default: throw .refused("scheme \(scheme): only http, https and file URLs are fetched")
        }
    }

    func readFile(_ path: String) throws(PictureError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .fetch("cannot open \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")")
        }
        defer { try? handle.close() }
        // Reads at most one byte over the limit so an oversized file is told apart without reading it all.
        let data = (try? handle.read(upToCount: limits.maxBytes + 1)) ?? Data()
        if data.count > limits.maxBytes {
            throw .tooLarge("\(path) is over the \(limits.maxBytes)-byte limit")
        }
        return Array(data)
    }

    func fetchHTTP(_ url: URL) async throws(PictureError) -> [UInt8] {
        guard let host = url.host, !host.isEmpty else { throw .fetch("URL without a host: \(url.absoluteString)") }
        try await Self.checkOffThread(host: host, policy: limits.addresses)
        return try await HTTPFetch(limits: limits, url: url).run()
    }

    /// getaddrinfo blocks: run it on a dispatch thread, not the cooperative pool.
    static func checkOffThread(host: String, policy: AddressPolicy) async throws(PictureError) {
        let result: Result<Void, PictureError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(PictureError) {
                    try policy.check(host: host)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }
}

/// One HTTP fetch driven by URLSession delegate callbacks, enforcing the limits as the body arrives.
final class HTTPFetch: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let limits: FetchLimits
    let url: URL
    private let lock = NSLock()
    private var body = Data()
    private var failure: PictureError?
    private var redirects = 0
    private var continuation: CheckedContinuation<Result<[UInt8], PictureError>, Never>?
    private var finished = false

    init(limits: FetchLimits, url: URL) {
        self.limits = limits
        self.url = url
    }

    func run() async throws(PictureError) -> [UInt8] {
        let configuration = URLSessionConfiguration.ephemeral
        let seconds = Double(limits.timeout.components.seconds) + Double(limits.timeout.components.attoseconds) / 1e18
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        configuration.urlCache = nil
        configuration.httpAdditionalHeaders = ["Accept": "image/*", "User-Agent": "touchstone-hash-images"]
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        request.timeoutInterval = seconds
        let dataTask = session.dataTask(with: request)
        let result = await withCheckedContinuation { continuation in
            lock.withLock { self.continuation = continuation }
            dataTask.resume()
            // Our own deadline for the whole fetch: a server dribbling bytes forever must not hold the stage.
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak dataTask] in
                self.fail(.fetch("\(self.url.absoluteString): no complete answer within \(Int(seconds)) s"))
                dataTask?.cancel()
            }
        }
        return try result.get()
    }

    private func fail(_ error: PictureError) {
        lock.withLock { if failure == nil { failure = error } }
        finish()
    }

    private func finish() {
        let continuation: CheckedContinuation<Result<[UInt8], PictureError>, Never>? = lock.withLock {
            guard !finished else { return nil }
            finished = true
            defer { self.continuation = nil }
            return self.continuation
        }
        guard let continuation else { return }
        let result: Result<[UInt8], PictureError> = lock.withLock {
            if let failure { return .failure(failure) }
            return .success(Array(body))
        }
        continuation.resume(returning: result)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 0
        let where_ = response.url?.absoluteString ?? url.absoluteString
        if !(200..<300).contains(status) {
            fail(.fetch("\(where_) answered HTTP \(status)"))
            completionHandler(.cancel)
            return
        }
        let type = (http?.value(forHTTPHeaderField: "Content-Type") ?? "").lowercased()
        if !type.hasPrefix("image/") {
            fail(.fetch("\(where_) sent content type '\(type.isEmpty ? "none" : type)', not an image type"))
            completionHandler(.cancel)
            return
        }
        if response.expectedContentLength > Int64(limits.maxBytes) {
            fail(.tooLarge("\(where_) declares \(response.expectedContentLength) bytes, over the \(limits.maxBytes)-byte limit"))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over: Bool = lock.withLock {
            body.append(data)
            return body.count > limits.maxBytes
        }
        if over {
            fail(.tooLarge("\(url.absoluteString) sent more than the \(limits.maxBytes)-byte limit"))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        let count: Int = lock.withLock { redirects += 1; return redirects }
        guard count <= limits.maxRedirects else {
            fail(.fetch("\(url.absoluteString): more than \(limits.maxRedirects) redirects"))
            completionHandler(nil)
            task.cancel()
            return
        }
        guard let target = request.url, let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = target.host else {
            fail(.refused("\(url.absoluteString) redirects to \(request.url?.absoluteString ?? "nothing"), not an http(s) URL"))
            completionHandler(nil)
            task.cancel()
            return
        }
        do throws(PictureError) {
            try limits.addresses.check(host: host)
            completionHandler(request)
        } catch {
            fail(.refused("redirect from \(url.absoluteString) to \(target.absoluteString): \(error.description)"))
            completionHandler(nil)
            task.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error { fail(.fetch("\(url.absoluteString): \(error.localizedDescription)")) } else { finish() }
    }
}
